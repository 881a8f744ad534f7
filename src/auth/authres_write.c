/* authres_write.c: writing Authentication-Results (RFC 8601 2.2) for our
 * own verdicts, in the grammar authres.c reads.  Everything that goes into
 * the field is escaped here, since reasons and comments carry text from
 * DNS records and message headers: a CR, LF or stray parenthesis from a
 * sender must never end up shaping the header. */
#include "auth.h"

#include <stdlib.h>
#include <string.h>

#define COMMENT_MAX 200

struct auth_authres *auth_authres_new(const char *authserv_id)
{
	struct auth_authres *ar = lib_xcalloc(1, sizeof *ar);
	ar->authserv_id = lib_xstrdup(authserv_id ? authserv_id : "");
	return ar;
}

struct auth_authres_result *auth_authres_add(struct auth_authres *ar, const char *method,
					     const char *result, const char *comment)
{
	ar->results = lib_xrealloc(ar->results, (ar->count + 1) * sizeof *ar->results);
	struct auth_authres_result *r = &ar->results[ar->count++];
	memset(r, 0, sizeof *r);
	r->method = lib_xstrdup(method);
	r->result = lib_xstrdup(result);
	r->comment = comment && *comment ? lib_xstrdup(comment) : NULL;
	return r;
}

void auth_authres_add_prop(struct auth_authres_result *res, const char *ptype,
			   const char *property, const char *value)
{
	if (!value)
		return;
	res->props = lib_xrealloc(res->props, (res->prop_count + 1) * sizeof *res->props);
	res->props[res->prop_count++] = (struct auth_authres_prop){
		lib_xstrdup(ptype), lib_xstrdup(property), lib_xstrdup(value)
	};
}

void auth_authres_add_spf(struct auth_authres *ar, const char *result, const char *domain,
			  int helo, const char *comment)
{
	struct auth_authres_result *r = auth_authres_add(ar, "spf", result, comment);
	auth_authres_add_prop(r, "smtp", helo ? "helo" : "mailfrom", domain);
}

void auth_authres_add_dkim(struct auth_authres *ar, const char *result, const char *d,
			   const char *i, const char *s, const char *b, const char *comment)
{
	struct auth_authres_result *r = auth_authres_add(ar, "dkim", result, comment);
	auth_authres_add_prop(r, "header", "d", d);
	auth_authres_add_prop(r, "header", "i", i);
	auth_authres_add_prop(r, "header", "s", s);
	if (b) {
		/* RFC 6008 2: enough of the signature to tell signatures apart */
		char first[9];
		size_t n = 0;
		for (const char *p = b; *p && n < 8; p++)
			if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
				first[n++] = *p;
		first[n] = '\0';
		auth_authres_add_prop(r, "header", "b", first);
	}
}

void auth_authres_add_dmarc(struct auth_authres *ar, const struct auth_dmarc_verdict *v)
{
	struct auth_authres_result *r =
		auth_authres_add(ar, "dmarc", auth_dmarc_result_str(v->result), v->reason);
	auth_authres_add_prop(r, "header", "from", v->author_domain);
	if (v->has_policy)
		auth_authres_add_prop(r, "policy", "dmarc", auth_dmarc_policy_str(v->policy));
}

/* --- formatting ------------------------------------------------------------- */

static int printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7F;
}

/* A Keyword (method, result, ptype, property) from our own tables; any
 * other byte is dropped so the field stays parseable. */
static void put_keyword(struct lib_buf *out, const char *s)
{
	size_t before = out->len;
	for (; *s; s++) {
		char c = *s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			lib_buf_putc(out, c);
	}
	if (out->len == before)
		lib_buf_puts(out, "unknown");
}

static void put_quoted(struct lib_buf *out, const char *s)
{
	lib_buf_putc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			lib_buf_putc(out, '\\');
		lib_buf_putc(out, printable(c) ? (char)c : '?');
	}
	lib_buf_putc(out, '"');
}

/* A value as a bare token when it is one (an "@" is allowed, for the
 * local-part@domain form of pvalue), else a quoted-string. */
static void put_value(struct lib_buf *out, const char *s, int at_allowed)
{
	int bare = *s != '\0';
	for (const char *p = s; *p && bare; p++) {
		unsigned char c = (unsigned char)*p;
		if (!printable(c) || c == ' ' || (strchr("()<>,;:\\\"/[]?=", c) && c) ||
		    (c == '@' && !at_allowed))
			bare = 0;
	}
	if (bare)
		lib_buf_puts(out, s);
	else
		put_quoted(out, s);
}

static void put_comment(struct lib_buf *out, const char *s)
{
	lib_buf_puts(out, " (");
	size_t n = 0;
	for (; *s && n < COMMENT_MAX; s++, n++) {
		unsigned char c = (unsigned char)*s;
		if (c == '(' || c == ')' || c == '\\')
			lib_buf_putc(out, '\\');
		lib_buf_putc(out, printable(c) ? (char)c : c == '\t' ? ' ' : '?');
	}
	if (*s)
		lib_buf_puts(out, "...");
	lib_buf_putc(out, ')');
}

static void put_result(struct lib_buf *out, const struct auth_authres_result *r)
{
	put_keyword(out, r->method);
	if (r->method_version)
		lib_buf_printf(out, "/%u", r->method_version);
	lib_buf_putc(out, '=');
	put_keyword(out, r->result);
	if (r->comment)
		put_comment(out, r->comment);
	if (r->reason) {
		lib_buf_puts(out, " reason=");
		put_value(out, r->reason, 0);
	}
	for (size_t i = 0; i < r->prop_count; i++) {
		lib_buf_putc(out, ' ');
		put_keyword(out, r->props[i].ptype);
		lib_buf_putc(out, '.');
		put_keyword(out, r->props[i].property);
		lib_buf_putc(out, '=');
		put_value(out, r->props[i].value, 1);
	}
}

char *auth_authres_format(const struct auth_authres *ar, int fold)
{
	struct lib_buf out = LIB_BUF_INIT;
	const char *sep = fold ? ";\r\n\t" : "; ";
	if (ar->arc_instance)
		lib_buf_printf(&out, "ARC-Authentication-Results: i=%u; ", ar->arc_instance);
	else
		lib_buf_puts(&out, "Authentication-Results: ");
	put_value(&out, ar->authserv_id, 0);
	if (ar->version)
		lib_buf_printf(&out, " %u", ar->version);
	if (ar->count == 0) {
		lib_buf_puts(&out, "; none");
		return lib_buf_take(&out);
	}
	for (size_t i = 0; i < ar->count; i++) {
		lib_buf_puts(&out, sep);
		put_result(&out, &ar->results[i]);
	}
	return lib_buf_take(&out);
}
