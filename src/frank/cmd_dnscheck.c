/* cmd_dnscheck.c: "frank dnscheck DOMAIN [--selector S]... [--ip ADDR]
 * [--dnsbl ZONE]... [--dns ZONEFILE]... [--json]": what a domain publishes
 * for mail, checked like an online mail tester would (auth.h, "Domain
 * checks"), a line per finding and a score out of 10.  "frank dnscheck
 * --message FILE [--trusted-host HOST]... [--trusted-authserv ID]...
 * [--now SECONDS]" scores a received message the same way.  With --dns the
 * zone files are the whole DNS (offline, as the tests run); without, the
 * system's resolver answers.
 *
 * Exit status: 0 when the check ran (whatever it found), 1 when DNS could
 * not be queried at all (or a zone file cannot be read), 2 on a usage
 * error. */
#include "auth.h"
#include "commands.h"
#include "lib.h"
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define DNSCHECK_MAX_LIST 32   /* selectors, zone files, blocklists */
#define DNSCHECK_NEEDS 64      /* queries in flight at once */
#define DNSCHECK_MAX_ROUNDS 1000 /* a bound no real check comes near */

struct dnscheck_options {
	char *domain;                       /* A-labels, lowercase */
	const char *selectors[DNSCHECK_MAX_LIST];
	size_t selector_count;
	const char *zones[DNSCHECK_MAX_LIST]; /* --dns */
	size_t zone_count;
	char *dnsbl[DNSCHECK_MAX_LIST];
	size_t dnsbl_count;
	const char *ip;
	int json;
	const char *message;                 /* --message FILE */
	const char *trusted_hosts[DNSCHECK_MAX_LIST];
	size_t trusted_host_count;
	const char *trusted_ids[DNSCHECK_MAX_LIST];
	size_t trusted_id_count;
	long long now;
};

static void dnscheck_usage(FILE *out)
{
	fprintf(out, "usage: frank dnscheck [--selector S]... [--ip ADDR] [--dnsbl ZONE]...\n"
		     "                      [--dns ZONEFILE]... [--json] DOMAIN\n"
		     "       frank dnscheck --message FILE [--trusted-host HOST]...\n"
		     "                      [--trusted-authserv ID]... [--now SECONDS]\n"
		     "                      [--dns ZONEFILE]... [--json]\n");
}

static void dnscheck_options_release(struct dnscheck_options *o)
{
	free(o->domain);
	for (size_t i = 0; i < o->dnsbl_count; i++)
		free(o->dnsbl[i]);
}

/* A DKIM selector (RFC 6376 3.1): dot-separated labels of letters,
 * digits, '-' and '_' (seen in the wild), none empty or over 63. */
static int selector_valid(const char *s)
{
	size_t label = 0, len = strlen(s);
	if (len == 0 || len > 200)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (label == 0 || label > 63)
				return 0;
			label = 0;
		} else if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
				  s[i])) {
			label++;
		} else {
			return 0;
		}
	}
	return 1;
}

/* A domain name from the command line as the checker takes it. */
static char *domain_arg(const char *what, const char *text)
{
	struct lib_err err = { "" };
	size_t len = strlen(text);
	if (len > 1 && text[len - 1] == '.')
		len--;
	char *ascii = auth_address_domain_to_ascii(text, len, &err);
	if (!ascii)
		fprintf(stderr, "frank dnscheck: %s '%s' is not a domain name: %s\n", what, text,
			err.msg);
	return ascii;
}

static int ip_valid(const char *text)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

/* Adds an option's value to a list; -1 when it is full. */
static int list_add(const char **list, size_t *count, const char *value, const char *opt)
{
	if (*count == DNSCHECK_MAX_LIST) {
		fprintf(stderr, "frank dnscheck: at most %d %s options\n", DNSCHECK_MAX_LIST, opt);
		return -1;
	}
	list[(*count)++] = value;
	return 0;
}

/* One option with its value; -1 on a usage error. */
static int dnscheck_option(struct dnscheck_options *o, const char *opt, const char *val)
{
	if (strcmp(opt, "--selector") == 0) {
		if (!selector_valid(val)) {
			fprintf(stderr, "frank dnscheck: '%s' is not a DKIM selector\n", val);
			return -1;
		}
		return list_add(o->selectors, &o->selector_count, val, opt);
	}
	if (strcmp(opt, "--dns") == 0)
		return list_add(o->zones, &o->zone_count, val, opt);
	if (strcmp(opt, "--message") == 0) {
		o->message = val;
		return 0;
	}
	if (strcmp(opt, "--trusted-host") == 0)
		return list_add(o->trusted_hosts, &o->trusted_host_count, val, opt);
	if (strcmp(opt, "--trusted-authserv") == 0)
		return list_add(o->trusted_ids, &o->trusted_id_count, val, opt);
	if (strcmp(opt, "--now") == 0) {
		char *end;
		o->now = strtoll(val, &end, 10);
		if (*val == '\0' || *end || o->now <= 0) {
			fprintf(stderr, "frank dnscheck: --now '%s' is not a time in seconds\n", val);
			return -1;
		}
		return 0;
	}
	if (strcmp(opt, "--ip") == 0) {
		if (!ip_valid(val)) {
			fprintf(stderr, "frank dnscheck: --ip '%s' is not an IPv4 or IPv6 address\n", val);
			return -1;
		}
		o->ip = val;
		return 0;
	}
	char *zone = domain_arg("--dnsbl", val);
	if (!zone || list_add((const char **)o->dnsbl, &o->dnsbl_count, zone, opt) < 0) {
		free(zone);
		return -1;
	}
	return 0;
}

