/* check_rules.c: the scoring table of frank dnscheck, the one place that
 * says what each finding costs.  A domain starts at 10 points; each row
 * takes its rule's points (in tenths here), and the score never goes
 * under 0.  doc/frank.1 lists this table (tests/integration/dnscheck_doc.sh
 * compares them).  Passes cost nothing; warnings are what a careful
 * administrator fixes; failures are what makes receivers refuse or
 * misfile mail, or lets others send as the domain. */
#include "auth.h"

#include <stddef.h>

#define PASS AUTH_CHECK_PASS
#define WARN AUTH_CHECK_WARN
#define FAIL AUTH_CHECK_FAIL

static const struct auth_check_rule_info rules[AUTH_RULE_COUNT] = {
	[AUTH_RULE_DOMAIN_NXDOMAIN] = { "domain-nxdomain", "domain", FAIL, 100,
		"the domain does not exist" },
	[AUTH_RULE_DNS_TEMPFAIL] = { "dns-tempfail", "dns", WARN, 0,
		"a query failed for now: that part was not checked" },

	[AUTH_RULE_MX_HOSTS] = { "mx-hosts", "mx", PASS, 0,
		"the MX hosts and their preferences" },
	[AUTH_RULE_MX_NULL] = { "mx-null", "mx", PASS, 0,
		"a null MX: the domain says it takes no mail (RFC 7505)" },
	[AUTH_RULE_MX_NULL_MIXED] = { "mx-null-mixed", "mx", FAIL, 20,
		"a null MX beside other MX records" },
	[AUTH_RULE_MX_NONE_ADDRESS] = { "mx-none-address", "mx", WARN, 10,
		"no MX record: mail goes to the domain's own address" },
	[AUTH_RULE_MX_NONE] = { "mx-none", "mx", FAIL, 30,
		"no MX record and no address: no mail can be delivered" },
	[AUTH_RULE_MX_HOST_OK] = { "mx-host", "mx", PASS, 0,
		"an MX host and its addresses" },
	[AUTH_RULE_MX_HOST_CNAME] = { "mx-host-cname", "mx", FAIL, 10,
		"an MX host name is an alias (CNAME), which RFC 2181 10.3 forbids" },
	[AUTH_RULE_MX_HOST_NO_ADDRESS] = { "mx-host-no-address", "mx", FAIL, 20,
		"an MX host has no A or AAAA record" },

	[AUTH_RULE_SPF_RECORD] = { "spf-record", "spf", PASS, 0,
		"the SPF record" },
	[AUTH_RULE_SPF_NONE] = { "spf-none", "spf", FAIL, 20,
		"no SPF record" },
	[AUTH_RULE_SPF_MANY] = { "spf-many", "spf", FAIL, 20,
		"more than one SPF record: a permerror" },
	[AUTH_RULE_SPF_SYNTAX] = { "spf-syntax", "spf", FAIL, 20,
		"the SPF record does not parse: a permerror" },
	[AUTH_RULE_SPF_TERM_BROKEN] = { "spf-term-broken", "spf", FAIL, 20,
		"an include or redirect leads to no valid record, or a term names no domain" },
	[AUTH_RULE_SPF_LOOP] = { "spf-loop", "spf", FAIL, 20,
		"an include or redirect leads back to a record being evaluated" },
	[AUTH_RULE_SPF_LOOKUPS] = { "spf-lookups", "spf", PASS, 0,
		"DNS lookups within the limit of 10, includes expanded" },
	[AUTH_RULE_SPF_TOO_MANY_LOOKUPS] = { "spf-too-many-lookups", "spf", FAIL, 20,
		"more than 10 DNS lookups: a permerror" },
	[AUTH_RULE_SPF_VOID] = { "spf-void", "spf", WARN, 5,
		"a term whose name has no records (a void lookup)" },
	[AUTH_RULE_SPF_TOO_MANY_VOID] = { "spf-too-many-void", "spf", FAIL, 10,
		"more than 2 void lookups: a permerror" },
	[AUTH_RULE_SPF_MX_NAMES] = { "spf-mx-names", "spf", FAIL, 10,
		"an mx term with more than 10 hosts: a permerror" },
	[AUTH_RULE_SPF_PTR] = { "spf-ptr", "spf", WARN, 5,
		"the ptr mechanism, which RFC 7208 says not to use" },
	[AUTH_RULE_SPF_MACRO] = { "spf-macro", "spf", PASS, 0,
		"a term that depends on the sender, counted and not followed" },
	[AUTH_RULE_SPF_ALL_FAIL] = { "spf-all-fail", "spf", PASS, 0,
		"ends in -all" },
	[AUTH_RULE_SPF_ALL_SOFTFAIL] = { "spf-all-softfail", "spf", PASS, 0,
		"ends in ~all" },
	[AUTH_RULE_SPF_ALL_NEUTRAL] = { "spf-all-neutral", "spf", WARN, 10,
		"ends in ?all: SPF protects nothing" },
	[AUTH_RULE_SPF_ALL_PASS] = { "spf-all-pass", "spf", FAIL, 30,
		"ends in +all: anyone may send as the domain" },
	[AUTH_RULE_SPF_ALL_MISSING] = { "spf-all-missing", "spf", WARN, 10,
		"no all term: other hosts are neutral" },
	[AUTH_RULE_SPF_IP_PASS] = { "spf-ip-pass", "spf", PASS, 0,
		"the --ip address may send for the domain" },
	[AUTH_RULE_SPF_IP_NOT_ALLOWED] = { "spf-ip-not-allowed", "spf", FAIL, 20,
		"the --ip address may not send for the domain" },
	[AUTH_RULE_SPF_IP_ERROR] = { "spf-ip-error", "spf", WARN, 0,
		"whether the --ip address may send cannot be told (see the other rows)" },

	[AUTH_RULE_DKIM_KEY_OK] = { "dkim-key", "dkim", PASS, 0,
		"a DKIM key: RSA of 2048 bits or more, or Ed25519" },
	[AUTH_RULE_DKIM_KEY_WEAK] = { "dkim-key-weak", "dkim", WARN, 10,
		"an RSA key of 1024 to 2047 bits" },
	[AUTH_RULE_DKIM_KEY_BROKEN] = { "dkim-key-broken", "dkim", FAIL, 20,
		"an RSA key under 1024 bits, which verifiers refuse (RFC 8301)" },
	[AUTH_RULE_DKIM_KEY_TESTING] = { "dkim-key-testing", "dkim", WARN, 5,
		"a key in testing mode (t=y)" },
	[AUTH_RULE_DKIM_KEY_REVOKED] = { "dkim-key-revoked", "dkim", WARN, 5,
		"a revoked key (empty p=)" },
	[AUTH_RULE_DKIM_KEY_SYNTAX] = { "dkim-key-syntax", "dkim", FAIL, 20,
		"a key record that does not parse" },
	[AUTH_RULE_DKIM_KEY_UNFIT] = { "dkim-key-unfit", "dkim", FAIL, 20,
		"a key that cannot verify mail (s= without email, h=sha1 only)" },
	[AUTH_RULE_DKIM_KEY_MANY] = { "dkim-key-many", "dkim", WARN, 5,
		"several TXT records at one selector" },
	[AUTH_RULE_DKIM_KEY_MISSING] = { "dkim-key-missing", "dkim", FAIL, 20,
		"no key record at a selector given with --selector" },
	[AUTH_RULE_DKIM_NONE_FOUND] = { "dkim-none-found", "dkim", WARN, 10,
		"no key at any of the common selectors" },

	[AUTH_RULE_DMARC_RECORD] = { "dmarc-record", "dmarc", PASS, 0,
		"the DMARC record that applies" },
	[AUTH_RULE_DMARC_NONE] = { "dmarc-none", "dmarc", FAIL, 20,
		"no DMARC record for the domain or its parents" },
	[AUTH_RULE_DMARC_MANY] = { "dmarc-many", "dmarc", FAIL, 20,
		"several DMARC records at one name: all are ignored" },
	[AUTH_RULE_DMARC_SYNTAX] = { "dmarc-syntax", "dmarc", FAIL, 20,
		"the DMARC record does not parse: a permerror" },
	[AUTH_RULE_DMARC_UNUSABLE] = { "dmarc-unusable", "dmarc", FAIL, 20,
		"no valid p= and no rua=: DMARC does not apply" },
	[AUTH_RULE_DMARC_ENFORCED] = { "dmarc-enforced", "dmarc", PASS, 0,
		"a policy of quarantine or reject" },
	[AUTH_RULE_DMARC_P_NONE] = { "dmarc-p-none", "dmarc", WARN, 10,
		"a policy of none: monitoring only" },
	[AUTH_RULE_DMARC_SP_NONE] = { "dmarc-sp-none", "dmarc", WARN, 5,
		"sp=none or np=none under a stronger p=" },
	[AUTH_RULE_DMARC_PCT] = { "dmarc-pct", "dmarc", WARN, 5,
		"pct under 100" },
	[AUTH_RULE_DMARC_TESTING] = { "dmarc-testing", "dmarc", WARN, 5,
		"t=y: receivers apply the policy one level lower" },
	[AUTH_RULE_DMARC_NO_RUA] = { "dmarc-no-rua", "dmarc", WARN, 5,
		"no rua=: no aggregate reports" },
	[AUTH_RULE_DMARC_REPORTS_OK] = { "dmarc-reports", "dmarc", PASS, 0,
		"a report address of the domain's own, or authorized" },
	[AUTH_RULE_DMARC_REPORTS_UNAUTHORIZED] = { "dmarc-reports-unauthorized", "dmarc", WARN, 10,
		"an external report address without its authorization record (RFC 7489 7.1)" },
	[AUTH_RULE_DMARC_REPORTS_BAD_URI] = { "dmarc-reports-bad-uri", "dmarc", WARN, 5,
		"a report URI that is not a usable mailto:" },

	[AUTH_RULE_PTR_OK] = { "ptr", "ptr", PASS, 0,
		"forward-confirmed reverse DNS" },
	[AUTH_RULE_PTR_MX_MISSING] = { "ptr-mx-missing", "ptr", WARN, 5,
		"an MX address without a PTR record" },
	[AUTH_RULE_PTR_MX_UNCONFIRMED] = { "ptr-mx-unconfirmed", "ptr", WARN, 5,
		"an MX address whose PTR names no host with that address" },
	[AUTH_RULE_PTR_IP_MISSING] = { "ptr-ip-missing", "ptr", FAIL, 20,
		"the --ip address has no PTR record" },
	[AUTH_RULE_PTR_IP_UNCONFIRMED] = { "ptr-ip-unconfirmed", "ptr", FAIL, 10,
		"the --ip address's PTR names no host with that address" },

	[AUTH_RULE_DNSBL_CLEAN] = { "dnsbl-clean", "dnsbl", PASS, 0,
		"the --ip address is not on a blocklist" },
	[AUTH_RULE_DNSBL_LISTED] = { "dnsbl-listed", "dnsbl", FAIL, 30,
		"the --ip address is on a blocklist" },
	[AUTH_RULE_DNSBL_ERROR] = { "dnsbl-error", "dnsbl", WARN, 0,
		"a blocklist did not answer, or answered with no listing code" },
};

const struct auth_check_rule_info *auth_check_rule_get(enum auth_check_rule rule)
{
	if ((unsigned)rule >= AUTH_RULE_COUNT)
		return NULL;
	return &rules[rule];
}

const char *auth_check_status_str(enum auth_check_status status)
{
	switch (status) {
	case AUTH_CHECK_PASS: return "pass";
	case AUTH_CHECK_WARN: return "warn";
	case AUTH_CHECK_FAIL: return "fail";
	}
	return "?";
}
