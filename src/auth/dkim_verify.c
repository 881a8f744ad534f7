/* dkim_verify.c: DKIM verification (RFC 6376 6, RFC 8463, RFC 8301).
 *
 * The expensive part runs once, as the message streams in: when the
 * header section is complete the signatures are parsed, the header hash
 * of each is computed, and one body hash per distinct (canonicalization,
 * hash, l=) is set up; the body then streams through those.  What is left
 * (the key records) is a matter of DNS answers, settled by
 * auth_dkim_verify_step as they arrive in the cache (dkim_check.c).
 *
 * A rider (the ARC validator) may read the same message: it is started
 * with the header section, takes body hashes from the same pool, and is
 * released with the verifier. */
#include "dkim_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct auth_dkim_verifier {
	struct auth_dkim_verify_options opts;
	struct auth_dkim_reader reader;
	struct auth_msg_headers headers;
	int fed;      /* a byte was fed */
	int started;  /* the header section was read and the signatures set up */
	int split;    /* headers holds the split header section */
	int finished;
	struct auth_dkim_check sigs[AUTH_DKIM_MAX_SIGNATURES];
	size_t count;
	size_t not_evaluated;
	struct auth_dkim_body_hash body_hashes[AUTH_DKIM_MAX_BODY_HASHES];
	size_t body_hash_count;
	struct auth_dkim_rider rider;
	char *error;
};

struct auth_dkim_verifier *auth_dkim_verifier_new(const struct auth_dkim_verify_options *opts)
{
	struct auth_dkim_verifier *v = lib_xcalloc(1, sizeof *v);
	if (opts)
		v->opts = *opts;
	if (v->opts.now == 0)
		v->opts.now = (long long)time(NULL);
	auth_dkim_reader_init(&v->reader);
	return v;
}

void auth_dkim_verifier_free(struct auth_dkim_verifier *v)
{
	if (!v)
		return;
	if (v->rider.release)
		v->rider.release(v->rider.arg);
	for (size_t i = 0; i < v->count; i++)
		auth_dkim_check_release(&v->sigs[i]);
	for (size_t i = 0; i < v->body_hash_count; i++)
		auth_dkim_body_hash_release(&v->body_hashes[i]);
	auth_msg_headers_release(&v->headers);
	auth_dkim_reader_release(&v->reader);
	free(v->error);
	free(v);
}

const struct auth_dkim_body_hash *auth_dkim_verifier_body_hash(struct auth_dkim_verifier *v,
							       enum auth_dkim_canon canon,
							       const EVP_MD *md, long long limit)
{
	for (size_t i = 0; i < v->body_hash_count; i++) {
		struct auth_dkim_body_hash *bh = &v->body_hashes[i];
		if (bh->canon == canon && bh->md == md && bh->limit == limit)
			return bh;
	}
	if (v->body_hash_count == AUTH_DKIM_MAX_BODY_HASHES)
		return NULL;
	struct auth_dkim_body_hash *bh = &v->body_hashes[v->body_hash_count++];
	auth_dkim_body_hash_init(bh, canon, md, limit);
	return bh;
}

static void setup_signature(struct auth_dkim_verifier *v, size_t field_index,
			    struct lib_buf *scratch)
{
	const struct auth_msg_field *f = &v->headers.fields[field_index];
	struct auth_dkim_check *s = &v->sigs[v->count++];
	if (auth_dkim_check_parse(s, AUTH_DKIM_SIG_DKIM, f, field_index) < 0)
		return;
	const EVP_MD *md = auth_dkim_algo_md(s->tags.algo);
	auth_dkim_header_digest(&v->headers, s->tags.headers, s->tags.header_count,
				s->tags.header_canon, md, f, f->value_off + s->tags.b_eq_end,
				f->value_off + s->tags.b_spec_end, scratch, s->header_digest,
				&s->header_digest_len);
	/* Never NULL: DKIM signatures alone cannot fill the pool. */
	s->body_hash = auth_dkim_verifier_body_hash(v, s->tags.body_canon, md, s->tags.length);
	s->need_key = 1;
}

static void setup_signatures(struct auth_dkim_verifier *v)
{
	static const char name[] = "DKIM-Signature";
	uint32_t hash = auth_msg_name_hash(name, sizeof name - 1);
	struct lib_buf scratch = LIB_BUF_INIT;
	for (size_t i = 0; i < v->headers.count; i++) {
		if (!auth_msg_field_is(&v->headers.fields[i], name, sizeof name - 1, hash))
			continue;
		if (v->count < AUTH_DKIM_MAX_SIGNATURES)
			setup_signature(v, i, &scratch);
		else
			v->not_evaluated++;
	}
	lib_buf_release(&scratch);
}

