/* dkim_private.h: private to src/auth.  The pieces of DKIM (RFC 6376)
 * that verify and sign share: the tag=value parser, the signature and key
 * record parsers (pure functions over bytes, fuzzed), the streaming
 * canonicalizers, the header hash and the check of one signature against
 * its key.  ARC (arc_*.c) builds on them: its two signature fields are
 * DKIM signatures with other tags (RFC 8617 4.1.2, 4.1.3). */
#ifndef FRANK_AUTH_DKIM_PRIVATE_H
#define FRANK_AUTH_DKIM_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "auth.h"
#include "msg_headers.h"

/* ---- tag=value lists (RFC 6376 3.2), dkim_tags.c ---------------------- */

#define AUTH_DKIM_MAX_TAGS 64

/* Spans point into the parsed text.  value excludes the FWS around it;
 * eq_end is the offset just past "=", spec_end the offset of the ";"
 * that ends the tag-spec (or the end of the text): the b= value "with all
 * surrounding whitespace" (RFC 6376 3.5) is text[eq_end..spec_end). */
struct auth_dkim_tag {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	size_t eq_end;
	size_t spec_end;
};

struct auth_dkim_tag_list {
	struct auth_dkim_tag tags[AUTH_DKIM_MAX_TAGS];
	size_t count;
};

int auth_dkim_tags_parse(const char *text, size_t len, struct auth_dkim_tag_list *out,
			 struct lib_err *err);
const struct auth_dkim_tag *auth_dkim_tag_find(const struct auth_dkim_tag_list *list,
					       const char *name);

/* A tag value fit for a one-line message: FWS runs become one space,
 * other bytes outside printable ASCII "?", cut at size - 1.  Returns buf. */
const char *auth_dkim_printable(const char *s, size_t len, char *buf, size_t size);

/* Base64 with FWS anywhere (RFC 6376 2.6, 3.5 b=).  Strict otherwise:
 * only the base64 alphabet, padding to a multiple of 4.  *out is
 * allocated (caller frees, NUL-terminated); returns -1 on bad input. */
int auth_dkim_base64_decode(const char *in, size_t len, unsigned char **out, size_t *out_len);
/* The base64 text of data, unwrapped.  Caller frees. */
char *auth_dkim_base64_encode(const unsigned char *data, size_t len);

/* ---- DKIM-Signature (RFC 6376 3.5), dkim_tags.c ------------------------ */

#define AUTH_DKIM_MAX_SIGNED_HEADERS 256

/* Which field a tag-list is read as. */
enum auth_dkim_sig_kind {
	AUTH_DKIM_SIG_DKIM = 0, /* DKIM-Signature (RFC 6376 3.5) */
	AUTH_DKIM_SIG_AMS,      /* ARC-Message-Signature (RFC 8617 4.1.2): as
				 * DKIM, but no v=, and i= is the instance */
	AUTH_DKIM_SIG_SEAL,     /* ARC-Seal (RFC 8617 4.1.3): a b cv d i s and
				 * t only; it signs ARC fields, not the body */
};

struct auth_dkim_sig_tags {
	enum auth_dkim_algo algo;
	char *algorithm_name;          /* a= as written */
	enum auth_dkim_canon header_canon, body_canon;
	char *domain;                  /* d= */
	char *selector;                /* s= */
	char *identity;                /* i= decoded, or "@" d= */
	char **headers;                /* h= names, as written */
	size_t header_count;
	long long length;              /* l=, -1 when absent */
	long long timestamp;           /* t=, -1 when absent */
	long long expiry;              /* x=, -1 when absent */
	unsigned char *b;              /* b= decoded */
	size_t b_len;
	char *b_text;                  /* b= without FWS (for header.b) */
	unsigned char *bh;             /* bh= decoded */
	size_t bh_len;
	size_t b_eq_end, b_spec_end;   /* the b= value span in the text */
	unsigned instance;             /* ARC: i= (1 to 50); 0 for DKIM */
	enum auth_arc_cv cv;           /* ARC-Seal: cv= */
};

/* Parses the value of a DKIM-Signature field (everything after the
 * colon).  Returns 0, or -1 with a one-line reason ("missing b=", ...).
 * Whatever was read before an error (d=, s=, an ARC i=) stays filled for
 * the report; release in every case. */
int auth_dkim_sig_parse(const char *value, size_t len, struct auth_dkim_sig_tags *sig,
			struct lib_err *err);
/* The same for a field of the given kind. */
int auth_dkim_sig_parse_kind(enum auth_dkim_sig_kind kind, const char *value, size_t len,
			     struct auth_dkim_sig_tags *sig, struct lib_err *err);
void auth_dkim_sig_tags_release(struct auth_dkim_sig_tags *sig);

/* ---- key records (RFC 6376 3.6.1, RFC 8463), dkim_key.c ---------------- */

enum auth_dkim_key_type { AUTH_DKIM_KEY_RSA, AUTH_DKIM_KEY_ED25519 };

