/* test_net_dns.c: unit tests of the resolver (net.h, "DNS") without a
 * network: answers from zones (tests/data/dns/example.zone and zone text),
 * NXDOMAIN against NODATA, CNAME chains, TEMPFAIL records, the authority
 * rule, all-or-nothing loading, and the asynchronous interface. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns_private.h"
#include "net.h"

#define EXAMPLE_ZONE "tests/data/dns/example.zone"

static struct net_dns *offline_with(const char *text)
{
	struct lib_err err = { "" };
	struct net_dns *dns = net_dns_new(NULL, &err);
	if (!dns)
		fail_msg("net_dns_new: %s", err.msg);
	if (net_dns_load_zone_file(dns, EXAMPLE_ZONE, &err) < 0)
		fail_msg("%s", err.msg);
	if (text && net_dns_load_zone_text(dns, "extra", text, strlen(text), NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return dns;
}

/* An answer as one line: "RCODE [cname=X] | rec | rec", records as
 * dns_query prints them (MX "PREF NAME", TXT the joined text). */
static char *show(const struct net_dns_answer *a)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, net_dns_rcode_str(a->rcode));
	if (a->cname)
		lib_buf_printf(&b, " cname=%s", a->cname);
	for (size_t i = 0; i < a->count; i++) {
		lib_buf_puts(&b, " | ");
		if (a->qtype == NET_DNS_MX)
			lib_buf_printf(&b, "%u ", a->records[i].preference);
		lib_buf_append(&b, a->records[i].text, a->records[i].text_len);
	}
	return lib_buf_take(&b);
}

struct lookup_case {
	const char *name;
	enum net_dns_type type;
	const char *want;
};

static const struct lookup_case example_lookups[] = {
	{ "alice.test", NET_DNS_MX, "ANSWER | 10 mx1.alice.test | 20 mx2.alice.test" },
	{ "alice.test", NET_DNS_TXT, "ANSWER | v=spf1 ip4:192.0.2.0/24 mx -all" },
	{ "alice.test", NET_DNS_A, "ANSWER | 192.0.2.1" },
	{ "alice.test", NET_DNS_AAAA, "NODATA" },
	{ "mx1.alice.test", NET_DNS_AAAA, "ANSWER | 2001:db8::25" },
	{ "mx1.alice.test", NET_DNS_TXT, "NODATA" },
	{ "nosuch.alice.test", NET_DNS_A, "NXDOMAIN" },
	{ "nosuch.alice.test", NET_DNS_TXT, "NXDOMAIN" },
	/* an empty non-terminal exists */
	{ "b.alice.test", NET_DNS_A, "NODATA" },
	{ "a.b.alice.test", NET_DNS_A, "ANSWER | 192.0.2.7" },
	{ "x.a.b.alice.test", NET_DNS_A, "NXDOMAIN" },
	/* CNAMEs are followed for other types, not for CNAME */
	{ "mail.alice.test", NET_DNS_A, "ANSWER cname=mx1.alice.test | 192.0.2.25" },
	{ "www.alice.test", NET_DNS_AAAA, "ANSWER cname=mx1.alice.test | 2001:db8::25" },
	{ "www.alice.test", NET_DNS_TXT, "NODATA cname=mx1.alice.test" },
	{ "www.alice.test", NET_DNS_CNAME, "ANSWER | mail.alice.test" },
	{ "_dmarc.alice.test", NET_DNS_TXT,
	  "ANSWER | v=DMARC1; p=reject; rua=mailto:dmarc@alice.test" },
	{ "sel._domainkey.alice.test", NET_DNS_TXT,
	  "ANSWER | v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC" },
	{ "quoted.alice.test", NET_DNS_TXT, "ANSWER | say \"hi\"back\\slashtab\tend" },
	{ "25.2.0.192.in-addr.arpa", NET_DNS_PTR, "ANSWER | mx1.alice.test" },
	{ "slow.alice.test", NET_DNS_A, "TEMPFAIL" },
	{ "slow.alice.test", NET_DNS_MX, "TEMPFAIL" },
	{ "slowtxt.alice.test", NET_DNS_TXT, "TEMPFAIL" },
	{ "slowtxt.alice.test", NET_DNS_A, "ANSWER | 192.0.2.8" },
	{ "bob.test", NET_DNS_MX, "ANSWER | 10 mail.bob.test" },
	{ "bob.test", NET_DNS_TXT, "ANSWER | v=spf1 -all" },
	/* case, and the final dot, do not matter */
	{ "ALICE.Test", NET_DNS_MX, "ANSWER | 10 mx1.alice.test | 20 mx2.alice.test" },
	{ "bob.test.", NET_DNS_TXT, "ANSWER | v=spf1 -all" },
	/* offline, the zones are the whole DNS */
	{ "example.com", NET_DNS_A, "NXDOMAIN" },
	{ "test", NET_DNS_A, "NODATA" },
};

