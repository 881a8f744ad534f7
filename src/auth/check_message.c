/* check_message.c: frank dnscheck --message, a received message scored
 * the way online mail testers score one: what its verdict says (SPF, each
 * DKIM signature, DMARC and alignment), what trusted hosts recorded, and
 * the header hygiene receivers look at.  The rows and their points are in
 * the table of check_rules.c. */
#include "auth.h"
#include "mime.h"
#include "msg_headers.h"

#include <stdlib.h>
#include <string.h>

static void spf_rows(struct auth_check_report *r, const struct auth_message_spf *spf)
{
	const char *res = spf->result ? spf->result : "none";
	const char *domain = spf->domain ? spf->domain : "?";
	if (spf->source == AUTH_MESSAGE_SPF_NOT_FOUND)
		auth_check_add(r, AUTH_RULE_MSG_SPF_UNCHECKED,
			       "run it where the receiving host is known: --trusted-host HOST",
			       "not checked: %s", spf->reason);
	else if (strcmp(res, "pass") == 0)
		auth_check_add(r, AUTH_RULE_MSG_SPF_PASS, NULL, "pass for %s from %s", domain,
			       spf->ip ? spf->ip : "the sending host");
	else if (strcmp(res, "fail") == 0)
		auth_check_add(r, AUTH_RULE_MSG_SPF_FAIL,
			       "send through a server the domain's SPF record lists",
			       "fail for %s: %s", domain, spf->reason);
	else if (strcmp(res, "softfail") == 0 || strcmp(res, "neutral") == 0)
		auth_check_add(r, AUTH_RULE_MSG_SPF_WEAK,
			       "list this server in the SPF record, or send through one it lists",
			       "%s for %s: %s", res, domain, spf->reason);
	else if (strcmp(res, "none") == 0)
		auth_check_add(r, AUTH_RULE_MSG_SPF_NONE, "publish an SPF record ending in -all",
			       "none for %s: %s", domain, spf->reason);
	else
		auth_check_add(r, AUTH_RULE_MSG_SPF_ERROR, "check the record: frank dnscheck DOMAIN",
			       "%s for %s: %s", res, domain, spf->reason);
}

static void dkim_one_row(struct auth_check_report *r, const struct auth_message_dkim *d,
			 int *aligned_pass, int *other_pass)
{
	const struct auth_dkim_signature *s = d->sig;
	const char *dom = s->domain ? s->domain : "?";
	const char *sel = s->selector ? s->selector : "?";
	if (s->result == AUTH_DKIM_PASS) {
		if (d->aligned)
			*aligned_pass = 1;
		else
			*other_pass = 1;
		if (s->partial)
			auth_check_add(r, AUTH_RULE_MSG_DKIM_PARTIAL, "sign the whole body: drop l=",
				       "d=%s s=%s signs only the first %lld bytes of the body", dom,
				       sel, s->length);
		if (s->weak)
			auth_check_add(r, AUTH_RULE_MSG_DKIM_WEAK,
				       "sign with rsa-sha256 and a 2048-bit key, or ed25519",
				       "d=%s s=%s: %s", dom, sel, s->reason ? s->reason : "weak");
	} else if (s->result == AUTH_DKIM_FAIL) {
		auth_check_add(r, AUTH_RULE_MSG_DKIM_FAIL,
			       "find what rewrites the message after signing (a footer, a list)",
			       "d=%s s=%s: %s", dom, sel, s->reason ? s->reason : "fail");
	} else {
		auth_check_add(r, AUTH_RULE_MSG_DKIM_ERROR, "publish the key: frank dnscheck DOMAIN "
			       "--selector SELECTOR", "d=%s s=%s %s: %s", dom, sel,
			       auth_dkim_result_str(s->result), s->reason ? s->reason : "");
	}
}

static void dkim_rows(struct auth_check_report *r, const struct auth_message_verdict *vd)
{
	if (vd->dkim_count == 0) {
		auth_check_add(r, AUTH_RULE_MSG_DKIM_NONE, "sign outgoing mail with DKIM",
			       "the message carries no DKIM-Signature field");
		return;
	}
	int aligned = 0, other = 0;
	for (size_t i = 0; i < vd->dkim_count; i++)
		dkim_one_row(r, &vd->dkim[i], &aligned, &other);
	const char *from = vd->dmarc && vd->dmarc->author_domain ? vd->dmarc->author_domain : "?";
	if (aligned)
		auth_check_add(r, AUTH_RULE_MSG_DKIM_ALIGNED, NULL, "a signature of %s verifies", from);
	else if (other)
		auth_check_add(r, AUTH_RULE_MSG_DKIM_UNALIGNED, "sign with the From domain's key",
			       "signatures verify, but none of %s", from);
}