struct auth_dkim_key_record {
	enum auth_dkim_key_type type;
	int allows_sha1, allows_sha256; /* h=; both when absent */
	int for_email;                  /* s= has "*" or "email" (default) */
	char *services;                 /* s= as written, NULL when absent */
	int testing;                    /* t=y */
	int strict;                     /* t=s: i= domain must be d= itself */
	unsigned char *p;               /* p= decoded; p_len 0: revoked */
	size_t p_len;
};

int auth_dkim_key_parse(const char *text, size_t len, struct auth_dkim_key_record *key,
			struct lib_err *err);
void auth_dkim_key_record_release(struct auth_dkim_key_record *key);

/* The public key of a parsed record: RSA as SubjectPublicKeyInfo or as a
 * bare PKCS#1 RSAPublicKey, Ed25519 as the raw 32 bytes (RFC 8463 4.2).
 * Returns NULL with err set; *bits is the key size. */
EVP_PKEY *auth_dkim_key_public(const struct auth_dkim_key_record *key, unsigned *bits,
			       struct lib_err *err);

/* ---- canonicalization (RFC 6376 3.4), dkim_canon.c --------------------- */

/* Canonicalizes a body fed in chunks of any size straight into a hash,
 * keeping only the state that crosses a chunk boundary: a pending CR,
 * pending whitespace and the count of empty lines not yet known to be
 * followed by text.  A bare LF ends a line as CRLF does. */
struct auth_dkim_body_hash {
	enum auth_dkim_canon canon;
	const EVP_MD *md;
	long long limit;         /* l=, -1: the whole body */
	EVP_MD_CTX *ctx;
	uint64_t hashed;         /* bytes given to the hash */
	uint64_t length;         /* canonicalized length of the whole body */
	uint64_t empty_lines;    /* pending, emitted once text follows */
	int pending_cr;
	int pending_wsp;
	int line_has_text;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned digest_len;
	/* Relaxed bodies come out in runs of a few bytes: they are gathered
	 * here so the hash is called per 4 KB, not per word. */
	size_t staged;
	char stage[4096];
};

void auth_dkim_body_hash_init(struct auth_dkim_body_hash *bh, enum auth_dkim_canon canon,
			      const EVP_MD *md, long long limit);
void auth_dkim_body_hash_feed(struct auth_dkim_body_hash *bh, const char *data, size_t len);
void auth_dkim_body_hash_finish(struct auth_dkim_body_hash *bh);
void auth_dkim_body_hash_release(struct auth_dkim_body_hash *bh);

/* Appends the canonical form of a field to out, with its CRLF unless
 * final (the signature's own field goes last, without CRLF). */
void auth_dkim_header_canon(enum auth_dkim_canon canon, const struct auth_msg_field *field,
			    int final, struct lib_buf *out);

const EVP_MD *auth_dkim_algo_md(enum auth_dkim_algo algo);

/* The hash of the signed header fields (h=, bottom-up, RFC 6376 5.4.2)
 * then of the signature field sig_field with raw[cut_start..cut_end)
 * (the b= value) left out.  scratch is reused memory.  digest gets
 * EVP_MAX_MD_SIZE bytes at most. */
void auth_dkim_header_digest(const struct auth_msg_headers *headers, char *const *names,
			     size_t name_count, enum auth_dkim_canon canon, const EVP_MD *md,
			     const struct auth_msg_field *sig_field, size_t cut_start,
			     size_t cut_end, struct lib_buf *scratch, unsigned char *digest,
			     unsigned *digest_len);
/* The same over fields chosen by the caller, in the order given (an
 * ARC-Seal signs the ARC sets, RFC 8617 5.1.1); NULL entries are skipped. */
void auth_dkim_header_digest_fields(const struct auth_msg_field *const *fields, size_t count,
				    enum auth_dkim_canon canon, const EVP_MD *md,
				    const struct auth_msg_field *sig_field, size_t cut_start,
				    size_t cut_end, struct lib_buf *scratch, unsigned char *digest,
				    unsigned *digest_len);
/* The same in pieces, for hashes that share a prefix (a copy of the
 * context, EVP_MD_CTX_copy_ex, goes on from there): a new context (never
 * NULL), each field, then the signature field, which ends the hash. */
EVP_MD_CTX *auth_dkim_header_hash_new(const EVP_MD *md);
void auth_dkim_header_hash_field(EVP_MD_CTX *ctx, enum auth_dkim_canon canon,
				 const struct auth_msg_field *field, struct lib_buf *scratch);
void auth_dkim_header_hash_finish(EVP_MD_CTX *ctx, enum auth_dkim_canon canon,
				  const struct auth_msg_field *sig_field, size_t cut_start,
				  size_t cut_end, struct lib_buf *scratch, unsigned char *digest,
				  unsigned *digest_len);

/* ---- one signature checked against its key, dkim_check.c --------------- */

/* A signature on its way to a result: parsed, its header hash computed
 * and its body hash chosen by the owner, then settled by the key record
 * in the cache (RFC 6376 6.1.2, 6.1.3). */