static void example_zone_answers(void **state)
{
	(void)state;
	struct net_dns *dns = offline_with(NULL);
	for (size_t i = 0; i < sizeof example_lookups / sizeof example_lookups[0]; i++) {
		const struct lookup_case *c = &example_lookups[i];
		struct lib_err err = { "" };
		struct net_dns_answer *a = net_dns_lookup(dns, c->name, c->type, &err);
		if (!a)
			fail_msg("%s: %s", c->name, err.msg);
		char *got = show(a);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s %s: got \"%s\", want \"%s\"", c->name, net_dns_type_str(c->type),
				 got, c->want);
		assert_int_equal(a->qtype, c->type);
		assert_true(a->from_zone);
		assert_false(a->secure);
		assert_int_equal(a->rcode == NET_DNS_TEMPFAIL, a->why != NULL);
		free(got);
		net_dns_answer_free(a);
	}
	net_dns_free(dns);
}

/* The answer names the query as asked (case kept, no final dot) and
 * carries each record's TTL. */
static void answers_keep_the_question(void **state)
{
	(void)state;
	struct net_dns *dns = offline_with(NULL);
	struct lib_err err;
	struct net_dns_answer *a = net_dns_lookup(dns, "MX2.Alice.Test.", NET_DNS_A, &err);
	assert_non_null(a);
	assert_string_equal(a->qname, "MX2.Alice.Test");
	assert_int_equal(a->count, 1);
	assert_int_equal(a->records[0].ttl, 3600);
	assert_int_equal(a->records[0].addr_len, 4);
	assert_memory_equal(a->records[0].addr, "\xc0\x00\x02\x1a", 4);
	net_dns_answer_free(a);
	a = net_dns_lookup(dns, "alice.test", NET_DNS_TXT, &err);
	assert_non_null(a);
	assert_int_equal(a->records[0].strings, 3);
	assert_int_equal(a->records[0].ttl, 300);
	net_dns_answer_free(a);
	a = net_dns_lookup(dns, "slow.alice.test", NET_DNS_A, &err);
	assert_string_equal(a->why, "slow.alice.test: marked TEMPFAIL in the zone");
	net_dns_answer_free(a);
	net_dns_free(dns);
}

static void cname_chains_are_bounded(void **state)
{
	(void)state;
	struct net_dns *dns = offline_with("$ORIGIN c.test.\n"
					   "loop1 CNAME loop2\nloop2 CNAME loop1\n"
					   "self CNAME self\n"
					   "l0 CNAME l1\nl1 CNAME l2\nl2 CNAME l3\nl3 CNAME l4\n"
					   "l4 CNAME l5\nl5 CNAME l6\nl6 CNAME l7\nl7 CNAME l8\n"
					   "l8 A 192.0.2.8\nl9 CNAME l0\n"
					   "dangling CNAME nowhere\n");
	static const struct lookup_case cases[] = {
		{ "loop1.c.test", NET_DNS_A, "TEMPFAIL cname=loop1.c.test" },
		{ "self.c.test", NET_DNS_TXT, "TEMPFAIL cname=self.c.test" },
		{ "l0.c.test", NET_DNS_A, "ANSWER cname=l8.c.test | 192.0.2.8" }, /* 8 links */
		{ "l9.c.test", NET_DNS_A, "TEMPFAIL cname=l7.c.test" },         /* 9 */
		{ "dangling.c.test", NET_DNS_A, "NXDOMAIN cname=nowhere.c.test" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lib_err err;
		struct net_dns_answer *a = net_dns_lookup(dns, cases[i].name, cases[i].type, &err);
		char *got = show(a);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name, got, cases[i].want);
		if (a->rcode == NET_DNS_TEMPFAIL)
			assert_non_null(strstr(a->why, "CNAME chain longer than 8 links"));
		free(got);
		net_dns_answer_free(a);
	}
	net_dns_free(dns);
}

