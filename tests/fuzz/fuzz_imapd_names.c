/* fuzz_imapd_names.c: frankd's names files (the subscriptions file).
 * Besides not crashing: a refused file has an error text and leaves the
 * list empty; a file parsed is written back byte for byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frankd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frankd_imap_names names;
	struct lib_err err;
	err.msg[0] = '\0';
	if (frankd_imap_names_parse(FRANKD_SUBSCRIPTIONS_MAGIC, (const char *)data, size, &names,
				    &err) < 0) {
		if (!err.msg[0] || names.count)
			abort();
		return 0;
	}
	struct lib_buf again = LIB_BUF_INIT;
	frankd_imap_names_format(FRANKD_SUBSCRIPTIONS_MAGIC, &names, &again);
	if (again.len != size || memcmp(again.data, data, size) != 0)
		abort();
	lib_buf_release(&again);
	frankd_imap_names_release(&names);
	return 0;
}
