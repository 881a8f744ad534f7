/* check_domain.c: auth_check_domain, the checker of frank dnscheck
 * (auth.h, "Domain checks"), and what its sections share: asking for
 * answers, temporary failures, the request's address.
 *
 * Each call runs every section over the cache from the start, like the
 * evaluators it uses.  A missing answer does not stop the run: the query
 * is noted and the section goes on with what does not depend on it, so a
 * round asks for all it can see and the caller resolves them at once.
 * The run is done when a round notes nothing; only then is there a
 * report. */
#include "check_private.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const auth_check_common_selectors[] = {
	"default", "dkim", "mail", "k1", "k2", "s1", "s2", "selector1", "selector2", "google",
	NULL,
};

static int same_need(const struct auth_dns_need *n, const char *name, enum net_dns_type type)
{
	return n->type == type && strcasecmp(n->name, name) == 0;
}

static void add_need(struct check_run *run, const char *name, enum net_dns_type type)
{
	run->missing = 1;
	for (size_t i = 0; i < run->need_count; i++)
		if (same_need(&run->needs[i], name, type))
			return;
	if (run->need_count == run->max_needs)
		return; /* the next round asks for the rest */
	struct auth_dns_need *n = &run->needs[run->need_count++];
	snprintf(n->name, sizeof n->name, "%s", name);
	n->type = type;
}

const struct net_dns_answer *check_ask(struct check_run *run, const char *name,
				       enum net_dns_type type)
{
	/* A name from an answer (an MX exchange, a PTR target) may be longer
	 * in presentation form than a query can carry: it names nothing. */
	static char nothing[] = "";
	static const struct net_dns_answer unnamable = { .qname = nothing,
							 .rcode = NET_DNS_NXDOMAIN };
	if (strlen(name) >= AUTH_DNS_NAME_MAX)
		return &unnamable;
	const struct net_dns_answer *a = auth_dns_cache_get(run->cache, name, type);
	if (!a)
		add_need(run, name, type);
	return a;
}

void check_need(struct check_run *run, const struct auth_dns_need *need)
{
	add_need(run, need->name, need->type);
}

int check_has_records(const struct net_dns_answer *a)
{
	return !a->bogus && a->rcode == NET_DNS_ANSWER && a->count > 0;
}

int check_tempfail(struct check_run *run, const struct net_dns_answer *a, const char *what)
{
	if (!a->bogus && a->rcode != NET_DNS_TEMPFAIL)
		return 0;
	const char *why = a->why ? a->why
				 : a->bogus ? "DNSSEC validation failed"
					    : net_dns_rcode_words(a->rcode);
	auth_check_add(run->report, AUTH_RULE_DNS_TEMPFAIL, "run the check again later",
		       "%s %s: %s; %s not checked", net_dns_type_str(a->qtype), a->qname, why, what);
	return 1;
}

int check_request_addr(const struct auth_check_request *req, struct check_addr *addr)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	memset(addr, 0, sizeof *addr);
	if (!req->ip)
		return -1;
	if (inet_pton(AF_INET, req->ip, addr->ip) == 1) {
		addr->len = 4;
	} else if (inet_pton(AF_INET6, req->ip, addr->ip) == 1) {
		addr->len = 16;
		if (memcmp(addr->ip, mapped, sizeof mapped) == 0) {
			memmove(addr->ip, addr->ip + 12, 4);
			addr->len = 4;
		}
	} else {
		return -1;
	}
	inet_ntop(addr->len == 4 ? AF_INET : AF_INET6, addr->ip, addr->text, sizeof addr->text);
	return 0;
}

/* The domain's MX answer decides whether it exists at all. */
int check_domain_missing(struct check_run *run)
{
	const struct net_dns_answer *a = check_ask(run, run->req->domain, NET_DNS_MX);
	if (!a || a->bogus || a->rcode != NET_DNS_NXDOMAIN)
		return 0;
	auth_check_add(run->report, AUTH_RULE_DOMAIN_NXDOMAIN,
		       "check the spelling; a domain that sends or receives mail must exist in DNS",
		       "%s does not exist (NXDOMAIN): no mail can come from it or reach it",
		       run->req->domain);
	return 1;
}

/* Whether every answer the run consulted was a temporary failure: the
 * resolver itself could not be reached. */
static int all_tempfail(const struct auth_dns_cache *cache)
{
	size_t n = auth_dns_cache_count(cache);
	for (size_t i = 0; i < n; i++)
		if (auth_dns_cache_at(cache, i)->rcode != NET_DNS_TEMPFAIL)
			return 0;
	return n > 0;
}

enum auth_step auth_check_domain(const struct auth_check_request *req,
				 const struct auth_dns_cache *cache,
				 struct auth_check_report **report, struct auth_dns_need *needs,
				 size_t max, size_t *count)
{
	*report = NULL;
	*count = 0;
	if (max == 0)
		return AUTH_NEED_DNS; /* a caller's bug: no room to say what is missing */
	struct check_run run = {
		.req = req, .cache = cache, .report = auth_check_report_new(req->domain),
		.needs = needs, .max_needs = max,
	};
	struct check_mx_addrs *addrs = lib_xcalloc(1, sizeof *addrs);
	if (!check_domain_missing(&run)) {
		check_mx(&run, addrs);
		check_spf(&run);
		check_dkim(&run);
		check_dmarc(&run);
		check_ptr_mx(&run, addrs);
		check_ip(&run);
	}
	free(addrs);
	if (run.missing) {
		auth_check_report_free(run.report);
		*count = run.need_count;
		return AUTH_NEED_DNS;
	}
	run.report->dns_unreachable = all_tempfail(cache);
	*report = run.report;
	return AUTH_DONE;
}
