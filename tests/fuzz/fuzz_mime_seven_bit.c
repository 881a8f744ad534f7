/* fuzz_mime_seven_bit.c: the 7-bit downgrade of relay and signing
 * (mime_message_to_7bit) over hostile messages.  Invariants: it either
 * fails with a message, or gives bytes that are all 7-bit; a message whose
 * header section is not ASCII always fails; and converting the 7-bit form
 * again, when GMime can read it, gives 7-bit bytes too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"

static int all_7bit(const struct lib_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] >= 0x80)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256 * 1024)
		return 0;
	const char *msg = (const char *)data;
	struct lib_buf out = LIB_BUF_INIT, again = LIB_BUF_INIT;
	struct lib_err err = { "" };
	int rc = mime_message_to_7bit(msg, size, &out, &err);
	if (rc == 0) {
		if (!all_7bit(&out) || mime_header_is_8bit(msg, size))
			abort();
		/* (garbage in may come out as garbage GMime cannot parse again) */
		if (mime_message_to_7bit(out.data ? out.data : "", out.len, &again, &err) == 0 &&
		    !all_7bit(&again))
			abort();
	} else if (rc != -1 || !err.msg[0]) {
		abort();
	}
	lib_buf_release(&out);
	lib_buf_release(&again);
	return 0;
}
