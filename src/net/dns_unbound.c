/* dns_unbound.c: the network backend, on libunbound: asynchronous, with
 * its own cache that honours TTLs, and DNSSEC validation when given a
 * trust anchor.  It resolves in a thread of its own (ub_ctx_async), so
 * frank never forks for DNS; results come back through ub_fd(). */
#include "dns_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <unbound.h>

struct dns_net {
	struct ub_ctx *ub;
};

static int ub_fail(struct lib_err *err, const char *what, int rc)
{
	return lib_err_set(err, "DNS: %s: %s", what, ub_strerror(rc));
}

static int configure(struct ub_ctx *ub, const struct net_dns_opts *opts, struct lib_err *err)
{
	int rc = ub_ctx_async(ub, 1);
	if (rc)
		return ub_fail(err, "cannot resolve in a thread", rc);
	/* The servers asked are the forwarder or those of resolv.conf, often
	 * on 127.0.0.1 (a test's server, systemd-resolved, a local cache),
	 * which unbound refuses to query unless told. */
	rc = ub_ctx_set_option(ub, "do-not-query-localhost:", "no");
	if (rc)
		return ub_fail(err, "cannot allow servers on localhost", rc);
	if (opts->forwarder) {
		/* Names reserved for testing (RFC 6761 .test, RFC 5737 and RFC
		 * 3849 reverse zones) go to the forwarder too: unbound would
		 * answer them NXDOMAIN itself. */
		static const char *const ask_forwarder[] = {
			"test. transparent", "2.0.192.in-addr.arpa. transparent",
			"100.51.198.in-addr.arpa. transparent", "113.0.203.in-addr.arpa. transparent",
			"8.b.d.0.1.0.0.2.ip6.arpa. transparent",
		};
		for (size_t i = 0; !rc && i < sizeof ask_forwarder / sizeof ask_forwarder[0]; i++)
			rc = ub_ctx_set_option(ub, "local-zone:", ask_forwarder[i]);
		if (!rc)
			rc = ub_ctx_set_fwd(ub, opts->forwarder);
		if (rc)
			return lib_err_set(err, "DNS: bad forwarder %s: %s", opts->forwarder,
					   ub_strerror(rc));
	} else {
		rc = ub_ctx_resolvconf(ub, NULL);
		if (rc)
			return ub_fail(err, "cannot read /etc/resolv.conf", rc);
		rc = ub_ctx_hosts(ub, NULL);
		if (rc)
			return ub_fail(err, "cannot read /etc/hosts", rc);
	}
	if (opts->trust_anchor_file) {
		if (access(opts->trust_anchor_file, R_OK) < 0)
			return lib_err_set(err, "DNS: trust anchor %s: %s", opts->trust_anchor_file,
					   strerror(errno));
		rc = ub_ctx_add_ta_file(ub, opts->trust_anchor_file);
		if (rc)
			return lib_err_set(err, "DNS: trust anchor %s: %s", opts->trust_anchor_file,
					   ub_strerror(rc));
	}
	return 0;
}

struct dns_net *dns_net_new(const struct net_dns_opts *opts, struct lib_err *err)
{
	struct ub_ctx *ub = ub_ctx_create();
	if (!ub) {
		lib_err_set(err, "DNS: cannot create the libunbound context");
		return NULL;
	}
	if (configure(ub, opts, err) < 0) {
		ub_ctx_delete(ub);
		return NULL;
	}
	struct dns_net *net = lib_xcalloc(1, sizeof *net);
	net->ub = ub;
	return net;
}

void dns_net_free(struct dns_net *net)
{
	if (!net)
		return;
	ub_ctx_delete(net->ub);
	free(net);
}

int dns_net_fd(const struct dns_net *net)
{
	return ub_fd(net->ub);
}

static const char *rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP", "REFUSED" };
	return rcode >= 0 && rcode < 6 ? names[rcode] : "an unknown code";
}