static void dmarc_rows(struct auth_check_report *r, const struct auth_dmarc_verdict *d)
{
	if (!d)
		return;
	const char *from = d->author_domain ? d->author_domain : "?";
	switch (d->result) {
	case AUTH_DMARC_PASS:
		auth_check_add(r, AUTH_RULE_MSG_DMARC_PASS, NULL, "pass for %s: %s", from, d->reason);
		break;
	case AUTH_DMARC_FAIL:
		auth_check_add(r, AUTH_RULE_MSG_DMARC_FAIL,
			       "sign with the From domain's key, or send from a server its SPF lists",
			       "fail for %s: %s", from, d->reason);
		break;
	case AUTH_DMARC_NONE:
		auth_check_add(r, AUTH_RULE_MSG_DMARC_NONE,
			       "publish _dmarc TXT \"v=DMARC1; p=none; rua=mailto:...\" and tighten",
			       "%s", d->reason);
		break;
	default:
		auth_check_add(r, AUTH_RULE_MSG_DMARC_ERROR, "check the record: frank dnscheck DOMAIN",
			       "%s: %s", auth_dmarc_result_str(d->result), d->reason);
		break;
	}
}

/* "spf=pass dkim=pass dmarc=pass" of one field. */
static void authres_rows(struct auth_check_report *r, const struct auth_authres_list *l)
{
	for (size_t i = 0; l && i < l->count; i++) {
		const struct auth_authres *ar = l->items[i];
		if (ar->arc_instance)
			continue;
		struct lib_buf b = LIB_BUF_INIT;
		for (size_t j = 0; j < ar->count; j++)
			lib_buf_printf(&b, "%s%s=%s", j ? " " : "", ar->results[j].method,
				       ar->results[j].result);
		if (ar->count == 0)
			lib_buf_puts(&b, "none");
		auth_check_add(r, ar->trusted ? AUTH_RULE_MSG_AR_TRUSTED : AUTH_RULE_MSG_AR_UNTRUSTED,
			       NULL, "%s: %s", ar->authserv_id, b.data);
		lib_buf_release(&b);
	}
}

/* How many fields of the top header have this name. */
static size_t field_count(const struct auth_msg_headers *h, const char *name)
{
	size_t n = 0, len = strlen(name);
	uint32_t hash = auth_msg_name_hash(name, len);
	for (size_t i = 0; i < h->count; i++)
		n += auth_msg_field_is(&h->fields[i], name, len, hash) != 0;
	return n;
}

static void header_rows(struct auth_check_report *r, const struct auth_message_verdict *vd,
			const char *data, size_t len, const struct mime_message_facts *facts)
{
	size_t hlen = len, body;
	auth_msg_header_end(data, len, &hlen, &body);
	struct auth_msg_headers h = { 0 };
	if (auth_msg_headers_split(data, hlen, &h, NULL) < 0)
		h.count = 0;
	size_t ids = field_count(&h, "Message-ID"), dates = field_count(&h, "Date");
	size_t froms = field_count(&h, "From");
	auth_msg_headers_release(&h);
	if (ids == 1)
		auth_check_add(r, AUTH_RULE_MSG_MESSAGE_ID, NULL, "one Message-ID");
	else
		auth_check_add(r, AUTH_RULE_MSG_MESSAGE_ID_BAD, "let the sending software add one",
			       "%zu Message-ID fields", ids);
	if (dates == 1 && facts->date_valid)
		auth_check_add(r, AUTH_RULE_MSG_DATE, NULL, "one Date that parses");
	else if (dates == 1)
		auth_check_add(r, AUTH_RULE_MSG_DATE_BAD, "write it as RFC 5322 3.3 says",
			       "the Date field does not parse");
	else
		auth_check_add(r, AUTH_RULE_MSG_DATE_BAD, "let the sending software add one",
			       "%zu Date fields", dates);
	if (froms == 1 && vd->from_address)
		auth_check_add(r, AUTH_RULE_MSG_FROM, NULL, "From: %s", vd->from_address);
	else
		auth_check_add(r, AUTH_RULE_MSG_FROM_BAD, "write one From field with one address",
			       "%zu From fields%s", froms,
			       froms == 1 ? ", not one mailbox" : "");
}

static void body_rows(struct auth_check_report *r, const struct mime_message_facts *facts,
		      unsigned long long size)
{
	if (facts->plain)
		auth_check_add(r, AUTH_RULE_MSG_TEXT_PART, NULL, "%u text/plain, %u text/html parts",
			       facts->plain, facts->html);
	else if (facts->html)
		auth_check_add(r, AUTH_RULE_MSG_HTML_ONLY,
			       "send multipart/alternative with a text/plain version",
			       "%u text/html parts and no text/plain", facts->html);
	if (size < AUTH_CHECK_MESSAGE_MAX)
		auth_check_add(r, AUTH_RULE_MSG_SIZE, NULL, "%llu bytes", size);
	else
		auth_check_add(r, AUTH_RULE_MSG_TOO_BIG, "send a link instead of the attachment",
			       "%llu bytes", size);
}

struct auth_check_report *auth_check_message(const struct auth_message_verdict *vd,
					     const char *data, size_t len,
					     unsigned long long size, const char *label)
{
	struct auth_check_report *r = auth_check_report_new(label);
	spf_rows(r, &vd->spf);
	dkim_rows(r, vd);
	dmarc_rows(r, vd->dmarc);
	authres_rows(r, vd->authres);
	struct mime_message_facts facts;
	if (mime_message_facts_read(data, len, &facts) < 0)
		memset(&facts, 0, sizeof facts);
	header_rows(r, vd, data, len, &facts);
	body_rows(r, &facts, size);
	return r;
}
