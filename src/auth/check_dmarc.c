/* check_dmarc.c: the DMARC section of frank dnscheck.  The record that
 * applies is found as a receiver finds it: auth_dmarc_evaluate for a
 * message From the domain, with nothing authenticated, so the verdict's
 * evidence holds the policy domain, the record and its parse (RFC 9989
 * tree walk, the record of the organizational domain when the domain has
 * none).  Then the policy's strength, and the report addresses: one in
 * another organization receives reports only if that organization says
 * so at <policy domain>._report._dmarc.<its domain> (RFC 7489 7.1). */
#include "check_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIX_MAX (AUTH_DNS_NAME_MAX * 3 + 256)
#define MAX_URIS 8 /* report URIs looked at per tag */

/* DMARC records among the TXT records of an answer (4.10: several are
 * all ignored). */
static size_t dmarc_records(const struct net_dns_answer *a)
{
	size_t n = 0;
	for (size_t i = 0; check_has_records(a) && i < a->count; i++) {
		struct auth_dmarc_record rec;
		const struct net_dns_record *r = &a->records[i];
		if (auth_dmarc_record_parse(r->text, r->text_len, &rec, NULL) !=
		    AUTH_DMARC_RECORD_NOT_DMARC)
			n++;
		auth_dmarc_record_release(&rec);
	}
	return n;
}

/* Whether dest is in the organization of the policy domain; -1 while an
 * answer is missing. */
static int same_organization(struct check_run *run, const struct auth_dmarc_verdict *v,
			     const char *dest)
{
	if (strcasecmp(dest, v->policy_domain) == 0)
		return 1;
	struct auth_dmarc_walk walk;
	struct auth_dns_need need;
	char *temperror = NULL;
	if (auth_dmarc_walk_org_domain(dest, run->cache, &walk, &temperror, &need) == AUTH_NEED_DNS) {
		check_need(run, &need);
		return -1;
	}
	const char *ours = v->org_domain ? v->org_domain : v->policy_domain;
	int same = walk.org_domain && strcasecmp(walk.org_domain, ours) == 0;
	auth_dmarc_walk_release(&walk);
	free(temperror);
	return same;
}

/* An external destination: its authorization record. */
static void external(struct check_run *run, const struct auth_dmarc_verdict *v, const char *tag,
		     const char *uri, const char *dest)
{
	char name[AUTH_DNS_NAME_MAX * 2 + 32], fix[FIX_MAX];
	int len = snprintf(name, sizeof name, "%s._report._dmarc.%s", v->policy_domain, dest);
	size_t ok = 0;
	if (len > 0 && len <= 253) {
		const struct net_dns_answer *a = check_ask(run, name, NET_DNS_TXT);
		if (!a || check_tempfail(run, a, "this report address"))
			return;
		ok = dmarc_records(a);
	}
	if (ok) {
		auth_check_add(run->report, AUTH_RULE_DMARC_REPORTS_OK, NULL,
			       "%s %s: %s authorizes reports for %s (%s)", tag, uri, dest,
			       v->policy_domain, name);
		return;
	}
	snprintf(fix, sizeof fix,
		 "have %s publish %s TXT \"v=DMARC1\" (RFC 7489 7.1), or send reports to an address "
		 "of your own",
		 dest, name);
	auth_check_add(run->report, AUTH_RULE_DMARC_REPORTS_UNAUTHORIZED, fix,
		       "%s %s: %s is another organization and has not authorized reports for %s "
		       "(no v=DMARC1 record at %s): receivers will not send them",
		       tag, uri, dest, v->policy_domain, name);
}

static void bad_uri(struct check_run *run, const char *tag, const char *uri, const char *why)
{
	char fix[FIX_MAX];
	snprintf(fix, sizeof fix, "write %s=mailto:ADDRESS with a mailbox you read", tag);
	auth_check_add(run->report, AUTH_RULE_DMARC_REPORTS_BAD_URI, fix, "%s '%s': %s", tag, uri,
		       why);
}