/* Returns 0 to go on, 1 after --help, -1 on a usage error. */
static int dnscheck_parse(int argc, char **argv, struct dnscheck_options *o)
{
	const char *domain = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			dnscheck_usage(stdout);
			return 1;
		}
		if (strcmp(a, "--json") == 0) {
			o->json = 1;
			continue;
		}
		int takes = strcmp(a, "--selector") == 0 || strcmp(a, "--ip") == 0 ||
			    strcmp(a, "--dns") == 0 || strcmp(a, "--dnsbl") == 0 ||
			    strcmp(a, "--message") == 0 || strcmp(a, "--trusted-host") == 0 ||
			    strcmp(a, "--trusted-authserv") == 0 || strcmp(a, "--now") == 0;
		if (takes && i + 1 >= argc) {
			fprintf(stderr, "frank dnscheck: option %s needs an argument\n", a);
			return -1;
		}
		if (takes) {
			if (dnscheck_option(o, a, argv[++i]) < 0)
				return -1;
		} else if (a[0] == '-') {
			fprintf(stderr, "frank dnscheck: unknown option: %s\n", a);
			return -1;
		} else if (domain) {
			fprintf(stderr, "frank dnscheck: one domain at a time (%s, %s)\n", domain, a);
			return -1;
		} else {
			domain = a;
		}
	}
	if (o->message && (domain || o->selector_count || o->ip || o->dnsbl_count)) {
		fprintf(stderr, "frank dnscheck: --message checks a message, not a domain: no "
				"DOMAIN, --selector, --ip or --dnsbl with it\n");
		return -1;
	}
	if (!o->message && (o->trusted_host_count || o->trusted_id_count || o->now)) {
		fprintf(stderr, "frank dnscheck: --trusted-host, --trusted-authserv and --now go "
				"with --message\n");
		return -1;
	}
	if (o->message)
		return 0;
	if (!domain) {
		fprintf(stderr, "frank dnscheck: no domain given\n");
		return -1;
	}
	o->domain = domain_arg("the domain", domain);
	return o->domain ? 0 : -1;
}

/* --dns: the zone files alone, offline.  Otherwise the system's resolver
 * (libunbound, validating DNSSEC when the root key is installed). */
static struct net_dns *dnscheck_resolver(const struct dnscheck_options *o, struct lib_err *err)
{
	struct net_dns_opts opts = { 0 };
	opts.network = o->zone_count == 0;
	if (opts.network && access(NET_DNS_ROOT_KEY, R_OK) == 0)
		opts.trust_anchor_file = NET_DNS_ROOT_KEY;
	struct net_dns *dns = net_dns_new(&opts, err);
	for (size_t i = 0; dns && i < o->zone_count; i++) {
		if (net_dns_load_zone_file(dns, o->zones[i], err) < 0) {
			net_dns_free(dns);
			dns = NULL;
		}
	}
	return dns;
}

/* A query in flight: the answer is filed under the name the checker
 * asked, whatever form the resolver gives it back in. */
struct dnscheck_query {
	struct auth_dns_cache *cache;
	char name[AUTH_DNS_NAME_MAX];
};

static void dnscheck_answer(struct net_dns_answer *answer, void *arg)
{
	struct dnscheck_query *q = arg;
	free(answer->qname);
	answer->qname = lib_xstrdup(q->name);
	auth_dns_cache_put(q->cache, answer);
}

/* Resolves needs[0..n) at once into the cache. */
static int dnscheck_resolve(struct net_dns *dns, struct auth_dns_cache *cache,
			    const struct auth_dns_need *needs, size_t n, struct lib_err *err)
{
	struct dnscheck_query q[DNSCHECK_NEEDS];
	for (size_t i = 0; i < n; i++) {
		struct lib_err refused;
		q[i].cache = cache;
		memcpy(q[i].name, needs[i].name, sizeof q[i].name);
		if (net_dns_submit(dns, needs[i].name, needs[i].type, dnscheck_answer, &q[i],
				   &refused) == 0)
			continue;
		/* a name DNS cannot hold (from a hostile record) names nothing */
		lib_debug("dnscheck: %s", refused.msg);
		struct net_dns_answer *none = lib_xcalloc(1, sizeof *none);
		none->qname = lib_xstrdup(needs[i].name);
		none->qtype = needs[i].type;
		none->rcode = NET_DNS_NXDOMAIN;
		auth_dns_cache_put(cache, none);
	}
	return net_dns_wait(dns, -1, err);
}

