/* fuzz_zone.c: zone file text from hostile input.
 *
 * Parses the bytes (not NUL-terminated, so ASan sees any read past the
 * end) with a sink that checks what the parser promises (dns_private.h):
 * owners are valid wire names that survive presentation form and back,
 * record data of every answerable type decodes, TTLs are at most 2^31 - 1,
 * lines lie inside the text, an error is one "fuzz:LINE: ..." line.  Then
 * loads the text into a zone store (twice: merging duplicates, once with an
 * origin) and asks every owner for every type, online and offline, checking
 * each answer's shape.  Everything is freed, so LeakSanitizer sees leaks. */
#include "dns_private.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OWNERS 32

struct seen {
	unsigned char owners[MAX_OWNERS][DNS_NAME_MAX];
	size_t owner_len[MAX_OWNERS];
	size_t count;
	unsigned lines;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_name(const unsigned char *name, size_t len)
{
	static const unsigned char root[1] = { 0 };
	unsigned char again[DNS_NAME_MAX];
	size_t pos = 0, again_len = 0;
	check(len >= 1 && len <= DNS_NAME_MAX);
	check(dns_name_read(name, len, &pos, NULL, 0, again, &again_len) == 0 && pos == len);
	struct lib_buf text = LIB_BUF_INIT;
	dns_name_to_text(name, len, &text);
	const char *why = NULL;
	check(dns_name_from_text(text.data, text.len, root, 1, again, &again_len, &why) == 0);
	check(again_len == len && memcmp(again, name, len) == 0);
	lib_buf_release(&text);
}

static int on_record(void *arg, const struct dns_rr *rr, struct lib_err *err)
{
	struct seen *s = arg;
	(void)err;
	check_name(rr->owner, rr->owner_len);
	check(rr->ttl <= 2147483647u);
	check(rr->line >= 1 && rr->line <= s->lines);
	check(rr->rdata_len <= DNS_RDATA_MAX);
	if (rr->type != DNS_TYPE_SOA && rr->type != DNS_TYPE_TEMPFAIL) {
		struct net_dns_record rec;
		check(dns_record_from_rdata(rr->type, rr->rdata, rr->rdata_len, NULL, 0, rr->ttl,
					    &rec) == 0);
		check(rec.text != NULL && strlen(rec.text) <= rec.text_len);
		free(rec.text);
	}
	if (s->count < MAX_OWNERS) {
		memcpy(s->owners[s->count], rr->owner, rr->owner_len);
		s->owner_len[s->count++] = rr->owner_len;
	}
	return 0;
}

static int on_apex(void *arg, const unsigned char *name, size_t len, unsigned line,
		   struct lib_err *err)
{
	struct seen *s = arg;
	(void)err;
	check_name(name, len);
	check(len > 1);
	check(line <= s->lines);
	return 0;
}

static void check_answer(const struct net_dns_answer *a, enum net_dns_type type)
{
	check(a->qname != NULL && a->qtype == type);
	check((a->rcode == NET_DNS_ANSWER) == (a->count > 0));
	check((a->rcode == NET_DNS_TEMPFAIL) == (a->why != NULL));
	for (size_t i = 0; i < a->count; i++) {
		check(a->records[i].text != NULL);
		if (i > 0 && type == NET_DNS_MX)
			check(a->records[i - 1].preference <= a->records[i].preference);
	}
}

static void ask_everything(const struct dns_zone *zone, const struct seen *s)
{
	static const enum net_dns_type types[] = { NET_DNS_A, NET_DNS_AAAA, NET_DNS_MX,
						   NET_DNS_TXT, NET_DNS_PTR, NET_DNS_CNAME };
	for (size_t i = 0; i < s->count; i++) {
		for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
			for (int closed = 0; closed < 2; closed++) {
				struct net_dns_answer *a = NULL;
				unsigned char follow[DNS_NAME_MAX];
				size_t follow_len = 0;
				enum dns_zone_result r = dns_zone_lookup(zone, s->owners[i], s->owner_len[i],
									 "q", types[t], closed, &a,
									 follow, &follow_len);
				if (r == DNS_ZONE_ELSEWHERE) {
					check(!closed && a == NULL);
					continue;
				}
				check(a != NULL);
				if (r == DNS_ZONE_FOLLOW) {
					check(!closed && a->cname != NULL);
					check_name(follow, follow_len);
				} else {
					check_answer(a, types[t]);
				}
				net_dns_answer_free(a);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct seen *s = calloc(1, sizeof *s);
	if (!s)
		return 0;
	s->lines = 1;
	for (size_t i = 0; i < size; i++)
		s->lines += data[i] == '\n';
	struct dns_zone_sink sink = { on_record, on_apex, s };
	struct lib_err err;
	err.msg[0] = '\0';
	int rc = dns_zone_parse("fuzz", text, size, NULL, &sink, &err);
	if (rc < 0) {
		check(strncmp(err.msg, "fuzz:", 5) == 0);
		check(memchr(err.msg, '\0', sizeof err.msg) != NULL);
		check(strchr(err.msg, '\n') == NULL);
	}

	struct dns_zone *zone = dns_zone_new();
	struct lib_err load_err;
	int loaded = dns_zone_load(zone, "fuzz", text, size, NULL, &load_err);
	check(loaded == rc || (rc == 0 && loaded < 0)); /* the store may refuse more */
	if (loaded == 0)
		dns_zone_load(zone, "fuzz", text, size, NULL, &load_err);
	dns_zone_load(zone, "fuzz", text, size, "o.test", &load_err);
	ask_everything(zone, s);
	dns_zone_free(zone);
	free(s);
	return 0;
}
