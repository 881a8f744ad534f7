/* fuzz_sync_msgid.c: store_message_id on any bytes: no read past the
 * message, and an id found is non-empty, without space or control bytes
 * or '>', and appears in the message as written.  src/store is not in the
 * fuzz build's libraries (it needs notmuch), so its file, which needs
 * none, is built here. */
#include "../../src/store/sync_msgid.c"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly the bytes, so reads past them are caught. */
	char *msg = malloc(size ? size : 1);
	memcpy(msg, data, size);
	char id[128];
	if (store_message_id(msg, size, id, sizeof id) == 0) {
		size_t n = strlen(id);
		if (n == 0 || n >= sizeof id || strchr(id, '>'))
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)id[i] <= ' ')
				abort();
		int found = 0;
		for (size_t i = 0; !found && i + n <= size; i++)
			found = memcmp(msg + i, id, n) == 0;
		if (!found)
			abort();
	} else if (id[0]) {
		abort();
	}
	free(msg);
	return 0;
}