/* MX records of equal preference keep their order; duplicates are one. */
static void mx_order_and_duplicates(void **state)
{
	(void)state;
	struct net_dns *dns = offline_with("m.test. MX 20 c.test.\nm.test. MX 10 b.test.\n"
					   "m.test. MX 20 a.test.\nm.test. MX 0 z.test.\n"
					   "m.test. MX 10 b.test.\n");
	struct lib_err err;
	struct net_dns_answer *a = net_dns_lookup(dns, "m.test", NET_DNS_MX, &err);
	char *got = show(a);
	assert_string_equal(got, "ANSWER | 0 z.test | 10 b.test | 20 c.test | 20 a.test");
	free(got);
	net_dns_answer_free(a);
	net_dns_free(dns);
}

/* Zones merge; a load that fails adds nothing; CNAMEs stand alone. */
static void loading_is_all_or_nothing(void **state)
{
	(void)state;
	struct lib_err err = { "" };
	struct net_dns *dns = net_dns_new(NULL, &err);
	const char *one = "x.test. A 192.0.2.1\n";
	const char *two = "x.test. TXT hello\n";
	const char *bad = "y.test. A 192.0.2.2\nz.test. A 192.0.2.3\nw.test. A nope\n";
	const char *conflict = "y.test. A 192.0.2.2\nx.test. CNAME y.test.\n";
	assert_int_equal(net_dns_load_zone_text(dns, "one", one, strlen(one), NULL, &err), 0);
	assert_int_equal(net_dns_load_zone_text(dns, "two", two, strlen(two), NULL, &err), 0);
	assert_int_equal(net_dns_load_zone_text(dns, "bad", bad, strlen(bad), NULL, &err), -1);
	assert_string_equal(err.msg, "bad:3: bad IPv4 address: nope");
	assert_int_equal(net_dns_load_zone_text(dns, "conflict", conflict, strlen(conflict), NULL,
						&err), -1);
	assert_string_equal(err.msg,
			    "conflict:2: x.test: a CNAME cannot have other records at its name");
	/* Within one text too, and two different CNAMEs. */
	const char *inner = "c.test. CNAME a.test.\nc.test. TXT x\n";
	assert_int_equal(net_dns_load_zone_text(dns, "inner", inner, strlen(inner), NULL, &err), -1);
	assert_string_equal(err.msg, "inner:2: c.test: a CNAME cannot have other records at its name");
	const char *twice = "d.test. CNAME a.test.\nd.test. CNAME b.test.\n";
	assert_int_equal(net_dns_load_zone_text(dns, "twice", twice, strlen(twice), NULL, &err), -1);
	assert_string_equal(err.msg, "twice:2: d.test: a name has at most one CNAME");

	struct net_dns_answer *a = net_dns_lookup(dns, "x.test", NET_DNS_A, &err);
	assert_int_equal(a->rcode, NET_DNS_ANSWER);
	net_dns_answer_free(a);
	a = net_dns_lookup(dns, "x.test", NET_DNS_TXT, &err);
	assert_int_equal(a->rcode, NET_DNS_ANSWER);
	net_dns_answer_free(a);
	a = net_dns_lookup(dns, "y.test", NET_DNS_A, &err);
	assert_int_equal(a->rcode, NET_DNS_NXDOMAIN);
	net_dns_answer_free(a);
	a = net_dns_lookup(dns, "c.test", NET_DNS_A, &err);
	assert_int_equal(a->rcode, NET_DNS_NXDOMAIN);
	net_dns_answer_free(a);
	net_dns_free(dns);
}

