/* index_format.c: one line of the index from $index_format, mutt's way.
 *
 * A pure function over the format and one message's values (no curses,
 * no store), so the unit tests and the fuzzer drive it directly.  The
 * grammar, after mutt's format_string() (muttrc(5), "index_format"):
 *
 *   format      = *( literal / "%%" / expando / conditional )
 *   expando     = "%" [ "-" ] [ width ] [ "." precision ] conversion
 *   conversion  = "C" / "Z" / "d" / "L" / "n" / "a" / "s" / "c" / "l"
 *               / "B" / "X" / "{" strftime-format "}"
 *   conditional = "%?" letter "?" if-text [ "&" else-text ] "?"
 *   width, precision = 1*DIGIT          ; in terminal columns, at most 512
 *
 * if-text is shown when the letter's value is set (a number above 0, a
 * string not empty), else else-text; either may hold expandos but not
 * another conditional ("%?" in them, as "%&", is the character).  A
 * value is cut to precision columns, then padded to width (on the left
 * unless "-"), counting wide characters as two columns.  An unknown
 * conversion is shown as written, so a typo is seen, not swallowed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define FIELD_MAX 512 /* widths and precisions larger are cut to this */

struct fmt_out {
	char *buf;
	size_t size, len;
	int full; /* a piece was cut: nothing more goes in (a short buffer
		   * holds a prefix of what a long one would) */
	struct config_index_span *spans;
	size_t nspans, max_spans;
};

struct fmt_spec {
	int left;
	int width;     /* -1: none */
	int precision; /* -1: none */
};