static char *strip_dot(const char *name)
{
	size_t len = strlen(name);
	if (len > 1 && name[len - 1] == '.' && name[len - 2] != '\\')
		len--;
	return lib_xstrndup(name, len);
}

static void set_why(struct net_dns_answer *a, char *why)
{
	free(a->why);
	a->why = why;
}

/* Turns the records of result into a's; -1 if one is malformed. */
static int add_records(struct net_dns_answer *a, const struct ub_result *r)
{
	uint32_t ttl = r->ttl > 0 ? (uint32_t)r->ttl : 0;
	for (size_t i = 0; r->data[i]; i++) {
		struct net_dns_record rec;
		if (r->len[i] < 0 ||
		    dns_record_from_rdata((unsigned)r->qtype, (const unsigned char *)r->data[i],
					  (size_t)r->len[i], r->answer_packet,
					  r->answer_len > 0 ? (size_t)r->answer_len : 0, ttl,
					  &rec) < 0)
			return -1;
		dns_answer_add(a, &rec);
	}
	return 0;
}

/* RCODE mapping: NOERROR with data -> ANSWER, without -> NODATA;
 * NXDOMAIN -> NXDOMAIN; anything else (SERVFAIL, REFUSED, bogus) ->
 * TEMPFAIL with the reason. */
static struct net_dns_answer *answer_from_result(const struct ub_result *r)
{
	char *qname = strip_dot(r->qname ? r->qname : "");
	struct net_dns_answer *a = dns_answer_new(qname, (enum net_dns_type)r->qtype,
						  NET_DNS_TEMPFAIL);
	a->secure = r->secure;
	a->bogus = r->bogus;
	if (r->canonname) {
		char *canon = strip_dot(r->canonname);
		if (strcasecmp(canon, qname) != 0)
			a->cname = canon;
		else
			free(canon);
	}
	free(qname);
	if (r->bogus) {
		set_why(a, lib_xasprintf("DNSSEC validation failed: %s",
					 r->why_bogus ? r->why_bogus : "no reason given"));
	} else if (r->rcode == 0 && r->havedata) {
		a->rcode = NET_DNS_ANSWER;
		if (add_records(a, r) < 0) {
			struct net_dns_answer *bad = dns_answer_new(a->qname, a->qtype, NET_DNS_TEMPFAIL);
			bad->why = lib_xasprintf("malformed %s record from the network",
						 net_dns_type_str(a->qtype));
			net_dns_answer_free(a);
			return bad;
		}
		dns_answer_sort(a);
	} else if (r->rcode == 0) {
		a->rcode = NET_DNS_NODATA;
	} else if (r->rcode == 3) {
		a->rcode = NET_DNS_NXDOMAIN;
	} else {
		set_why(a, lib_xasprintf("the DNS server answered %s", rcode_name(r->rcode)));
	}
	return a;
}

static void ub_done(void *arg, int rc, struct ub_result *result)
{
	struct net_dns_answer *a;
	if (rc || !result) {
		a = dns_answer_new("", NET_DNS_A, NET_DNS_TEMPFAIL);
		a->why = lib_xasprintf("DNS resolution failed: %s",
				       rc ? ub_strerror(rc) : "no result");
	} else {
		a = answer_from_result(result);
	}
	ub_resolve_free(result);
	dns_net_answered(arg, a);
}

int dns_net_submit(struct dns_net *net, const char *name, enum net_dns_type type, void *arg,
		   struct lib_err *err)
{
	int id = 0;
	int rc = ub_resolve_async(net->ub, name, (int)type, 1 /* IN */, arg, ub_done, &id);
	if (rc)
		return ub_fail(err, "cannot start a query", rc);
	return id;
}

int dns_net_cancel(struct dns_net *net, int id)
{
	return ub_cancel(net->ub, id) == 0 ? 0 : -1;
}

int dns_net_process(struct dns_net *net, struct lib_err *err)
{
	if (!ub_poll(net->ub))
		return 0;
	int rc = ub_process(net->ub);
	if (rc)
		return ub_fail(err, "cannot read results", rc);
	return 0;
}
