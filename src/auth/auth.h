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
#include <stdint.h>

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

/* Verification: every DKIM-Signature of a message (the first
 * AUTH_DKIM_MAX_SIGNATURES from the top; the rest are counted as not
 * evaluated), rsa-sha256 and ed25519-sha256.  rsa-sha1 and RSA keys under
 * 1024 bits are refused as RFC 8301 requires.  The message is fed as a
 * byte stream in chunks of any size (CRLF or bare LF line ends): the body
 * goes through a streaming canonicalizer into one hash per distinct
 * (canonicalization, l=, hash), never copied; only the header section is
 * kept.  After auth_dkim_verifier_finish, the key lookups are the only
 * thing missing:
 *
 *   v = auth_dkim_verifier_new(&opts);
 *   auth_dkim_verifier_feed(v, data, len);  ... as often as needed
 *   auth_dkim_verifier_finish(v);
 *   while (auth_dkim_verify_step(v, cache, &need) == AUTH_NEED_DNS)
 *       resolve need (or all of auth_dkim_verifier_needs() in parallel)
 *       and auth_dns_cache_put the answers;
 *   read auth_dkim_verifier_signature(v, 0 .. count-1).
 *
 * A step never hashes again: signatures whose key is in the cache are
 * settled once and keep their result.
 *
 * Results: fail for a body hash mismatch or a signature that does not
 * verify; temperror when the key lookup failed for now; permerror for
 * syntax errors, an expired x=, a key that is missing, revoked or unfit
 * (k=, h=, s=, t=s), rsa-sha1 and RSA keys under 1024 bits (marked weak).
 * A pass whose l= leaves part of the body unsigned is marked partial; a
 * key in testing mode (t=y) is flagged, its result unchanged. */

#define AUTH_DKIM_MAX_SIGNATURES 16
#define AUTH_DKIM_MIN_RSA_BITS 1024

/* RFC 8601 2.7.1 result words; AUTH_DKIM_NONE: not settled yet. */
enum auth_dkim_result {
	AUTH_DKIM_NONE = 0,
	AUTH_DKIM_PASS,
	AUTH_DKIM_FAIL,      /* the signature or the body hash did not verify */
	AUTH_DKIM_NEUTRAL,
	AUTH_DKIM_POLICY,
	AUTH_DKIM_TEMPERROR, /* the key lookup failed for now */
	AUTH_DKIM_PERMERROR, /* syntax, missing or revoked key, refused algorithm */
};

const char *auth_dkim_result_str(enum auth_dkim_result result);

enum auth_dkim_algo {
	AUTH_DKIM_ALGO_UNKNOWN = 0,
	AUTH_DKIM_RSA_SHA1,
	AUTH_DKIM_RSA_SHA256,
	AUTH_DKIM_ED25519_SHA256,
};

const char *auth_dkim_algo_str(enum auth_dkim_algo algo);

enum auth_dkim_canon { AUTH_DKIM_SIMPLE = 0, AUTH_DKIM_RELAXED = 1 };

const char *auth_dkim_canon_str(enum auth_dkim_canon canon);

/* One DKIM-Signature and its outcome.  Strings are NULL when the tag was
 * absent or the field too broken to read it; numbers are -1 then. */
struct auth_dkim_signature {
	enum auth_dkim_result result;
	char *reason;           /* plain words: "body hash mismatch", ... */
	int weak;               /* rsa-sha1 or a short RSA key was involved */
	int partial;            /* l= leaves part of the body unsigned */
	size_t field_index;     /* its place in the header section, 0 = top */
	char *domain;           /* d= */
	char *selector;         /* s= */
	char *identity;         /* i= (decoded; "@" d= when absent) */
	char *algorithm;        /* a= as written */
	enum auth_dkim_algo algo;
	enum auth_dkim_canon header_canon, body_canon;
	char **signed_headers;  /* h= */
	size_t signed_header_count;
	long long length;       /* l= */
	long long timestamp;    /* t= */
	long long expiry;       /* x= */
	char *b;                /* b= without whitespace (header.b, RFC 6008) */
	unsigned long long body_length; /* canonicalized body length */
	/* The key: evidence for the verification view. */
	char *key_name;         /* SELECTOR._domainkey.DOMAIN */
	char *key_record;       /* the TXT text consulted, NULL if none */
	const char *key_type;   /* "rsa", "ed25519", or NULL */
	unsigned key_bits;
	int key_testing;        /* t=y: the domain is testing DKIM */
	int key_strict;         /* t=s */
	char *key_services;     /* s= of the key record, NULL when absent */
};

struct auth_dkim_verify_options {
	long long now;  /* seconds since the epoch for x=; 0: the clock */
	int legacy;     /* tests only: accept rsa-sha1 and RSA keys of any size
			 * (still marked weak), to use old corpora */
};

struct auth_dkim_verifier;

struct auth_dkim_verifier *auth_dkim_verifier_new(const struct auth_dkim_verify_options *opts);
void auth_dkim_verifier_free(struct auth_dkim_verifier *verifier);

/* The message, in order, in pieces of any size; then finish once. */
void auth_dkim_verifier_feed(struct auth_dkim_verifier *verifier, const void *data, size_t len);
void auth_dkim_verifier_finish(struct auth_dkim_verifier *verifier);

/* Settles every signature whose key is in the cache.  AUTH_NEED_DNS: *need
 * is a key record (TXT) still missing.  Call after finish. */
enum auth_step auth_dkim_verify_step(struct auth_dkim_verifier *verifier,
				     const struct auth_dns_cache *cache, struct auth_dns_need *need);

/* Every key query still missing from the cache (without repeats), to
 * resolve them all at once; returns how many there are, fills up to max. */
size_t auth_dkim_verifier_needs(const struct auth_dkim_verifier *verifier,
				const struct auth_dns_cache *cache, struct auth_dns_need *needs,
				size_t max);

/* The signatures evaluated, top first; owned by the verifier. */
size_t auth_dkim_verifier_count(const struct auth_dkim_verifier *verifier);
const struct auth_dkim_signature *auth_dkim_verifier_signature(
	const struct auth_dkim_verifier *verifier, size_t i);
/* Signatures beyond AUTH_DKIM_MAX_SIGNATURES: not evaluated. */
size_t auth_dkim_verifier_not_evaluated(const struct auth_dkim_verifier *verifier);
/* What kept the message as a whole from being verified (a header section
 * over 8 MB, too many fields), or NULL. */
const char *auth_dkim_verifier_error(const struct auth_dkim_verifier *verifier);

/* Signing (relaxed/relaxed).  A signing key is RSA (2048 bits or more is
 * advised, 1024 at least) or Ed25519. */
struct auth_dkim_signing_key;

/* Reads a PEM private key (PKCS#8, or PKCS#1 "RSA PRIVATE KEY"). */
struct auth_dkim_signing_key *auth_dkim_signing_key_load(const char *path,
							 struct lib_err *err);
struct auth_dkim_signing_key *auth_dkim_signing_key_from_pem(const char *pem, size_t len,
							     struct lib_err *err);
/* An Ed25519 key from its 32-byte seed (RFC 8032 private key). */
struct auth_dkim_signing_key *auth_dkim_signing_key_from_ed25519_seed(
	const unsigned char seed[32], struct lib_err *err);
void auth_dkim_signing_key_free(struct auth_dkim_signing_key *key);
enum auth_dkim_algo auth_dkim_signing_key_algo(const struct auth_dkim_signing_key *key);

/* Header fields signed by default; From is listed twice (over-signed) so
 * that a From added later breaks the signature. */
extern const char *const auth_dkim_default_headers[];

struct auth_dkim_sign_options {
	const char *domain;            /* d= */
	const char *selector;          /* s= */
	const char *identity;          /* i=, NULL: none */
	const char *const *headers;    /* NULL-terminated; NULL: the defaults */
	long long timestamp;           /* t=; 0: the clock; -1: no t= */
	long long expire_after;        /* x= t= + this many seconds; 0: no x= */
};

struct auth_dkim_signer;

