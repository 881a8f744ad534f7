/* test_check_spf_audit.c: the SPF record tree audit behind frank dnscheck
 * (auth_spf_audit), over zones answered by the offline resolver: lookups
 * counted with includes expanded, void lookups, the "all" that ends the
 * evaluation, loops and broken includes, bounds, and the restart
 * protocol (each query asked once). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

struct audited {
	struct auth_spf_audit audit;
	struct lib_buf asked;  /* "TYPE name\n" per query, in order */
	struct lib_buf kinds;  /* the finding kinds, "VOID LOOP ..." */
};

static const char *const kind_names[] = {
	"NO_RECORD", "MANY", "SYNTAX", "DNS_ERROR", "LOOP", "TOO_DEEP", "VOID", "MX_NAMES",
	"PTR", "MACRO",
};

/* Audits domain to the end over zone, as frank dnscheck does: answer the
 * need, call again. */
static void audit(const char *zone, const char *domain, struct audited *r)
{
	struct lib_err err;
	struct net_dns *dns = net_dns_new(NULL, &err);
	assert_non_null(dns);
	assert_int_equal(net_dns_load_zone_text(dns, "test", zone, strlen(zone), NULL, &err), 0);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	memset(r, 0, sizeof *r);
	for (int round = 0;; round++) {
		struct auth_dns_need need;
		if (auth_spf_audit(domain, cache, &r->audit, &need) == AUTH_DONE)
			break;
		assert_null(r->audit.records); /* nothing half-made on a miss */
		assert_null(auth_dns_cache_get(cache, need.name, need.type));
		assert_true(round < 500);
		lib_buf_printf(&r->asked, "%s %s\n", net_dns_type_str(need.type), need.name);
		struct net_dns_answer *a = net_dns_lookup(dns, need.name, need.type, &err);
		assert_non_null(a);
		auth_dns_cache_put(cache, a);
	}
	for (size_t i = 0; i < r->audit.finding_count; i++)
		lib_buf_printf(&r->kinds, "%s%s", i ? " " : "", kind_names[r->audit.findings[i].kind]);
	if (!r->kinds.data)
		lib_buf_puts(&r->kinds, "");
	auth_dns_cache_free(cache);
	net_dns_free(dns);
}

static void audited_release(struct audited *r)
{
	auth_spf_audit_release(&r->audit);
	lib_buf_release(&r->asked);
	lib_buf_release(&r->kinds);
}

/* The table: a zone, the domain, and what the audit must find. */
struct audit_case {
	const char *what;
	const char *zone;
	const char *domain;
	unsigned lookups, void_lookups;
	char all;           /* 0: none */
	const char *kinds;  /* the findings, in order */
	size_t records;     /* records read */
};

