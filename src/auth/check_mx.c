/* check_mx.c: the MX section of frank dnscheck.  RFC 5321 5.1: the MX
 * records of a domain name the hosts that take its mail, tried in order
 * of preference (equal preferences share the load); each must name a
 * host with an address, never an alias (a CNAME, RFC 2181 10.3); without
 * MX records the domain's own address takes the mail.  RFC 7505: a single MX of
 * preference 0 and exchange "." (a null MX) says the domain takes none. */
#include "check_private.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_null_mx(const struct net_dns_record *r)
{
	return !r->text || r->text[0] == '\0' || strcmp(r->text, ".") == 0;
}

/* No MX record: mail goes to the domain's address, if it has one. */
static void no_mx(struct check_run *run)
{
	const char *domain = run->req->domain;
	const struct net_dns_answer *a4 = check_ask(run, domain, NET_DNS_A);
	const struct net_dns_answer *a6 = check_ask(run, domain, NET_DNS_AAAA);
	if (!a4 || !a6 || check_tempfail(run, a4, "the MX fallback") ||
	    check_tempfail(run, a6, "the MX fallback"))
		return;
	const struct net_dns_answer *has = check_has_records(a4) ? a4 : check_has_records(a6) ? a6 : NULL;
	char fix[AUTH_DNS_NAME_MAX * 2 + 128];
	if (has) {
		snprintf(fix, sizeof fix,
			 "publish an MX record naming the host that takes mail for %s, or a null MX "
			 "(%s. MX 0 .) if it takes none",
			 domain, domain);
		auth_check_add(run->report, AUTH_RULE_MX_NONE_ADDRESS, fix,
			       "no MX record: mail for %s goes to its own address %s", domain,
			       has->records[0].text);
		return;
	}
	snprintf(fix, sizeof fix,
		 "publish an MX record naming your mail host, or a null MX (%s. MX 0 .) if %s "
		 "takes no mail",
		 domain, domain);
	auth_check_add(run->report, AUTH_RULE_MX_NONE, fix,
		       "no MX record and no address: mail for %s cannot be delivered", domain);
}

/* "2 MX hosts: a (10), b (20): ..." */
static void summary(struct check_run *run, const struct net_dns_answer *mx)
{
	struct lib_buf b = LIB_BUF_INIT;
	size_t hosts = 0, levels = 0;
	unsigned last = 0;
	for (size_t i = 0; i < mx->count; i++) {
		if (is_null_mx(&mx->records[i]))
			continue;
		if (hosts == 0 || mx->records[i].preference != last)
			levels++;
		last = mx->records[i].preference;
		if (hosts < AUTH_CHECK_MAX_MX)
			lib_buf_printf(&b, "%s%s (%u)", hosts ? ", " : "", mx->records[i].text,
				       mx->records[i].preference);
		hosts++;
	}
	if (hosts > AUTH_CHECK_MAX_MX)
		lib_buf_printf(&b, " and %zu more, not checked", hosts - AUTH_CHECK_MAX_MX);
	const char *how = hosts == 1    ? ""
			  : levels == 1 ? ": equal preferences, load balancing"
					: ": several preference levels, the higher ones are fallbacks";
	auth_check_add(run->report, AUTH_RULE_MX_HOSTS, NULL, "%zu MX host%s: %s%s", hosts,
		       hosts == 1 ? "" : "s", b.data, how);
	lib_buf_release(&b);
}

static int is_address(const char *text)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

static void keep_address(struct check_mx_addrs *addrs, const struct net_dns_record *r,
			 const char *host)
{
	if (addrs->count == CHECK_MAX_MX_ADDRS || (r->addr_len != 4 && r->addr_len != 16))
		return;
	for (size_t i = 0; i < addrs->count; i++)
		if (addrs->addrs[i].len == r->addr_len && memcmp(addrs->addrs[i].ip, r->addr, r->addr_len) == 0)
			return;
	struct check_addr *k = &addrs->addrs[addrs->count++];
	memcpy(k->ip, r->addr, r->addr_len);
	k->len = r->addr_len;
	snprintf(k->text, sizeof k->text, "%s", r->text);
	snprintf(k->host, sizeof k->host, "%s", host);
}