/* Runs the check to its report, or NULL with err set. */
static struct auth_check_report *dnscheck_run(const struct dnscheck_options *o,
					      struct lib_err *err)
{
	struct auth_check_request req = {
		.domain = o->domain, .selectors = o->selectors, .selector_count = o->selector_count,
		.ip = o->ip, .dnsbl = (const char *const *)o->dnsbl, .dnsbl_count = o->dnsbl_count,
	};
	struct net_dns *dns = dnscheck_resolver(o, err);
	if (!dns)
		return NULL;
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dns_need needs[DNSCHECK_NEEDS];
	struct auth_check_report *report = NULL;
	for (int round = 0; round < DNSCHECK_MAX_ROUNDS; round++) {
		size_t n = 0;
		if (auth_check_domain(&req, cache, &report, needs, DNSCHECK_NEEDS, &n) == AUTH_DONE)
			break;
		if (dnscheck_resolve(dns, cache, needs, n, err) < 0)
			break;
	}
	if (!report && !err->msg[0])
		lib_err_set(err, "the check of %s did not finish", o->domain);
	if (report && report->dns_unreachable) {
		const struct net_dns_answer *a = auth_dns_cache_at(cache, 0);
		lib_err_set(err, "DNS could not be queried: %s %s: %s", net_dns_type_str(a->qtype),
			    a->qname, a->why ? a->why : net_dns_rcode_words(a->rcode));
		auth_check_report_free(report);
		report = NULL;
	}
	auth_dns_cache_free(cache);
	net_dns_free(dns);
	return report;
}

/* --message: the file read (at most a little over the size limit: the
 * rest only counts toward its size), verified, and scored. */
#define DNSCHECK_MESSAGE_READ (AUTH_CHECK_MESSAGE_MAX + (1u << 20))

static int read_message(const char *path, char **data, size_t *len,
			unsigned long long *size, struct lib_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	struct lib_buf b = LIB_BUF_INIT;
	char chunk[65536];
	size_t n;
	*size = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len < DNSCHECK_MESSAGE_READ)
			lib_buf_append(&b, chunk, n);
		*size += n;
	}
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		lib_buf_release(&b);
		return lib_err_set(err, "%s: cannot be read", path);
	}
	*len = b.len;
	*data = lib_buf_take(&b);
	return 0;
}

static struct auth_check_report *message_run(const struct dnscheck_options *o,
					     struct lib_err *err)
{
	char *data;
	size_t len;
	unsigned long long size;
	if (read_message(o->message, &data, &len, &size, err) < 0)
		return NULL;
	struct net_dns *dns = dnscheck_resolver(o, err);
	if (!dns) {
		free(data);
		return NULL;
	}
	struct auth_message_request req = { 0 };
	req.trusted_hosts = o->trusted_hosts;
	req.trusted_host_count = o->trusted_host_count;
	req.trusted_authserv_ids = o->trusted_ids;
	req.trusted_authserv_count = o->trusted_id_count;
	req.now = o->now;
	struct auth_message_verifier *v = auth_message_verifier_new(&req);
	auth_message_verifier_feed(v, data, len);
	auth_message_verifier_finish(v);
	struct auth_check_report *report = NULL;
	if (auth_message_resolve(v, dns, err) == 0) {
		const struct auth_message_verdict *vd = auth_message_verifier_verdict(v);
		if (vd && vd->error)
			lib_err_set(err, "%s: %s", o->message, vd->error);
		else if (vd)
			report = auth_check_message(vd, data, len, size, o->message);
	}
	auth_message_verifier_free(v);
	net_dns_free(dns);
	free(data);
	return report;
}

int frank_cmd_dnscheck(int argc, char **argv)
{
	struct dnscheck_options o;
	memset(&o, 0, sizeof o);
	int rc = dnscheck_parse(argc, argv, &o);
	if (rc != 0) {
		if (rc < 0)
			dnscheck_usage(stderr);
		dnscheck_options_release(&o);
		return rc < 0 ? 2 : 0;
	}
	struct lib_err err = { "" };
	struct auth_check_report *report = o.message ? message_run(&o, &err) : dnscheck_run(&o, &err);
	dnscheck_options_release(&o);
	if (!report) {
		fprintf(stderr, "frank dnscheck: %s\n", err.msg);
		return 1;
	}
	char *out = o.json ? auth_check_report_json(report) : auth_check_report_text(report);
	fputs(out, stdout);
	free(out);
	auth_check_report_free(report);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("frank dnscheck: standard output");
		return 1;
	}
	return 0;
}
