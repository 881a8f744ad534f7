/* fuzz_spf_record.c: SPF records from hostile input, parsed and evaluated.
 *
 * The bytes, as one record (not NUL-terminated: ASan catches any read past
 * the end), go to auth_spf_record_parse(); the checks are what auth.h
 * promises of a parsed record, or of an error (one printable line).
 *
 * Then the bytes, split at newlines, are the TXT records of r0.test to
 * r7.test, and a whole auth_spf_check() of "user@r0.test" runs over a
 * made-up DNS where every other name gets an answer derived from its
 * hash: addresses, MX hosts and PTR names that point back into r0..r7,
 * NXDOMAIN, NODATA or a timeout.  Records that include or redirect to
 * each other make loops and deep chains; the evaluation must end, within
 * a bounded number of restarts, with the limits of RFC 7208 4.6.4 kept.
 * Everything is released, so LeakSanitizer sees any leak. */
#include "auth.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDS 8
#define MAX_RESTARTS 2000

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_one_line(const char *msg)
{
	check(msg[0] != '\0');
	for (const char *p = msg; *p; p++)
		check((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7F);
}

static void check_record(const struct auth_spf_record *rec, size_t size)
{
	check(rec->count <= size / 2);
	for (size_t k = 0; k < rec->count; k++) {
		const struct auth_spf_term *t = &rec->terms[k];
		check(t->text != NULL && t->text[0] != '\0');
		check(t->kind <= AUTH_SPF_UNKNOWN_MODIFIER);
		check(t->cidr4 <= 32 && t->cidr6 <= 128);
		if (t->kind < AUTH_SPF_REDIRECT)
			check(t->qualifier && strchr("+-~?", t->qualifier));
		else
			check(t->qualifier == 0 && t->domain_spec != NULL);
		if (t->kind == AUTH_SPF_INCLUDE || t->kind == AUTH_SPF_EXISTS)
			check(t->domain_spec && t->domain_spec[0]);
		check((t->kind == AUTH_SPF_UNKNOWN_MODIFIER) == (t->name != NULL));
	}
	check(!rec->redirect || rec->redirect->kind == AUTH_SPF_REDIRECT);
	check(!rec->exp || rec->exp->kind == AUTH_SPF_EXP);
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct net_dns_record *add(struct net_dns_answer *a, const char *text, size_t len)
{
	a->records = realloc(a->records, (a->count + 1) * sizeof *a->records);
	check(a->records != NULL);
	struct net_dns_record *r = &a->records[a->count++];
	memset(r, 0, sizeof *r);
	r->text = lib_xmalloc(len + 1); /* TXT text may hold NUL bytes */
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	r->text_len = len;
	return r;
}

/* One made-up record of the type: an address in 192.0.2.0/30 or
 * 2001:db8::1-2, else a name rN.test. */
static void add_made_up(struct net_dns_answer *a, uint32_t h, uint32_t i)
{
	char text[64];
	struct net_dns_record *r;
	unsigned last = (unsigned)((h >> 4) % 4 + i) & 0xff;
	switch (a->qtype) {
	case NET_DNS_A:
		r = add(a, text, (size_t)snprintf(text, sizeof text, "192.0.2.%u", last));
		memcpy(r->addr, (unsigned char[4]){ 192, 0, 2, (unsigned char)last }, 4);
		r->addr_len = 4;
		break;
	case NET_DNS_AAAA:
		r = add(a, text, (size_t)snprintf(text, sizeof text, "2001:db8::%u", 1 + i % 2));
		memcpy(r->addr, (unsigned char[16]){ 0x20, 0x01, 0x0d, 0xb8, [15] = (unsigned char)(1 + i % 2) },
		       16);
		r->addr_len = 16;
		break;
	default:
		add(a, text, (size_t)snprintf(text, sizeof text, "r%u.test", (h >> 12) % RECORDS + i));
		break;
	}
}

/* A made-up resolver: r0.test..r7.test hold the input's records, every
 * other answer follows from the name's hash. */
static struct net_dns_answer *answer(const struct auth_dns_need *need, const char *const *texts,
				     const size_t *lens)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(need->name);
	a->qtype = need->type;
	uint32_t h = hash(need->name) ^ (uint32_t)need->type;
	const char *n = need->name;
	int k = n[0] == 'r' && n[1] >= '0' && n[1] < '0' + RECORDS && strcmp(n + 2, ".test") == 0
		? n[1] - '0' : -1;
	if (need->type == NET_DNS_TXT && k >= 0 && texts[k])
		add(a, texts[k], lens[k]);
	else if (h % 5 == 0)
		a->rcode = NET_DNS_NXDOMAIN;
	else if (h % 5 == 1)
		a->rcode = NET_DNS_NODATA;
	else if (h % 5 == 2 && h % 3 == 0)
		a->rcode = NET_DNS_TEMPFAIL;
	else
		for (uint32_t i = 0; i <= (h >> 8) % 12; i++)
			add_made_up(a, h, i);
	return a;
}

static void evaluate(const uint8_t *data, size_t size)
{
	const char *texts[RECORDS] = { 0 };
	size_t lens[RECORDS] = { 0 };
	size_t start = 0;
	for (int k = 0; k < RECORDS && start <= size; k++) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t end = nl ? (size_t)(nl - data) : size;
		texts[k] = (const char *)data + start;
		lens[k] = end - start;
		start = end + 1;
		if (!nl)
			break;
	}
	struct auth_spf_request req = {
		.ip = size && (data[0] & 1) ? "2001:db8::1" : "192.0.2.1",
		.helo = "r1.test", .mail_from = "user@r0.test", .receiver = "mx.test", .now = 0,
	};
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_spf_result res;
	struct auth_dns_need need;
	int restarts = 0;
	while (auth_spf_check(&req, cache, &res, &need) == AUTH_NEED_DNS) {
		check(++restarts < MAX_RESTARTS);
		check(auth_dns_cache_get(cache, need.name, need.type) == NULL);
		auth_dns_cache_put(cache, answer(&need, texts, lens));
	}
	check(res.code <= AUTH_SPF_PERMERROR);
	check_one_line(res.reason);
	check(res.dns_terms <= 11 && res.void_lookups <= 3 && res.record_count <= 12);
	check(!res.explanation || res.code == AUTH_SPF_FAIL);
	auth_spf_result_release(&res);
	auth_dns_cache_free(cache);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_spf_record rec;
	struct lib_err err;
	if (auth_spf_record_parse((const char *)data, size, &rec, &err) == 0) {
		check_record(&rec, size);
		auth_spf_record_release(&rec);
	} else {
		check_one_line(err.msg);
		check(rec.terms == NULL && rec.count == 0);
	}
	evaluate(data, size);
	return 0;
}
