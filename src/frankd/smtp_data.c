/* smtp_data.c: the text of a message after DATA (RFC 5321 4.1.1.4, 4.5.2),
 * read as it streams in, in pieces of any size.
 *
 *   data     = *line end
 *   line     = [ "." ] *text ( CRLF / LF )   ; the leading "." of a line
 *                                           ; with more on it is removed
 *   end      = "." CRLF, at the start of a line that follows a CRLF (or
 *              at the very start)
 *
 * Bare LF is tolerated as a line ending (written as CRLF); a lone CR is
 * data.  Only CRLF "." CRLF ends the data, as Postfix's
 * smtpd_forbid_bare_newline=normalize has it: a "." line next to a bare LF
 * stays in the message as "." (no SMTP smuggling through a server that
 * reads the end differently). */
#include "frankd.h"

enum {
	AT_START_CRLF, /* a line starts, the one before ended with CRLF */
	AT_START_LF,   /* a line starts, the one before ended with a bare LF */
	DOT_CRLF,      /* "." at the start of a line after CRLF */
	DOT_CRLF_CR,   /* "." CR there: the end if LF follows */
	DOT_LF,        /* "." at the start of a line after a bare LF */
	DOT_LF_CR,
	IN_LINE,
	IN_LINE_CR,    /* a CR inside a line, LF or not to come */
};

void frankd_data_reader_init(struct frankd_data_reader *r, size_t max_size)
{
	r->state = AT_START_CRLF;
	r->size = 0;
	r->max_size = max_size;
	r->done = 0;
}

int frankd_data_reader_too_big(const struct frankd_data_reader *r)
{
	return r->max_size && r->size > r->max_size;
}

static void emit(struct frankd_data_reader *r, struct lib_buf *out, const char *s, size_t n)
{
	size_t room = n;
	if (r->max_size)
		room = r->size >= r->max_size ? 0
		     : r->max_size - r->size < n ? r->max_size - r->size : n;
	if (room)
		lib_buf_append(out, s, room);
	r->size += n;
}

/* A byte inside a line. */
static void in_line(struct frankd_data_reader *r, struct lib_buf *out, char c)
{
	if (c == '\r') {
		r->state = IN_LINE_CR;
	} else if (c == '\n') {
		emit(r, out, "\r\n", 2);
		r->state = AT_START_LF;
	} else {
		emit(r, out, &c, 1);
		r->state = IN_LINE;
	}
}

/* A pending CR met c: CRLF ends the line, else the CR is data. */
static void after_cr(struct frankd_data_reader *r, struct lib_buf *out, char c)
{
	if (c == '\n') {
		emit(r, out, "\r\n", 2);
		r->state = AT_START_CRLF;
		return;
	}
	emit(r, out, "\r", 1);
	in_line(r, out, c);
}

static void step(struct frankd_data_reader *r, struct lib_buf *out, char c)
{
	switch (r->state) {
	case AT_START_CRLF:
	case AT_START_LF:
		if (c == '.')
			r->state = r->state == AT_START_CRLF ? DOT_CRLF : DOT_LF;
		else
			in_line(r, out, c);
		break;
	case DOT_CRLF:
	case DOT_LF:
		if (c == '\r') {
			r->state = r->state == DOT_CRLF ? DOT_CRLF_CR : DOT_LF_CR;
		} else if (c == '\n') { /* "." and a bare LF: data */
			emit(r, out, ".\r\n", 3);
			r->state = AT_START_LF;
		} else {
			in_line(r, out, c); /* the transparency dot goes */
		}
		break;
	case DOT_CRLF_CR:
		if (c == '\n')
			r->done = 1;
		else
			after_cr(r, out, c);
		break;
	case DOT_LF_CR:
		if (c == '\n') { /* "." CRLF after a bare LF: data */
			emit(r, out, ".\r\n", 3);
			r->state = AT_START_CRLF;
		} else {
			after_cr(r, out, c);
		}
		break;
	case IN_LINE:
		in_line(r, out, c);
		break;
	case IN_LINE_CR:
		after_cr(r, out, c);
		break;
	}
}

size_t frankd_data_reader_feed(struct frankd_data_reader *r, const char *in, size_t len,
			       struct lib_buf *out)
{
	size_t i = 0;
	while (i < len && !r->done) {
		/* The common case, plain bytes inside a line, goes in one piece. */
		if (r->state == IN_LINE) {
			size_t j = i;
			while (j < len && in[j] != '\r' && in[j] != '\n')
				j++;
			emit(r, out, in + i, j - i);
			i = j;
			if (i == len)
				break;
		}
		step(r, out, in[i++]);
	}
	return i;
}
