/* html.c: HTML as plain text, for a message that has no text/plain part
 * and no mailcap viewer: a pure function over bytes, in one pass.
 *
 * Not a full HTML5 parser (WHATWG 13.2): it keeps what a reader needs.
 * The grammar it follows, simplified from HTML5's tokenizer:
 *
 *   document  = *( text / tag / comment / decl )
 *   comment   = "<!--" *CHAR "-->"
 *   decl      = "<!" *( %x00-3D / %x3F-FF ) ">"  / "<?" ... ">"
 *   tag       = "<" ["/"] name *( ws attribute ) *ws ["/"] ">"
 *   name      = ALPHA *( ALPHA / DIGIT / "-" )
 *   attribute = attr-name [ *ws "=" *ws value ]
 *   value     = DQUOTE *(not DQUOTE) DQUOTE / "'" *(not "'") "'" / 1*(not ws or ">")
 *   text      = *( char / entity )
 *   entity    = "&" name ";" / "&#" 1*DIGIT ";" / "&#x" 1*HEXDIG ";"
 *
 * script, style, title and head content is dropped; block elements
 * (p, div, h1-h6, ul, ol, li, tr, blockquote, pre, hr) become line
 * structure; whitespace collapses outside pre; a link's text is
 * followed by [n] and its URL kept in links. */
#include "mime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTML_MAX_LIST_DEPTH 8
#define HTML_NAME_MAX 16

struct html_state {
	struct lib_buf *out;
	struct mime_links *links;
	int in_pre;
	int space_pending; /* collapsed whitespace before the next word */
	int newlines;      /* newlines at the end of out (2: a blank line) */
	int list_depth;
	int ol_counter[HTML_MAX_LIST_DEPTH + 1];
	int link_open;     /* the [n] of the open <a>, 0 when none */
};

static const struct {
	const char *name;
	unsigned cp;
} entities[] = {
	{ "amp", '&' },	    { "lt", '<' },	{ "gt", '>' },	    { "quot", '"' },
	{ "apos", '\'' },   { "nbsp", 0xA0 },	{ "copy", 0xA9 },   { "reg", 0xAE },
	{ "trade", 0x2122 }, { "hellip", 0x2026 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "bull", 0x2022 }, { "middot", 0xB7 }, { "euro", 0x20AC }, { "pound", 0xA3 },
	{ "yen", 0xA5 },    { "cent", 0xA2 },	{ "sect", 0xA7 },   { "deg", 0xB0 },
	{ "plusmn", 0xB1 }, { "times", 0xD7 },	{ "divide", 0xF7 }, { "laquo", 0xAB },
	{ "raquo", 0xBB },  { "shy", 0xAD },	{ "eacute", 0xE9 }, { "egrave", 0xE8 },
	{ "agrave", 0xE0 }, { "auml", 0xE4 },	{ "ouml", 0xF6 },   { "uuml", 0xFC },
	{ "Auml", 0xC4 },   { "Ouml", 0xD6 },	{ "Uuml", 0xDC },   { "szlig", 0xDF },
	{ "ccedil", 0xE7 }, { "ntilde", 0xF1 }, { "zwnj", 0x200C }, { "zwj", 0x200D },
	{ "rarr", 0x2192 }, { "larr", 0x2190 },
};

static void put_cp(struct lib_buf *b, unsigned cp)
{
	char u[4];
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		lib_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		lib_buf_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		lib_buf_append(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		lib_buf_append(b, u, 4);
	}
}

/* Decodes the entity at s[0] == '&'; returns the bytes it took (0: not
 * an entity, the '&' is text) and stores its code point. */
