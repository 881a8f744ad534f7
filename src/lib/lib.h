/* lib.h: the face of src/lib, small helpers every part of frank shares:
 * errors as values, growable buffers, UTF-8 cleaning, debug logging. */
#ifndef FRANK_LIB_H
#define FRANK_LIB_H

#include <stdarg.h>
#include <stddef.h>

/* An error travels back as a value: functions that can fail return -1 and
 * fill a caller-owned struct lib_err with one line of user-facing text. */
struct lib_err {
	char msg[512];
};

/* Sets err->msg (printf-style); err may be NULL.  Always returns -1, so a
 * failing function can "return lib_err_set(err, ...)". */
int lib_err_set(struct lib_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Allocation that cannot fail: on exhaustion it prints and aborts, since no
 * caller could do better and a half-built state is worse. */
void *lib_xmalloc(size_t size);
void *lib_xcalloc(size_t n, size_t size);
void *lib_xrealloc(void *ptr, size_t size);
char *lib_xstrdup(const char *s);
char *lib_xstrndup(const char *s, size_t n);
char *lib_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated after lib_buf_* calls.
 * The owner of the struct calls lib_buf_release() (the struct itself is
 * usually on the stack); lib_buf_take() hands the data to the caller. */
struct lib_buf {
	char *data;
	size_t len;
	size_t cap;
};

#define LIB_BUF_INIT { NULL, 0, 0 }

void lib_buf_append(struct lib_buf *b, const void *data, size_t len);
void lib_buf_puts(struct lib_buf *b, const char *s);
void lib_buf_putc(struct lib_buf *b, char c);
void lib_buf_printf(struct lib_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lib_buf_vprintf(struct lib_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void lib_buf_reset(struct lib_buf *b);
/* Returns the data (never NULL, caller frees) and empties the buffer. */
char *lib_buf_take(struct lib_buf *b);
void lib_buf_release(struct lib_buf *b);

/* Appends in[0..len) to out as text that is safe to show on a terminal:
 * valid UTF-8 is kept; invalid sequences, overlong forms, surrogates, and
 * control characters (C0 but TAB and LF, DEL, C1) become U+FFFD; CR is
 * dropped so CRLF reads as LF.  Hostile bytes such as ESC never pass. */
void lib_utf8_sanitize(const char *in, size_t len, struct lib_buf *out);
/* s (NULL reads as "") sanitized as above, on one line: LF and TAB become
 * spaces.  For header values shown on a screen line.  Caller frees. */
char *lib_utf8_one_line(const char *s);

/* Decodes one UTF-8 sequence at s (at most len bytes).  Returns its length
 * and stores the code point, or returns 0 for an invalid sequence. */
size_t lib_utf8_decode(const unsigned char *s, size_t len, unsigned *cp);

/* Reads a whole file into a new buffer (NUL-terminated, caller frees),
 * refusing files larger than max_size. */
int lib_read_file(const char *path, size_t max_size, char **data, size_t *len,
		  struct lib_err *err);

/* Debug log (frank -d FILE): off until lib_log_open().  Never pass secrets. */
int lib_log_open(const char *path, struct lib_err *err);
void lib_log_close(void);
void lib_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Overwrites n bytes at p with zeros in a way the compiler may not drop,
 * for secrets (passwords) about to be freed. */
void lib_secure_zero(void *p, size_t n);

/* A set of strings (copies kept).  _add returns 1 when s was new.
 * _next walks the set in no particular order: start with *pos = 0; NULL
 * at the end. */
struct lib_strset;
struct lib_strset *lib_strset_new(void);
void lib_strset_free(struct lib_strset *set);
int lib_strset_add(struct lib_strset *set, const char *s);
int lib_strset_has(const struct lib_strset *set, const char *s);
size_t lib_strset_count(const struct lib_strset *set);
const char *lib_strset_next(const struct lib_strset *set, size_t *pos);

#endif
