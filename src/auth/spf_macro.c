/* spf_macro.c: SPF macro-strings (RFC 7208 section 7) and the domain names
 * they expand to.
 *
 *   domain-spec      = macro-string domain-end
 *   domain-end       = ( "." toplabel [ "." ] ) / macro-expand
 *   toplabel         = ( *alphanum ALPHA *alphanum ) /
 *                      ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 *   alphanum         = ALPHA / DIGIT
 *
 *   explain-string   = *( macro-string / SP )
 *
 *   macro-string     = *( macro-expand / macro-literal )
 *   macro-expand     = ( "%{" macro-letter transformers *delimiter "}" )
 *                      / "%%" / "%_" / "%-"
 *   macro-literal    = %x21-24 / %x26-7E
 *                      ; visible characters except "%"
 *   macro-letter     = "s" / "l" / "o" / "d" / "i" / "p" / "h" /
 *                      "c" / "r" / "t" / "v"
 *   transformers     = *DIGIT [ "r" ]
 *   delimiter        = "." / "-" / "+" / "," / "/" / "_" / "="
 *
 * ABNF strings are case-insensitive, so %{D2R} is %{d2r} (then URL-escaped,
 * as every uppercase letter is).  c, r and t belong to explanations only
 * (7.1). */
#include "spf_private.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MACRO_MAX_PARTS 9999 /* a larger count means "all parts" anyway */

/* One %{...} as written. */
struct macro_expand {
	char letter;     /* lowercase */
	int upper;       /* written in uppercase: URL-escape the value */
	unsigned parts;  /* rightmost parts to keep; 0 = all */
	int reverse;
	int transformed; /* digits, r or delimiters given: split and rejoin */
	char delims[8];  /* NUL-terminated set; empty = "." */
};

static int letter_allowed(char letter, enum auth_spf_macro_context context)
{
	if (strchr("slodiphv", letter))
		return 1;
	return context == AUTH_SPF_MACRO_EXPLAIN && strchr("crt", letter);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int is_delimiter(const char *set, char c)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Parses "%{...}" at text[*i] (the '%'); *i moves past the '}'. */
static int parse_expand(const char *text, size_t len, size_t *i,
			enum auth_spf_macro_context context, struct macro_expand *m,
			struct lib_err *err)
{
	size_t j = *i + 2;
	memset(m, 0, sizeof *m);
	if (j >= len)
		return lib_err_set(err, "unterminated macro '%%{'");
	unsigned char c = (unsigned char)text[j];
	char letter = (char)tolower(c);
	if (!isalpha(c) || !strchr("slodiphcrtv", letter))
		return lib_err_set(err, isgraph(c) ? "unknown macro letter '%c'"
				   : "unknown macro letter 0x%02x", c);
	if (!letter_allowed(letter, context))
		return lib_err_set(err, "macro %%{%c} is only allowed in explanations", letter);
	m->letter = letter;
	m->upper = isupper(c) != 0;
	j++;
	int digits = 0;
	while (j < len && isdigit((unsigned char)text[j])) {
		unsigned d = (unsigned)(text[j] - '0');
		m->parts = m->parts > MACRO_MAX_PARTS ? m->parts : m->parts * 10 + d;
		digits = 1;
		j++;
	}
	if (digits && m->parts == 0)
		return lib_err_set(err, "macro %%{%c0...}: the number of parts must be at least 1",
				   letter);
	if (j < len && (text[j] == 'r' || text[j] == 'R')) {
		m->reverse = 1;
		j++;
	}
	size_t nd = 0;
	while (j < len && is_delimiter(".-+,/_=", text[j])) {
		if (!strchr(m->delims, text[j]) && nd < sizeof m->delims - 1)
			m->delims[nd++] = text[j];
		j++;
	}
	if (j >= len || text[j] != '}')
		return lib_err_set(err, "macro %%{%c...} is not closed by '}'", letter);
	m->transformed = digits || m->reverse || nd > 0;
	*i = j + 1;
	return 0;
}

/* Writes the IP in dot format: 4 decimal octets, or 32 hexadecimal nibbles
 * (uppercase, as in the examples of RFC 7208 7.4). */
static void put_ip_dotted(struct lib_buf *b, const unsigned char *ip, size_t ip_len)
{
	if (ip_len == 4) {
		lib_buf_printf(b, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		return;
	}
	static const char hex[] = "0123456789ABCDEF";
	for (size_t k = 0; k < ip_len; k++) {
		if (k)
			lib_buf_putc(b, '.');
		lib_buf_putc(b, hex[ip[k] >> 4]);
		lib_buf_putc(b, '.');
		lib_buf_putc(b, hex[ip[k] & 15]);
	}
}

/* The value of a letter before transformation. */
static void letter_value(char letter, const struct auth_spf_macro_vars *v, struct lib_buf *b)
{
	char text[64];
	switch (letter) {
	case 's': lib_buf_puts(b, or_empty(v->sender)); break;
	case 'l': lib_buf_puts(b, or_empty(v->local)); break;
	case 'o': lib_buf_puts(b, or_empty(v->sender_domain)); break;
	case 'd': lib_buf_puts(b, or_empty(v->domain)); break;
	case 'h': lib_buf_puts(b, or_empty(v->helo)); break;
	case 'p': lib_buf_puts(b, v->validated ? v->validated : "unknown"); break;
	case 'r': lib_buf_puts(b, v->receiver ? v->receiver : "unknown"); break;
	case 'v': lib_buf_puts(b, v->ip_len == 16 ? "ip6" : "in-addr"); break;
	case 't': lib_buf_printf(b, "%lld", (long long)v->now); break;
	case 'i':
		if (v->ip && (v->ip_len == 4 || v->ip_len == 16))
			put_ip_dotted(b, v->ip, v->ip_len);
		break;
	case 'c':
		if (v->ip && (v->ip_len == 4 || v->ip_len == 16) &&
		    inet_ntop(v->ip_len == 4 ? AF_INET : AF_INET6, v->ip, text, sizeof text))
			lib_buf_puts(b, text);
		break;
	}
}

/* Splits value on the delimiters, reverses if asked, keeps the rightmost
 * parts and joins them with "." (RFC 7208 7.3). */
static void transform(const struct macro_expand *m, const char *value, size_t len,
		      struct lib_buf *out)
{
	const char *delims = m->delims[0] ? m->delims : ".";
	size_t n = 1;
	for (size_t k = 0; k < len; k++)
		n += is_delimiter(delims, value[k]);
	size_t *start = lib_xmalloc(n * sizeof *start);
	size_t *end = lib_xmalloc(n * sizeof *end);
	size_t p = 0;
	start[0] = 0;
	for (size_t k = 0; k < len; k++) {
		if (is_delimiter(delims, value[k])) {
			end[p++] = k;
			start[p] = k + 1;
		}
	}
	end[p] = len;
	size_t first = m->parts && m->parts < n ? n - m->parts : 0;
	for (size_t k = first; k < n; k++) {
		size_t idx = m->reverse ? n - 1 - k : k;
		if (k > first)
			lib_buf_putc(out, '.');
		lib_buf_append(out, value + start[idx], end[idx] - start[idx]);
	}
	free(start);
	free(end);
}

static void url_escape(const char *s, size_t len, struct lib_buf *out)
{
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)s[k];
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			lib_buf_putc(out, (char)c);
		else
			lib_buf_printf(out, "%%%02X", c);
	}
}

