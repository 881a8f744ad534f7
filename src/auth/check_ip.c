/* check_ip.c: the address sections of frank dnscheck: forward-confirmed
 * reverse DNS (the PTR name of an address has that address again) for
 * the MX hosts and for --ip, and the blocklists (DNSBL, RFC 5782) asked
 * about --ip: its octets reversed under the list's zone, A 127.0.0.x for
 * a listing, a TXT record for the reason; 127.255.255.x answers are the
 * lists' way of refusing a query. */
#include "check_private.h"
#include "spf_private.h"

#include <stdio.h>
#include <string.h>

#define FIX_MAX (AUTH_DNS_NAME_MAX * 2 + 256)
#define MAX_PTR_NAMES 10 /* PTR names looked at per address, as SPF */

enum ptr_state {
	PTR_PENDING,    /* an answer is missing */
	PTR_TEMPFAIL,   /* its row is added */
	PTR_NONE,
	PTR_UNCONFIRMED,
	PTR_CONFIRMED,
};

static int answer_has_addr(const struct net_dns_answer *a, const struct check_addr *addr)
{
	for (size_t i = 0; check_has_records(a) && i < a->count; i++)
		if (a->records[i].addr_len == addr->len &&
		    memcmp(a->records[i].addr, addr->ip, addr->len) == 0)
			return 1;
	return 0;
}

/* The PTR names of addr and whether one has addr again; *name is the
 * confirmed one, else the first. */
static enum ptr_state fcrdns(struct check_run *run, const struct check_addr *addr,
			     char name[AUTH_DNS_NAME_MAX])
{
	char rev[SPF_REVERSE_NAME_MAX], what[96];
	spf_reverse_name(addr->ip, addr->len, rev);
	snprintf(what, sizeof what, "the reverse DNS of %s", addr->text);
	const struct net_dns_answer *a = check_ask(run, rev, NET_DNS_PTR);
	if (!a)
		return PTR_PENDING;
	if (check_tempfail(run, a, what))
		return PTR_TEMPFAIL;
	if (!check_has_records(a))
		return PTR_NONE;
	snprintf(name, AUTH_DNS_NAME_MAX, "%s", a->records[0].text);
	int pending = 0;
	for (size_t k = 0; k < a->count && k < MAX_PTR_NAMES; k++) {
		const char *host = a->records[k].text;
		if (!host || !*host || strcmp(host, ".") == 0)
			continue;
		const struct net_dns_answer *f =
			check_ask(run, host, addr->len == 4 ? NET_DNS_A : NET_DNS_AAAA);
		if (!f) {
			pending = 1;
		} else if (answer_has_addr(f, addr)) {
			snprintf(name, AUTH_DNS_NAME_MAX, "%s", host);
			return PTR_CONFIRMED;
		}
	}
	return pending ? PTR_PENDING : PTR_UNCONFIRMED;
}

void check_ptr_mx(struct check_run *run, const struct check_mx_addrs *addrs)
{
	char name[AUTH_DNS_NAME_MAX], fix[FIX_MAX];
	for (size_t i = 0; i < addrs->count; i++) {
		const struct check_addr *ad = &addrs->addrs[i];
		switch (fcrdns(run, ad, name)) {
		case PTR_CONFIRMED:
			auth_check_add(run->report, AUTH_RULE_PTR_OK, NULL,
				       "%s (MX host %s) -> %s -> %s: forward-confirmed", ad->text, ad->host,
				       name, ad->text);
			break;
		case PTR_NONE:
			snprintf(fix, sizeof fix, "ask whoever runs %s for a PTR record naming %s",
				 ad->text, ad->host);
			auth_check_add(run->report, AUTH_RULE_PTR_MX_MISSING, fix,
				       "%s (MX host %s) has no PTR record", ad->text, ad->host);
			break;
		case PTR_UNCONFIRMED:
			snprintf(fix, sizeof fix, "have the PTR record of %s name %s", ad->text, ad->host);
			auth_check_add(run->report, AUTH_RULE_PTR_MX_UNCONFIRMED, fix,
				       "%s (MX host %s) -> %s, which does not have the address %s",
				       ad->text, ad->host, name, ad->text);
			break;
		default:
			break;
		}
	}
}

