/* fuzz_line.c: net_line_scan against a plain reference splitter.  The
 * first byte picks the line limit; the rest is split line by line, in
 * pieces as a reader would see them, and every line must equal what the
 * reference finds, or both must agree the line is too long. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* The reference: the first LF, a CR before it dropped. */
static int reference(const char *buf, size_t len, size_t max, size_t *line_len, size_t *used)
{
	const char *lf = memchr(buf, '\n', len);
	if (!lf)
		return -1;
	size_t n = (size_t)(lf - buf);
	*used = n + 1;
	if (n && buf[n - 1] == '\r')
		n--;
	*line_len = n;
	return n > max ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t max = data[0];
	const char *buf = (const char *)data + 1;
	size_t len = size - 1, pos = 0;
	while (pos < len) {
		size_t line_len = 0, used = 0, rl = 0, ru = 0;
		enum net_line_scan r = net_line_scan(buf + pos, len - pos, max, &line_len, &used);
		int ref = reference(buf + pos, len - pos, max, &rl, &ru);
		if (r == NET_LINE_FOUND) {
			if (ref != 0 || rl != line_len || ru != used || line_len > max)
				abort();
			pos += used;
			continue;
		}
		if (r == NET_LINE_TOO_LONG) {
			/* Too long must be certain: no line end within limit + 2 or
			 * a line end after more than max bytes. */
			if (ref == 0)
				abort();
			break;
		}
		/* MORE: no line end yet and nothing over the limit. */
		if (ref != -1 || len - pos > max + 1)
			abort();
		break;
	}
	return 0;
}
