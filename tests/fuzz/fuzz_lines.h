/* fuzz_lines.h: the fuzz targets that judge a parser line by line split
 * their input here.  Each line goes to the callback as a heap copy of
 * exactly its bytes (no terminator), so a read past the line is caught by
 * ASan; strip_cr drops one CR before the LF. */
#ifndef FUZZ_LINES_H
#define FUZZ_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline void fuzz_each_line(const uint8_t *data, size_t size, int strip_cr,
				  void (*one_line)(const char *line, size_t len))
{
	const char *buf = (const char *)data;
	for (size_t start = 0, i = 0; i <= size; i++) {
		if (i != size && buf[i] != '\n')
			continue;
		size_t len = i - start;
		if (strip_cr && len && buf[start + len - 1] == '\r')
			len--;
		char *line = malloc(len ? len : 1);
		if (!line)
			abort();
		memcpy(line, buf + start, len);
		one_line(line, len);
		free(line);
		start = i + 1;
	}
}

#endif
