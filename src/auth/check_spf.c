/* check_spf.c: the SPF section of frank dnscheck: the audit of the
 * record tree (spf_audit.c) turned into rows, and, for --ip, the verdict
 * of auth_spf_check for that address. */
#include "check_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SPF_LIMIT 10
#define SPF_VOID_LIMIT 2

#define FIX_MAX (AUTH_DNS_NAME_MAX * 2 + 512)
#define VOID_TERMS_SHOWN 5 /* terms named in the fix for too many void lookups */

/* A finding about the checked domain's record itself (none, several, does
 * not parse): the rest of the audit has nothing to say then. */
static int top_problem(struct check_run *run, const struct auth_spf_audit *au)
{
	const char *d = au->domain;
	char fix[FIX_MAX];
	for (size_t i = 0; i < au->finding_count; i++) {
		const struct auth_spf_finding *f = &au->findings[i];
		if (f->term)
			continue;
		switch (f->kind) {
		case AUTH_SPF_FOUND_NO_RECORD:
			snprintf(fix, sizeof fix,
				 "publish one TXT record at %s naming the hosts that send its mail, "
				 "e.g. \"v=spf1 mx -all\"",
				 d);
			auth_check_add(run->report, AUTH_RULE_SPF_NONE, fix,
				       "no SPF record at %s: receivers cannot tell who may send as it", d);
			return 1;
		case AUTH_SPF_FOUND_MANY_RECORDS:
			auth_check_add(run->report, AUTH_RULE_SPF_MANY,
				       "merge them into one record: receivers answer permerror to several",
				       "%s", f->text);
			return 1;
		case AUTH_SPF_FOUND_SYNTAX:
			auth_check_add(run->report, AUTH_RULE_SPF_SYNTAX,
				       "correct the record (RFC 7208 section 12 has its grammar)",
				       "%s, in \"%s\"", f->text, au->top_record ? au->top_record : "");
			return 1;
		case AUTH_SPF_FOUND_DNS_ERROR:
			auth_check_add(run->report, AUTH_RULE_DNS_TEMPFAIL, "run the check again later",
				       "%s; SPF not checked", f->text);
			return 1;
		default:
			break;
		}
	}
	return 0;
}

static int is_redirect(const char *term)
{
	return term && strncasecmp(term, "redirect", 8) == 0;
}

/* A row for a finding below the top record. */
static void finding_row(struct check_run *run, const struct auth_spf_audit *au,
			const struct auth_spf_finding *f)
{
	char fix[FIX_MAX];
	switch (f->kind) {
	case AUTH_SPF_FOUND_NO_RECORD:
	case AUTH_SPF_FOUND_MANY_RECORDS:
	case AUTH_SPF_FOUND_SYNTAX:
	case AUTH_SPF_FOUND_TOO_DEEP:
		snprintf(fix, sizeof fix,
			 "remove '%s', or have the record it names fixed: evaluations that reach it "
			 "end in permerror",
			 f->term);
		auth_check_add(run->report, AUTH_RULE_SPF_TERM_BROKEN, fix, "'%s': %s", f->term,
			       f->text);
		return;
	case AUTH_SPF_FOUND_LOOP:
		snprintf(fix, sizeof fix, "remove '%s' from the record of %s", f->term, f->domain);
		auth_check_add(run->report, AUTH_RULE_SPF_LOOP, fix, "%s", f->text);
		return;
	case AUTH_SPF_FOUND_DNS_ERROR:
		auth_check_add(run->report, AUTH_RULE_DNS_TEMPFAIL, "run the check again later",
			       "%s; SPF not fully checked", f->text);
		return;
	case AUTH_SPF_FOUND_VOID:
		if (au->void_lookups > SPF_VOID_LIMIT)
			return; /* one row says it for all */
		snprintf(fix, sizeof fix, "remove '%s', or publish the records it looks for", f->term);
		auth_check_add(run->report, AUTH_RULE_SPF_VOID, fix, "%s", f->text);
		return;
	case AUTH_SPF_FOUND_MX_NAMES:
		auth_check_add(run->report, AUTH_RULE_SPF_MX_NAMES,
			       "list the sending hosts with ip4: and ip6: instead of mx", "%s", f->text);
		return;
	case AUTH_SPF_FOUND_PTR:
		auth_check_add(run->report, AUTH_RULE_SPF_PTR,
			       "replace ptr with the ip4:/ip6: ranges or a: names of your senders", "%s",
			       f->text);
		return;
	case AUTH_SPF_FOUND_MACRO:
		auth_check_add(run->report, AUTH_RULE_SPF_MACRO, NULL, "%s", f->text);
		return;
	}
}

