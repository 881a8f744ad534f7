/* fuzz_sync_event.c: the parser of frank sync --progress-fd lines on each
 * line of any bytes; what parses must format back to a line that parses
 * to the same event.  src/store is not in the fuzz build's libraries (it
 * needs notmuch), so its one file, which needs none, is built here. */
#include "../../src/store/sync_event.c"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_lines.h"

static void one_line(const char *line, size_t len)
{
	struct store_sync_event ev, back;
	struct lib_err err;
	if (store_sync_event_parse(line, len, &ev, &err) < 0)
		return;
	char out[STORE_SYNC_EVENT_MAX * 4];
	size_t n = store_sync_event_format(&ev, out, sizeof out);
	if (n == 0 || out[n - 1] != '\n' || memchr(out, '\n', n - 1))
		abort();
	if (store_sync_event_parse(out, n, &back, &err) < 0)
		abort();
	if (back.kind != ev.kind || strcmp(back.account, ev.account) ||
	    strcmp(back.folder, ev.folder) || back.done != ev.done || back.total != ev.total ||
	    back.rc != ev.rc)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each_line(data, size, 0, one_line);
	return 0;
}
