/* authres.c: reading Authentication-Results (RFC 8601 2.2) and
 * ARC-Authentication-Results (RFC 8617 4.1.1) fields.
 *
 *   authres-payload = [CFWS] authserv-id
 *                     [ CFWS authres-version ]
 *                     ( no-result / 1*resinfo ) [CFWS] CRLF
 *   authserv-id     = value                     ; RFC 2045 token / quoted-string
 *   authres-version = 1*DIGIT [CFWS]
 *   no-result       = [CFWS] ";" [CFWS] "none"
 *   resinfo         = [CFWS] ";" methodspec [ CFWS reasonspec ]
 *                     [ CFWS 1*propspec ]
 *   methodspec      = [CFWS] method [CFWS] "=" [CFWS] result
 *   method          = Keyword [ [CFWS] "/" [CFWS] method-version ]
 *   method-version  = 1*DIGIT [CFWS]
 *   result          = Keyword
 *   reasonspec      = "reason" [CFWS] "=" [CFWS] value
 *   propspec        = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
 *   pvalue          = [CFWS] ( value / [ [ local-part ] "@" ] domain-name )
 *                     [CFWS]
 *   Keyword         = Let-dig [ Ldh-str ]        ; RFC 5321
 *   arc-aar-value   = "i" [CFWS] "=" [CFWS] 1*DIGIT [CFWS] ";" authres-payload
 *
 * Tolerated, as written by deployed software: a final ";" after the last
 * resinfo, "_" in keywords, a reasonspec after properties, and pvalues of
 * any printing characters but ";" and "(" (base64 header.b values with
 * "/" or "=" unquoted). */
#include "auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cursor {
	const char *p, *end;
	struct lib_err *err;
	char *comment; /* the last comment skipped, when asked to keep it */
	int keep_comment;
};

static int at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static int peek(const struct cursor *c)
{
	return at_end(c) ? -1 : (unsigned char)*c->p;
}

/* Skips CFWS.  Comments nest and hold quoted-pairs; the first comment
 * seen while keep_comment is set is kept (unescaped). */
static int skip_cfws(struct cursor *c)
{
	while (!at_end(c)) {
		char ch = *c->p;
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			c->p++;
			continue;
		}
		if (ch != '(')
			break;
		struct lib_buf text = LIB_BUF_INIT;
		size_t depth = 0;
		for (;;) {
			if (at_end(c)) {
				lib_buf_release(&text);
				return lib_err_set(c->err, "unterminated comment");
			}
			ch = *c->p++;
			if (ch == '\\' && !at_end(c)) {
				lib_buf_putc(&text, *c->p++);
				continue;
			}
			if (ch == '(' && depth++ == 0)
				continue;
			if (ch == ')' && --depth == 0)
				break;
			lib_buf_putc(&text, ch);
		}
		if (c->keep_comment && !c->comment)
			c->comment = lib_buf_take(&text);
		lib_buf_release(&text);
	}
	return 0;
}

static int is_keyword_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