static void too_many_void(struct check_run *run, const struct auth_spf_audit *au)
{
	struct lib_buf terms = LIB_BUF_INIT;
	unsigned listed = 0;
	for (size_t i = 0; i < au->finding_count; i++) {
		if (au->findings[i].kind != AUTH_SPF_FOUND_VOID)
			continue;
		if (listed++ < VOID_TERMS_SHOWN)
			lib_buf_printf(&terms, "%s'%s'", terms.len ? ", " : "", au->findings[i].term);
	}
	if (listed > VOID_TERMS_SHOWN)
		lib_buf_printf(&terms, " and %u more", listed - VOID_TERMS_SHOWN);
	char fix[FIX_MAX];
	snprintf(fix, sizeof fix, "remove the terms whose names have no records: %s", terms.data);
	auth_check_add(run->report, AUTH_RULE_SPF_TOO_MANY_VOID, fix,
		       "%s%u void lookups > %d: receivers answer permerror",
		       au->truncated ? "at least " : "", au->void_lookups, SPF_VOID_LIMIT);
	lib_buf_release(&terms);
}

/* The include (or redirect) directly below the top that costs most. */
static const struct auth_spf_audit_record *heaviest(const struct auth_spf_audit *au)
{
	const struct auth_spf_audit_record *best = NULL;
	for (size_t i = 1; i < au->record_count; i++) {
		const struct auth_spf_audit_record *r = &au->records[i];
		int below_top = r->depth == 1 ? r->via == AUTH_SPF_VIA_INCLUDE
					      : r->depth == 0 && r->via == AUTH_SPF_VIA_REDIRECT;
		if (below_top && (!best || r->lookups > best->lookups))
			best = r;
	}
	return best;
}

static void lookups_row(struct check_run *run, const struct auth_spf_audit *au)
{
	const char *more = au->truncated ? "at least " : "";
	if (au->lookups <= SPF_LIMIT) {
		auth_check_add(run->report, AUTH_RULE_SPF_LOOKUPS, NULL,
			       "%u DNS lookup%s with includes expanded (limit %d), %u void (limit %d)",
			       au->lookups, au->lookups == 1 ? "" : "s", SPF_LIMIT, au->void_lookups,
			       SPF_VOID_LIMIT);
		return;
	}
	char fix[FIX_MAX];
	const struct auth_spf_audit_record *big = heaviest(au);
	if (big && big->lookups > 1)
		snprintf(fix, sizeof fix,
			 "split this include: '%s' costs %u lookups, %s%u > %d in all; or replace "
			 "terms with the ip4:/ip6: ranges they stand for",
			 big->reached_by, big->lookups, more, au->lookups, SPF_LIMIT);
	else
		snprintf(fix, sizeof fix,
			 "replace a, mx, ptr and exists terms with the ip4:/ip6: ranges they stand "
			 "for: %s%u lookups > %d",
			 more, au->lookups, SPF_LIMIT);
	auth_check_add(run->report, AUTH_RULE_SPF_TOO_MANY_LOOKUPS, fix,
		       "%s%u DNS lookups with includes expanded, more than %d: receivers answer "
		       "permerror",
		       more, au->lookups, SPF_LIMIT);
}

/* Whether a redirect of the chain leads nowhere: its row says so already. */
static int redirect_broken(const struct auth_spf_audit *au)
{
	for (size_t i = 0; i < au->finding_count; i++)
		if (is_redirect(au->findings[i].term) && au->findings[i].kind != AUTH_SPF_FOUND_VOID)
			return 1;
	return 0;
}