struct auth_dkim_signer *auth_dkim_signer_new(const struct auth_dkim_signing_key *key,
					      const struct auth_dkim_sign_options *opts,
					      struct lib_err *err);
void auth_dkim_signer_free(struct auth_dkim_signer *signer);
void auth_dkim_signer_feed(struct auth_dkim_signer *signer, const void *data, size_t len);
/* The DKIM-Signature field to prepend to the message, folded, ending in
 * CRLF (caller frees).  Refuses a message without a From field. */
int auth_dkim_signer_finish(struct auth_dkim_signer *signer, char **field, struct lib_err *err);

/* One call over a whole message in memory. */
int auth_dkim_sign(const struct auth_dkim_signing_key *key,
		   const struct auth_dkim_sign_options *opts, const char *msg, size_t len,
		   char **field, struct lib_err *err);

/* Key generation for dkim-keygen: writes a new private key (RSA of bits,
 * 2048 when 0, or Ed25519) as PEM PKCS#8 to path, mode 0600, atomically
 * (a temporary file renamed), refusing to replace an existing file; and
 * returns the TXT record to publish at SELECTOR._domainkey.DOMAIN
 * ("v=DKIM1; k=rsa; p=...", caller frees). */
int auth_dkim_keygen(enum auth_dkim_algo algo, unsigned bits, const char *path,
		     char **txt_record, struct lib_err *err);

/* The record as zone-file text: NAME. IN TXT ( "..." "..." ), split into
 * strings of at most 255 bytes (RFC 1035 3.3).  Caller frees. */
char *auth_dkim_zone_line(const char *selector, const char *domain, const char *txt_record);




/* ===================================================================== */
/* DMARC (RFC 9989), ARC (RFC 8617), Authentication-Results (RFC 8601)    */
/* ===================================================================== */

/* --- Author domains: the RFC5322.From field ----------------------------- */

/* The mailboxes of one From field value (RFC 5322 3.6.2, with the groups
 * of RFC 6854 and the obsolete forms of RFC 5322 4 tolerated): for each
 * addr-spec, its domain as DMARC compares it, lowercased and with U-labels
 * turned into A-labels (RFC 9989 5.3.1).  Owned; auth_address_list_release()
 * frees what the struct holds. */
#define AUTH_ADDRESS_MAX 64 /* more mailboxes than this in one field: an error */
struct auth_address_list {
	char **domains;    /* count entries */
	size_t count;
};

/* Parses value[0..len) (the field body, folded or not).  Returns 0 with
 * every mailbox found (a group may hold none), or -1 with err naming what
 * is wrong ("no address in \"Test User\"", "domain literal"...). */
int auth_address_parse(const char *value, size_t len, struct auth_address_list *out,
		       struct lib_err *err);
void auth_address_list_release(struct auth_address_list *list);

/* A domain name as DMARC compares it: ASCII lowercase, each U-label as
 * its A-label (RFC 3492 Punycode after lowercasing), no final dot, labels
 * of letters, digits and hyphens of 1 to 63 octets, 253 octets at most.
 * Returns a new string (caller frees), or NULL with err saying why not. */
char *auth_address_domain_to_ascii(const char *domain, size_t len, struct lib_err *err);

/* The other way, for people: each "xn--" label of an ASCII domain decoded
 * (RFC 3492 6.2), as UTF-8.  A label that is not valid Punycode stays as
 * it is.  Caller frees. */
char *auth_domain_to_unicode(const char *domain);
/* The same as code points (dots included) into cps[0..max): how many, or
 * -1 when a label is not Punycode or there are more than max. */
int auth_domain_code_points(const char *domain, uint32_t *cps, size_t max);

/* --- DMARC policy records (RFC 9989 4.7, 4.8; RFC 7489 6.3) ---------------- */

enum auth_dmarc_policy {
	AUTH_DMARC_POLICY_NONE = 0,
	AUTH_DMARC_POLICY_QUARANTINE = 1,
	AUTH_DMARC_POLICY_REJECT = 2,
};
const char *auth_dmarc_policy_str(enum auth_dmarc_policy policy);

enum auth_dmarc_align_mode {
	AUTH_DMARC_RELAXED = 0,
	AUTH_DMARC_STRICT = 1,
};
const char *auth_dmarc_align_mode_str(enum auth_dmarc_align_mode mode);

enum auth_dmarc_psd {
	AUTH_DMARC_PSD_U = 0, /* not said: the tree walk decides */
	AUTH_DMARC_PSD_Y = 1, /* a public suffix domain */
	AUTH_DMARC_PSD_N = 2, /* an organizational domain, not a PSD */
};

/* What a TXT record at _dmarc.<name> turned out to be. */
enum auth_dmarc_record_status {
	AUTH_DMARC_RECORD_OK = 0,        /* a policy record */
	AUTH_DMARC_RECORD_NOT_DMARC = 1, /* no "v=DMARC1" first: not a DMARC record, ignored */
	AUTH_DMARC_RECORD_INVALID = 2,   /* v=DMARC1 but malformed: permerror */
};

/* A parsed record.  Tags absent from the text hold their defaults; the
 * has_ flags say which were written.  rua and ruf are kept as written. */
struct auth_dmarc_record {
	enum auth_dmarc_policy p, sp, np;
	int has_p, has_sp, has_np;     /* written with a valid value */
	int bad_p, bad_sp, bad_np;     /* written with a value that is not a policy */
	enum auth_dmarc_align_mode adkim, aspf;
	enum auth_dmarc_psd psd;
	int testing;                   /* t=y */
	int pct;                       /* RFC 7489 pct (0..100), 100 unless written */
	int has_pct;
	char *rua, *ruf, *fo;          /* NULL unless written */
	int rua_has_valid_uri;         /* rua holds at least one URI-shaped entry */
	int p_defaulted;               /* p was missing or bad: p=none for the rua */
	/* RFC 9989 4.10.1: without a valid p (or with an invalid sp or np) the
	 * record still applies as p=none when rua has a valid URI, else DMARC
	 * does not apply.  usable is 0 in that second case. */
	int usable;
};

/* Parses text[0..len) (the TXT strings joined).  Returns the status; for
 * AUTH_DMARC_RECORD_INVALID and _NOT_DMARC, err says why.  rec is filled
 * only for AUTH_DMARC_RECORD_OK; release it with auth_dmarc_record_release(). */
enum auth_dmarc_record_status auth_dmarc_record_parse(const char *text, size_t len,
						      struct auth_dmarc_record *rec,
						      struct lib_err *err);
void auth_dmarc_record_release(struct auth_dmarc_record *rec);

/* --- Organizational domains: the Public Suffix List (RFC 7489 3.2) ------- */

/* A Public Suffix List, through libpsl. */
struct auth_dmarc_psl;

/* path NULL: the newer of libpsl's built-in list and Debian's
 * /usr/share/publicsuffix (package publicsuffix); else that file (the PSL
 * text format or libpsl's DAFSA).  NULL with err when it cannot be read. */
struct auth_dmarc_psl *auth_dmarc_psl_new(const char *path, struct lib_err *err);
void auth_dmarc_psl_free(struct auth_dmarc_psl *psl);

/* The RFC 7489 organizational domain of an ASCII domain (see
 * auth_address_domain_to_ascii): the public suffix and one more label.
 * psl NULL is libpsl's built-in list.  Returns a new string, or NULL when
 * the domain is itself a public suffix or is not a domain name. */
char *auth_dmarc_psl_org_domain(const struct auth_dmarc_psl *psl, const char *domain);
/* 1 when name ("com", "co.uk") is a suffix the list names (not one only
 * the default "*" rule makes). */
int auth_dmarc_psl_is_listed_suffix(const struct auth_dmarc_psl *psl, const char *name);

/* --- DMARC evaluation (RFC 9989 5.3) ------------------------------------- */

enum auth_dmarc_result {
	AUTH_DMARC_NONE = 0,      /* no policy record: DMARC does not apply */
	AUTH_DMARC_PASS = 1,
	AUTH_DMARC_FAIL = 2,
	AUTH_DMARC_TEMPERROR = 3, /* a DNS answer was a temporary failure */
	AUTH_DMARC_PERMERROR = 4, /* no single author domain, malformed record */
};
const char *auth_dmarc_result_str(enum auth_dmarc_result result);