static const struct audit_case cases[] = {
	{ "a, mx and ip4 cost two", "d.test. TXT \"v=spf1 a mx ip4:192.0.2.0/24 -all\"\n"
	  "d.test. A 192.0.2.1\nd.test. MX 10 mx.d.test.\n", "d.test", 2, 0, '-', "", 1 },
	{ "includes expanded, nested",
	  "d.test. TXT \"v=spf1 include:i1.test include:i2.test ~all\"\n"
	  "i1.test. TXT \"v=spf1 a:h.test include:i3.test ?all\"\n"
	  "i3.test. TXT \"v=spf1 exists:h.test mx:h.test -all\"\n"
	  "i2.test. TXT \"v=spf1 ip6:2001:db8::/32 -all\"\n"
	  "h.test. A 192.0.2.2\nh.test. MX 10 h.test.\n",
	  "d.test", 6, 0, '~', "", 4 },
	{ "a redirect's all ends the evaluation",
	  "d.test. TXT \"v=spf1 a redirect=r.test\"\nd.test. A 192.0.2.1\n"
	  "r.test. TXT \"v=spf1 mx ?all\"\nr.test. MX 10 d.test.\n",
	  "d.test", 3, 0, '?', "", 2 },
	{ "redirect is ignored after all (RFC 7208 6.1)",
	  "d.test. TXT \"v=spf1 -all redirect=r.test\"\n", "d.test", 0, 0, '-', "", 1 },
	{ "an include's all is not the record's",
	  "d.test. TXT \"v=spf1 include:i.test\"\ni.test. TXT \"v=spf1 +all\"\n",
	  "d.test", 1, 0, 0, "", 2 },
	{ "exp= and unknown modifiers cost nothing",
	  "d.test. TXT \"v=spf1 exp=e.test foo=bar -all\"\n", "d.test", 0, 0, '-', "", 1 },
	{ "void: a name without A or AAAA, an mx without MX, an exists without A",
	  "d.test. TXT \"v=spf1 a:none.test a:six.test mx:six.test exists:six.test -all\"\n"
	  "six.test. AAAA 2001:db8::6\n",
	  "d.test", 4, 3, '-', "VOID VOID VOID", 1 },
	{ "mx of a name with 11 hosts",
	  "d.test. TXT \"v=spf1 mx -all\"\n"
	  "d.test. MX 1 a.test.\nd.test. MX 2 b.test.\nd.test. MX 3 c.test.\n"
	  "d.test. MX 4 d.test.\nd.test. MX 5 e.test.\nd.test. MX 6 f.test.\n"
	  "d.test. MX 7 g.test.\nd.test. MX 8 h.test.\nd.test. MX 9 i.test.\n"
	  "d.test. MX 10 j.test.\nd.test. MX 11 k.test.\n",
	  "d.test", 1, 0, '-', "MX_NAMES", 1 },
	{ "ptr costs one and is flagged; a macro is counted, not followed",
	  "d.test. TXT \"v=spf1 ptr exists:%{i}.x.test include:%{d}.y.test -all\"\n",
	  "d.test", 3, 0, '-', "PTR MACRO MACRO", 1 },
	{ "no record", "d.test. A 192.0.2.1\n", "d.test", 0, 0, 0, "NO_RECORD", 0 },
	{ "two records", "d.test. TXT \"v=spf1 -all\"\nd.test. TXT \"v=spf1 ~all\"\n"
	  "d.test. TXT \"other\"\n", "d.test", 0, 0, 0, "MANY", 0 },
	{ "a record that does not parse", "d.test. TXT \"v=spf1 moo -all\"\n", "d.test", 0, 0, 0,
	  "SYNTAX", 1 },
	{ "include of a domain without a record, and of a broken one",
	  "d.test. TXT \"v=spf1 include:none.test include:bad.test -all\"\n"
	  "bad.test. TXT \"v=spf1 ip4:300.1.1.1\"\n",
	  "d.test", 2, 0, '-', "NO_RECORD SYNTAX", 2 },
	{ "include loop", "d.test. TXT \"v=spf1 include:a.test -all\"\n"
	  "a.test. TXT \"v=spf1 include:b.test -all\"\nb.test. TXT \"v=spf1 include:d.test -all\"\n",
	  "d.test", 3, 0, '-', "LOOP", 3 },
	{ "redirect loop", "d.test. TXT \"v=spf1 redirect=r.test\"\nr.test. TXT \"v=spf1 redirect=d.test\"\n",
	  "d.test", 2, 0, 0, "LOOP", 2 },
	{ "a temporary failure", "d.test. TXT \"v=spf1 include:slow.test a -all\"\n"
	  "d.test. A 192.0.2.1\nslow.test. TEMPFAIL\n",
	  "d.test", 2, 0, '-', "DNS_ERROR", 1 },
	{ "not a domain SPF can check", "", "localhost", 0, 0, 0, "SYNTAX", 0 },
};

static void the_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct audit_case *c = &cases[i];
		struct audited r;
		print_message("case: %s\n", c->what);
		audit(c->zone, c->domain, &r);
		assert_string_equal(r.kinds.data, c->kinds);
		assert_int_equal(r.audit.lookups, c->lookups);
		assert_int_equal(r.audit.void_lookups, c->void_lookups);
		assert_int_equal(r.audit.all, c->all);
		assert_int_equal(r.audit.record_count, c->records);
		assert_false(r.audit.truncated);
		audited_release(&r);
	}
}

static void evidence_of_a_tree(void **state)
{
	(void)state;
	struct audited r;
	audit("d.test. TXT \"v=spf1 include:i1.test redirect=r.test\"\n"
	      "i1.test. TXT \"v=spf1 a:h.test include:i2.test -all\"\n"
	      "i2.test. TXT \"v=spf1 a:h.test a:h.test -all\"\n"
	      "r.test. TXT \"v=spf1 a:h.test ~all\"\n"
	      "h.test. A 192.0.2.9\n",
	      "d.test", &r);
	assert_int_equal(r.audit.lookups, 7);
	assert_string_equal(r.audit.top_record, "v=spf1 include:i1.test redirect=r.test");
	assert_int_equal(r.audit.record_count, 4);
	const struct auth_spf_audit_record *rec = r.audit.records;
	assert_string_equal(rec[0].domain, "d.test");
	assert_null(rec[0].reached_by);
	assert_int_equal(rec[0].lookups, 7);
	assert_string_equal(rec[1].domain, "i1.test");
	assert_string_equal(rec[1].reached_by, "include:i1.test");
	assert_int_equal(rec[1].via, AUTH_SPF_VIA_INCLUDE);
	assert_int_equal(rec[1].depth, 1);
	assert_int_equal(rec[1].lookups, 5); /* itself, a, include, and i2's two */
	assert_string_equal(rec[2].domain, "i2.test");
	assert_int_equal(rec[2].depth, 2);
	assert_int_equal(rec[2].lookups, 3);
	assert_string_equal(rec[3].domain, "r.test");
	assert_string_equal(rec[3].reached_by, "redirect=r.test");
	assert_int_equal(rec[3].via, AUTH_SPF_VIA_REDIRECT);
	assert_int_equal(rec[3].depth, 0);
	assert_int_equal(rec[3].lookups, 2);
	assert_int_equal(r.audit.all, '~');
	assert_string_equal(r.audit.all_domain, "r.test");
	/* each query once, in the order of the walk */
	assert_string_equal(r.asked.data, "TXT d.test\nTXT i1.test\nA h.test\nTXT i2.test\n"
					  "TXT r.test\n");
	audited_release(&r);
}

