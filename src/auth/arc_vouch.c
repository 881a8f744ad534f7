/* arc_vouch.c: what a passing ARC chain says about a DKIM signature that
 * broke in transit (see auth.h). */
#include "arc_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first result of method in ar, with that result (NULL: any). */
static const struct auth_authres_result *find_result(const struct auth_authres *ar,
						     const char *method, const char *result)
{
	for (size_t i = 0; i < ar->count; i++) {
		const struct auth_authres_result *r = &ar->results[i];
		if (strcmp(r->method, method) == 0 && (!result || strcmp(r->result, result) == 0))
			return r;
	}
	return NULL;
}

static const char *prop(const struct auth_authres_result *r, const char *ptype,
			const char *property)
{
	for (size_t i = 0; i < r->prop_count; i++)
		if (strcmp(r->props[i].ptype, ptype) == 0 &&
		    strcmp(r->props[i].property, property) == 0)
			return r->props[i].value;
	return NULL;
}

/* A dkim=pass for domain: header.d=, else the domain of header.i=. */
static int passes_for(const struct auth_authres_result *r, const char *domain)
{
	if (!domain)
		return 1;
	const char *d = prop(r, "header", "d");
	if (!d) {
		const char *i = prop(r, "header", "i");
		d = i && strrchr(i, '@') ? strrchr(i, '@') + 1 : i;
	}
	return d && strcasecmp(d, domain) == 0;
}

static const struct auth_authres_result *dkim_pass(const struct auth_authres *ar,
						   const char *domain)
{
	for (size_t i = 0; i < ar->count; i++) {
		const struct auth_authres_result *r = &ar->results[i];
		if (strcmp(r->method, "dkim") == 0 && strcmp(r->result, "pass") == 0 &&
		    passes_for(r, domain))
			return r;
	}
	return NULL;
}

int auth_arc_vouch_find(const struct auth_arc_result *result, const char *dkim_domain,
			struct auth_arc_vouch *out)
{
	memset(out, 0, sizeof *out);
	if (result->cv != AUTH_ARC_PASS)
		return 0;
	/* Newest first: the last hop that saw the signature intact. */
	for (unsigned k = result->count; k >= 1; k--) {
		const struct auth_arc_set *set = &result->sets[k - 1];
		const struct auth_dkim_signature *seal = set->seal;
		if (!set->results || !seal)
			continue;
		const struct auth_authres_result *dkim = dkim_pass(set->results, dkim_domain);
		if (!dkim)
			continue;
		out->instance = set->instance;
		out->sealer = seal->domain;
		out->authserv_id = set->results->authserv_id;
		out->dkim = dkim;
		out->spf = find_result(set->results, "spf", NULL);
		out->dmarc = find_result(set->results, "dmarc", NULL);
		return 1;
	}
	return 0;
}

/* "SEP method=result ptype.property=value", with the first of the
 * properties (NULL-terminated) that r has, or none. */
static void put_result(struct lib_buf *out, const char *sep, const struct auth_authres_result *r,
		       const char *ptype, const char *const *properties)
{
	if (!r)
		return;
	lib_buf_printf(out, "%s%s=%s", sep, r->method, r->result);
	for (; *properties; properties++) {
		const char *v = prop(r, ptype, *properties);
		if (v) {
			lib_buf_printf(out, " %s.%s=%s", ptype, *properties, v);
			return;
		}
	}
}

static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

char *auth_arc_vouch_text(const struct auth_arc_vouch *vouch)
{
	struct lib_buf out = LIB_BUF_INIT;
	if (!vouch->instance) {
		lib_buf_puts(&out, "no ARC set vouches for a DKIM pass");
		return lib_buf_take(&out);
	}
	lib_buf_printf(&out, "ARC chain from %s (i=%u) vouches for the original pass:",
		       vouch->sealer, vouch->instance);
	put_result(&out, " ", vouch->dkim, "header", (const char *const[]){ "d", "i", NULL });
	put_result(&out, ", ", vouch->spf, "smtp", (const char *const[]){ "mailfrom", "helo", NULL });
	put_result(&out, ", ", vouch->dmarc, "header", (const char *const[]){ "from", NULL });
	char *text = lib_buf_take(&out);
	printable(text);
	return text;
}