/* Appends s[0..n), cut at a character boundary when the buffer is full. */
static void put(struct fmt_out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (o->len + n + 1 > o->size) {
		n = o->size - 1 - o->len;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		o->full = 1;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_spaces(struct fmt_out *o, int n)
{
	for (; n > 0 && !o->full; n--)
		put(o, " ", 1);
}

/* Columns of the character at s; its length in *n.  Invalid bytes and
 * characters wcwidth() does not know take one column each. */
static int char_cols(const char *s, size_t len, size_t *n)
{
	unsigned cp = 0;
	*n = lib_utf8_decode((const unsigned char *)s, len, &cp);
	if (*n == 0) {
		*n = 1;
		return 1;
	}
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

/* Bytes of s[0..len) within cols columns; *used gets the columns. */
static size_t fit(const char *s, size_t len, int cols, int *used)
{
	size_t pos = 0;
	int w = 0;
	while (pos < len) {
		size_t n;
		int c = char_cols(s + pos, len - pos, &n);
		if (cols >= 0 && w + c > cols)
			break;
		w += c;
		pos += n;
	}
	*used = w;
	return pos;
}

static void add_span(struct fmt_out *o, size_t off, size_t len, enum config_index_part part)
{
	if (len > 0 && o->nspans < o->max_spans)
		o->spans[o->nspans++] = (struct config_index_span){ off, len, part };
}

/* A value cut to the precision and padded to the width.  Its first
 * mark_len bytes (the thread tree) are a span, or for the badge the whole
 * field, padding and all (the badge's column is in its colour). */
static void put_field(struct fmt_out *o, const struct fmt_spec *sp, const char *v,
		      size_t mark_len, int part)
{
	int cols;
	size_t n = fit(v, strlen(v), sp->precision, &cols);
	int pad = sp->width > cols ? sp->width - cols : 0;
	size_t field = o->len;
	if (!sp->left)
		put_spaces(o, pad);
	size_t start = o->len;
	put(o, v, n);
	size_t value_end = o->len;
	if (sp->left)
		put_spaces(o, pad);
	if (part == CONFIG_INDEX_TREE)
		add_span(o, start, mark_len < value_end - start ? mark_len : value_end - start,
			 CONFIG_INDEX_TREE);
	else if (part == CONFIG_INDEX_BADGE)
		add_span(o, field, o->len - field, CONFIG_INDEX_BADGE);
}

void config_index_size(long long n, char *buf, size_t size)
{
	if (n < 0)
		snprintf(buf, size, "?");
	else if (n < 1000)
		snprintf(buf, size, "%lld", n);
	else if (n < 10 * 1024)
		snprintf(buf, size, "%.1fK", (double)n / 1024);
	else if (n < 1024 * 1024)
		snprintf(buf, size, "%lldK", (n + 512) / 1024);
	else
		snprintf(buf, size, "%.1fM", (double)n / (1024 * 1024));
}

static void put_date(struct fmt_out *o, const struct fmt_spec *sp, long long date,
		     const char *fmt)
{
	char out[256] = "";
	struct tm tm;
	time_t t = (time_t)date;
	/* The format is the user's, as strftime(3) formats always are. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (localtime_r(&t, &tm) && strftime(out, sizeof out, fmt, &tm) == 0)
		out[0] = '\0';
#pragma GCC diagnostic pop
	put_field(o, sp, out, 0, -1);
}

/* Whether a conditional's letter is set. */
static int is_set(char c, const struct config_index_line *l)
{
	switch (c) {
	case 'C': return l->number > 0;
	case 'Z': return strspn(l->flags, " ") < strlen(l->flags);
	case 'd': return l->date != 0;
	case 'L': case 'n': return l->name[0] != '\0';
	case 'a': return l->address[0] != '\0';
	case 's': return l->subject[0] != '\0';
	case 'c': return l->size > 0;
	case 'l': return l->lines > 0;
	case 'B': return l->badge[0] != '\0';
	case 'X': return l->attachment;
	default: return 0;
	}
}

/* Expands one conversion c; 0 when c is not one. */
static int expand(struct fmt_out *o, const struct fmt_spec *sp, char c,
		  const struct config_index_line *l)
{
	char num[64];
	switch (c) {
	case 'C':
		snprintf(num, sizeof num, "%zu", l->number);
		put_field(o, sp, num, 0, -1);
		return 1;
	case 'Z': put_field(o, sp, l->flags, 0, -1); return 1;
	case 'd': put_date(o, sp, l->date, l->date_format ? l->date_format : "%b %d"); return 1;
	case 'L': case 'n': put_field(o, sp, l->name, 0, -1); return 1;
	case 'a': put_field(o, sp, l->address, 0, -1); return 1;
	case 'c':
		config_index_size(l->size, num, sizeof num);
		put_field(o, sp, num, 0, -1);
		return 1;
	case 'l':
		if (l->lines >= 0)
			snprintf(num, sizeof num, "%ld", l->lines);
		else
			num[0] = '\0';
		put_field(o, sp, num, 0, -1);
		return 1;
	case 'B': put_field(o, sp, l->badge, 0, CONFIG_INDEX_BADGE); return 1;
	case 'X': put_field(o, sp, l->attachment ? "@" : " ", 0, -1); return 1;
	case 's': {
		size_t tlen = strlen(l->tree);
		char *v = lib_xasprintf("%s%s", l->tree, l->subject);
		put_field(o, sp, v, tlen, CONFIG_INDEX_TREE);
		free(v);
		return 1;
	}
	default: return 0;
	}
}

/* Reads "-", width and ".precision" after a "%". */
static const char *read_spec(const char *p, const char *end, struct fmt_spec *sp)
{
	sp->left = 0;
	sp->width = sp->precision = -1;
	if (p < end && *p == '-') {
		sp->left = 1;
		p++;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		sp->width = (sp->width < 0 ? 0 : sp->width) * 10 + (*p - '0') > FIELD_MAX
				    ? FIELD_MAX
				    : (sp->width < 0 ? 0 : sp->width) * 10 + (*p - '0');
	if (p < end && *p == '.') {
		sp->precision = 0;
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			sp->precision = sp->precision * 10 + (*p - '0') > FIELD_MAX
						? FIELD_MAX
						: sp->precision * 10 + (*p - '0');
	}
	return p;
}

/* The end of a conditional's text: the first "&" (when amp) or "?" that
 * is not part of a "%x" pair or inside "%{...}". */
static const char *cond_end(const char *p, const char *end, int amp)
{
	while (p < end) {
		if (*p == '%' && p + 1 < end) {
			const char *q = p + 1;
			while (q < end && (*q == '-' || *q == '.' || (*q >= '0' && *q <= '9')))
				q++;
			if (q < end && *q == '{') {
				const char *close = memchr(q, '}', (size_t)(end - q));
				p = close ? close + 1 : q + 1;
			} else {
				p = q < end ? q + 1 : q;
			}
			continue;
		}
		if (*p == '?' || (amp && *p == '&'))
			return p;
		p++;
	}
	return end;
}

/* A literal character, control characters shown as '?'. */
static const char *put_literal(struct fmt_out *o, const char *p, const char *end)
{
	size_t n;
	char_cols(p, (size_t)(end - p), &n);
	if ((unsigned char)*p < 0x20 || *p == 0x7f)
		put(o, "?", 1);
	else
		put(o, p, n);
	return p + n;
}

static void format_range(struct fmt_out *o, const char *p, const char *end,
			 const struct config_index_line *l, int depth);

/* "%?c?then&else?" at p (just after "%?"); returns what follows it. */
static const char *conditional(struct fmt_out *o, const char *p, const char *end,
			       const struct config_index_line *l, int depth)
{
	if (p + 1 >= end || p[1] != '?') {
		put(o, "%?", 2);
		return p;
	}
	char c = *p;
	const char *then = p + 2, *then_end = cond_end(then, end, 1);
	const char *alt = NULL, *alt_end = then_end;
	if (then_end < end && *then_end == '&') {
		alt = then_end + 1;
		alt_end = cond_end(alt, end, 0);
	}
	if (is_set(c, l))
		format_range(o, then, then_end, l, depth + 1);
	else if (alt)
		format_range(o, alt, alt_end, l, depth + 1);
	return alt_end < end ? alt_end + 1 : end;
}

static void format_range(struct fmt_out *o, const char *p, const char *end,
			 const struct config_index_line *l, int depth)
{
	while (p < end && !o->full) {
		if (*p != '%' || p + 1 >= end) {
			p = put_literal(o, p, end);
			continue;
		}
		const char *start = p++;
		if (*p == '%') {
			put(o, "%", 1);
			p++;
			continue;
		}
		if (*p == '?' && depth == 0) {
			p = conditional(o, p + 1, end, l, depth);
			continue;
		}
		struct fmt_spec sp;
		p = read_spec(p, end, &sp);
		if (p < end && *p == '{') {
			const char *close = memchr(p, '}', (size_t)(end - p));
			if (close) {
				char *fmt = lib_xstrndup(p + 1, (size_t)(close - p - 1));
				put_date(o, &sp, l->date, fmt);
				free(fmt);
				p = close + 1;
				continue;
			}
		}
		if (p < end && expand(o, &sp, *p, l)) {
			p++;
			continue;
		}
		/* not a conversion: shown as written */
		size_t n = (size_t)((p < end ? p + 1 : p) - start);
		for (size_t i = 0; i < n;)
			i = (size_t)(put_literal(o, start + i, start + n) - start);
		p = start + n;
	}
}

size_t config_index_format(const char *fmt, const struct config_index_line *line, char *buf,
			   size_t size, struct config_index_span *spans, size_t max_spans,
			   size_t *nspans)
{
	struct fmt_out o = { buf, size, 0, 0, spans, 0, spans ? max_spans : 0 };
	if (size == 0)
		return 0;
	buf[0] = '\0';
	format_range(&o, fmt, fmt + strlen(fmt), line, 0);
	if (nspans)
		*nspans = o.nspans;
	return o.len;
}
