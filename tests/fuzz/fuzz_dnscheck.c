/* fuzz_dnscheck.c: frank dnscheck's checker over hostile zone data.
 *
 * The bytes are a zone file with $ORIGIN f.test (so "@", "mx", "_dmarc",
 * "default._domainkey" name the checked domain's records), loaded into an
 * offline resolver; the checker then runs to its report as frank dnscheck
 * runs it, twice: with the common DKIM selectors, and with a selector, a
 * sending address and a blocklist.  Checked: the check ends within a
 * bounded number of rounds, every need is missing from the cache and
 * asked once per round, the report's rows are one line of text without
 * control characters, the score is at most 10, and the text and JSON
 * forms hold no control character but their newlines.  Everything is
 * freed, so LeakSanitizer sees leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

#define MAX_ROUNDS 400
#define NEEDS 32

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_line(const char *s)
{
	check(s != NULL);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		check(*p >= 0x20 && *p != 0x7F);
}

static void check_printed(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		check((*p >= 0x20 && *p != 0x7F) || *p == '\n');
	free((char *)s);
}

static void check_report(const struct auth_check_report *r)
{
	check_line(r->domain);
	for (size_t i = 0; i < r->count; i++) {
		const struct auth_check_item *it = &r->items[i];
		check(auth_check_rule_get(it->rule) != NULL);
		check_line(it->text);
		check(it->text[0] != '\0');
		if (it->fix)
			check_line(it->fix);
	}
	check(auth_check_score(r) <= AUTH_CHECK_MAX_POINTS);
	check_printed(auth_check_report_text(r));
	check_printed(auth_check_report_json(r));
}

static void run(struct net_dns *dns, const struct auth_check_request *req)
{
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dns_need needs[NEEDS];
	struct auth_check_report *report = NULL;
	int round = 0;
	for (;; round++) {
		size_t n = 0;
		if (auth_check_domain(req, cache, &report, needs, NEEDS, &n) == AUTH_DONE)
			break;
		check(round < MAX_ROUNDS && n >= 1 && n <= NEEDS);
		for (size_t i = 0; i < n; i++) {
			check(auth_dns_cache_get(cache, needs[i].name, needs[i].type) == NULL);
			struct lib_err err;
			struct net_dns_answer *a = net_dns_lookup(dns, needs[i].name, needs[i].type, &err);
			if (!a) { /* a name DNS cannot hold: it names nothing */
				a = lib_xcalloc(1, sizeof *a);
				a->qname = lib_xstrdup(needs[i].name);
				a->qtype = needs[i].type;
				a->rcode = NET_DNS_NXDOMAIN;
			} else {
				free(a->qname); /* filed under the name asked */
				a->qname = lib_xstrdup(needs[i].name);
			}
			auth_dns_cache_put(cache, a);
		}
	}
	check(report != NULL);
	check_report(report);
	auth_check_report_free(report);
	auth_dns_cache_free(cache);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lib_err err;
	struct net_dns *dns = net_dns_new(NULL, &err);
	if (!dns)
		return 0;
	if (net_dns_load_zone_text(dns, "fuzz", (const char *)data, size, "f.test", &err) == 0) {
		struct auth_check_request common = { .domain = "f.test" };
		run(dns, &common);
		const char *selectors[] = { "s" }, *lists[] = { "bl.test" };
		struct auth_check_request given = {
			.domain = "f.test", .selectors = selectors, .selector_count = 1,
			.ip = "192.0.2.1", .dnsbl = lists, .dnsbl_count = 1,
		};
		run(dns, &given);
	}
	net_dns_free(dns);
	return 0;
}