/* One MX host: its addresses, and no alias. */
static void check_host(struct check_run *run, const char *host, struct check_mx_addrs *addrs)
{
	char fix[AUTH_DNS_NAME_MAX * 2 + 128];
	if (is_address(host)) {
		auth_check_add(run->report, AUTH_RULE_MX_HOST_NO_ADDRESS,
			       "an MX record names a host: give the host's name, with an A record",
			       "MX %s is an address, not a host name", host);
		return;
	}
	const struct net_dns_answer *a4 = check_ask(run, host, NET_DNS_A);
	const struct net_dns_answer *a6 = check_ask(run, host, NET_DNS_AAAA);
	if (!a4 || !a6 || check_tempfail(run, a4, "this MX host") ||
	    check_tempfail(run, a6, "this MX host"))
		return;
	const char *alias = a4->cname ? a4->cname : a6->cname;
	if (alias) {
		snprintf(fix, sizeof fix, "point the MX record at %s itself", alias);
		auth_check_add(run->report, AUTH_RULE_MX_HOST_CNAME, fix,
			       "%s is an alias (CNAME) of %s: RFC 2181 10.3 wants MX records to "
			       "name the host itself",
			       host, alias);
	}
	if (!check_has_records(a4) && !check_has_records(a6)) {
		snprintf(fix, sizeof fix, "publish an A or AAAA record for %s, or remove its MX record",
			 alias ? alias : host);
		auth_check_add(run->report, AUTH_RULE_MX_HOST_NO_ADDRESS, fix, "%s %s", host,
			       a4->rcode == NET_DNS_NXDOMAIN ? "does not exist (NXDOMAIN)"
							     : "has no address (A or AAAA)");
		return;
	}
	struct lib_buf b = LIB_BUF_INIT;
	size_t kept = 0;
	for (int fam = 0; fam < 2; fam++) {
		const struct net_dns_answer *a = fam ? a6 : a4;
		for (size_t i = 0; check_has_records(a) && i < a->count; i++, kept++) {
			if (kept < AUTH_CHECK_MAX_ADDRS) {
				lib_buf_printf(&b, "%s%s", kept ? ", " : "", a->records[i].text);
				keep_address(addrs, &a->records[i], host);
			}
		}
	}
	if (kept > AUTH_CHECK_MAX_ADDRS)
		lib_buf_printf(&b, " and %zu more", kept - AUTH_CHECK_MAX_ADDRS);
	if (!alias)
		auth_check_add(run->report, AUTH_RULE_MX_HOST_OK, NULL, "%s: %s", host, b.data);
	lib_buf_release(&b);
}

void check_mx(struct check_run *run, struct check_mx_addrs *addrs)
{
	const char *domain = run->req->domain;
	const struct net_dns_answer *mx = check_ask(run, domain, NET_DNS_MX);
	if (!mx || mx->rcode == NET_DNS_NXDOMAIN || check_tempfail(run, mx, "MX"))
		return;
	if (!check_has_records(mx)) {
		no_mx(run);
		return;
	}
	size_t nulls = 0;
	for (size_t i = 0; i < mx->count; i++)
		nulls += is_null_mx(&mx->records[i]);
	if (nulls == mx->count) {
		auth_check_add(run->report, AUTH_RULE_MX_NULL, NULL,
			       "null MX: %s says it takes no mail (RFC 7505)", domain);
		return;
	}
	summary(run, mx);
	if (nulls)
		auth_check_add(run->report, AUTH_RULE_MX_NULL_MIXED,
			       "remove the null MX if the domain takes mail, else the other MX records",
			       "a null MX (MX 0 .) beside %zu other MX record%s: RFC 7505 wants it "
			       "alone",
			       mx->count - nulls, mx->count - nulls == 1 ? "" : "s");
	size_t hosts = 0;
	for (size_t i = 0; i < mx->count && hosts < AUTH_CHECK_MAX_MX; i++) {
		if (is_null_mx(&mx->records[i]))
			continue;
		hosts++;
		check_host(run, mx->records[i].text, addrs);
	}
}