/* How policy and organizational domains are found. */
enum auth_dmarc_method {
	AUTH_DMARC_TREEWALK = 0, /* RFC 9989 4.10: the DNS tree walk (default) */
	AUTH_DMARC_PSL = 1,      /* RFC 7489 6.6.3 and 3.2: the Public Suffix List */
};

/* The SPF result DMARC takes in.  result is its RFC 8601 name ("pass",
 * "fail", "softfail"...); only "pass" authenticates domain.  domain is
 * the one SPF checked: RFC5321.MailFrom's, or the HELO name when the
 * reverse-path was empty (RFC 7208 2.4), which helo says. */
struct auth_dmarc_spf {
	const char *result; /* NULL: SPF was not checked */
	const char *domain;
	int helo;
};

/* One DKIM signature's result: its RFC 8601 name and the d= and s= tags. */
struct auth_dmarc_dkim {
	const char *result;
	const char *domain;
	const char *selector; /* for the evidence; may be NULL */
};

struct auth_dmarc_input {
	const char *const *from; /* the message's From field values, raw */
	size_t from_count;       /* 0, 1 or several fields, as in the message */
	struct auth_dmarc_spf spf;
	const struct auth_dmarc_dkim *dkim;
	size_t dkim_count;
	enum auth_dmarc_method method;
	const struct auth_dmarc_psl *psl; /* NULL: libpsl's built-in list */
};

/* One DNS tree walk (RFC 9989 4.10) or PSL look-up: where it started, the
 * _dmarc names it queried in order, and the organizational domain found. */
struct auth_dmarc_walk {
	char *start;
	char **queried;
	size_t query_count;
	char *org_domain;
	char *org_why;  /* how org_domain was chosen, one line */
};

/* An authenticated identifier and its alignment with the author domain. */
struct auth_dmarc_alignment {
	char *result;         /* the SPF or DKIM result, as given */
	char *domain;         /* the identifier, as DMARC compares it; NULL if unusable */
	char *selector;       /* DKIM s=, or NULL */
	int helo;             /* SPF: the domain is the HELO name */
	enum auth_dmarc_align_mode mode;
	int aligned;          /* passed and aligned */
	char *why;            /* one line: why aligned or not */
	struct auth_dmarc_walk walk; /* its organizational domain, when needed */
};

/* The verdict, with its evidence.  Strings are owned by the verdict. */
struct auth_dmarc_verdict {
	enum auth_dmarc_result result;
	char *reason;                   /* one line, for people */
	enum auth_dmarc_method method;

	char **author_domains;          /* every domain found in From */
	size_t author_count;            /* exactly 1 for a pass or fail */
	char *author_domain;            /* author_domains[0] when there is one, else NULL */
	struct auth_dmarc_walk author_walk;

	char *policy_domain;            /* where the policy record was found */
	char *record;                   /* its text */
	struct auth_dmarc_record parsed;
	int has_record;                 /* parsed is set */
	char *org_domain;               /* the author's organizational domain by method */
	char *psl_org_domain;           /* and by the PSL, to show when they differ */

	int has_policy;                 /* a policy applies (pass or fail) */
	enum auth_dmarc_policy published; /* from the tag below */
	const char *policy_tag;         /* "p", "sp" or "np" */
	int author_exists;              /* 0 when the existence probe found NXDOMAIN */
	enum auth_dmarc_policy policy;  /* what applies to a failing message:
					 * published, one level lower under t=y
					 * (or pct<100 in the RFC 7489 method) */

	struct auth_dmarc_alignment spf; /* spf.result NULL: none given */
	struct auth_dmarc_alignment *dkim;
	size_t dkim_count;

	char **queries;                 /* every DNS query consulted, in order:
					 * "_dmarc.example.com TXT" */
	size_t query_count;
};

/* Evaluates DMARC for in, reading DNS answers from cache.  AUTH_DONE: *out
 * is a new verdict (auth_dmarc_verdict_free).  AUTH_NEED_DNS: *out is NULL
 * and *need is the query to answer before calling again. */
enum auth_step auth_dmarc_evaluate(const struct auth_dmarc_input *in,
				   const struct auth_dns_cache *cache,
				   struct auth_dmarc_verdict **out, struct auth_dns_need *need);
void auth_dmarc_verdict_free(struct auth_dmarc_verdict *verdict);

/* The organizational domain of a domain by the RFC 9989 DNS tree walk,
 * on its own (the evaluator does the same).  AUTH_DONE: walk is filled
 * (release with auth_dmarc_walk_release; org_domain NULL and org_why
 * saying why when it is not a domain name or an answer failed), and
 * *temperror is NULL or a new string naming the answer that failed. */
enum auth_step auth_dmarc_walk_org_domain(const char *domain, const struct auth_dns_cache *cache,
					  struct auth_dmarc_walk *walk, char **temperror,
					  struct auth_dns_need *need);
void auth_dmarc_walk_release(struct auth_dmarc_walk *walk);

/* --- Authentication-Results (RFC 8601) and ARC-Authentication-Results --- */

/* A property of a result: ptype.property=value ("header.d=example.com"). */
struct auth_authres_prop {
	char *ptype;     /* lowercased: smtp, header, body, policy... */
	char *property;  /* lowercased */
	char *value;     /* unquoted, as written */
};

/* One resinfo: method=result, its reason and properties. */
struct auth_authres_result {
	char *method;    /* lowercased: spf, dkim, dmarc, arc... */
	unsigned method_version; /* 0 when not written */
	char *result;    /* lowercased */
	char *reason;    /* reason= value, or NULL */
	char *comment;   /* the first comment after the result, or NULL */
	struct auth_authres_prop *props;
	size_t prop_count;
};

/* A parsed header field. */
struct auth_authres {
	unsigned arc_instance;  /* ARC-Authentication-Results i=; 0 otherwise */
	char *authserv_id;
	unsigned version;       /* 0 when not written (means 1) */
	struct auth_authres_result *results; /* none: count 0 ("; none") */
	size_t count;
	int trusted;            /* set by auth_authres_list_add */
};

/* Bounds on what a header field may hold, so hostile input costs little. */
#define AUTH_AUTHRES_MAX_RESULTS 64
#define AUTH_AUTHRES_MAX_PROPS 32

/* Parses the body of an Authentication-Results field (after the colon,
 * folded or not).  NULL with err when it is not RFC 8601 syntax. */
struct auth_authres *auth_authres_parse(const char *value, size_t len, struct lib_err *err);
/* The same for ARC-Authentication-Results (RFC 8617 4.1.1: "i=N;" first). */
struct auth_authres *auth_authres_parse_arc(const char *value, size_t len, struct lib_err *err);
void auth_authres_free(struct auth_authres *ar);

/* Whether ar's authserv-id is one of trusted[0..n), compared without case:
 * only then may its results be believed, since anyone upstream can write
 * such a field (RFC 8601 5, 7.2). */
int auth_authres_is_trusted(const struct auth_authres *ar, const char *const *trusted,
			    size_t n);

/* Every Authentication-Results field of a message, recorded in order;
 * those from a trusted authserv-id are counted.  Fields that do not parse
 * are recorded by their error.  Release with auth_authres_list_release. */
struct auth_authres_list {
	struct auth_authres **items;
	size_t count;
	size_t trusted_count;
	char **errors;
	size_t error_count;
};
/* Adds one field body; arc: it is an ARC-Authentication-Results field. */
void auth_authres_list_add(struct auth_authres_list *list, int arc, const char *value,
			   size_t len, const char *const *trusted, size_t ntrusted);
void auth_authres_list_release(struct auth_authres_list *list);

/* Writing: build a struct auth_authres and format it. */
struct auth_authres *auth_authres_new(const char *authserv_id);
/* Appends a result; comment (or NULL) is written in parentheses after it.
 * Returns it, to add properties to; valid until the next add. */