/* One URI of rua or ruf ("mailto:dmarc@example.com!10m"). */
static void report_uri(struct check_run *run, const struct auth_dmarc_verdict *v, const char *tag,
		       char *uri)
{
	char *bang = strchr(uri, '!');
	if (bang)
		*bang = '\0'; /* the size limit of RFC 7489 6.2 */
	if (strncasecmp(uri, "mailto:", 7) != 0) {
		bad_uri(run, tag, uri, "not a mailto: URI, and reports go by mail");
		return;
	}
	char *query = strchr(uri + 7, '?');
	if (query)
		*query = '\0';
	const char *at = strrchr(uri + 7, '@');
	struct lib_err err = { "" };
	char *dest = at ? auth_address_domain_to_ascii(at + 1, strlen(at + 1), &err) : NULL;
	if (!dest) {
		bad_uri(run, tag, uri, at ? err.msg : "no address after mailto:");
		return;
	}
	int same = same_organization(run, v, dest);
	if (same > 0)
		auth_check_add(run->report, AUTH_RULE_DMARC_REPORTS_OK, NULL,
			       "%s %s: reports go to %s's own organization", tag, uri,
			       v->policy_domain);
	else if (same == 0)
		external(run, v, tag, uri, dest);
	free(dest);
}

/* rua= or ruf=: comma-separated URIs (RFC 9989 4.7 dmarc-urilist). */
static void report_uris(struct check_run *run, const struct auth_dmarc_verdict *v, const char *tag,
			const char *list)
{
	char *copy = lib_xstrdup(list);
	size_t seen = 0;
	for (char *p = copy; p && seen < MAX_URIS; seen++) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strlen(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			p[--n] = '\0';
		report_uri(run, v, tag, p);
		p = comma ? comma + 1 : NULL;
	}
	free(copy);
}

/* p (or sp, np for a subdomain), how strong. */
static void policy_rows(struct check_run *run, const struct auth_dmarc_verdict *v)
{
	const struct auth_dmarc_record *r = &v->parsed;
	const char *tag = v->policy_tag ? v->policy_tag : "p";
	char fix[FIX_MAX];
	snprintf(fix, sizeof fix,
		 "move to %s=quarantine, then %s=reject, once the reports show your own mail passes",
		 tag, tag);
	if (r->p_defaulted)
		auth_check_add(run->report, AUTH_RULE_DMARC_P_NONE, fix,
			       "no valid p=: the record applies as p=none, monitoring only");
	else if (v->published == AUTH_DMARC_POLICY_NONE)
		auth_check_add(run->report, AUTH_RULE_DMARC_P_NONE, fix,
			       "%s=none: mail failing DMARC is delivered as usual, monitoring only", tag);
	else
		auth_check_add(run->report, AUTH_RULE_DMARC_ENFORCED, NULL,
			       "%s=%s: mail failing DMARC is %s", tag,
			       auth_dmarc_policy_str(v->published),
			       v->published == AUTH_DMARC_POLICY_REJECT ? "refused"
									: "quarantined (sent to spam)");
	if (strcasecmp(v->policy_domain, run->req->domain) != 0 || r->p == AUTH_DMARC_POLICY_NONE)
		return;
	if (r->has_sp && r->sp == AUTH_DMARC_POLICY_NONE)
		auth_check_add(run->report, AUTH_RULE_DMARC_SP_NONE,
			       "remove sp= (subdomains then take p=), or write sp=quarantine",
			       "sp=none under p=%s: mail from subdomains of %s is not protected",
			       auth_dmarc_policy_str(r->p), run->req->domain);
	if (r->has_np && r->np == AUTH_DMARC_POLICY_NONE)
		auth_check_add(run->report, AUTH_RULE_DMARC_SP_NONE,
			       "remove np= (names that do not exist then take sp= or p=)",
			       "np=none under p=%s: mail from names under %s that do not exist is not "
			       "refused",
			       auth_dmarc_policy_str(r->p), run->req->domain);
}