static void expand_one(const struct macro_expand *m, const struct auth_spf_macro_vars *vars,
		       struct lib_buf *out)
{
	struct lib_buf value = LIB_BUF_INIT, shaped = LIB_BUF_INIT;
	letter_value(m->letter, vars, &value);
	const struct lib_buf *v = &value;
	if (m->transformed) {
		transform(m, value.data ? value.data : "", value.len, &shaped);
		v = &shaped;
	}
	if (m->upper)
		url_escape(v->data ? v->data : "", v->len, out);
	else
		lib_buf_append(out, v->data, v->len);
	lib_buf_release(&value);
	lib_buf_release(&shaped);
}

/* The one walk over a macro-string: checks it, and expands it when vars is
 * given. */
static int macro_walk(const char *text, size_t len, enum auth_spf_macro_context context,
		      const struct auth_spf_macro_vars *vars, struct lib_buf *out,
		      struct spf_macro_info *info, struct lib_err *err)
{
	size_t base = out ? out->len : 0;
	memset(info, 0, sizeof *info);
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		const char *lit = NULL;
		struct macro_expand m;
		if (c == '%') {
			char next = i + 1 < len ? text[i + 1] : '\0';
			if (i + 1 >= len)
				return lib_err_set(err, "'%%' at the end (write %%%% for a "
						   "percent sign)");
			if (next == '%')
				lit = "%";
			else if (next == '_')
				lit = " ";
			else if (next == '-')
				lit = "%20";
			else if (next != '{')
				return lib_err_set(err, isgraph((unsigned char)next)
						   ? "'%%%c' is not a macro (write %%%% for a "
						     "percent sign)"
						   : "'%%' followed by 0x%02x is not a macro",
						   (unsigned char)next);
			if (lit) {
				i += 2;
				if (out)
					lib_buf_puts(out, lit);
			} else {
				if (parse_expand(text, len, &i, context, &m, err) < 0)
					return -1;
				if (m.letter == 'p')
					info->uses_p = 1;
				if (out && vars)
					expand_one(&m, vars, out);
			}
			info->ends_with_expand = 1;
			info->tail = i;
		} else {
			int space_ok = c == ' ' && context == AUTH_SPF_MACRO_EXPLAIN;
			if (!(c >= 0x21 && c <= 0x7E) && !space_ok)
				return lib_err_set(err, "character 0x%02x is not allowed", c);
			if (out)
				lib_buf_putc(out, (char)c);
			info->ends_with_expand = 0;
			i++;
		}
		if (out && out->len - base > SPF_MACRO_OUT_MAX)
			return lib_err_set(err, "the expansion is longer than %d bytes",
					   SPF_MACRO_OUT_MAX);
	}
	return 0;
}