struct auth_authres_result *auth_authres_add(struct auth_authres *ar, const char *method,
					     const char *result, const char *comment);
void auth_authres_add_prop(struct auth_authres_result *res, const char *ptype,
			   const char *property, const char *value);
/* spf=RESULT smtp.mailfrom=DOMAIN (or smtp.helo=DOMAIN). */
void auth_authres_add_spf(struct auth_authres *ar, const char *result, const char *domain,
			  int helo, const char *comment);
/* dkim=RESULT header.d= header.i= header.s= header.b= (the first 8
 * characters of b=, RFC 6008); NULL arguments are left out. */
void auth_authres_add_dkim(struct auth_authres *ar, const char *result, const char *d,
			   const char *i, const char *s, const char *b, const char *comment);
/* dmarc=RESULT (reason) header.from= policy.dmarc= from a verdict. */
void auth_authres_add_dmarc(struct auth_authres *ar, const struct auth_dmarc_verdict *verdict);

/* The whole field, "Authentication-Results: id; method=result ...", or
 * "ARC-Authentication-Results: i=N; ..." when arc_instance is set.  fold:
 * each resinfo on its own line (CRLF TAB), else one line.  Comments and
 * values are escaped (quoted-pairs, quoted-strings), bytes outside
 * printable ASCII become '?', and comments are cut at 200 bytes, so no
 * input can break the header.  Caller frees. */
char *auth_authres_format(const struct auth_authres *ar, int fold);


/* ===================================================================== */
/* ARC (RFC 8617)                                                        */
/* ===================================================================== */

/* Validation of an Authenticated Received Chain: the ARC sets that
 * intermediaries (mailing lists, forwarders) add to a message, each an
 * ARC-Authentication-Results (what that hop's verifier saw), an
 * ARC-Message-Signature (a DKIM signature of the message as it left the
 * hop) and an ARC-Seal (a signature over the ARC fields of every set so
 * far), numbered by their instance tag i=.  The validator actions of RFC
 * 8617 5.2, in order:
 *
 *   1. no ARC field: none; more than 50 sets: fail;
 *   2. the newest ARC-Seal says cv=fail: fail (the chain was broken);
 *   3. each instance 1..N has exactly one of each field, with no gap or
 *      repeat; the seal of i=1 says cv=none, the others cv=pass: else fail;
 *   4. the newest ARC-Message-Signature verifies, else fail;
 *   5. oldest-pass: from N-1 down, how far the older ones still verify
 *      (RFC 8617 makes it optional; frank checks the newest 16 AMS);
 *   6. every ARC-Seal verifies, newest first, else fail;
 *   7. pass.
 *
 * The key records are DKIM's (SELECTOR._domainkey.DOMAIN TXT) with the
 * rules of RFC 6376 and RFC 8301 (rsa-sha1 and RSA keys under 1024 bits
 * refused).  The validator rides on a DKIM verifier: the message is read
 * once, and an ARC-Message-Signature whose body is canonicalized and
 * hashed as a DKIM signature's shares that body hash:
 *
 *   v = auth_dkim_verifier_new(&opts);   (opts.now is the clock used)
 *   arc = auth_arc_validator_attach(v);
 *   auth_dkim_verifier_feed(v, data, len);  ... as often as needed
 *   auth_dkim_verifier_finish(v);
 *   while (auth_arc_validate_step(arc, cache, &need) == AUTH_NEED_DNS)
 *       resolve need (or all of auth_arc_validator_needs() at once)
 *       and auth_dns_cache_put the answers;
 *   r = auth_arc_validator_result(arc);
 *
 * DKIM steps and ARC steps are independent: either may run first. */

#define AUTH_ARC_MAX_SETS 50 /* RFC 8617 4.2.1: instances 1 to 50 */

/* A chain validation status (RFC 8617 4.4, the cv= tag). */
enum auth_arc_cv {
	AUTH_ARC_NONE = 0,
	AUTH_ARC_PASS = 1,
	AUTH_ARC_FAIL = 2,
};
/* "none", "pass", "fail": the words of cv= and of arc= in RFC 8601. */
const char *auth_arc_cv_str(enum auth_arc_cv cv);

/* One ARC set as found.  A member is NULL when the set lacks that field
 * (the chain then failed); the signatures are DKIM-shaped views (result,
 * reason, d=, s=, a=, the key record consulted) owned by the validator.
 * A signature the algorithm did not need, or did not reach, has result
 * AUTH_DKIM_NONE and a reason saying so. */
struct auth_arc_set {
	unsigned instance;
	const struct auth_dkim_signature *seal;      /* ARC-Seal */
	enum auth_arc_cv seal_cv;                    /* its cv= */
	const struct auth_dkim_signature *message_signature; /* ARC-Message-Signature */
	const char *results_text;   /* the ARC-Authentication-Results value,
				     * unfolded, or NULL when missing */
	const struct auth_authres *results; /* parsed, NULL when it does not
					     * parse (see results_error) */
	const char *results_error;
};

/* The verdict.  Owned by the validator; valid until it is freed. */
struct auth_arc_result {
	enum auth_arc_cv cv;
	int temporary;        /* fail only: a key lookup failed for now, so
			       * the same message may pass later */
	const char *reason;   /* one line, never NULL: "ARC-Seal i=2 did not
			       * verify: signature did not verify", "instance 3
			       * has no ARC-Message-Signature", ... */
	unsigned count;       /* N, the highest instance (at most 50) */
	const struct auth_arc_set *sets; /* sets[k] is instance k + 1 */
	/* RFC 8617 5.2 step 5: the lowest instance from which every
	 * ARC-Message-Signature up to N still verifies, so the message is
	 * as instance oldest_pass sealed it; 1 when all verify (RFC 8617
	 * writes header.oldest-pass=0 then); 0 unless the chain passed. */
	unsigned oldest_pass;
};

struct auth_arc_validator;

/* Makes verifier validate the ARC chain too.  Call before the first
 * auth_dkim_verifier_feed: returns NULL when the verifier was fed already
 * or has a validator.  The validator is owned by the verifier, freed with
 * it, and reads the options it was made with (now). */
struct auth_arc_validator *auth_arc_validator_attach(struct auth_dkim_verifier *verifier);

/* Takes the chain as far as the cache allows (finishing the verifier if
 * the caller has not).  AUTH_NEED_DNS: *need is a key record (TXT) still
 * missing.  Signatures already settled are not verified again. */
enum auth_step auth_arc_validate_step(struct auth_arc_validator *arc,
				      const struct auth_dns_cache *cache, struct auth_dns_need *need);

/* Every key query the validation may still consult and the cache lacks
 * (without repeats), to resolve them at once; returns how many there
 * are, fills up to max. */
size_t auth_arc_validator_needs(const struct auth_arc_validator *arc,
				const struct auth_dns_cache *cache, struct auth_dns_need *needs,
				size_t max);

/* The verdict once decided (at the latest when a step returns AUTH_DONE;
 * a broken structure decides it as soon as the header section is in),
 * else NULL. */
const struct auth_arc_result *auth_arc_validator_result(const struct auth_arc_validator *arc);

/* --- An ARC chain vouching for a DKIM signature broken in transit ------- */

/* When a message's DKIM signature fails because an intermediary changed
 * it (a mailing list adding a footer), a passing ARC chain can say what
 * the signature was before: the ARC-Authentication-Results of a set record
 * what that hop verified on receipt, and the seals make that record
 * authentic from the sealer's domain.  Whether to believe the sealer is
 * the reader's choice; this says who it is and what it claims.
 *
 * The voucher is the newest set whose AAR reports dkim=pass (for
 * header.d=dkim_domain, compared without case; any domain when NULL):
 * the last hop that saw the signature intact, which is the hop that broke
 * it when a later one did not.  Strings point into result. */
struct auth_arc_vouch {
	unsigned instance;         /* 0: no set vouches (or cv is not pass) */
	const char *sealer;        /* its ARC-Seal d= */
	const char *authserv_id;   /* its AAR authserv-id */
	const struct auth_authres_result *dkim;  /* the dkim=pass it reports */
	const struct auth_authres_result *spf;   /* its first spf= result, or NULL */
	const struct auth_authres_result *dmarc; /* its first dmarc= result, or NULL */
};