static void zone_files_that_cannot_load(void **state)
{
	(void)state;
	struct lib_err err = { "" };
	struct net_dns *dns = net_dns_new(NULL, &err);
	assert_int_equal(net_dns_load_zone_file(dns, "tests/data/dns/no-such.zone", &err), -1);
	assert_string_equal(err.msg, "tests/data/dns/no-such.zone: No such file or directory");

	/* Larger than the limit (a sparse file: no disk is used). */
	char path[] = "/tmp/frank-zone-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)NET_DNS_ZONE_MAX_BYTES + 1), 0);
	close(fd);
	assert_int_equal(net_dns_load_zone_file(dns, path, &err), -1);
	assert_non_null(strstr(err.msg, "file too large"));
	unlink(path);

	/* Errors in a file name the file and the line. */
	strcpy(path, "/tmp/frank-zone-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a.test. A 192.0.2.1\nb.test. MX x\n", 33), 33);
	close(fd);
	assert_int_equal(net_dns_load_zone_file(dns, path, &err), -1);
	char want[128];
	snprintf(want, sizeof want, "%s:2: missing record data after type: MX", path);
	assert_string_equal(err.msg, want);
	unlink(path);
	net_dns_free(dns);
}

/* --- authority (the zones against the network) ------------------------- */

struct authority_case {
	const char *name;
	enum net_dns_type type;
	enum dns_zone_result want;
};

static void check_authority(const char *text, const struct authority_case *cases, size_t n)
{
	struct dns_zone *zone = dns_zone_new();
	struct lib_err err = { "" };
	if (dns_zone_load(zone, "t", text, strlen(text), NULL, &err) < 0)
		fail_msg("%s", err.msg);
	static const unsigned char root[1] = { 0 };
	for (size_t i = 0; i < n; i++) {
		unsigned char wire[DNS_NAME_MAX], follow[DNS_NAME_MAX];
		size_t len, follow_len = 0;
		const char *why;
		assert_int_equal(dns_name_from_text(cases[i].name, strlen(cases[i].name), root, 1,
						    wire, &len, &why), 0);
		struct net_dns_answer *a = NULL;
		enum dns_zone_result got = dns_zone_lookup(zone, wire, len, cases[i].name,
							   cases[i].type, 0, &a, follow, &follow_len);
		if (got != cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].name, got, cases[i].want);
		if (got == DNS_ZONE_FOLLOW) {
			struct lib_buf b = LIB_BUF_INIT;
			dns_name_to_text(follow, follow_len, &b);
			assert_string_equal(b.data, a->cname);
			lib_buf_release(&b);
		}
		net_dns_answer_free(a);
	}
	dns_zone_free(zone);
}

/* SOA owners and $ORIGINs are apexes; the zone answers at and below them. */
static void zones_answer_at_and_below_their_apexes(void **state)
{
	(void)state;
	static const struct authority_case cases[] = {
		{ "soa.test", NET_DNS_A, DNS_ZONE_ANSWERED },
		{ "www.soa.test", NET_DNS_A, DNS_ZONE_ANSWERED },
		{ "nosuch.soa.test", NET_DNS_A, DNS_ZONE_ANSWERED },  /* NXDOMAIN */
		{ "deep.nosuch.soa.test", NET_DNS_A, DNS_ZONE_ANSWERED },
		{ "origin.test", NET_DNS_MX, DNS_ZONE_ANSWERED },
		{ "x.origin.test", NET_DNS_MX, DNS_ZONE_ANSWERED },
		{ "test", NET_DNS_A, DNS_ZONE_ELSEWHERE },
		{ "other.test", NET_DNS_A, DNS_ZONE_ELSEWHERE },
		{ "example.com", NET_DNS_A, DNS_ZONE_ELSEWHERE },
		{ "absolute.example", NET_DNS_A, DNS_ZONE_ELSEWHERE }, /* has a record, no apex */
		{ "out.soa.test", NET_DNS_A, DNS_ZONE_FOLLOW },      /* CNAME to outside */
		{ "out.soa.test", NET_DNS_CNAME, DNS_ZONE_ANSWERED },
	};
	check_authority("soa.test. SOA ns.soa.test. h.soa.test. 1 2 3 4 5\n"
			"www.soa.test. A 192.0.2.1\n"
			"out.soa.test. CNAME target.example.\n"
			"absolute.example. A 192.0.2.9\n"
			"$ORIGIN origin.test.\n"
			"@ MX 10 mail\n"
			"$ORIGIN .\n",
			cases, sizeof cases / sizeof cases[0]);
}