static void all_row(struct check_run *run, const struct auth_spf_audit *au)
{
	char where[AUTH_DNS_NAME_MAX + 64] = "";
	char fix[FIX_MAX];
	if (au->all_domain && strcasecmp(au->all_domain, au->domain) != 0)
		snprintf(where, sizeof where, " (in the record of %s, by redirect)", au->all_domain);
	switch (au->all) {
	case '-':
		auth_check_add(run->report, AUTH_RULE_SPF_ALL_FAIL, NULL,
			       "ends in -all%s: other hosts fail SPF", where);
		return;
	case '~':
		auth_check_add(run->report, AUTH_RULE_SPF_ALL_SOFTFAIL, NULL,
			       "ends in ~all%s: other hosts softfail, marked rather than refused "
			       "(-all is stricter)",
			       where);
		return;
	case '?':
		auth_check_add(run->report, AUTH_RULE_SPF_ALL_NEUTRAL, "end the record with -all (or ~all)",
			       "ends in ?all%s: other hosts are neutral, so SPF tells receivers nothing",
			       where);
		return;
	case '+':
		snprintf(fix, sizeof fix, "replace +all with -all in the record of %s",
			 au->all_domain ? au->all_domain : au->domain);
		auth_check_add(run->report, AUTH_RULE_SPF_ALL_PASS, fix,
			       "ends in +all%s: any host in the world passes SPF for %s", where,
			       au->domain);
		return;
	default:
		if (!redirect_broken(au))
			auth_check_add(run->report, AUTH_RULE_SPF_ALL_MISSING, "add -all at the end",
				       "no all term: hosts not listed are neutral");
		return;
	}
}

static void audit_rows(struct check_run *run, const struct auth_spf_audit *au)
{
	if (top_problem(run, au))
		return;
	auth_check_add(run->report, AUTH_RULE_SPF_RECORD, NULL, "%s: %s", au->domain,
		       au->top_record);
	for (size_t i = 0; i < au->finding_count; i++)
		finding_row(run, au, &au->findings[i]);
	if (au->void_lookups > SPF_VOID_LIMIT)
		too_many_void(run, au);
	lookups_row(run, au);
	all_row(run, au);
}

/* --ip: what a receiver's SPF check says of mail from that address. */
static void ip_row(struct check_run *run)
{
	const char *d = run->req->domain;
	if (!run->req->ip)
		return;
	char *sender = lib_xasprintf("postmaster@%s", d);
	struct auth_spf_request sreq = { .ip = run->req->ip, .helo = d, .mail_from = sender };
	struct auth_spf_result res;
	struct auth_dns_need need;
	enum auth_step step = auth_spf_check(&sreq, run->cache, &res, &need);
	free(sender);
	if (step == AUTH_NEED_DNS) {
		check_need(run, &need);
		return;
	}
	const char *ip = run->req->ip;
	struct check_addr addr;
	char fix[FIX_MAX];
	switch (res.code) {
	case AUTH_SPF_PASS:
		auth_check_add(run->report, AUTH_RULE_SPF_IP_PASS, NULL, "%s may send for %s: %s", ip,
			       d, res.reason);
		break;
	case AUTH_SPF_FAIL:
	case AUTH_SPF_SOFTFAIL:
	case AUTH_SPF_NEUTRAL:
		check_request_addr(run->req, &addr);
		snprintf(fix, sizeof fix,
			 "add %s:%s to the SPF record of %s, or include the record of the service "
			 "that sends from it",
			 addr.len == 16 ? "ip6" : "ip4", addr.text, d);
		auth_check_add(run->report, AUTH_RULE_SPF_IP_NOT_ALLOWED, fix,
			       "%s may not send for %s: %s (%s)", ip, d, auth_spf_code_str(res.code),
			       res.reason);
		break;
	default:
		auth_check_add(run->report, AUTH_RULE_SPF_IP_ERROR, NULL,
			       "cannot tell whether %s may send for %s: %s (%s)", ip, d,
			       auth_spf_code_str(res.code), res.reason);
		break;
	}
	auth_spf_result_release(&res);
}

void check_spf(struct check_run *run)
{
	struct auth_spf_audit au;
	struct auth_dns_need need;
	if (auth_spf_audit(run->req->domain, run->cache, &au, &need) == AUTH_NEED_DNS)
		check_need(run, &need);
	else
		audit_rows(run, &au);
	ip_row(run);
	auth_spf_audit_release(&au);
}
