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

/* (SPF declarations) */




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

/* (DMARC, ARC and Authentication-Results declarations) */

#endif