/* Fills *out; returns 1 when a set vouches, else 0 (out->instance 0). */
int auth_arc_vouch_find(const struct auth_arc_result *result, const char *dkim_domain,
			struct auth_arc_vouch *out);

/* "ARC chain from lists.example.org (i=1) vouches for the original pass:
 * dkim=pass header.d=example.com, spf=pass smtp.mailfrom=example.com,
 * dmarc=pass header.from=example.com" (what the AAR has of it), or "no
 * ARC set vouches for a DKIM pass"; one line of printable ASCII.  Caller
 * frees. */
char *auth_arc_vouch_text(const struct auth_arc_vouch *vouch);




/* ===================================================================== */
/* A whole message: SPF, DKIM, DMARC, ARC and trusted results together   */
/* ===================================================================== */

/* One message, verified once when it arrives (never when it is opened: a
 * DNS lookup at open time would tell a tracking sender the message was
 * read).  The verifier reads the message once as it streams in (DKIM's
 * hashing), then is stepped with the restart loop like every evaluator
 * here, except that it keeps its own DNS cache, whose answers in order
 * are the evidence the verdict shows:
 *
 *   v = auth_message_verifier_new(&req);
 *   auth_message_verifier_feed(v, data, len);  ... as often as needed
 *   auth_message_verifier_finish(v);
 *   while (auth_message_verify_step(v, &need) == AUTH_NEED_DNS)
 *       resolve need (or all of auth_message_verifier_needs() at once)
 *       and auth_message_verifier_put() each answer;
 *   verdict = auth_message_verifier_verdict(v);
 *
 * auth_message_resolve() runs that loop with a struct net_dns and waits:
 * the one function of src/auth that asks a resolver, for synchronous
 * callers (frank verify, a sync worker).  frankd drives the same steps
 * from its event loop.
 *
 * SPF needs the client IP, the HELO name and the envelope sender.  frankd
 * knows them from its SMTP session; a mail client sees no session and
 * takes them from the message, in this order:
 *   1. given in the request (frankd, frank verify --ip);
 *   2. the Received field added by a trusted boundary host (the topmost
 *      whose "by" names one of req.trusted_hosts; see
 *      auth_received_parse), with the Return-Path field above it;
 *   3. the spf= result of a trusted Authentication-Results field (the
 *      provider checked SPF when the message came in);
 *   else SPF is none "(no trusted Received header)", never a guess.
 * Authentication-Results and ARC-Authentication-Results fields are all
 * recorded; only those whose authserv-id is in req.trusted_authserv_ids
 * count.
 *
 * The verdict ends in one badge, the value the UI draws (issue 9):
 *   verified  DMARC passes, or an aligned DKIM signature passes and the
 *             author's domain publishes no DMARC policy;
 *   failed    DMARC fails; a signature of the author's domain is forged
 *             (it does not verify), whatever else passes; another
 *             signature is forged and nothing of the author's passes; or
 *             the author cannot be told: no From field, several, or a
 *             From with no or several mailboxes (a permerror, never
 *             resolved to the first);
 *   partial   the only authenticating signature has l= (part of the body
 *             is unsigned), or only a signature not aligned with From
 *             passes, or the author's signature broke in transit and a
 *             passing ARC chain vouches that it passed before (a mailing
 *             list's footer: the list's word, not the author's proof);
 *   none      nothing to verify (no signature, no DMARC policy);
 *   unknown   a temporary DNS error left the answer open, or the key of
 *             old mail is gone (revoked or removed, or its x= passed).
 * with one line of plain words saying why. */

/* Bounds, so that a hostile header section costs little. */
#define AUTH_MESSAGE_MAX_AUTHRES 64   /* (ARC-)Authentication-Results recorded */
#define AUTH_MESSAGE_OLD_MAIL (30LL * 24 * 3600) /* a key gone after this is "unknown" */

/* --- The client of the SMTP session, from a Received field ------------- */

/* RFC 5321 4.4, as real servers write it:
 *   Stamp          = From-domain By-domain Opt-info [CFWS] ";" FWS date-time
 *   From-domain    = "FROM" FWS Extended-Domain
 *   By-domain      = CFWS "BY" FWS Extended-Domain
 *   Extended-Domain = Domain / ( Domain FWS "(" TCP-info ")" ) /
 *                    ( address-literal FWS "(" TCP-info ")" )
 *   TCP-info       = address-literal / ( Domain FWS address-literal )
 *   address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]"
 *   IPv6-address-literal = "IPv6:" IPv6-addr
 * Read loosely, since every server writes its own variant:
 *   Postfix    from HELO (RDNS [IP]) by HOST (Postfix) with ESMTPS id X
 *   Exim       from RDNS ([IP] helo=HELO) / from [IP] (helo=HELO) by HOST
 *   Gmail      from HELO (RDNS. [IP]) by mx.google.com with ESMTPS id X
 *   Dovecot    from HELO ([IP]) by HOST with LMTP id X
 *   qmail      from RDNS (HELO HELO) (IP) by HOST
 *   Microsoft  from HELO (IP) by HOST (IP) with Microsoft SMTP Server
 * The HELO name is Exim's helo=, qmail's (HELO x), else the first word
 * after "from"; the address is the first address literal of the from
 * clause ("[IPv6:...]" or "[...]", a ":port" after it ignored), else a
 * comment that is an address and nothing else (Microsoft).  Comments nest;
 * quoted strings are skipped; the date after the last ";" is ignored. */
struct auth_received {
	char *from;        /* the first word after "from", NULL without one */
	char *helo;        /* the HELO name as recorded, NULL if none */
	char *ip;          /* the client address, normalized ("192.0.2.1",
			    * "2001:db8::1"), NULL when none could be read */
	char *by;          /* the first word after "by", NULL without one */
};

/* Parses the body of a Received field.  Returns 0 (any field: the parts
 * not found are NULL), or -1 with err when it holds no "from" or "by"
 * clause at all.  Release *out in both cases. */
int auth_received_parse(const char *value, size_t len, struct auth_received *out,
			struct lib_err *err);
void auth_received_release(struct auth_received *received);

/* The address of a Return-Path field body (RFC 5322 3.6.7: "<>" or
 * "<addr-spec>", a source route dropped): a new string, "" for the null
 * sender, or NULL with err when it is not one. */
char *auth_return_path_parse(const char *value, size_t len, struct lib_err *err);

/* --- The request -------------------------------------------------------- */

struct auth_message_request {
	/* The SMTP session, when the caller knows it (frankd): ip set means
	 * SPF checks ip, helo, and mail_from ("" the null sender; NULL: the
	 * message's Return-Path). */
	const char *ip;
	const char *helo;
	const char *mail_from;
	/* Otherwise the account's trust: boundary hosts whose Received field
	 * names the client, and authserv-ids whose results count. */
	const char *const *trusted_hosts;
	size_t trusted_host_count;
	const char *const *trusted_authserv_ids;
	size_t trusted_authserv_count;
	const char *authserv_id;  /* ours, for the field we write; NULL: "frank" */
	const char *receiver;     /* SPF's %{r}; NULL: authserv_id */
	long long now;            /* seconds since the epoch; 0: the clock */
	enum auth_dmarc_method dmarc_method;
	const struct auth_dmarc_psl *psl; /* NULL: libpsl's built-in list */
};

/* --- The verdict -------------------------------------------------------- */

enum auth_badge {
	AUTH_BADGE_NONE = 0,
	AUTH_BADGE_VERIFIED,
	AUTH_BADGE_PARTIAL,
	AUTH_BADGE_FAILED,
	AUTH_BADGE_UNKNOWN,
};
/* "none", "verified", "partial", "failed", "unknown". */
const char *auth_badge_str(enum auth_badge badge);

/* Where SPF's inputs came from; _str(): "session", "received",
 * "authentication-results", "none". */