/* Zone text with neither SOA nor $ORIGIN: each owner name is an apex. */
static void zones_without_apex_answer_for_their_names(void **state)
{
	(void)state;
	static const struct authority_case cases[] = {
		{ "a.test", NET_DNS_A, DNS_ZONE_ANSWERED },
		{ "a.test", NET_DNS_TXT, DNS_ZONE_ANSWERED }, /* NODATA */
		{ "sub.a.test", NET_DNS_A, DNS_ZONE_ANSWERED },
		{ "b.test", NET_DNS_A, DNS_ZONE_ELSEWHERE },
		{ "test", NET_DNS_A, DNS_ZONE_ELSEWHERE },
	};
	check_authority("a.test. A 192.0.2.1\n", cases, sizeof cases / sizeof cases[0]);
}

/* --- the asynchronous interface ---------------------------------------- */

struct collected {
	struct net_dns_answer *answers[300];
	size_t count;
};

static void collect(struct net_dns_answer *answer, void *arg)
{
	struct collected *c = arg;
	if (c->count < 300)
		c->answers[c->count++] = answer;
	else
		net_dns_answer_free(answer);
}

static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* Many queries in flight; answers come only from net_dns_process, when
 * the fd says so, in the order asked. */
static void many_queries_in_flight(void **state)
{
	(void)state;
	struct net_dns *dns = offline_with(NULL);
	struct collected c = { .count = 0 };
	struct lib_err err;
	int fds[2];
	assert_int_equal(net_dns_fds(dns, fds), 1);
	assert_int_equal(net_dns_timeout_ms(dns), -1);
	assert_false(readable(fds[0]));
	for (int i = 0; i < 250; i++) {
		const char *name = i % 3 == 0 ? "alice.test" : i % 3 == 1 ? "nosuch.test" : "b.alice.test";
		assert_int_equal(net_dns_submit(dns, name, NET_DNS_MX, collect, &c, &err), 0);
	}
	assert_int_equal(c.count, 0);
	assert_int_equal(net_dns_pending(dns), 250);
	assert_int_equal(net_dns_timeout_ms(dns), 0);
	assert_true(readable(fds[0]));
	assert_int_equal(net_dns_process(dns, &err), 250);
	assert_int_equal(c.count, 250);
	assert_int_equal(net_dns_pending(dns), 0);
	assert_false(readable(fds[0]));
	assert_int_equal(net_dns_timeout_ms(dns), -1);
	assert_int_equal(net_dns_process(dns, &err), 0);
	for (size_t i = 0; i < c.count; i++) {
		enum net_dns_rcode want = i % 3 == 0 ? NET_DNS_ANSWER
					: i % 3 == 1 ? NET_DNS_NXDOMAIN : NET_DNS_NODATA;
		assert_int_equal(c.answers[i]->rcode, want);
		net_dns_answer_free(c.answers[i]);
	}
	net_dns_free(dns);
}

/* A callback that asks again: its answer comes on the next round. */
struct chain {
	struct net_dns *dns;
	int rounds;
	struct collected *c;
};

static void ask_again(struct net_dns_answer *answer, void *arg)
{
	struct chain *ch = arg;
	collect(answer, ch->c);
	struct lib_err err;
	if (--ch->rounds > 0)
		assert_int_equal(net_dns_submit(ch->dns, "bob.test", NET_DNS_TXT, ask_again, ch, &err), 0);
}

static void callbacks_may_submit(void **state)
{
	(void)state;
	struct net_dns *dns = offline_with(NULL);
	struct collected c = { .count = 0 };
	struct chain ch = { dns, 3, &c };
	struct lib_err err;
	int fds[2];
	net_dns_fds(dns, fds);
	assert_int_equal(net_dns_submit(dns, "bob.test", NET_DNS_TXT, ask_again, &ch, &err), 0);
	assert_int_equal(net_dns_process(dns, &err), 1);
	assert_int_equal(net_dns_pending(dns), 1);
	assert_true(readable(fds[0]));
	assert_int_equal(net_dns_wait(dns, 1000, &err), 0);
	assert_int_equal(c.count, 3);
	assert_int_equal(ch.rounds, 0);
	for (size_t i = 0; i < c.count; i++)
		net_dns_answer_free(c.answers[i]);
	/* Freeing with answers still queued frees them, calling no callback. */
	assert_int_equal(net_dns_submit(dns, "bob.test", NET_DNS_TXT, collect, &c, &err), 0);
	net_dns_free(dns);
	assert_int_equal(c.count, 3);
}

