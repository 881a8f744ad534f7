/* auth.h: the face of src/auth, the sender authenticity engine: SPF
 * (RFC 7208), DKIM (RFC 6376, RFC 8463), DMARC (RFC 9989), ARC (RFC 8617)
 * and Authentication-Results (RFC 8601).  It serves frank and frankd.
 *
 * The engine never does I/O.  Every evaluator reads DNS answers from a
 * struct auth_dns_cache; when an answer it needs is missing, it stops and
 * returns AUTH_NEED_DNS with the query in a struct auth_dns_need.  The
 * caller resolves that query (synchronously, or asynchronously in frankd's
 * event loop), puts the answer into the cache and calls the evaluator
 * again, which starts over and gets further.  Evaluations are cheap next
 * to DNS, the limits of RFC 7208 bound the restarts, and the engine stays
 * a pure function of its inputs and the answers: tests and fuzzers feed
 * answers directly, and the evidence shown to the user is exactly the
 * cache's content. */
#ifndef FRANK_AUTH_H
#define FRANK_AUTH_H

#include <stddef.h>

#include "lib.h"
#include "net.h"

/* ===================================================================== */
/* DNS answers the engine consults                                       */
/* ===================================================================== */

/* Answers keyed by (name, type); names compare case-insensitively and
 * without a final dot.  Owns the answers put into it. */
struct auth_dns_cache;

struct auth_dns_cache *auth_dns_cache_new(void);
void auth_dns_cache_free(struct auth_dns_cache *cache);

/* Takes ownership of answer (its qname and qtype are the key); an older
 * answer for the same key is freed. */
void auth_dns_cache_put(struct auth_dns_cache *cache, struct net_dns_answer *answer);

/* The answer for (name, type), or NULL when it was never put.  Owned by
 * the cache, valid until the cache is freed or the key is put again. */
const struct net_dns_answer *auth_dns_cache_get(const struct auth_dns_cache *cache,
						 const char *name, enum net_dns_type type);

/* Every answer, in the order they were first put (for the evidence view). */
size_t auth_dns_cache_count(const struct auth_dns_cache *cache);
const struct net_dns_answer *auth_dns_cache_at(const struct auth_dns_cache *cache, size_t i);

/* The query an evaluator needs answered before it can go on. */
#define AUTH_DNS_NAME_MAX 256
struct auth_dns_need {
	char name[AUTH_DNS_NAME_MAX]; /* without the final dot */
	enum net_dns_type type;
};

/* Status of an evaluation step. */
enum auth_step {
	AUTH_DONE = 0,     /* the result is final */
	AUTH_NEED_DNS = 1, /* resolve *need, put it in the cache, call again */
};

/* ===================================================================== */
/* SPF (RFC 7208)                                                        */
/* ===================================================================== */

#include <time.h> /* time_t, for %{t} */

/* check_host() of RFC 7208 over the cache, with every limit of its section
 * 4.6.4.  An evaluation reads TXT (never type 99), A, AAAA, MX and PTR
 * answers; NXDOMAIN and NODATA are "void", TEMPFAIL (and a DNSSEC-bogus
 * answer) is a DNS error.  A missing answer stops it with AUTH_NEED_DNS. */

/* The results of RFC 7208 section 2.6; auth_spf_code_str() gives the name
 * RFC 7208 and RFC 8601 write ("pass", "permerror", ...). */
enum auth_spf_code {
	AUTH_SPF_NONE = 0,
	AUTH_SPF_NEUTRAL,
	AUTH_SPF_PASS,
	AUTH_SPF_FAIL,
	AUTH_SPF_SOFTFAIL,
	AUTH_SPF_TEMPERROR,
	AUTH_SPF_PERMERROR,
};

const char *auth_spf_code_str(enum auth_spf_code code);

/* The identity checked (RFC 7208 2.3, 2.4); _str() gives "mailfrom" or
 * "helo", the RFC 8601 property names. */
enum auth_spf_identity {
	AUTH_SPF_MAILFROM = 0,
	AUTH_SPF_HELO = 1,
};

const char *auth_spf_identity_str(enum auth_spf_identity identity);

/* What the SMTP session said.  The strings are the caller's and are only
 * read during the call. */
struct auth_spf_request {
	const char *ip;        /* the client, IPv4 or IPv6 text; an IPv4-mapped
			        * IPv6 address is checked as IPv4 (RFC 7208 5) */
	const char *helo;      /* the HELO/EHLO name as given (%{h}); NULL = "" */
	const char *mail_from; /* the reverse-path without <>; "" or NULL is the
			        * null sender: the HELO identity is checked */
	const char *receiver;  /* this host's name (%{r}); NULL = "unknown" */
	time_t now;            /* %{t} */
};

/* How a record was reached. */
enum auth_spf_via {
	AUTH_SPF_VIA_CHECK = 0,  /* the domain the check started at */
	AUTH_SPF_VIA_INCLUDE,
	AUTH_SPF_VIA_REDIRECT,
};

/* One SPF record the evaluation read, in reading order. */
struct auth_spf_record_seen {
	char *domain;
	char *text;            /* the record as published (strings joined; a
				* NUL byte shows as '?') */
	enum auth_spf_via via;
	unsigned depth;        /* include nesting, 0 for the checked domain */
};

/* The verdict and its evidence.  Owned by the caller's struct: release it
 * with auth_spf_result_release(). */