enum auth_message_spf_source {
	AUTH_MESSAGE_SPF_SESSION = 0,
	AUTH_MESSAGE_SPF_RECEIVED,
	AUTH_MESSAGE_SPF_AUTHRES,
	AUTH_MESSAGE_SPF_NOT_FOUND,
};
const char *auth_message_spf_source_str(enum auth_message_spf_source source);

/* SPF as the message got it: checked here (session, received: full
 * evidence in checked), taken from a trusted Authentication-Results
 * field, or not found. */
struct auth_message_spf {
	enum auth_message_spf_source source;
	const char *ip;          /* the client, NULL unless found */
	const char *helo;
	const char *mail_from;   /* "" the null sender; NULL unless found */
	const char *received_by; /* RECEIVED: the trusted host */
	long received_index;     /* RECEIVED: its field (0 = top); else -1 */
	const char *authserv_id; /* AUTHRES: whose result */
	const char *result;      /* RFC 8601 word: "pass", "none"... */
	const char *domain;      /* the domain checked, NULL unless known */
	int helo_identity;       /* the HELO identity was checked */
	const char *reason;      /* one line, never NULL */
	const struct auth_spf_result *checked; /* SESSION, RECEIVED; else NULL */
};

/* What the UI needs to know about one signature beyond DKIM's result. */
struct auth_message_dkim {
	const struct auth_dkim_signature *sig; /* owned by the verifier */
	int aligned;             /* d= aligns with the From domain (relaxed) */
	int forged;              /* fail: the body or the signature was altered */
	int gone;                /* the key is gone or x= passed, on old mail */
};

/* Valid until the verifier is freed; every pointer in it is the
 * verifier's. */
struct auth_message_verdict {
	const char *error;        /* not verified at all (not a message, a
				   * header section over 8 MB): why; else NULL */
	enum auth_badge badge;
	const char *explanation;  /* one line in plain words, never NULL */
	int author_error;         /* 0, or several From fields or mailboxes */
	const char *authserv_id;
	long long verified_at;
	struct auth_message_spf spf;
	const struct auth_message_dkim *dkim; /* top first */
	size_t dkim_count;
	size_t dkim_not_evaluated; /* signatures beyond AUTH_DKIM_MAX_SIGNATURES */
	const struct auth_dmarc_verdict *dmarc; /* NULL only with error */
	const struct auth_authres_list *authres; /* ->items[i]->trusted says */
	size_t authres_not_recorded; /* fields beyond AUTH_MESSAGE_MAX_AUTHRES */
	const struct auth_dns_cache *dns; /* every answer consulted, in order */
	/* ARC (RFC 8617): the chain's verdict (NULL when not decided, e.g.
	 * with error; cv none when the message has no ARC set), and, when a
	 * DKIM signature of the author's domain broke on the way and a
	 * passing chain vouches for it, what the chain says (else NULL). */
	const struct auth_arc_result *arc;
	const char *arc_vouch;
	/* The single mailbox of From as a reader sees it: the display name
	 * decoded ("" when none) and the address; NULL when From does not
	 * hold exactly one mailbox. */
	const char *from_name;
	const char *from_address;
};

/* --- The verifier ------------------------------------------------------- */

struct auth_message_verifier;

/* Copies what it keeps of req. */
struct auth_message_verifier *auth_message_verifier_new(const struct auth_message_request *req);
void auth_message_verifier_free(struct auth_message_verifier *verifier);

/* The message, in order, in pieces of any size (CRLF or LF line ends);
 * then finish once.  Only the header section is kept. */
void auth_message_verifier_feed(struct auth_message_verifier *verifier, const void *data,
				size_t len);
void auth_message_verifier_finish(struct auth_message_verifier *verifier);

/* Evaluates as far as the answers go.  AUTH_NEED_DNS: *need is missing. */
enum auth_step auth_message_verify_step(struct auth_message_verifier *verifier,
					struct auth_dns_need *need);

/* Every query the verifier knows it needs now (the pending SPF or DMARC
 * query and every missing DKIM key), without repeats, to resolve them
 * at once: returns how many, fills up to max.  Call after a step. */
size_t auth_message_verifier_needs(const struct auth_message_verifier *verifier,
				   struct auth_dns_need *needs, size_t max);

/* Takes ownership of an answer to one of the needs. */
void auth_message_verifier_put(struct auth_message_verifier *verifier,
			       struct net_dns_answer *answer);

/* The verdict once a step returned AUTH_DONE, else NULL. */
const struct auth_message_verdict *auth_message_verifier_verdict(
	const struct auth_message_verifier *verifier);

/* Steps to the end, resolving with dns (the DKIM keys and the pending
 * query of each round in parallel).  Returns 0, or -1 with err when the
 * resolver failed (an unanswerable query is a TEMPFAIL answer, not an
 * error); answers may then still be pending: free dns before verifier. */
int auth_message_resolve(struct auth_message_verifier *verifier, struct net_dns *dns,
			 struct lib_err *err);

/* --- Reporting ---------------------------------------------------------- */

/* The Authentication-Results field for the verdict, with our authserv-id
 * (RFC 8601; a reason in a comment after each result that is not a
 * pass).  fold: one result a line.  Caller frees. */
char *auth_message_verdict_authres(const struct auth_message_verdict *verdict, int fold);

/* The verdict and its evidence as one line of JSON, for the store to keep
 * with the message and for frank verify --json.  "v" is the format's
 * version (AUTH_MESSAGE_JSON_VERSION); message_json.c describes the format.
 * Text from the message or DNS is made valid UTF-8.  Caller frees. */
#define AUTH_MESSAGE_JSON_VERSION 1
char *auth_message_verdict_json(const struct auth_message_verdict *verdict);

/* ===================================================================== */
/* Beyond the verdict: who the From line pretends to be (sender_warn.c)  */
/* ===================================================================== */

/* A verdict says whether the From domain is proved; it cannot say whether
 * that domain is the one the reader thinks.  These warnings do: a display
 * name that claims another address or a brand ("PayPal <x@evil.example>"),
 * a domain that looks like one the user gets verified mail from or a
 * brand often impersonated (a homograph: "pаypal.com" with a Cyrillic a;
 * or one edit away: "paypa1.com"), and the first mail from an address or
 * a DKIM domain.  What the user's mail has shown so far is a struct
 * auth_known, which the caller keeps (auth_known_format/_parse) between
 * runs. */
struct auth_known;

struct auth_known *auth_known_new(void);
void auth_known_free(struct auth_known *known);
/* A domain the user corresponds with (their own, or a verified sender):
 * its organizational domain is what lookalikes are compared with. */
void auth_known_add_correspondent(struct auth_known *known, const struct auth_dmarc_psl *psl,
				  const char *domain);
/* The saved form, one entry per line: "a ADDRESS", "d DKIM-DOMAIN",
 * "c ORG-DOMAIN".  _parse adds what text holds and ignores lines it does
 * not know (a newer frank's), so a damaged file costs warnings, not mail. */
void auth_known_format(const struct auth_known *known, struct lib_buf *out);
void auth_known_parse(struct auth_known *known, const struct auth_dmarc_psl *psl,
		      const char *text, size_t len);
size_t auth_known_count(const struct auth_known *known); /* entries of all kinds */

enum auth_warning_kind {
	AUTH_WARN_DISPLAY_NAME = 0, /* the name shown claims someone else */
	AUTH_WARN_LOOKALIKE,        /* the domain imitates a known one */
	AUTH_WARN_FIRST_SENDER,     /* first mail from this address */
	AUTH_WARN_FIRST_SIGNER,     /* a known address, a new DKIM domain */
};
/* "display-name", "lookalike", "first-sender", "first-signer". */
const char *auth_warning_kind_str(enum auth_warning_kind kind);

#define AUTH_WARNINGS_MAX 8
struct auth_warnings {
	enum auth_warning_kind kind[AUTH_WARNINGS_MAX];
	char *text[AUTH_WARNINGS_MAX]; /* one line in plain words */
	size_t count;
};

/* The warnings for a verdict, against what known holds (not changed).
 * Nothing when the verdict has no single From mailbox. */