struct auth_dkim_check {
	struct auth_dkim_signature pub; /* its strings point into tags */
	struct auth_dkim_sig_tags tags;
	int need_key;                   /* waiting for its key record */
	const struct auth_dkim_body_hash *body_hash; /* NULL: signs no body */
	unsigned char header_digest[EVP_MAX_MD_SIZE];
	unsigned header_digest_len;
};

/* Parses field (the field_index-th of its header section) as kind into
 * c, which it clears first.  On a syntax error c is settled permerror and
 * -1 returned; else the key name is set and the owner goes on: header
 * digest, body_hash, need_key. */
int auth_dkim_check_parse(struct auth_dkim_check *c, enum auth_dkim_sig_kind kind,
			  const struct auth_msg_field *field, size_t field_index);
void auth_dkim_check_settle(struct auth_dkim_check *c, enum auth_dkim_result result,
			    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Once the body is hashed: x= against now, l= against the body length. */
void auth_dkim_check_body(struct auth_dkim_check *c, long long now);
/* Settles c from its key record when the cache has it; returns 0 when
 * c still waits for the record, 1 when it is settled. */
int auth_dkim_check_try(struct auth_dkim_check *c, const struct auth_dns_cache *cache,
			int legacy);
void auth_dkim_check_release(struct auth_dkim_check *c);
/* The key queries checks[0..count) wait for and the cache lacks, without
 * repeats, as auth_dkim_verifier_needs() gives them. */
size_t auth_dkim_check_needs(const struct auth_dkim_check *const *checks, size_t count,
			     const struct auth_dns_cache *cache, struct auth_dns_need *needs,
			     size_t max);

/* ---- the verifier as others ride on it, dkim_verify.c ------------------- */

/* How many body hashes the verifier runs (signatures share them). */
size_t auth_dkim_verifier_body_hash_count(const struct auth_dkim_verifier *verifier);

/* DKIM signatures use at most AUTH_DKIM_MAX_SIGNATURES of them; a rider
 * gets the rest. */
#define AUTH_DKIM_MAX_BODY_HASHES (2 * AUTH_DKIM_MAX_SIGNATURES)

/* Something reading the message alongside the verifier (the ARC
 * validator): start runs once the header section is in and the DKIM
 * signatures are set up, before any body byte, so it may ask for body
 * hashes; release runs when the verifier is freed. */
struct auth_dkim_rider {
	void (*start)(void *arg);
	void (*release)(void *arg);
	void *arg;
};

/* Returns -1 when the verifier was fed already or has a rider. */
int auth_dkim_verifier_set_rider(struct auth_dkim_verifier *verifier,
				 const struct auth_dkim_rider *rider);
/* The header section split into fields, NULL when it could not be
 * (auth_dkim_verifier_error says why) or is not complete yet. */
const struct auth_msg_headers *auth_dkim_verifier_headers(const struct auth_dkim_verifier *verifier);
/* A body hash over (canon, md, limit), shared with any signature that
 * has the same; NULL when all AUTH_DKIM_MAX_BODY_HASHES are taken.  Only
 * while the header section is the last thing fed (during start). */
const struct auth_dkim_body_hash *auth_dkim_verifier_body_hash(struct auth_dkim_verifier *verifier,
							       enum auth_dkim_canon canon,
							       const EVP_MD *md, long long limit);
const struct auth_dkim_verify_options *auth_dkim_verifier_options(
	const struct auth_dkim_verifier *verifier);
/* Whether auth_dkim_verifier_finish has run. */
int auth_dkim_verifier_finished(const struct auth_dkim_verifier *verifier);

/* ---- signing, dkim_sign.c ------------------------------------------------ */

/* Signs a header hash: RSA PKCS#1 v1.5 with SHA-256, or Ed25519 over the
 * digest itself (RFC 8463 3).  *sig is allocated. */
int auth_dkim_sign_digest(const struct auth_dkim_signing_key *key, const unsigned char *digest,
			  unsigned digest_len, unsigned char **sig, size_t *sig_len,
			  struct lib_err *err);

/* ---- the message split while it streams in, dkim_canon.c -------------- */

/* Header sections beyond this are refused (a 1 MB line still fits). */
#define AUTH_DKIM_MAX_HEADER_BYTES (8u << 20)

struct auth_dkim_reader {
	struct lib_buf head;  /* the header section and its empty line */
	size_t head_seen;     /* header bytes seen, kept or not */
	int line_state;       /* 1: at a line start, 2: after CR there */
	int in_body;
	int too_large;
	size_t header_len;    /* once in_body: length of the fields */
};

void auth_dkim_reader_init(struct auth_dkim_reader *r);
/* Takes the header bytes at the front of data; returns how many it took.
 * When that is less than len, the header section is complete (in_body)
 * and data[taken..len) is body. */
size_t auth_dkim_reader_feed(struct auth_dkim_reader *r, const char *data, size_t len);
void auth_dkim_reader_release(struct auth_dkim_reader *r);

#endif
