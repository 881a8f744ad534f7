/* fuzz_dmarc_record.c: the DMARC parsers and evaluator on arbitrary bytes.
 * The first byte chooses:
 *   0  auth_dmarc_record_parse: a status always, an error text unless OK,
 *      values in range, nothing held unless OK
 *   1  auth_address_parse: at most AUTH_ADDRESS_MAX domains, each already
 *      what auth_address_domain_to_ascii makes of it
 *   2  auth_address_domain_to_ascii: LDH labels, 253 octets at most,
 *      idempotent
 *   3  auth_dmarc_evaluate: line 1 is From, line 2 a DKIM d= (passing),
 *      line 3 an SPF domain (passing), the other lines TXT answers given
 *      in turn to the _dmarc queries; it must end, never ask twice for
 *      one answer, and give a verdict whose fields agree */
#include "auth.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_dmarc_record: %s\n", why);
	abort();
}

static void check_ascii_domain(const char *d)
{
	size_t len = strlen(d), label = 0;
	if (len == 0 || len > 253)
		fail("domain length");
	for (size_t i = 0; i < len; i++) {
		char c = d[i];
		if (c == '.') {
			if (label == 0)
				fail("empty label");
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			fail("not LDH");
		if (++label > 63)
			fail("label longer than 63");
	}
	if (label == 0)
		fail("final dot");
	struct lib_err err;
	char *again = auth_address_domain_to_ascii(d, len, &err);
	if (!again || strcmp(again, d) != 0)
		fail("to_ascii is not idempotent");
	free(again);
}

static void fuzz_record(const char *s, size_t n)
{
	struct auth_dmarc_record rec;
	struct lib_err err = { "" };
	enum auth_dmarc_record_status st = auth_dmarc_record_parse(s, n, &rec, &err);
	if (st != AUTH_DMARC_RECORD_OK) {
		if (!err.msg[0])
			fail("refused without a reason");
		if (rec.rua || rec.ruf || rec.fo)
			fail("refused record holds strings");
		return;
	}
	if (rec.pct < 0 || rec.pct > 100 || rec.p > AUTH_DMARC_POLICY_REJECT ||
	    rec.sp > AUTH_DMARC_POLICY_REJECT || rec.np > AUTH_DMARC_POLICY_REJECT)
		fail("value out of range");
	if (rec.p_defaulted && (!rec.usable || rec.p != AUTH_DMARC_POLICY_NONE))
		fail("p=none fallback inconsistent");
	if (rec.usable && !rec.has_p && !rec.p_defaulted)
		fail("usable without p");
	if (rec.rua_has_valid_uri && !rec.rua)
		fail("valid rua without rua");
	auth_dmarc_record_release(&rec);
}

static void fuzz_address(const char *s, size_t n)
{
	struct auth_address_list list;
	struct lib_err err = { "" };
	if (auth_address_parse(s, n, &list, &err) < 0) {
		if (!err.msg[0] || list.count || list.domains)
			fail("address error without reason, or with domains");
		return;
	}
	if (list.count > AUTH_ADDRESS_MAX)
		fail("too many domains");
	for (size_t i = 0; i < list.count; i++)
		check_ascii_domain(list.domains[i]);
	auth_address_list_release(&list);
}

static void fuzz_to_ascii(const char *s, size_t n)
{
	struct lib_err err = { "" };
	char *d = auth_address_domain_to_ascii(s, n, &err);
	if (!d) {
		if (!err.msg[0])
			fail("to_ascii refused without a reason");
		return;
	}
	check_ascii_domain(d);
	free(d);
}

/* --- evaluation ------------------------------------------------------------- */

struct lines {
	char *text[16];
	size_t count;
};

static void split_lines(const char *s, size_t n, struct lines *l)
{
	size_t start = 0;
	l->count = 0;
	for (size_t i = 0; i <= n && l->count < 16; i++) {
		if (i == n || s[i] == '\n') {
			l->text[l->count++] = lib_xstrndup(s + start, i - start);
			start = i + 1;
		}
	}
}

static struct net_dns_answer *answer(const struct auth_dns_need *need, const struct lines *l,
				     size_t *txt_asked)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(need->name);
	a->qtype = need->type;
	a->rcode = NET_DNS_NXDOMAIN;
	if (need->type != NET_DNS_TXT || l->count <= 3)
		return a;
	const char *text = l->text[3 + (*txt_asked)++ % (l->count - 3)];
	if (strcmp(text, "!") == 0) {
		a->rcode = NET_DNS_TEMPFAIL;
	} else if (*text) {
		a->rcode = NET_DNS_ANSWER;
		a->records = lib_xcalloc(1, sizeof *a->records);
		a->records[0].text = lib_xstrdup(text);
		a->records[0].text_len = strlen(text);
		a->count = 1;
	}
	return a;
}

static void check_verdict(const struct auth_dmarc_verdict *v)
{
	if (v->result > AUTH_DMARC_PERMERROR || !v->reason)
		fail("verdict without result or reason");
	if ((v->result == AUTH_DMARC_PASS || v->result == AUTH_DMARC_FAIL) &&
	    (!v->author_domain || !v->has_policy || !v->policy_domain || v->author_count != 1))
		fail("pass or fail without author, policy or policy domain");
	if (v->result == AUTH_DMARC_PASS && !v->spf.aligned) {
		int any = 0;
		for (size_t i = 0; i < v->dkim_count; i++)
			any |= v->dkim[i].aligned;
		if (!any)
			fail("pass without an aligned identifier");
	}
	if (v->author_walk.query_count > 8)
		fail("more than eight queries in a walk");
	struct auth_authres *ar = auth_authres_new("fuzz.test");
	auth_authres_add_dmarc(ar, v);
	char *s = auth_authres_format(ar, 0);
	struct lib_err err;
	struct auth_authres *back = auth_authres_parse(strchr(s, ':') + 1, strlen(strchr(s, ':') + 1),
						       &err);
	if (!back)
		fail("written verdict does not parse");
	auth_authres_free(back);
	free(s);
	auth_authres_free(ar);
}

static void fuzz_evaluate(const char *s, size_t n, enum auth_dmarc_method method)
{
	struct lines l;
	split_lines(s, n, &l);
	const char *from[] = { l.text[0] };
	struct auth_dmarc_dkim dkim = { "pass", l.count > 1 ? l.text[1] : NULL, NULL };
	struct auth_dmarc_input in = { from, 1, { "pass", l.count > 2 ? l.text[2] : NULL, 0 },
				       &dkim, 1, method, NULL };
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dmarc_verdict *v = NULL;
	struct auth_dns_need need;
	size_t txt_asked = 0, rounds = 0;
	while (auth_dmarc_evaluate(&in, cache, &v, &need) == AUTH_NEED_DNS) {
		if (auth_dns_cache_get(cache, need.name, need.type))
			fail("asked again for an answer it has");
		if (++rounds > 40)
			fail("too many queries");
		auth_dns_cache_put(cache, answer(&need, &l, &txt_asked));
	}
	check_verdict(v);
	auth_dmarc_verdict_free(v);
	auth_dns_cache_free(cache);
	for (size_t i = 0; i < l.count; i++)
		free(l.text[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] % 5) {
	case 0: fuzz_record(s, n); break;
	case 1: fuzz_address(s, n); break;
	case 2: fuzz_to_ascii(s, n); break;
	case 3: fuzz_evaluate(s, n, AUTH_DMARC_TREEWALK); break;
	case 4: fuzz_evaluate(s, n, AUTH_DMARC_PSL); break;
	}
	return 0;
}
