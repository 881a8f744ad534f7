/* check_dkim.c: the DKIM section of frank dnscheck: the key record of
 * each selector (RFC 6376 3.6.1, RFC 8463), read with the verifier's own
 * parser (dkim_key.c), judged by RFC 8301: RSA keys under 1024 bits are
 * refused by verifiers, and 2048 bits is the advice.  Selectors cannot be
 * listed from DNS, so without --selector the common ones are tried and
 * only those that answer with a key are shown. */
#include "check_private.h"
#include "dkim_private.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#define FIX_MAX (AUTH_DNS_NAME_MAX * 2 + 256)

/* A TXT record that means to be a key: a wildcard TXT record (an SPF
 * record at *.example.com) answers every selector and must not count. */
static int looks_like_key(const struct net_dns_record *r)
{
	for (size_t i = 0; r->text && i + 2 <= r->text_len; i++) {
		if ((i == 0 || r->text[i - 1] == ';' || r->text[i - 1] == ' ' || r->text[i - 1] == '\t') &&
		    r->text[i] == 'p' && r->text[i + 1] == '=')
			return 1;
	}
	return r->text && r->text_len >= 7 && strncmp(r->text, "v=DKIM1", 7) == 0;
}

static void regenerate_fix(char *fix, size_t size, const char *selector, const char *domain)
{
	snprintf(fix, size,
		 "make a 2048-bit key (frank dkim-keygen --bits 2048 %s %s), publish its record and "
		 "sign with it",
		 domain, selector);
}

/* The key itself: its size and flags. */
static void key_strength(struct check_run *run, const char *selector, const char *name,
			 const struct auth_dkim_key_record *key)
{
	char fix[FIX_MAX];
	unsigned bits = 0;
	struct lib_err err = { "" };
	EVP_PKEY *pkey = auth_dkim_key_public(key, &bits, &err);
	if (!pkey) {
		snprintf(fix, sizeof fix, "publish the public key again at %s", name);
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_SYNTAX, fix, "%s: %s", name, err.msg);
		return;
	}
	EVP_PKEY_free(pkey);
	regenerate_fix(fix, sizeof fix, selector, run->req->domain);
	if (key->type == AUTH_DKIM_KEY_ED25519)
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_OK, NULL, "%s: Ed25519 key", name);
	else if (bits < AUTH_DKIM_MIN_RSA_BITS)
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_BROKEN, fix,
			       "%s: RSA key of %u bits: verifiers refuse keys under 1024 bits (RFC 8301)",
			       name, bits);
	else if (bits < 2048)
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_WEAK, fix,
			       "%s: RSA key of %u bits: weak, 2048 bits is the advice", name, bits);
	else
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_OK, NULL, "%s: RSA key of %u bits", name,
			       bits);
}

static void key_row(struct check_run *run, const char *selector, const char *name,
		    const struct net_dns_record *r)
{
	char fix[FIX_MAX];
	struct auth_dkim_key_record key;
	struct lib_err err = { "" };
	if (auth_dkim_key_parse(r->text, r->text_len, &key, &err) < 0) {
		snprintf(fix, sizeof fix, "correct the record at %s (frank dkim-keygen prints one)", name);
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_SYNTAX, fix, "%s: %s", name, err.msg);
	} else if (key.p_len == 0) {
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_REVOKED,
			       "sign with a current selector; remove this record once no mail signed "
			       "with it is in transit",
			       "%s: revoked (empty p=): mail signed with it fails", name);
	} else if (!key.for_email) {
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_UNFIT, "remove s= from the record (or write s=email)",
			       "%s: s=%s: the key is not for email", name, key.services);
	} else if (!key.allows_sha256) {
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_UNFIT, "remove h= from the record (or write h=sha256)",
			       "%s: h= allows only sha1, which verifiers refuse (RFC 8301)", name);
	} else {
		key_strength(run, selector, name, &key);
		if (key.testing) {
			snprintf(fix, sizeof fix, "remove t=y from the record at %s once signing works", name);
			auth_check_add(run->report, AUTH_RULE_DKIM_KEY_TESTING, fix,
				       "%s: t=y: the domain says it is testing DKIM, so receivers may "
				       "ignore failures",
				       name);
		}
	}
	auth_dkim_key_record_release(&key);
}

/* One selector; returns 1 when it has a key record. */
static int check_selector(struct check_run *run, const char *selector, int given)
{
	char name[AUTH_DNS_NAME_MAX + 64], fix[FIX_MAX];
	int len = snprintf(name, sizeof name, "%s._domainkey.%s", selector, run->req->domain);
	if (len < 0 || len > 253) {
		if (given)
			auth_check_add(run->report, AUTH_RULE_DKIM_KEY_MISSING, "use a shorter selector",
				       "%s._domainkey.%s is longer than a domain name may be", selector,
				       run->req->domain);
		return 0;
	}
	const struct net_dns_answer *a = check_ask(run, name, NET_DNS_TXT);
	if (!a || check_tempfail(run, a, "this DKIM key"))
		return 0;
	size_t keys = 0;
	const struct net_dns_record *first = NULL;
	for (size_t i = 0; check_has_records(a) && i < a->count; i++) {
		if (!given && !looks_like_key(&a->records[i]))
			continue;
		if (!first)
			first = &a->records[i];
		keys++;
	}
	if (!first) {
		snprintf(fix, sizeof fix,
			 "publish the public key of selector %s at %s (frank dkim-keygen prints it), or "
			 "sign with a selector that has one",
			 selector, name);
		if (given)
			auth_check_add(run->report, AUTH_RULE_DKIM_KEY_MISSING, fix,
				       "%s: no key record (%s)", name,
				       check_has_records(a) ? "no TXT record" : net_dns_rcode_words(a->rcode));
		return 0;
	}
	if (keys > 1) {
		snprintf(fix, sizeof fix, "keep one record at %s", name);
		auth_check_add(run->report, AUTH_RULE_DKIM_KEY_MANY, fix,
			       "%s: %zu TXT records: verifiers use one of them, maybe not the right one",
			       name, keys);
	}
	key_row(run, selector, name, first);
	return 1;
}

void check_dkim(struct check_run *run)
{
	const struct auth_check_request *req = run->req;
	if (req->selector_count) {
		for (size_t i = 0; i < req->selector_count; i++)
			check_selector(run, req->selectors[i], 1);
		return;
	}
	size_t found = 0;
	struct lib_buf tried = LIB_BUF_INIT;
	for (size_t i = 0; auth_check_common_selectors[i]; i++) {
		found += (size_t)check_selector(run, auth_check_common_selectors[i], 0);
		lib_buf_printf(&tried, "%s%s", i ? ", " : "", auth_check_common_selectors[i]);
	}
	if (!found)
		auth_check_add(run->report, AUTH_RULE_DKIM_NONE_FOUND,
			       "name your selector with --selector (the s= of your DKIM-Signature "
			       "fields)",
			       "no DKIM key at the common selectors (%s)", tried.data);
	lib_buf_release(&tried);
}