static void record_rows(struct check_run *run, const struct auth_dmarc_verdict *v)
{
	const struct auth_dmarc_record *r = &v->parsed;
	const char *d = run->req->domain;
	char fix[FIX_MAX];
	if (strcasecmp(v->policy_domain, d) == 0)
		auth_check_add(run->report, AUTH_RULE_DMARC_RECORD, NULL, "_dmarc.%s: %s", d, v->record);
	else
		auth_check_add(run->report, AUTH_RULE_DMARC_RECORD, NULL,
			       "_dmarc.%s: %s (%s has none: its organizational domain's applies)",
			       v->policy_domain, v->record, d);
	if (!r->usable) {
		snprintf(fix, sizeof fix, "write p=none (or quarantine, or reject) in the record at _dmarc.%s",
			 v->policy_domain);
		auth_check_add(run->report, AUTH_RULE_DMARC_UNUSABLE, fix,
			       "no valid p= and no rua=: DMARC does not apply to %s", d);
		return;
	}
	policy_rows(run, v);
	if (r->has_pct && r->pct < 100)
		auth_check_add(run->report, AUTH_RULE_DMARC_PCT, "remove pct= so that the policy applies to all",
			       "pct=%d: the policy applies to %d%% of failing mail (pct is historic "
			       "in RFC 9989)",
			       r->pct, r->pct);
	if (r->testing)
		auth_check_add(run->report, AUTH_RULE_DMARC_TESTING, "remove t=y",
			       "t=y: receivers apply the policy one level lower");
	if (!r->rua) {
		snprintf(fix, sizeof fix, "add rua=mailto:dmarc-reports@%s (a mailbox you read)",
			 v->policy_domain);
		auth_check_add(run->report, AUTH_RULE_DMARC_NO_RUA, fix,
			       "no rua=: no aggregate reports, so you cannot see who sends as %s", d);
	} else {
		report_uris(run, v, "rua", r->rua);
	}
	if (r->ruf)
		report_uris(run, v, "ruf", r->ruf);
}

void check_dmarc(struct check_run *run)
{
	const char *d = run->req->domain;
	char name[AUTH_DNS_NAME_MAX + 8], fix[FIX_MAX];
	snprintf(name, sizeof name, "_dmarc.%s", d);
	char *from = lib_xasprintf("postmaster@%s", d);
	const char *froms[1] = { from };
	struct auth_dmarc_input in = { .from = froms, .from_count = 1 };
	struct auth_dmarc_verdict *v = NULL;
	struct auth_dns_need need;
	enum auth_step step = auth_dmarc_evaluate(&in, run->cache, &v, &need);
	free(from);
	if (step == AUTH_NEED_DNS) {
		check_need(run, &need);
		return;
	}
	const struct net_dns_answer *own = check_ask(run, name, NET_DNS_TXT);
	size_t many = own ? dmarc_records(own) : 0;
	if (many > 1) {
		snprintf(fix, sizeof fix, "keep one record at %s", name);
		auth_check_add(run->report, AUTH_RULE_DMARC_MANY, fix,
			       "%s: %zu DMARC records: receivers ignore them all", name, many);
	}
	if (v->result == AUTH_DMARC_TEMPERROR) {
		auth_check_add(run->report, AUTH_RULE_DNS_TEMPFAIL, "run the check again later",
			       "%s; DMARC not checked", v->reason);
	} else if (!v->record) {
		snprintf(fix, sizeof fix,
			 "publish %s TXT \"v=DMARC1; p=none; rua=mailto:dmarc-reports@%s\" to start, "
			 "then raise p=",
			 name, d);
		if (many <= 1)
			auth_check_add(run->report, AUTH_RULE_DMARC_NONE, fix,
				       "no DMARC record at %s or its parents", name);
	} else if (!v->has_record) {
		snprintf(fix, sizeof fix, "correct the record at _dmarc.%s (RFC 9989 4.7 has its grammar)",
			 v->policy_domain);
		auth_check_add(run->report, AUTH_RULE_DMARC_SYNTAX, fix, "%s, in \"%s\"", v->reason,
			       v->record);
	} else {
		record_rows(run, v);
	}
	auth_dmarc_verdict_free(v);
}