struct auth_spf_result {
	enum auth_spf_code code;
	enum auth_spf_identity identity;
	char *sender;          /* <sender>: the MAIL FROM, or postmaster@HELO */
	char *domain;          /* <domain> the check started at */
	char *matched;         /* the deciding term as written ("-all",
				* "include:_spf.example.com"), NULL when none */
	char *matched_domain;  /* the domain whose record holds it */
	struct auth_spf_record_seen *records;
	size_t record_count;
	char *explanation;     /* fail only: the expanded exp= text, one line
				* of printable ASCII (other bytes from macro
				* values become '?'); NULL when the domain gave
				* none (use a local default) */
	char *reason;          /* one line saying why, never NULL: "too many DNS
				* lookups (11 > 10)", "no SPF record at x.org" */
	unsigned dns_terms;    /* DNS-querying terms evaluated (limit 10) */
	unsigned void_lookups; /* of which void (limit 2) */
};

/* Checks the MAIL FROM identity, or the HELO identity when mail_from is
 * the null sender (RFC 7208 2.4).  On AUTH_DONE *result holds the verdict;
 * on AUTH_NEED_DNS it holds nothing and *need the query to answer.  Either
 * way *result is overwritten (release a previous one first) and releasing
 * it is safe.  Each call starts over from the cache. */
enum auth_step auth_spf_check(const struct auth_spf_request *req,
			      const struct auth_dns_cache *cache,
			      struct auth_spf_result *result, struct auth_dns_need *need);

/* Checks the HELO identity (RFC 7208 2.3) whatever mail_from holds. */
enum auth_step auth_spf_check_helo(const struct auth_spf_request *req,
				   const struct auth_dns_cache *cache,
				   struct auth_spf_result *result, struct auth_dns_need *need);

void auth_spf_result_release(struct auth_spf_result *result);

/* --- the record grammar (RFC 7208 section 12), for evaluators and tools --- */

enum auth_spf_term_kind {
	AUTH_SPF_ALL = 0,
	AUTH_SPF_INCLUDE,
	AUTH_SPF_A,
	AUTH_SPF_MX,
	AUTH_SPF_PTR,
	AUTH_SPF_IP4,
	AUTH_SPF_IP6,
	AUTH_SPF_EXISTS,
	AUTH_SPF_REDIRECT,     /* modifiers from here on */
	AUTH_SPF_EXP,
	AUTH_SPF_UNKNOWN_MODIFIER,
};

struct auth_spf_term {
	enum auth_spf_term_kind kind;
	char qualifier;        /* '+', '-', '~' or '?' for a mechanism, 0 for a
				* modifier */
	char *text;            /* the term as written */
	char *name;            /* unknown modifier: its name, else NULL */
	char *domain_spec;     /* the domain-spec as written (macros not
				* expanded), NULL when absent (a, mx, ptr: the
				* current domain); unknown modifier: its value */
	unsigned cidr4;        /* a, mx, ip4: prefix length, default 32 */
	unsigned cidr6;        /* a, mx, ip6: prefix length, default 128 */
	unsigned char addr[16];/* ip4: 4 bytes, ip6: 16 bytes */
};

struct auth_spf_record {
	struct auth_spf_term *terms; /* in record order, modifiers included */
	size_t count;
	const struct auth_spf_term *redirect; /* NULL when absent */
	const struct auth_spf_term *exp;      /* NULL when absent */
};

/* Whether a TXT record is an SPF record: "v=spf1" (any case) then a space
 * or the end (RFC 7208 4.5). */
int auth_spf_is_record(const char *text, size_t len);

/* Parses a whole record (text[0..len), not NUL-terminated, may hold any
 * byte; at most 65535 bytes, what a DNS message can carry).  Any syntax
 * error anywhere fails (RFC 7208 4.6): -1 with err (may be NULL) naming
 * the term, e.g. "unknown mechanism 'moo'", and *record empty.  On success
 * the caller releases *record. */
int auth_spf_record_parse(const char *text, size_t len, struct auth_spf_record *record,
			  struct lib_err *err);
void auth_spf_record_release(struct auth_spf_record *record);

/* Where a macro-string sits: a domain-spec knows the letters s l o d i p h
 * v; an explanation TXT (explain-string) also c r t, and spaces. */
enum auth_spf_macro_context {
	AUTH_SPF_MACRO_DOMAIN = 0,
	AUTH_SPF_MACRO_EXPLAIN,
};

/* The values macros expand to (RFC 7208 7.3).  ip holds 4 or 16 bytes;
 * validated is %{p}, NULL for "unknown" (the evaluator finds it). */
struct auth_spf_macro_vars {
	const char *sender;        /* s */
	const char *local;         /* l */
	const char *sender_domain; /* o */
	const char *domain;        /* d */
	const unsigned char *ip;   /* i, c, v */
	size_t ip_len;
	const char *validated;     /* p */
	const char *helo;          /* h */
	const char *receiver;      /* r; NULL = "unknown" */
	time_t now;                /* t */
};

/* Expands text[0..len) into out (appending).  Returns -1 with err (may be
 * NULL) on a syntax error, a letter not allowed in the context, or an
 * expansion over 16 KiB; out is then as it was.  Uppercase letters are
 * URL-escaped (RFC 7208 7.3). */
int auth_spf_macro_expand(const char *text, size_t len, enum auth_spf_macro_context context,
			  const struct auth_spf_macro_vars *vars, struct lib_buf *out,
			  struct lib_err *err);

/* ===================================================================== */
/* DKIM (RFC 6376, RFC 8463, RFC 8301)                                   */
/* ===================================================================== */

/* (DKIM declarations) */




/* ===================================================================== */
/* DMARC (RFC 9989), ARC (RFC 8617), Authentication-Results (RFC 8601)    */
/* ===================================================================== */

/* (DMARC, ARC and Authentication-Results declarations) */

#endif
