/* spf_private.h: what the SPF files of src/auth share (private). */
#ifndef FRANK_AUTH_SPF_PRIVATE_H
#define FRANK_AUTH_SPF_PRIVATE_H

#include <stddef.h>

#include "auth.h"

/* RFC 7208 4.6.4 */
#define SPF_MAX_DNS_TERMS 10 /* include a mx ptr exists redirect per check */
#define SPF_MAX_VOID 2       /* of those, lookups answered NXDOMAIN or NODATA */
#define SPF_MAX_NAMES 10     /* MX or PTR names looked at per term */

/* No DNS message carries a longer record; refusing more keeps a hostile
 * 1 MB TXT from costing more than one linear pass. */
#define SPF_RECORD_MAX 65535

/* A longest expansion; domain names are cut to 253 afterwards anyway. */
#define SPF_MACRO_OUT_MAX 16384

/* A domain name as RFC 7208 7.3 queries it: at most 253 octets. */
#define SPF_NAME_MAX 253

/* What a syntax check of a macro-string learned. */
struct spf_macro_info {
	int uses_p;           /* %{p} appears: the evaluator looks it up first */
	int ends_with_expand; /* the last token is a macro-expand */
	size_t tail;          /* where the final run of literal characters starts */
};

/* Checks text[0..len) against macro-string (or explain-string). */
int spf_macro_scan(const char *text, size_t len, enum auth_spf_macro_context context,
		   struct spf_macro_info *info, struct lib_err *err);

/* Checks a domain-spec (macro-string domain-end).  what names the term in
 * the message. */
int spf_domain_spec_check(const char *text, size_t len, const char *what, struct lib_err *err);

/* Makes an expanded target name queryable in place (RFC 7208 4.3, 7.3): drops
 * a final dot, cuts whole labels off the left past 253 octets.  Returns -1
 * when it cannot name anything in DNS (an empty label, one over 63 octets,
 * nothing left): the caller treats it as non-existent. */
int spf_name_finish(char *name);

/* Whether a <domain> can start a check (RFC 7208 4.3): letters, digits,
 * '-' and '_', at least two labels, none empty or over 63, at most 253 in
 * all; a final dot is allowed. */
int spf_domain_ok(const char *domain);

/* Case-insensitive: name is domain, or a name below it. */
int spf_name_within(const char *name, const char *domain);

/* The PTR query name of an address of ip_len 4 or 16 bytes (network
 * order): "d.c.b.a.in-addr.arpa", or 32 nibbles then "ip6.arpa". */
#define SPF_REVERSE_NAME_MAX 80
void spf_reverse_name(const unsigned char *ip, size_t ip_len, char out[SPF_REVERSE_NAME_MAX]);

#endif