static void submit_refuses_bad_queries(void **state)
{
	(void)state;
	struct net_dns *dns = offline_with(NULL);
	struct collected c = { .count = 0 };
	struct lib_err err = { "" };
	assert_int_equal(net_dns_submit(dns, "alice.test", (enum net_dns_type)99, collect, &c, &err),
			 -1);
	assert_string_equal(err.msg, "DNS: unsupported query type 99");
	assert_int_equal(net_dns_submit(dns, "a..test", NET_DNS_A, collect, &c, &err), -1);
	assert_string_equal(err.msg, "DNS: bad name \"a..test\": empty label in name");
	char label[80];
	memset(label, 'x', 64);
	strcpy(label + 64, ".test");
	assert_int_equal(net_dns_submit(dns, label, NET_DNS_A, collect, &c, &err), -1);
	assert_non_null(strstr(err.msg, "label longer than 63 octets"));
	assert_null(net_dns_lookup(dns, "", NET_DNS_A, &err));
	assert_string_equal(err.msg, "DNS: bad name \"\": empty name");
	assert_int_equal(net_dns_pending(dns), 0);
	assert_int_equal(c.count, 0);
	net_dns_free(dns);
}

static void names_of_types_and_rcodes(void **state)
{
	(void)state;
	enum net_dns_type t;
	assert_int_equal(net_dns_type_parse("mx", &t), 0);
	assert_int_equal(t, NET_DNS_MX);
	assert_int_equal(net_dns_type_parse("AAAA", &t), 0);
	assert_int_equal(t, NET_DNS_AAAA);
	assert_int_equal(net_dns_type_parse("SOA", &t), -1);
	assert_string_equal(net_dns_type_str(NET_DNS_PTR), "PTR");
	assert_string_equal(net_dns_type_str((enum net_dns_type)2), "?");
	assert_string_equal(net_dns_rcode_str(NET_DNS_NODATA), "NODATA");
	assert_string_equal(net_dns_rcode_str(NET_DNS_TEMPFAIL), "TEMPFAIL");
	net_dns_answer_free(NULL);
	net_dns_free(NULL);
}

/* Bad network settings are refused at once (no traffic is sent). */
static void network_settings_are_checked(void **state)
{
	(void)state;
	struct lib_err err = { "" };
	struct net_dns_opts opts = { 1, "not an address", NULL, 0 };
	assert_null(net_dns_new(&opts, &err));
	assert_non_null(strstr(err.msg, "DNS: bad forwarder not an address: "));
	struct net_dns_opts anchor = { 1, "127.0.0.1@53", "/nonexistent/root.key", 0 };
	assert_null(net_dns_new(&anchor, &err));
	assert_string_equal(err.msg,
			    "DNS: trust anchor /nonexistent/root.key: No such file or directory");
	struct net_dns_opts good = { 1, "127.0.0.1@53", NULL, 0 };
	struct net_dns *dns = net_dns_new(&good, &err);
	assert_non_null(dns);
	int fds[2];
	assert_int_equal(net_dns_fds(dns, fds), 2);
	assert_true(fds[0] >= 0 && fds[1] >= 0 && fds[0] != fds[1]);
	net_dns_free(dns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_zone_answers),
		cmocka_unit_test(answers_keep_the_question),
		cmocka_unit_test(cname_chains_are_bounded),
		cmocka_unit_test(mx_order_and_duplicates),
		cmocka_unit_test(loading_is_all_or_nothing),
		cmocka_unit_test(zone_files_that_cannot_load),
		cmocka_unit_test(zones_answer_at_and_below_their_apexes),
		cmocka_unit_test(zones_without_apex_answer_for_their_names),
		cmocka_unit_test(many_queries_in_flight),
		cmocka_unit_test(callbacks_may_submit),
		cmocka_unit_test(submit_refuses_bad_queries),
		cmocka_unit_test(names_of_types_and_rcodes),
		cmocka_unit_test(network_settings_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