static void ip_ptr(struct check_run *run, const struct check_addr *ad)
{
	char name[AUTH_DNS_NAME_MAX], fix[FIX_MAX];
	switch (fcrdns(run, ad, name)) {
	case PTR_CONFIRMED:
		auth_check_add(run->report, AUTH_RULE_PTR_OK, NULL, "%s -> %s -> %s: forward-confirmed",
			       ad->text, name, ad->text);
		break;
	case PTR_NONE:
		snprintf(fix, sizeof fix,
			 "ask whoever runs %s (your provider) for a PTR record naming a host of %s "
			 "that has the address %s",
			 ad->text, run->req->domain, ad->text);
		auth_check_add(run->report, AUTH_RULE_PTR_IP_MISSING, fix,
			       "%s has no PTR record (reverse DNS): many receivers refuse its mail",
			       ad->text);
		break;
	case PTR_UNCONFIRMED:
		snprintf(fix, sizeof fix,
			 "publish %s %s %s, or have the PTR record name a host that has the address",
			 name, ad->len == 4 ? "A" : "AAAA", ad->text);
		auth_check_add(run->report, AUTH_RULE_PTR_IP_UNCONFIRMED, fix,
			       "%s -> %s, but %s does not have the address %s", ad->text, name, name,
			       ad->text);
		break;
	default:
		break;
	}
}

/* The query name of addr on a blocklist: the reverse name's labels
 * without in-addr.arpa or ip6.arpa, then the zone.  -1 if too long. */
static int dnsbl_name(const struct check_addr *ad, const char *zone, char out[AUTH_DNS_NAME_MAX])
{
	char rev[SPF_REVERSE_NAME_MAX];
	spf_reverse_name(ad->ip, ad->len, rev);
	size_t keep = strlen(rev) - strlen(ad->len == 4 ? "in-addr.arpa" : "ip6.arpa");
	int n = snprintf(out, AUTH_DNS_NAME_MAX, "%.*s%s", (int)keep, rev, zone);
	return n > 0 && n <= 253 ? 0 : -1;
}

/* 127.0.0.0/8 but 127.255.255.0/24 is a listing (RFC 5782 2.1). */
enum code { CODE_LISTED, CODE_REFUSED, CODE_OTHER };

static enum code classify(const struct net_dns_record *r)
{
	if (r->addr_len != 4 || r->addr[0] != 127)
		return CODE_OTHER;
	return r->addr[1] == 255 && r->addr[2] == 255 ? CODE_REFUSED : CODE_LISTED;
}

static void dnsbl_answer(struct check_run *run, const struct check_addr *ad, const char *zone,
			 const char *name, const struct net_dns_answer *a)
{
	char fix[FIX_MAX];
	const struct net_dns_record *listed = NULL, *other = NULL;
	for (size_t i = 0; i < a->count; i++) {
		enum code c = classify(&a->records[i]);
		if (c == CODE_LISTED && !listed)
			listed = &a->records[i];
		else if (c != CODE_LISTED && !other)
			other = &a->records[i];
	}
	if (!listed) {
		auth_check_add(run->report, AUTH_RULE_DNSBL_ERROR, "ask the list's operator how to query it",
			       classify(other) == CODE_REFUSED
				       ? "%s refused the query (%s): it may want its own resolver or a key"
				       : "%s answered %s, which is not a listing code (127.0.0.x)",
			       zone, other->text);
		return;
	}
	const struct net_dns_answer *txt = check_ask(run, name, NET_DNS_TXT);
	if (!txt)
		return;
	const char *reason = check_has_records(txt) ? txt->records[0].text : NULL;
	snprintf(fix, sizeof fix,
		 "find out on %s's site why, stop the cause (spam sent from %s, an open relay, a "
		 "dynamic address range), then ask for delisting",
		 zone, ad->text);
	auth_check_add(run->report, AUTH_RULE_DNSBL_LISTED, fix, "%s is listed on %s (%s)%s%s",
		       ad->text, zone, listed->text, reason ? ": " : "", reason ? reason : "");
}

static void dnsbl(struct check_run *run, const struct check_addr *ad, const char *zone)
{
	char name[AUTH_DNS_NAME_MAX];
	if (dnsbl_name(ad, zone, name) < 0) {
		auth_check_add(run->report, AUTH_RULE_DNSBL_ERROR, "use a shorter zone name",
			       "%s: the query name for %s is longer than a domain name may be", zone,
			       ad->text);
		return;
	}
	const struct net_dns_answer *a = check_ask(run, name, NET_DNS_A);
	if (!a)
		return;
	if (a->bogus || a->rcode == NET_DNS_TEMPFAIL) {
		auth_check_add(run->report, AUTH_RULE_DNSBL_ERROR, "run the check again later",
			       "%s did not answer (%s): not checked", zone,
			       a->why ? a->why : net_dns_rcode_words(a->rcode));
		return;
	}
	if (!check_has_records(a))
		auth_check_add(run->report, AUTH_RULE_DNSBL_CLEAN, NULL, "%s is not listed on %s",
			       ad->text, zone);
	else
		dnsbl_answer(run, ad, zone, name, a);
}

void check_ip(struct check_run *run)
{
	struct check_addr ad;
	if (check_request_addr(run->req, &ad) < 0)
		return;
	ip_ptr(run, &ad);
	for (size_t i = 0; i < run->req->dnsbl_count; i++)
		dnsbl(run, &ad, run->req->dnsbl[i]);
}
