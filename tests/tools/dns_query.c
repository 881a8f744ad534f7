/* dns_query: asks the resolver of src/net (net.h, "DNS") and prints the
 * answers in a stable text form, so shell tests can drive it.
 *
 * Usage: dns_query [OPTION]... TYPE NAME... [TYPE NAME...]...
 *   --zone FILE        load a zone file (repeatable)
 *   --zone-text TEXT   load zone text (repeatable)
 *   --forward ADDR@PORT  use the network, asking only this server
 *   --network          use the network through /etc/resolv.conf
 *   --trust-anchor FILE  DNSSEC trust anchor
 *   --timeout MS       per query
 *   --parallel         submit every query at once, then wait; prints
 *                      "in flight: N" (the most pending at once) last
 * An argument that is a type in capitals (A, AAAA, MX, TXT, PTR, CNAME)
 * sets the type of the names after it.  Without --parallel each query is
 * answered (net_dns_lookup) before the next is asked.
 *
 * Output, one block per query in the order asked:
 *   QNAME TYPE RCODE[ cname=NAME][ zone][ secure][ bogus][: WHY]
 *     TTL DATA            one line per record; DATA is the address, "PREF
 *                         NAME" for MX, the name for PTR and CNAME, and for
 *                         TXT the joined text in quotes then strings=N.
 * Exit status: 0 when every query got an answer, 1 on an error, 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "net.h"

struct query {
	const char *name;
	enum net_dns_type type;
	struct net_dns_answer *answer;
};

static void print_text(const char *s, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\%03u", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_answer(const struct net_dns_answer *a)
{
	printf("%s %s %s", a->qname, net_dns_type_str(a->qtype), net_dns_rcode_str(a->rcode));
	if (a->cname)
		printf(" cname=%s", a->cname);
	if (a->from_zone)
		printf(" zone");
	if (a->secure)
		printf(" secure");
	if (a->bogus)
		printf(" bogus");
	if (a->why)
		printf(": %s", a->why);
	putchar('\n');
	for (size_t i = 0; i < a->count; i++) {
		const struct net_dns_record *r = &a->records[i];
		printf("  %lu ", (unsigned long)r->ttl);
		if (a->qtype == NET_DNS_MX)
			printf("%u %s", r->preference, r->text);
		else if (a->qtype == NET_DNS_TXT) {
			print_text(r->text, r->text_len);
			printf(" strings=%u", r->strings);
		} else
			printf("%s", r->text);
		putchar('\n');
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: dns_query [--zone FILE]... [--zone-text TEXT]... "
			"[--forward ADDR@PORT | --network] [--trust-anchor FILE] "
			"[--timeout MS] [--parallel] TYPE NAME...\n");
	return 2;
}

static size_t most_pending;

static void answered(struct net_dns_answer *answer, void *arg)
{
	struct query *q = arg;
	q->answer = answer;
}

static int run_parallel(struct net_dns *dns, struct query *queries, size_t n)
{
	struct lib_err err;
	for (size_t i = 0; i < n; i++) {
		if (net_dns_submit(dns, queries[i].name, queries[i].type, answered, &queries[i],
				   &err) < 0) {
			fprintf(stderr, "dns_query: %s\n", err.msg);
			return 1;
		}
		if (net_dns_pending(dns) > most_pending)
			most_pending = net_dns_pending(dns);
	}
	if (net_dns_wait(dns, -1, &err) < 0) {
		fprintf(stderr, "dns_query: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		print_answer(queries[i].answer);
	printf("in flight: %zu\n", most_pending);
	return 0;
}

static int run_sequential(struct net_dns *dns, struct query *queries, size_t n)
{
	struct lib_err err;
	for (size_t i = 0; i < n; i++) {
		queries[i].answer = net_dns_lookup(dns, queries[i].name, queries[i].type, &err);
		if (!queries[i].answer) {
			fprintf(stderr, "dns_query: %s\n", err.msg);
			return 1;
		}
		print_answer(queries[i].answer);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct net_dns_opts opts = { 0, NULL, NULL, 0 };
	const char **zones = calloc((size_t)argc, sizeof *zones);
	int *is_text = calloc((size_t)argc, sizeof *is_text);
	struct query *queries = calloc((size_t)argc, sizeof *queries);
	size_t nzones = 0, nqueries = 0;
	int parallel = 0, have_type = 0;
	enum net_dns_type type = NET_DNS_A;
	if (!zones || !is_text || !queries)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_value = i + 1 < argc;
		if ((!strcmp(a, "--zone") || !strcmp(a, "--zone-text")) && has_value) {
			is_text[nzones] = a[6] == '-';
			zones[nzones++] = argv[++i];
		} else if (!strcmp(a, "--forward") && has_value) {
			opts.network = 1;
			opts.forwarder = argv[++i];
		} else if (!strcmp(a, "--network")) {
			opts.network = 1;
		} else if (!strcmp(a, "--trust-anchor") && has_value) {
			opts.trust_anchor_file = argv[++i];
		} else if (!strcmp(a, "--timeout") && has_value) {
			opts.timeout_ms = atoi(argv[++i]);
		} else if (!strcmp(a, "--parallel")) {
			parallel = 1;
		} else if (a[0] == '-' && a[1] == '-') {
			return usage();
		} else if (net_dns_type_parse(a, &type) == 0 && strcmp(a, net_dns_type_str(type)) == 0) {
			have_type = 1;
		} else if (have_type) {
			queries[nqueries++] = (struct query){ a, type, NULL };
		} else {
			return usage();
		}
	}
	if (nqueries == 0)
		return usage();

	struct lib_err err;
	struct net_dns *dns = net_dns_new(&opts, &err);
	if (!dns) {
		fprintf(stderr, "dns_query: %s\n", err.msg);
		return 1;
	}
	int rc = 0;
	for (size_t i = 0; i < nzones && rc == 0; i++) {
		int loaded = is_text[i] ? net_dns_load_zone_text(dns, "zone-text", zones[i],
								 strlen(zones[i]), NULL, &err)
					: net_dns_load_zone_file(dns, zones[i], &err);
		if (loaded < 0) {
			fprintf(stderr, "dns_query: %s\n", err.msg);
			rc = 1;
		}
	}
	if (rc == 0)
		rc = parallel ? run_parallel(dns, queries, nqueries)
			      : run_sequential(dns, queries, nqueries);
	for (size_t i = 0; i < nqueries; i++)
		net_dns_answer_free(queries[i].answer);
	net_dns_free(dns);
	free(queries);
	free(zones);
	free(is_text);
	return rc;
}