/* The header section is complete: find and set up the signatures. */
static void start(struct auth_dkim_verifier *v)
{
	v->started = 1;
	struct lib_err err;
	if (v->reader.too_large)
		v->error = lib_xasprintf("header section larger than %u MB: not verified",
					 AUTH_DKIM_MAX_HEADER_BYTES >> 20);
	else if (auth_msg_headers_split(v->reader.head.data, v->reader.header_len, &v->headers,
					&err) < 0)
		v->error = lib_xasprintf("%s: not verified", err.msg);
	else
		v->split = 1;
	if (v->split)
		setup_signatures(v);
	if (v->rider.start)
		v->rider.start(v->rider.arg);
}

void auth_dkim_verifier_feed(struct auth_dkim_verifier *v, const void *data, size_t len)
{
	const char *p = data;
	if (v->finished)
		return;
	v->fed = 1;
	if (!v->started) {
		size_t taken = auth_dkim_reader_feed(&v->reader, p, len);
		if (!v->reader.in_body)
			return;
		start(v);
		p += taken;
		len -= taken;
	}
	for (size_t i = 0; i < v->body_hash_count; i++)
		auth_dkim_body_hash_feed(&v->body_hashes[i], p, len);
}

void auth_dkim_verifier_finish(struct auth_dkim_verifier *v)
{
	if (v->finished)
		return;
	if (!v->started) {
		/* No empty line: all of it is header section, the body empty. */
		v->reader.in_body = 1;
		v->reader.header_len = v->reader.head.len;
		start(v);
	}
	for (size_t i = 0; i < v->body_hash_count; i++)
		auth_dkim_body_hash_finish(&v->body_hashes[i]);
	for (size_t i = 0; i < v->count; i++)
		auth_dkim_check_body(&v->sigs[i], v->opts.now);
	v->finished = 1;
}

enum auth_step auth_dkim_verify_step(struct auth_dkim_verifier *v,
				     const struct auth_dns_cache *cache, struct auth_dns_need *need)
{
	if (!v->finished)
		auth_dkim_verifier_finish(v);
	const char *missing = NULL;
	for (size_t i = 0; i < v->count; i++) {
		struct auth_dkim_check *s = &v->sigs[i];
		if (!auth_dkim_check_try(s, cache, v->opts.legacy) && !missing)
			missing = s->pub.key_name;
	}
	if (!missing)
		return AUTH_DONE;
	snprintf(need->name, sizeof need->name, "%s", missing);
	need->type = NET_DNS_TXT;
	return AUTH_NEED_DNS;
}

size_t auth_dkim_verifier_needs(const struct auth_dkim_verifier *v,
				const struct auth_dns_cache *cache, struct auth_dns_need *needs,
				size_t max)
{
	const struct auth_dkim_check *checks[AUTH_DKIM_MAX_SIGNATURES];
	for (size_t i = 0; i < v->count; i++)
		checks[i] = &v->sigs[i];
	return auth_dkim_check_needs(checks, v->count, cache, needs, max);
}

size_t auth_dkim_verifier_count(const struct auth_dkim_verifier *v)
{
	return v->count;
}

const struct auth_dkim_signature *auth_dkim_verifier_signature(const struct auth_dkim_verifier *v,
							       size_t i)
{
	return i < v->count ? &v->sigs[i].pub : NULL;
}

size_t auth_dkim_verifier_not_evaluated(const struct auth_dkim_verifier *v)
{
	return v->not_evaluated;
}

const char *auth_dkim_verifier_error(const struct auth_dkim_verifier *v)
{
	return v->error;
}

size_t auth_dkim_verifier_body_hash_count(const struct auth_dkim_verifier *v)
{
	return v->body_hash_count;
}

/* ---- riders ---------------------------------------------------------------- */

int auth_dkim_verifier_set_rider(struct auth_dkim_verifier *v, const struct auth_dkim_rider *rider)
{
	if (v->fed || v->finished || v->rider.start)
		return -1;
	v->rider = *rider;
	return 0;
}

const struct auth_msg_headers *auth_dkim_verifier_headers(const struct auth_dkim_verifier *v)
{
	return v->split ? &v->headers : NULL;
}

const struct auth_dkim_verify_options *auth_dkim_verifier_options(
	const struct auth_dkim_verifier *v)
{
	return &v->opts;
}

int auth_dkim_verifier_finished(const struct auth_dkim_verifier *v)
{
	return v->finished;
}