static size_t entity_decode(const char *s, size_t len, unsigned *cp)
{
	size_t i = 1;
	if (i < len && s[i] == '#') {
		int hex = i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X');
		i += hex ? 2 : 1;
		unsigned long v = 0;
		size_t digits = 0;
		for (; i < len && digits < 8; i++, digits++) {
			char c = s[i];
			int d = c >= '0' && c <= '9'	       ? c - '0'
				: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
				: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
							      : -1;
			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (!digits)
			return 0;
		*cp = v > 0x10FFFF ? 0xFFFD : (unsigned)v;
		return i < len && s[i] == ';' ? i + 1 : i;
	}
	size_t start = i;
	while (i < len && i - start < 10 &&
	       ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		i++;
	if (i >= len || s[i] != ';')
		return 0;
	for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++)
		if (strlen(entities[k].name) == i - start &&
		    memcmp(entities[k].name, s + start, i - start) == 0) {
			*cp = entities[k].cp;
			return i + 1;
		}
	return 0;
}

static void ensure_newlines(struct html_state *st, int want)
{
	if (st->out->len == 0)
		return; /* no blank lines before the first text */
	while (st->newlines < want) {
		lib_buf_putc(st->out, '\n');
		st->newlines++;
	}
	st->space_pending = 0;
}

/* One character of text: a decoded code point, or (raw) one byte of the
 * document's UTF-8 as it comes. */
static void put_text(struct html_state *st, unsigned cp, int raw)
{
	int space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f';
	if (st->in_pre) {
		if (cp == '\r')
			return;
		if (raw)
			lib_buf_putc(st->out, (char)cp);
		else
			put_cp(st->out, cp);
		st->newlines = cp == '\n' ? st->newlines + 1 : 0;
		return;
	}
	if (space) {
		if (st->newlines == 0 && st->out->len > 0)
			st->space_pending = 1;
		return;
	}
	if (st->space_pending)
		lib_buf_putc(st->out, ' ');
	st->space_pending = 0;
	if (raw)
		lib_buf_putc(st->out, (char)cp);
	else
		put_cp(st->out, cp == 0xA0 ? ' ' : cp);
	st->newlines = 0;
}

struct html_tag {
	char name[HTML_NAME_MAX + 1];
	int closing;
	char *href; /* a's href, decoded, or NULL */
};

/* An attribute value with its entities decoded. */
static char *decode_value(const char *s, size_t len)
{
	struct lib_buf b = LIB_BUF_INIT;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = s[i] == '&' ? entity_decode(s + i, len - i, &cp) : 0;
		if (n) {
			put_cp(&b, cp);
			i += n;
		} else {
			lib_buf_putc(&b, s[i++]);
		}
	}
	return lib_buf_take(&b);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Parses the tag at s[0] == '<'; returns its length (through '>'), or 0
 * when it is not a tag (the '<' is then text). */
static size_t tag_parse(const char *s, size_t len, struct html_tag *tag)
{
	size_t i = 1, n = 0;
	memset(tag, 0, sizeof *tag);
	if (i < len && s[i] == '/') {
		tag->closing = 1;
		i++;
	}
	if (i >= len || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		return 0;
	while (i < len && !is_ws(s[i]) && s[i] != '>' && s[i] != '/') {
		if (n < HTML_NAME_MAX)
			tag->name[n++] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
		i++;
	}
	while (i < len && s[i] != '>') {
		if (is_ws(s[i]) || s[i] == '/') {
			i++;
			continue;
		}
		size_t an = i;
		while (i < len && !is_ws(s[i]) && s[i] != '=' && s[i] != '>')
			i++;
		size_t an_len = i - an;
		while (i < len && is_ws(s[i]))
			i++;
		if (i >= len || s[i] != '=')
			continue;
		i++;
		while (i < len && is_ws(s[i]))
			i++;
		size_t vs, ve;
		if (i < len && (s[i] == '"' || s[i] == '\'')) {
			char q = s[i++];
			vs = i;
			while (i < len && s[i] != q)
				i++;
			ve = i;
			if (i < len)
				i++;
		} else {
			vs = i;
			while (i < len && !is_ws(s[i]) && s[i] != '>')
				i++;
			ve = i;
		}
		if (an_len == 4 && strncasecmp(s + an, "href", 4) == 0 && !tag->href &&
		    ve - vs <= MIME_LINK_MAX)
			tag->href = decode_value(s + vs, ve - vs);
	}
	if (i >= len) {
		free(tag->href);
		tag->href = NULL;
		return 0; /* no '>': the rest is text */
	}
	return i + 1;
}

static int name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

/* Skips to the end of </name>, case-insensitive; returns the new index. */
static size_t skip_raw_content(const char *s, size_t len, size_t i, const char *name)
{
	size_t nl = strlen(name);
	for (; i + 2 + nl < len; i++)
		if (s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, name, nl) == 0) {
			const char *gt = memchr(s + i, '>', len - i);
			return gt ? (size_t)(gt - s) + 1 : len;
		}
	return len;
}

static void list_item(struct html_state *st)
{
	ensure_newlines(st, 1);
	int depth = st->list_depth > 0 ? st->list_depth : 1;
	for (int k = 1; k < depth; k++)
		lib_buf_puts(st->out, "  ");
	if (st->list_depth > 0 && st->ol_counter[st->list_depth] > 0)
		lib_buf_printf(st->out, "%d. ", st->ol_counter[st->list_depth]++);
	else
		lib_buf_puts(st->out, "* ");
	st->newlines = 0;
	st->space_pending = 0;
}

static void link_open(struct html_state *st, char *href)
{
	st->link_open = 0;
	if (!href || !*href || href[0] == '#')
		return;
	st->link_open = (int)mime_links_add(st->links, href, strlen(href));
}

static void tag_apply(struct html_state *st, const struct html_tag *t)
{
	static const char *const paragraphs[] = { "p",	    "h1",    "h2",	   "h3", "h4",
						  "h5",	    "h6",    "blockquote", "table", "pre",
						  "ul",	    "ol",    "dl",	   NULL };
	static const char *const lines[] = { "div",    "tr",	 "section", "article",
					     "header", "footer", "dt",	    "dd",
					     "form",   "center", "address", "caption", NULL };
	const char *n = t->name;
	if (strcmp(n, "br") == 0) {
		lib_buf_putc(st->out, '\n');
		st->newlines++;
		st->space_pending = 0;
		return;
	}
	if (strcmp(n, "hr") == 0) {
		ensure_newlines(st, 1);
		lib_buf_puts(st->out, "--------------------\n");
		st->newlines = 1;
		return;
	}
	if (strcmp(n, "li") == 0) {
		if (!t->closing)
			list_item(st);
		return;
	}
	if (strcmp(n, "a") == 0) {
		if (t->closing && st->link_open) {
			lib_buf_printf(st->out, "[%d]", st->link_open);
			st->newlines = 0;
			st->link_open = 0;
		} else if (!t->closing) {
			link_open(st, t->href);
		}
		return;
	}
	if (strcmp(n, "td") == 0 || strcmp(n, "th") == 0) {
		if (!t->closing)
			st->space_pending = st->newlines == 0 && st->out->len > 0;
		return;
	}
	if (strcmp(n, "ul") == 0 || strcmp(n, "ol") == 0) {
		if (!t->closing && st->list_depth < HTML_MAX_LIST_DEPTH) {
			st->list_depth++;
			st->ol_counter[st->list_depth] = n[0] == 'o' ? 1 : 0;
		} else if (t->closing && st->list_depth > 0) {
			st->list_depth--;
		}
		ensure_newlines(st, st->list_depth ? 1 : 2);
		return;
	}
	if (strcmp(n, "pre") == 0)
		st->in_pre = !t->closing;
	if (name_in(n, paragraphs))
		ensure_newlines(st, 2);
	else if (name_in(n, lines))
		ensure_newlines(st, 1);
}

static size_t markup_skip(const char *s, size_t len, size_t i)
{
	if (i + 3 < len && strncmp(s + i, "<!--", 4) == 0) {
		for (size_t k = i + 4; k + 2 < len; k++)
			if (s[k] == '-' && s[k + 1] == '-' && s[k + 2] == '>')
				return k + 3;
		return len;
	}
	const char *gt = memchr(s + i, '>', len - i);
	return gt ? (size_t)(gt - s) + 1 : len;
}

void mime_html_render(const char *html, size_t len, struct lib_buf *out,
		      struct mime_links *links)
{
	struct mime_links scratch = { 0 };
	struct lib_buf raw = LIB_BUF_INIT;
	struct html_state st = { .out = &raw, .links = links ? links : &scratch };
	static const char *const dropped[] = { "script", "style", "title", "head", NULL };
	for (size_t i = 0; i < len;) {
		char c = html[i];
		if (c == '<' && i + 1 < len && (html[i + 1] == '!' || html[i + 1] == '?')) {
			i = markup_skip(html, len, i);
			continue;
		}
		struct html_tag tag;
		size_t n = c == '<' ? tag_parse(html + i, len - i, &tag) : 0;
		if (n) {
			i += n;
			if (!tag.closing && name_in(tag.name, dropped))
				i = skip_raw_content(html, len, i, tag.name);
			else
				tag_apply(&st, &tag);
			free(tag.href);
			continue;
		}
		unsigned cp;
		n = c == '&' ? entity_decode(html + i, len - i, &cp) : 0;
		if (n) {
			put_text(&st, cp, 0);
			i += n;
			continue;
		}
		put_text(&st, (unsigned char)c, 1);
		i++;
	}
	while (raw.len > 0 && raw.data[raw.len - 1] == '\n')
		raw.len--;
	if (raw.len)
		lib_buf_putc(&raw, '\n');
	lib_utf8_sanitize(raw.data ? raw.data : "", raw.len, out);
	lib_buf_release(&raw);
	mime_links_release(&scratch);
}