int spf_macro_scan(const char *text, size_t len, enum auth_spf_macro_context context,
		   struct spf_macro_info *info, struct lib_err *err)
{
	return macro_walk(text, len, context, NULL, NULL, info, err);
}

int auth_spf_macro_expand(const char *text, size_t len, enum auth_spf_macro_context context,
			  const struct auth_spf_macro_vars *vars, struct lib_buf *out,
			  struct lib_err *err)
{
	struct spf_macro_info info;
	size_t base = out->len;
	if (macro_walk(text, len, context, vars, out, &info, err) < 0) {
		out->len = base;
		if (out->data)
			out->data[base] = '\0';
		return -1;
	}
	lib_buf_append(out, "", 0); /* NUL-terminated even when empty */
	return 0;
}

static int toplabel_ok(const char *s, size_t len)
{
	if (len == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
		return 0;
	int alpha = 0, dash = 0;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c == '-')
			dash = 1;
		else if (isalpha(c))
			alpha = 1;
		else if (!isdigit(c))
			return 0;
	}
	return alpha || dash;
}

int spf_domain_spec_check(const char *text, size_t len, const char *what, struct lib_err *err)
{
	struct spf_macro_info info;
	struct lib_err why;
	if (len == 0)
		return lib_err_set(err, "empty domain in '%s'", what);
	if (spf_macro_scan(text, len, AUTH_SPF_MACRO_DOMAIN, &info, &why) < 0)
		return lib_err_set(err, "'%s': %s", what, why.msg);
	if (info.ends_with_expand)
		return 0;
	size_t end = len;
	if (end > info.tail && text[end - 1] == '.')
		end--;
	size_t dot = end;
	while (dot > info.tail && text[dot - 1] != '.')
		dot--;
	if (dot == info.tail || !toplabel_ok(text + dot, end - dot))
		return lib_err_set(err, "'%s': the domain must end with a macro or a top-level "
				   "label of letters, digits and dashes, such as '.com'", what);
	return 0;
}

int spf_name_finish(char *name)
{
	size_t len = strlen(name);
	if (len && name[len - 1] == '.')
		name[--len] = '\0';
	size_t cut = 0;
	while (len - cut > SPF_NAME_MAX) {
		const char *dot = memchr(name + cut, '.', len - cut);
		if (!dot)
			return -1;
		cut = (size_t)(dot - name) + 1;
	}
	if (cut) {
		memmove(name, name + cut, len - cut + 1);
		len -= cut;
	}
	if (len == 0)
		return -1;
	size_t label = 0;
	for (size_t k = 0; k <= len; k++) {
		if (k == len || name[k] == '.') {
			if (label == 0 || label > 63)
				return -1;
			label = 0;
		} else {
			label++;
		}
	}
	return 0;
}

int spf_domain_ok(const char *domain)
{
	size_t len = strlen(domain);
	if (len && domain[len - 1] == '.')
		len--;
	if (len == 0 || len > SPF_NAME_MAX)
		return 0;
	size_t label = 0, labels = 0;
	for (size_t k = 0; k <= len; k++) {
		unsigned char c = k < len ? (unsigned char)domain[k] : '.';
		if (c == '.') {
			if (label == 0 || label > 63)
				return 0;
			labels++;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			label++;
		} else {
			return 0;
		}
	}
	return labels >= 2;
}

int spf_name_within(const char *name, const char *domain)
{
	size_t nl = strlen(name), dl = strlen(domain);
	if (dl == 0 || nl < dl)
		return 0;
	if (nl == dl)
		return strcasecmp(name, domain) == 0;
	return name[nl - dl - 1] == '.' && strcasecmp(name + nl - dl, domain) == 0;
}