void auth_sender_warnings(const struct auth_message_verdict *verdict,
			  const struct auth_known *known, const struct auth_dmarc_psl *psl,
			  struct auth_warnings *out);
void auth_warnings_release(struct auth_warnings *warnings);

/* Remembers the message's sender: its address, its passing DKIM domains,
 * and (when it is verified and drew no lookalike or display-name
 * warning) its organizational domain as a correspondent. */
void auth_known_learn(struct auth_known *known, const struct auth_message_verdict *verdict,
		      const struct auth_warnings *warnings, const struct auth_dmarc_psl *psl);

/* The verdict's JSON (auth_message_verdict_json) with a "warnings" member:
 * [{"kind":S, "text":S}]. */
char *auth_message_verdict_json_warned(const struct auth_message_verdict *verdict,
				       const struct auth_warnings *warnings);

/* ===================================================================== */
/* Domain checks (frank dnscheck)                                        */
/* ===================================================================== */

/* What a domain publishes for mail, checked the way online mail testers
 * do: MX, SPF, DKIM keys, DMARC, reverse DNS and blocklists, each finding
 * a row with pass, warn or fail, the points it costs and a fix in plain
 * words.  Like the evaluators above it is a pure function of the DNS
 * answers in a cache, restarted on a miss; unlike them it asks for every
 * query it can see at once, so a caller resolves them in parallel:
 *
 *   while (auth_check_domain(&req, cache, &report, needs, N, &n) == AUTH_NEED_DNS)
 *       resolve needs[0..n) and auth_dns_cache_put the answers;
 *   print auth_check_report_text(report) or _json(report);
 *   auth_check_report_free(report);
 *
 * Rows come from one table of rules (check_rules.c): each rule has a
 * stable name, a status and the points it takes from a score of 10, so
 * the score is defined in one place and doc/frank.1 lists the table.
 * Other checks (a received message) add rows with auth_check_add. */

/* --- the SPF record tree, audited ---------------------------------------- */

/* auth_spf_check answers for one client address and stops at the first
 * match.  The audit asks what a record costs whoever sends: it follows
 * every include and redirect (a redirect only when the record has no
 * "all", as 6.1 says), counts every DNS-querying term of RFC 7208 4.6.4,
 * and looks up the targets of a, mx and exists to count void answers (an
 * "a" target is void when it has neither A nor AAAA records).  Terms
 * whose target holds a macro depend on the sender: they are counted and
 * not followed.  The walk stops counting at AUTH_SPF_AUDIT_MAX_LOOKUPS. */
#define AUTH_SPF_AUDIT_MAX_LOOKUPS 50
#define AUTH_SPF_AUDIT_MAX_DEPTH 16

enum auth_spf_finding_kind {
	AUTH_SPF_FOUND_NO_RECORD = 0, /* a domain has no SPF record */
	AUTH_SPF_FOUND_MANY_RECORDS,  /* several v=spf1 records: permerror */
	AUTH_SPF_FOUND_SYNTAX,        /* a record does not parse, or a term
				       * names no valid domain */
	AUTH_SPF_FOUND_DNS_ERROR,     /* a temporary failure: not followed */
	AUTH_SPF_FOUND_LOOP,          /* an include or redirect leads back */
	AUTH_SPF_FOUND_TOO_DEEP,      /* nested past AUTH_SPF_AUDIT_MAX_DEPTH */
	AUTH_SPF_FOUND_VOID,          /* a term's target has no records */
	AUTH_SPF_FOUND_MX_NAMES,      /* an mx with more than 10 exchanges */
	AUTH_SPF_FOUND_PTR,           /* the ptr mechanism (RFC 7208 5.5) */
	AUTH_SPF_FOUND_MACRO,         /* a target that depends on the sender */
};

/* One finding: where, and one line of text ("include:x.test: no SPF
 * record at x.test").  term is the term as written, NULL for the record
 * as a whole. */
struct auth_spf_finding {
	enum auth_spf_finding_kind kind;
	char *domain;  /* the domain whose record holds the term, or the
			* domain without a record */
	char *term;
	char *text;
};

/* One record read, depth first from the checked domain. */
struct auth_spf_audit_record {
	char *domain;
	char *text;          /* the record, printable ('?' for other bytes) */
	char *reached_by;    /* the include or redirect term, NULL at the top */
	enum auth_spf_via via;
	unsigned depth;      /* include nesting */
	unsigned lookups;    /* the lookups it costs: the term that reached it
			      * and every DNS-querying term in it and below */
};

struct auth_spf_audit {
	char *domain;
	char *top_record;    /* the checked domain's record, NULL without one */
	struct auth_spf_audit_record *records;
	size_t record_count;
	struct auth_spf_finding *findings;
	size_t finding_count;
	unsigned lookups;    /* every DNS-querying term reached (limit 10) */
	unsigned void_lookups; /* of which void (limit 2) */
	int truncated;       /* stopped at AUTH_SPF_AUDIT_MAX_LOOKUPS */
	char all;            /* the qualifier of the "all" that ends the
			      * evaluation ('+', '-', '~', '?'), following
			      * redirects; 0 when none does (neutral) */
	char *all_domain;    /* whose record has it */
};

/* Audits the SPF record of domain (ASCII, no final dot).  AUTH_DONE: *audit
 * holds the result (release it); AUTH_NEED_DNS: *audit holds nothing and
 * *need is the query to answer. */
enum auth_step auth_spf_audit(const char *domain, const struct auth_dns_cache *cache,
			      struct auth_spf_audit *audit, struct auth_dns_need *need);
void auth_spf_audit_release(struct auth_spf_audit *audit);

/* --- rows, rules and the score -------------------------------------------- */

enum auth_check_status {
	AUTH_CHECK_PASS = 0,
	AUTH_CHECK_WARN = 1,
	AUTH_CHECK_FAIL = 2,
};
/* "pass", "warn", "fail" */
const char *auth_check_status_str(enum auth_check_status status);

/* The rules: every row is one of them.  The table in check_rules.c gives
 * each its name, check, status and points; doc/frank.1 lists it. */
