/* buf.c: growable, always NUL-terminated byte buffers. */
#include "lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void buf_reserve(struct lib_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = lib_xrealloc(b->data, cap);
	b->cap = cap;
}

void lib_buf_append(struct lib_buf *b, const void *data, size_t len)
{
	buf_reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void lib_buf_puts(struct lib_buf *b, const char *s)
{
	lib_buf_append(b, s, strlen(s));
}

void lib_buf_putc(struct lib_buf *b, char c)
{
	lib_buf_append(b, &c, 1);
}

void lib_buf_vprintf(struct lib_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n > 0) {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	} else {
		buf_reserve(b, 0);
		b->data[b->len] = '\0';
	}
	va_end(again);
}

void lib_buf_printf(struct lib_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void lib_buf_reset(struct lib_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *lib_buf_take(struct lib_buf *b)
{
	buf_reserve(b, 0);
	b->data[b->len] = '\0';
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void lib_buf_release(struct lib_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
