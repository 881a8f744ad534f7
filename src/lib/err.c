/* err.c: errors as values, allocation that cannot fail, debug logging. */
#include "lib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int lib_err_set(struct lib_err *err, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void *out_of_memory(size_t size)
{
	fprintf(stderr, "frank: out of memory (%zu bytes)\n", size);
	abort();
}

void *lib_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	return p ? p : out_of_memory(size);
}

void *lib_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : out_of_memory(n * size);
}

void *lib_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	return p ? p : out_of_memory(size);
}

char *lib_xstrdup(const char *s)
{
	return lib_xstrndup(s, strlen(s));
}

char *lib_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = lib_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *lib_xasprintf(const char *fmt, ...)
{
	struct lib_buf b = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return lib_buf_take(&b);
}

static FILE *log_file;

int lib_log_open(const char *path, struct lib_err *err)
{
	FILE *f = fopen(path, "a");
	if (!f)
		return lib_err_set(err, "%s: cannot open debug log: %s", path, strerror(errno));
	lib_log_close();
	setvbuf(f, NULL, _IOLBF, 0);
	log_file = f;
	return 0;
}

void lib_log_close(void)
{
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}

void lib_debug(const char *fmt, ...)
{
	if (!log_file)
		return;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	fprintf(log_file, "%s ", stamp);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
}