enum auth_check_rule {
	AUTH_RULE_DOMAIN_NXDOMAIN = 0,
	AUTH_RULE_DNS_TEMPFAIL,
	AUTH_RULE_MX_HOSTS,
	AUTH_RULE_MX_NULL,
	AUTH_RULE_MX_NULL_MIXED,
	AUTH_RULE_MX_NONE_ADDRESS,
	AUTH_RULE_MX_NONE,
	AUTH_RULE_MX_HOST_OK,
	AUTH_RULE_MX_HOST_CNAME,
	AUTH_RULE_MX_HOST_NO_ADDRESS,
	AUTH_RULE_SPF_RECORD,
	AUTH_RULE_SPF_NONE,
	AUTH_RULE_SPF_MANY,
	AUTH_RULE_SPF_SYNTAX,
	AUTH_RULE_SPF_TERM_BROKEN,
	AUTH_RULE_SPF_LOOP,
	AUTH_RULE_SPF_LOOKUPS,
	AUTH_RULE_SPF_TOO_MANY_LOOKUPS,
	AUTH_RULE_SPF_VOID,
	AUTH_RULE_SPF_TOO_MANY_VOID,
	AUTH_RULE_SPF_MX_NAMES,
	AUTH_RULE_SPF_PTR,
	AUTH_RULE_SPF_MACRO,
	AUTH_RULE_SPF_ALL_FAIL,
	AUTH_RULE_SPF_ALL_SOFTFAIL,
	AUTH_RULE_SPF_ALL_NEUTRAL,
	AUTH_RULE_SPF_ALL_PASS,
	AUTH_RULE_SPF_ALL_MISSING,
	AUTH_RULE_SPF_IP_PASS,
	AUTH_RULE_SPF_IP_NOT_ALLOWED,
	AUTH_RULE_SPF_IP_ERROR,
	AUTH_RULE_DKIM_KEY_OK,
	AUTH_RULE_DKIM_KEY_WEAK,
	AUTH_RULE_DKIM_KEY_BROKEN,
	AUTH_RULE_DKIM_KEY_TESTING,
	AUTH_RULE_DKIM_KEY_REVOKED,
	AUTH_RULE_DKIM_KEY_SYNTAX,
	AUTH_RULE_DKIM_KEY_UNFIT,
	AUTH_RULE_DKIM_KEY_MANY,
	AUTH_RULE_DKIM_KEY_MISSING,
	AUTH_RULE_DKIM_NONE_FOUND,
	AUTH_RULE_DMARC_RECORD,
	AUTH_RULE_DMARC_NONE,
	AUTH_RULE_DMARC_MANY,
	AUTH_RULE_DMARC_SYNTAX,
	AUTH_RULE_DMARC_UNUSABLE,
	AUTH_RULE_DMARC_ENFORCED,
	AUTH_RULE_DMARC_P_NONE,
	AUTH_RULE_DMARC_SP_NONE,
	AUTH_RULE_DMARC_PCT,
	AUTH_RULE_DMARC_TESTING,
	AUTH_RULE_DMARC_NO_RUA,
	AUTH_RULE_DMARC_REPORTS_OK,
	AUTH_RULE_DMARC_REPORTS_UNAUTHORIZED,
	AUTH_RULE_DMARC_REPORTS_BAD_URI,
	AUTH_RULE_PTR_OK,
	AUTH_RULE_PTR_MX_MISSING,
	AUTH_RULE_PTR_MX_UNCONFIRMED,
	AUTH_RULE_PTR_IP_MISSING,
	AUTH_RULE_PTR_IP_UNCONFIRMED,
	AUTH_RULE_DNSBL_CLEAN,
	AUTH_RULE_DNSBL_LISTED,
	AUTH_RULE_DNSBL_ERROR,
	/* frank dnscheck --message (check_message.c) */
	AUTH_RULE_MSG_SPF_PASS,
	AUTH_RULE_MSG_SPF_FAIL,
	AUTH_RULE_MSG_SPF_WEAK,
	AUTH_RULE_MSG_SPF_NONE,
	AUTH_RULE_MSG_SPF_ERROR,
	AUTH_RULE_MSG_SPF_UNCHECKED,
	AUTH_RULE_MSG_DKIM_ALIGNED,
	AUTH_RULE_MSG_DKIM_UNALIGNED,
	AUTH_RULE_MSG_DKIM_FAIL,
	AUTH_RULE_MSG_DKIM_NONE,
	AUTH_RULE_MSG_DKIM_PARTIAL,
	AUTH_RULE_MSG_DKIM_WEAK,
	AUTH_RULE_MSG_DKIM_ERROR,
	AUTH_RULE_MSG_DMARC_PASS,
	AUTH_RULE_MSG_DMARC_FAIL,
	AUTH_RULE_MSG_DMARC_NONE,
	AUTH_RULE_MSG_DMARC_ERROR,
	AUTH_RULE_MSG_AR_TRUSTED,
	AUTH_RULE_MSG_AR_UNTRUSTED,
	AUTH_RULE_MSG_MESSAGE_ID,
	AUTH_RULE_MSG_MESSAGE_ID_BAD,
	AUTH_RULE_MSG_DATE,
	AUTH_RULE_MSG_DATE_BAD,
	AUTH_RULE_MSG_FROM,
	AUTH_RULE_MSG_FROM_BAD,
	AUTH_RULE_MSG_TEXT_PART,
	AUTH_RULE_MSG_HTML_ONLY,
	AUTH_RULE_MSG_SIZE,
	AUTH_RULE_MSG_TOO_BIG,
	AUTH_RULE_COUNT
};

/* A rule as the table has it.  points are tenths taken from the score of
 * 10 (15: 1.5 points).  what says in a few words when it applies. */
struct auth_check_rule_info {
	const char *name;    /* stable, for scripts: "spf-too-many-lookups" */
	const char *check;   /* the row's check: "mx", "spf", "dkim", ... */
	enum auth_check_status status;
	unsigned points;
	const char *what;
};
/* The rule's entry; NULL for a value outside the enum. */
const struct auth_check_rule_info *auth_check_rule_get(enum auth_check_rule rule);

#define AUTH_CHECK_MAX_POINTS 100 /* the score is out of 10: 100 tenths */

/* One row.  text and fix are one line each of printable text (UTF-8
 * kept; control characters never), fix NULL when there is nothing to do. */
struct auth_check_item {
	enum auth_check_rule rule;
	const char *check;          /* the rule's */
	enum auth_check_status status;
	unsigned points;            /* tenths */
	char *text;
	char *fix;
};

/* The rows of one check, in the order found, and the domain checked. */
struct auth_check_report {
	char *domain;
	struct auth_check_item *items;
	size_t count;
	int dns_unreachable;  /* every answer consulted was a temporary
			       * failure: DNS itself could not be queried */
};

struct auth_check_report *auth_check_report_new(const char *domain);
void auth_check_report_free(struct auth_check_report *report);

/* Adds a row of rule; fix may be NULL.  Text from DNS is made safe here
 * (control characters become '?', long text is cut). */
void auth_check_add(struct auth_check_report *report, enum auth_check_rule rule,
		    const char *fix, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The score in tenths: 100 minus every row's points, at least 0. */
unsigned auth_check_score(const struct auth_check_report *report);

/* The report for people: a line per row, "STATUS  CHECK  TEXT (-P)", its
 * fix on an indented line "fix: ..." below, then "score: S/10 for DOMAIN".
 * Caller frees. */
char *auth_check_report_text(const struct auth_check_report *report);

/* The report as one line of JSON (RFC 8259) and a newline:
 *   {"domain":S,"score":N,"max":10,"checks":[{"check":S,"rule":S,
 *    "status":"pass"|"warn"|"fail","points":N,"text":S,"fix":S|null}]}
 * points are negative or 0, in units of one point ("-1.5").  Caller frees. */
char *auth_check_report_json(const struct auth_check_report *report);

/* --- the message check (frank dnscheck --message) ---------------------------- */

/* A received message scored like an online mail tester does: its verdict
 * (SPF, each DKIM signature, DMARC, with alignment), the Authentication-
 * Results fields of trusted hosts, and header hygiene: one Message-ID,
 * one Date that parses, one From mailbox, a text part beside HTML, a size
 * under AUTH_CHECK_MESSAGE_MAX.  data[0..len) is the message (len may be
 * shorter than size when only the start was read).  label names it in
 * the report ("score: S/10 for LABEL"). */
#define AUTH_CHECK_MESSAGE_MAX (25u << 20) /* the common provider limit */
struct auth_check_report *auth_check_message(const struct auth_message_verdict *verdict,
					     const char *data, size_t len,
					     unsigned long long size, const char *label);

/* --- the domain check ------------------------------------------------------ */

/* DKIM selectors tried when none is given: common ones of hosted mail
 * services and signing software.  NULL-terminated. */
extern const char *const auth_check_common_selectors[];

#define AUTH_CHECK_MAX_MX 10      /* MX hosts looked at, as SPF's limit */
#define AUTH_CHECK_MAX_ADDRS 4    /* addresses per MX host checked for PTR */

/* What to check.  Strings are the caller's, read during the call. */
struct auth_check_request {
	const char *domain;            /* ASCII (A-labels), no final dot */
	const char *const *selectors;  /* DKIM selectors; count 0: the common ones */
	size_t selector_count;
	const char *ip;                /* a sending address (IPv4 or IPv6 text):
					* SPF, PTR and blocklists for it; NULL: none */
	const char *const *dnsbl;      /* blocklist zones asked about ip */
	size_t dnsbl_count;
};

/* Checks req->domain over cache.  AUTH_DONE: *report is new (caller frees)
 * and *count is 0.  AUTH_NEED_DNS: *report is NULL and needs[0..*count)
 * hold queries missing from the cache (at least one, at most max, each
 * once); answer them and call again. */
enum auth_step auth_check_domain(const struct auth_check_request *req,
				 const struct auth_dns_cache *cache,
				 struct auth_check_report **report, struct auth_dns_need *needs,
				 size_t max, size_t *count);

#endif