/* Keyword, lowercased; NULL with err when there is none. */
static char *read_keyword(struct cursor *c, const char *what)
{
	const char *start = c->p;
	while (!at_end(c) && is_keyword_char((unsigned char)*c->p))
		c->p++;
	if (c->p == start) {
		lib_err_set(c->err, "expected %s", what);
		return NULL;
	}
	char *k = lib_xstrndup(start, (size_t)(c->p - start));
	for (char *q = k; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return k;
}

static int read_number(struct cursor *c, unsigned *out)
{
	unsigned v = 0;
	const char *start = c->p;
	while (!at_end(c) && *c->p >= '0' && *c->p <= '9') {
		if (v > 100000000)
			return lib_err_set(c->err, "number too large");
		v = v * 10 + (unsigned)(*c->p++ - '0');
	}
	if (c->p == start)
		return lib_err_set(c->err, "expected a number");
	*out = v;
	return 0;
}

static int expect(struct cursor *c, char ch, const char *what)
{
	if (skip_cfws(c) < 0)
		return -1;
	if (peek(c) != (unsigned char)ch)
		return lib_err_set(c->err, "expected %s", what);
	c->p++;
	return skip_cfws(c);
}

/* quoted-string, unquoted. */
static char *read_quoted(struct cursor *c)
{
	struct lib_buf b = LIB_BUF_INIT;
	c->p++;
	while (!at_end(c) && *c->p != '"') {
		if (*c->p == '\\' && c->p + 1 < c->end)
			c->p++;
		lib_buf_putc(&b, *c->p++);
	}
	if (at_end(c)) {
		lib_buf_release(&b);
		lib_err_set(c->err, "unterminated quoted string");
		return NULL;
	}
	c->p++;
	return lib_buf_take(&b);
}

/* RFC 2045 tspecials, which end a token. */
static int is_tspecial(int ch)
{
	return ch > 0 && strchr("()<>@,;:\\\"/[]?=", ch) != NULL;
}

/* value = token / quoted-string (authserv-id, reason). */
static char *read_value(struct cursor *c, const char *what)
{
	if (peek(c) == '"')
		return read_quoted(c);
	const char *start = c->p;
	while (!at_end(c)) {
		int ch = (unsigned char)*c->p;
		if (ch <= ' ' || ch == 0x7F || is_tspecial(ch))
			break;
		c->p++;
	}
	if (c->p == start) {
		lib_err_set(c->err, "expected %s", what);
		return NULL;
	}
	return lib_xstrndup(start, (size_t)(c->p - start));
}

/* pvalue: a quoted-string, or printing characters up to CFWS or ";".  A
 * quoted local-part followed by "@domain" is kept as written. */
static char *read_pvalue(struct cursor *c)
{
	const char *start = c->p;
	if (peek(c) == '"') {
		char *quoted = read_quoted(c);
		if (!quoted || peek(c) != '@')
			return quoted;
		free(quoted);
	}
	while (!at_end(c)) {
		int ch = (unsigned char)*c->p;
		if (ch <= ' ' || ch == 0x7F || ch == ';' || ch == '(')
			break;
		c->p++;
	}
	if (c->p == start) {
		lib_err_set(c->err, "property without a value");
		return NULL;
	}
	return lib_xstrndup(start, (size_t)(c->p - start));
}

static void result_release(struct auth_authres_result *r)
{
	free(r->method);
	free(r->result);
	free(r->reason);
	free(r->comment);
	for (size_t i = 0; i < r->prop_count; i++) {
		free(r->props[i].ptype);
		free(r->props[i].property);
		free(r->props[i].value);
	}
	free(r->props);
}

/* propspec after its ptype: "." property "=" pvalue. */
static int read_prop(struct cursor *c, struct auth_authres_result *r, char *ptype)
{
	struct auth_authres_prop prop = { ptype, NULL, NULL };
	if (r->prop_count == AUTH_AUTHRES_MAX_PROPS) {
		free(ptype);
		return lib_err_set(c->err, "more than %d properties", AUTH_AUTHRES_MAX_PROPS);
	}
	if (expect(c, '.', "'.' after the property type") < 0 ||
	    !(prop.property = read_keyword(c, "a property name")) ||
	    expect(c, '=', "'=' after the property") < 0 || !(prop.value = read_pvalue(c))) {
		free(prop.ptype);
		free(prop.property);
		return -1;
	}
	r->props = lib_xrealloc(r->props, (r->prop_count + 1) * sizeof *r->props);
	r->props[r->prop_count++] = prop;
	return 0;
}

/* What follows method=result: reasonspec and propspecs, until ";" or the end. */
static int read_result_tail(struct cursor *c, struct auth_authres_result *r)
{
	for (;;) {
		c->keep_comment = !r->comment;
		int rc = skip_cfws(c);
		c->keep_comment = 0;
		if (c->comment) {
			r->comment = c->comment;
			c->comment = NULL;
		}
		if (rc < 0)
			return -1;
		if (at_end(c) || peek(c) == ';')
			return 0;
		char *word = read_keyword(c, "a property or ';'");
		if (!word)
			return -1;
		if (strcmp(word, "reason") == 0 && !r->reason) {
			free(word);
			if (expect(c, '=', "'=' after reason") < 0 ||
			    !(r->reason = read_value(c, "the reason")))
				return -1;
			continue;
		}
		if (read_prop(c, r, word) < 0)
			return -1;
	}
}

/* methodspec and the rest of one resinfo, after its ";". */
static int read_resinfo(struct cursor *c, struct auth_authres_result *r)
{
	if (!(r->method = read_keyword(c, "a method")) || skip_cfws(c) < 0)
		return -1;
	if (peek(c) == '/') {
		c->p++;
		if (skip_cfws(c) < 0 || read_number(c, &r->method_version) < 0)
			return -1;
	}
	if (expect(c, '=', "'=' after the method") < 0 ||
	    !(r->result = read_keyword(c, "a result")))
		return -1;
	return read_result_tail(c, r);
}

/* "none" and the end, after the first ";". */
static int is_no_result(struct cursor *c)
{
	struct cursor probe = *c;
	probe.keep_comment = 0;
	if (probe.end - probe.p < 4 || strncasecmp(probe.p, "none", 4) != 0)
		return 0;
	probe.p += 4;
	if (skip_cfws(&probe) < 0 || !at_end(&probe))
		return 0;
	c->p = probe.p;
	return 1;
}

static int read_results(struct cursor *c, struct auth_authres *ar)
{
	if (expect(c, ';', "';' after the authserv-id") < 0)
		return -1;
	if (is_no_result(c))
		return 0;
	for (;;) {
		if (at_end(c)) {
			if (ar->count == 0)
				return lib_err_set(c->err, "no result after the authserv-id");
			return 0; /* a final ";" */
		}
		if (ar->count == AUTH_AUTHRES_MAX_RESULTS)
			return lib_err_set(c->err, "more than %d results", AUTH_AUTHRES_MAX_RESULTS);
		ar->results = lib_xrealloc(ar->results, (ar->count + 1) * sizeof *ar->results);
		struct auth_authres_result *r = &ar->results[ar->count++];
		memset(r, 0, sizeof *r);
		if (read_resinfo(c, r) < 0)
			return -1;
		if (at_end(c))
			return 0;
		c->p++; /* ';' */
		if (skip_cfws(c) < 0)
			return -1;
	}
}

static int read_payload(struct cursor *c, struct auth_authres *ar)
{
	if (skip_cfws(c) < 0 || !(ar->authserv_id = read_value(c, "an authserv-id")) ||
	    skip_cfws(c) < 0)
		return -1;
	if (peek(c) >= '0' && peek(c) <= '9') {
		if (read_number(c, &ar->version) < 0)
			return -1;
		if (ar->version != 1)
			return lib_err_set(c->err, "unknown version %u", ar->version);
	}
	return read_results(c, ar);
}

static struct auth_authres *parse(const char *value, size_t len, int arc, struct lib_err *err)
{
	struct cursor c = { value, value + len, err, NULL, 0 };
	struct auth_authres *ar = lib_xcalloc(1, sizeof *ar);
	int rc = 0;
	if (arc) {
		rc = skip_cfws(&c);
		if (rc == 0 && (peek(&c) == 'i' || peek(&c) == 'I')) {
			c.p++;
			rc = expect(&c, '=', "'=' after i");
			if (rc == 0)
				rc = read_number(&c, &ar->arc_instance);
			if (rc == 0)
				rc = expect(&c, ';', "';' after the instance");
			if (rc == 0 && (ar->arc_instance < 1 || ar->arc_instance > 50))
				rc = lib_err_set(err, "instance i=%u is not 1 to 50", ar->arc_instance);
		} else if (rc == 0) {
			rc = lib_err_set(err, "expected i= first");
		}
	}
	if (rc == 0)
		rc = read_payload(&c, ar);
	free(c.comment);
	if (rc < 0) {
		auth_authres_free(ar);
		return NULL;
	}
	return ar;
}

struct auth_authres *auth_authres_parse(const char *value, size_t len, struct lib_err *err)
{
	return parse(value, len, 0, err);
}

struct auth_authres *auth_authres_parse_arc(const char *value, size_t len, struct lib_err *err)
{
	return parse(value, len, 1, err);
}

void auth_authres_free(struct auth_authres *ar)
{
	if (!ar)
		return;
	free(ar->authserv_id);
	for (size_t i = 0; i < ar->count; i++)
		result_release(&ar->results[i]);
	free(ar->results);
	free(ar);
}

int auth_authres_is_trusted(const struct auth_authres *ar, const char *const *trusted, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (trusted[i] && strcasecmp(ar->authserv_id, trusted[i]) == 0)
			return 1;
	return 0;
}

void auth_authres_list_add(struct auth_authres_list *list, int arc, const char *value,
			   size_t len, const char *const *trusted, size_t ntrusted)
{
	struct lib_err err = { "" };
	struct auth_authres *ar = parse(value, len, arc, &err);
	if (!ar) {
		list->errors = lib_xrealloc(list->errors, (list->error_count + 1) * sizeof(char *));
		list->errors[list->error_count++] =
			lib_xasprintf("%sAuthentication-Results: %s", arc ? "ARC-" : "", err.msg);
		return;
	}
	ar->trusted = auth_authres_is_trusted(ar, trusted, ntrusted);
	list->trusted_count += ar->trusted != 0;
	list->items = lib_xrealloc(list->items, (list->count + 1) * sizeof *list->items);
	list->items[list->count++] = ar;
}

void auth_authres_list_release(struct auth_authres_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		auth_authres_free(list->items[i]);
	free(list->items);
	for (size_t i = 0; i < list->error_count; i++)
		free(list->errors[i]);
	free(list->errors);
	memset(list, 0, sizeof *list);
}