static void finding_texts(void **state)
{
	(void)state;
	struct audited r;
	audit("d.test. TXT \"v=spf1 include:a.test a:gone.test -all\"\n"
	      "a.test. TXT \"v=spf1 include:d.test -all\"\n",
	      "d.test", &r);
	assert_int_equal(r.audit.finding_count, 2);
	const struct auth_spf_finding *f = r.audit.findings;
	assert_int_equal(f[0].kind, AUTH_SPF_FOUND_LOOP);
	assert_string_equal(f[0].domain, "a.test");
	assert_string_equal(f[0].term, "include:d.test");
	assert_string_equal(f[0].text, "include loop: d.test -> a.test -> d.test");
	assert_int_equal(f[1].kind, AUTH_SPF_FOUND_VOID);
	assert_string_equal(f[1].domain, "d.test");
	assert_string_equal(f[1].text, "'a:gone.test': gone.test has no address (A or AAAA)");
	audited_release(&r);
}

/* A record of 200 a terms: counting stops at the bound, and the walk
 * asks no more than that. */
static void many_terms_are_bounded(void **state)
{
	(void)state;
	struct lib_buf zone = LIB_BUF_INIT;
	lib_buf_puts(&zone, "d.test. TXT ( \"v=spf1");
	for (int i = 0; i < 200; i++)
		lib_buf_printf(&zone, " a:h%d.test%s", i, i % 10 == 9 ? "\"\n \"" : "");
	lib_buf_puts(&zone, " -all\" )\n");
	struct audited r;
	audit(zone.data, "d.test", &r);
	assert_int_equal(r.audit.lookups, AUTH_SPF_AUDIT_MAX_LOOKUPS);
	assert_true(r.audit.truncated);
	assert_int_equal(r.audit.void_lookups, AUTH_SPF_AUDIT_MAX_LOOKUPS);
	size_t asked = 0;
	for (const char *p = r.asked.data; (p = strchr(p, '\n')); p++)
		asked++;
	/* the record, then A and AAAA of each counted name */
	assert_int_equal(asked, 1 + 2 * AUTH_SPF_AUDIT_MAX_LOOKUPS);
	audited_release(&r);
	lib_buf_release(&zone);
}

/* Includes that fan out: a tree of 2^12 paths still costs at most the
 * bound, since every include is a lookup. */
static void fan_out_is_bounded(void **state)
{
	(void)state;
	struct lib_buf zone = LIB_BUF_INIT;
	for (int i = 0; i < 12; i++)
		lib_buf_printf(&zone, "l%d.test. TXT \"v=spf1 include:l%d.test include:l%d.test -all\"\n",
			       i, i + 1, i + 1);
	lib_buf_puts(&zone, "l12.test. TXT \"v=spf1 -all\"\n");
	struct audited r;
	audit(zone.data, "l0.test", &r);
	assert_int_equal(r.audit.lookups, AUTH_SPF_AUDIT_MAX_LOOKUPS);
	assert_true(r.audit.truncated);
	assert_true(r.audit.record_count <= AUTH_SPF_AUDIT_MAX_LOOKUPS + 1);
	audited_release(&r);
	lib_buf_release(&zone);
}

/* Bytes a terminal would act on never reach the evidence. */
static void record_text_is_printable(void **state)
{
	(void)state;
	struct audited r;
	audit("d.test. TXT \"v=spf1 \\027[2J -all\"\n", "d.test", &r);
	assert_string_equal(r.audit.top_record, "v=spf1 ?[2J -all");
	assert_string_equal(r.kinds.data, "SYNTAX");
	assert_null(strchr(r.audit.findings[0].text, '\033'));
	audited_release(&r);
}

static void release_is_safe_twice(void **state)
{
	(void)state;
	struct auth_spf_audit a;
	memset(&a, 0, sizeof a);
	auth_spf_audit_release(&a);
	auth_spf_audit_release(&a);
	auth_spf_audit_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_table),
		cmocka_unit_test(evidence_of_a_tree),
		cmocka_unit_test(finding_texts),
		cmocka_unit_test(many_terms_are_bounded),
		cmocka_unit_test(fan_out_is_bounded),
		cmocka_unit_test(record_text_is_printable),
		cmocka_unit_test(release_is_safe_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
