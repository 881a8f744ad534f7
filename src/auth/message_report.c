/* message_report.c: the Authentication-Results field (RFC 8601) a
 * verdict comes to, with our authserv-id: one resinfo for SPF, one per
 * DKIM signature (dkim=none without any), one for DMARC, and arc= when the
 * message has an ARC chain (RFC 8617 7.1).  A result that
 * is not a pass carries its reason as a comment. */
#include "message_private.h"

#include <stdlib.h>
#include <string.h>

static const char *unless_pass(const char *result, const char *reason)
{
	return strcmp(result, "pass") == 0 ? NULL : reason;
}

static void add_spf(struct auth_authres *ar, const struct auth_message_spf *spf)
{
	const char *comment = unless_pass(spf->result, spf->reason);
	char *from = NULL;
	if (spf->source == AUTH_MESSAGE_SPF_AUTHRES)
		comment = from = lib_xasprintf("from %s", spf->authserv_id);
	auth_authres_add_spf(ar, spf->result, spf->domain, spf->helo_identity, comment);
	free(from);
}

static void add_dkim(struct auth_authres *ar, const struct auth_message_verdict *v)
{
	if (v->dkim_count == 0) {
		auth_authres_add(ar, "dkim", "none", "no signature");
		return;
	}
	for (size_t i = 0; i < v->dkim_count; i++) {
		const struct auth_dkim_signature *s = v->dkim[i].sig;
		const char *result = auth_dkim_result_str(s->result);
		const char *comment = unless_pass(result, s->reason);
		if (s->partial)
			comment = s->reason;
		auth_authres_add_dkim(ar, result, s->domain, NULL, s->selector, s->b, comment);
	}
}

static void add_dmarc(struct auth_authres *ar, const struct auth_dmarc_verdict *dm)
{
	const char *result = auth_dmarc_result_str(dm->result);
	struct auth_authres_result *r = auth_authres_add(ar, "dmarc", result,
							  unless_pass(result, dm->reason));
	auth_authres_add_prop(r, "header", "from", dm->author_domain);
	if (dm->has_policy)
		auth_authres_add_prop(r, "policy", "dmarc", auth_dmarc_policy_str(dm->policy));
}

char *auth_message_verdict_authres(const struct auth_message_verdict *v, int fold)
{
	struct auth_authres *ar = auth_authres_new(v->authserv_id);
	if (!v->error) {
		add_spf(ar, &v->spf);
		add_dkim(ar, v);
		if (v->dmarc)
			add_dmarc(ar, v->dmarc);
		if (v->arc && v->arc->count)
			auth_authres_add(ar, "arc", auth_arc_cv_str(v->arc->cv),
					 v->arc->cv == AUTH_ARC_PASS ? NULL : v->arc->reason);
	}
	char *field = auth_authres_format(ar, fold);
	auth_authres_free(ar);
	return field;
}
