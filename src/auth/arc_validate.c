/* arc_validate.c: validating an Authenticated Received Chain, RFC 8617
 * 5.2 (the steps are listed in auth.h).
 *
 * The validator rides on a DKIM verifier (dkim_private.h): when the
 * header section is in, the ARC fields are put in their instance slots
 * and the structure is checked (steps 1 to 3), which needs no DNS; then
 * the header hashes are computed (every ARC-Seal's, and the newest
 * ARC-Message-Signatures') and each AMS gets a body hash from the
 * verifier's pool, so the body is read once for DKIM and ARC.  What is left is signatures waiting for
 * their key records, settled in the order of steps 4 to 6 as the answers
 * arrive, so that a chain that fails early asks for no more keys. */
#include "arc_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One instance as found in the header section. */
struct arc_slot {
	const struct auth_msg_field *fields[AUTH_ARC_NOT_ARC]; /* NULL: missing */
	struct auth_dkim_check ams, seal;  /* parsed when the field is there */
	char *results_text;
	struct auth_authres *results;
	char *results_error;
};

/* ARC-Message-Signatures verified at most, the newest first: the one
 * that must verify and those below it for oldest-pass (step 5, which RFC
 * 8617 makes optional). */
#define ARC_MAX_AMS_CHECKED AUTH_DKIM_MAX_SIGNATURES

enum phase {
	PHASE_WAITING = 0,  /* for the header section */
	PHASE_NEWEST_AMS,   /* step 4 */
	PHASE_OLDEST_PASS,  /* step 5, at cursor */
	PHASE_SEALS,        /* step 6, at cursor */
	PHASE_DONE,
};

struct auth_arc_validator {
	struct auth_dkim_verifier *verifier; /* the owner */
	struct arc_slot slots[AUTH_ARC_MAX_SETS]; /* slots[k]: instance k + 1 */
	struct auth_arc_set sets[AUTH_ARC_MAX_SETS];
	unsigned count;     /* N */
	enum phase phase;
	unsigned cursor;
	int bodies_checked;
	struct auth_arc_result result;
	char *reason;
};

static void release(void *arg)
{
	struct auth_arc_validator *arc = arg;
	for (unsigned k = 0; k < AUTH_ARC_MAX_SETS; k++) {
		struct arc_slot *s = &arc->slots[k];
		auth_dkim_check_release(&s->ams);
		auth_dkim_check_release(&s->seal);
		free(s->results_text);
		auth_authres_free(s->results);
		free(s->results_error);
	}
	free(arc->reason);
	free(arc);
}

static int parsed(const struct arc_slot *s, enum auth_arc_field kind)
{
	const struct auth_dkim_check *c = kind == AUTH_ARC_AMS ? &s->ams : &s->seal;
	return s->fields[kind] && c->pub.key_name && c->pub.result != AUTH_DKIM_PERMERROR;
}

/* The verdict.  Signatures it did not need say so. */
static void decide(struct auth_arc_validator *arc, enum auth_arc_cv cv, int temporary,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void decide(struct auth_arc_validator *arc, enum auth_arc_cv cv, int temporary,
		   const char *fmt, ...)
{
	struct lib_buf reason = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&reason, fmt, ap);
	va_end(ap);
	free(arc->reason);
	arc->reason = lib_buf_take(&reason);
	arc->result.cv = cv;
	arc->result.temporary = temporary;
	arc->result.reason = arc->reason;
	if (cv != AUTH_ARC_PASS)
		arc->result.oldest_pass = 0;
	arc->phase = PHASE_DONE;
	for (unsigned k = 0; k < arc->count; k++) {
		struct arc_slot *s = &arc->slots[k];
		struct auth_dkim_check *checks[] = { &s->ams, &s->seal };
		for (size_t j = 0; j < 2; j++)
			if (checks[j]->pub.key_name && checks[j]->pub.result == AUTH_DKIM_NONE)
				auth_dkim_check_settle(checks[j], AUTH_DKIM_NONE,
						       "not checked: the chain was decided without it");
	}
}

/* ---- steps 1 to 3: the fields in their slots ------------------------------ */

/* The field value on one line, for the evidence view. */
static char *unfolded(const char *value, size_t len)
{
	struct lib_buf out = LIB_BUF_INIT;
	for (size_t i = 0; i < len; i++)
		if (value[i] != '\r' && value[i] != '\n')
			lib_buf_putc(&out, value[i]);
	char *s = lib_buf_take(&out);
	size_t start = strspn(s, " \t"), end = strlen(s);
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

static char *place_results(struct auth_arc_validator *arc, const struct auth_msg_field *f)
{
	const char *value = f->raw + f->value_off;
	size_t len = f->value_end - f->value_off;
	struct lib_err err;
	struct auth_authres *ar = auth_authres_parse_arc(value, len, &err);
	unsigned instance = ar ? ar->arc_instance : auth_arc_aar_instance(value, len);
	if (!instance) {
		auth_authres_free(ar);
		return lib_xasprintf("an ARC-Authentication-Results field has no valid instance i=");
	}
	struct arc_slot *s = &arc->slots[instance - 1];
	if (s->fields[AUTH_ARC_AAR]) {
		auth_authres_free(ar);
		return lib_xasprintf("two ARC-Authentication-Results fields with i=%u", instance);
	}
	s->fields[AUTH_ARC_AAR] = f;
	s->results = ar;
	s->results_error = ar ? NULL : lib_xstrdup(err.msg);
	s->results_text = unfolded(value, len);
	if (instance > arc->count)
		arc->count = instance;
	return NULL;
}

static char *place_signature(struct auth_arc_validator *arc, enum auth_arc_field kind,
			     const struct auth_msg_field *f, size_t index)
{
	struct auth_dkim_check c;
	auth_dkim_check_parse(&c, kind == AUTH_ARC_AMS ? AUTH_DKIM_SIG_AMS : AUTH_DKIM_SIG_SEAL, f,
			      index);
	unsigned instance = c.tags.instance;
	char *problem = NULL;
	if (!instance)
		problem = lib_xasprintf("an %s field has no valid instance: %s",
					auth_arc_field_name(kind), c.pub.reason);
	else if (arc->slots[instance - 1].fields[kind])
		problem = lib_xasprintf("two %s fields with i=%u", auth_arc_field_name(kind),
					instance);
	if (problem) {
		auth_dkim_check_release(&c);
		return problem;
	}
	struct arc_slot *s = &arc->slots[instance - 1];
	s->fields[kind] = f;
	*(kind == AUTH_ARC_AMS ? &s->ams : &s->seal) = c;
	if (instance > arc->count)
		arc->count = instance;
	return NULL;
}

/* Puts every ARC field in its slot (step 1).  Returns the first problem
 * found, or NULL; *total counts the ARC fields. */
static char *collect(struct auth_arc_validator *arc, const struct auth_msg_headers *h,
		     size_t *total)
{
	*total = 0;
	for (size_t i = 0; i < h->count; i++)
		if (auth_arc_field_kind(&h->fields[i]) != AUTH_ARC_NOT_ARC)
			++*total;
	if (*total > 3 * AUTH_ARC_MAX_SETS)
		return lib_xasprintf("more than %d ARC sets (%zu ARC fields)", AUTH_ARC_MAX_SETS,
				     *total);
	char *problem = NULL;
	for (size_t i = 0; i < h->count; i++) {
		const struct auth_msg_field *f = &h->fields[i];
		enum auth_arc_field kind = auth_arc_field_kind(f);
		if (kind == AUTH_ARC_NOT_ARC)
			continue;
		char *p = kind == AUTH_ARC_AAR ? place_results(arc, f) : place_signature(arc, kind, f, i);
		if (p && !problem)
			problem = p;
		else
			free(p);
	}
	return problem;
}

/* Step 3c for one seal, whose tags parsed. */
static char *check_cv(unsigned instance, enum auth_arc_cv cv)
{
	if (instance == 1 && cv != AUTH_ARC_NONE)
		return lib_xasprintf("ARC-Seal i=1 says cv=%s; the first set must say cv=none",
				     auth_arc_cv_str(cv));
	if (instance > 1 && cv == AUTH_ARC_NONE)
		return lib_xasprintf("ARC-Seal i=%u says cv=none; only the first set may", instance);
	if (cv == AUTH_ARC_FAIL)
		return lib_xasprintf("ARC-Seal i=%u says cv=fail: that hop found the chain broken",
				     instance);
	return NULL;
}

/* Step 3: every instance 1..N whole, every seal readable, cv right. */
static char *check_structure(const struct auth_arc_validator *arc)
{
	for (unsigned i = 1; i <= arc->count; i++) {
		const struct arc_slot *s = &arc->slots[i - 1];
		if (!s->fields[AUTH_ARC_AAR] && !s->fields[AUTH_ARC_AMS] && !s->fields[AUTH_ARC_SEAL])
			return lib_xasprintf("gap in the instance numbers: no ARC set i=%u below i=%u",
					     i, arc->count);
		for (int kind = 0; kind < AUTH_ARC_NOT_ARC; kind++)
			if (!s->fields[kind])
				return lib_xasprintf("instance %u has no %s", i,
						     auth_arc_field_name((enum auth_arc_field)kind));
	}
	for (unsigned i = 1; i <= arc->count; i++) {
		const struct arc_slot *s = &arc->slots[i - 1];
		if (!parsed(s, AUTH_ARC_SEAL))
			return lib_xasprintf("ARC-Seal i=%u: %s", i, s->seal.pub.reason);
		char *problem = check_cv(i, s->seal.tags.cv);
		if (problem)
			return problem;
	}
	return NULL;
}

/* ---- the signatures' hashes -------------------------------------------------- */

static void setup_ams(struct auth_arc_validator *arc, unsigned instance,
		      const struct auth_msg_headers *h, struct lib_buf *scratch)
{
	struct arc_slot *s = &arc->slots[instance - 1];
	struct auth_dkim_check *c = &s->ams;
	if (!parsed(s, AUTH_ARC_AMS))
		return;
	for (size_t i = 0; i < c->tags.header_count; i++)
		if (strcasecmp(c->tags.headers[i], "ARC-Seal") == 0) {
			/* The seals sign the AMS, never the other way round. */
			auth_dkim_check_settle(c, AUTH_DKIM_PERMERROR,
					       "h= signs ARC-Seal, which an ARC-Message-Signature "
					       "must not (RFC 8617 4.1.2)");
			return;
		}
	const struct auth_msg_field *f = s->fields[AUTH_ARC_AMS];
	const EVP_MD *md = auth_dkim_algo_md(c->tags.algo);
	auth_dkim_header_digest(h, c->tags.headers, c->tags.header_count, c->tags.header_canon, md,
				f, f->value_off + c->tags.b_eq_end, f->value_off + c->tags.b_spec_end,
				scratch, c->header_digest, &c->header_digest_len);
	c->body_hash = auth_dkim_verifier_body_hash(arc->verifier, c->tags.body_canon, md,
						    c->tags.length);
	if (!c->body_hash) {
		auth_dkim_check_settle(c, AUTH_DKIM_NONE,
				       "not checked: more distinct body hashes than the %d computed",
				       AUTH_DKIM_MAX_BODY_HASHES);
		return;
	}
	c->need_key = 1;
}

/* RFC 8617 5.1.1: the seal of instance i signs, with relaxed header
 * canonicalization, the ARC sets 1..i in increasing order, each as its
 * AAR, AMS and AS, the last being itself with b= empty.  The seals' hash
 * inputs share their prefix, so one running hash per algorithm goes over
 * the sets once and is copied at each seal: the work grows with the size
 * of the chain, not with its square. */
static void setup_seals(struct auth_arc_validator *arc, struct lib_buf *scratch)
{
	static const enum auth_dkim_algo hashes[2] = { AUTH_DKIM_RSA_SHA256, AUTH_DKIM_RSA_SHA1 };
	EVP_MD_CTX *running[2] = { NULL, NULL };
	for (unsigned i = 1; i <= arc->count; i++) {
		size_t m = arc->slots[i - 1].seal.tags.algo == AUTH_DKIM_RSA_SHA1;
		if (!running[m])
			running[m] = auth_dkim_header_hash_new(auth_dkim_algo_md(hashes[m]));
	}
	EVP_MD_CTX *copy = auth_dkim_header_hash_new(EVP_sha256());
	for (unsigned i = 1; i <= arc->count; i++) {
		struct arc_slot *s = &arc->slots[i - 1];
		struct auth_dkim_check *c = &s->seal;
		const struct auth_msg_field *f = s->fields[AUTH_ARC_SEAL];
		for (size_t m = 0; m < 2; m++)
			if (running[m]) {
				auth_dkim_header_hash_field(running[m], AUTH_DKIM_RELAXED,
							    s->fields[AUTH_ARC_AAR], scratch);
				auth_dkim_header_hash_field(running[m], AUTH_DKIM_RELAXED,
							    s->fields[AUTH_ARC_AMS], scratch);
			}
		EVP_MD_CTX_copy_ex(copy, running[c->tags.algo == AUTH_DKIM_RSA_SHA1]);
		auth_dkim_header_hash_finish(copy, AUTH_DKIM_RELAXED, f,
					     f->value_off + c->tags.b_eq_end,
					     f->value_off + c->tags.b_spec_end, scratch,
					     c->header_digest, &c->header_digest_len);
		c->need_key = 1;
		for (size_t m = 0; m < 2; m++)
			if (running[m])
				auth_dkim_header_hash_field(running[m], AUTH_DKIM_RELAXED, f, scratch);
	}
	EVP_MD_CTX_free(copy);
	EVP_MD_CTX_free(running[0]);
	EVP_MD_CTX_free(running[1]);
}

static void expose_sets(struct auth_arc_validator *arc)
{
	for (unsigned k = 0; k < arc->count; k++) {
		struct arc_slot *s = &arc->slots[k];
		struct auth_arc_set *set = &arc->sets[k];
		set->instance = k + 1;
		set->seal = s->fields[AUTH_ARC_SEAL] ? &s->seal.pub : NULL;
		set->seal_cv = s->seal.tags.cv;
		set->message_signature = s->fields[AUTH_ARC_AMS] ? &s->ams.pub : NULL;
		set->results_text = s->results_text;
		set->results = s->results;
		set->results_error = s->results_error;
	}
	arc->result.count = arc->count;
	arc->result.sets = arc->sets;
}

/* The header section is in: steps 1 to 3, then the hashes. */
static void start(void *arg)
{
	struct auth_arc_validator *arc = arg;
	const struct auth_msg_headers *h = auth_dkim_verifier_headers(arc->verifier);
	if (!h) {
		decide(arc, AUTH_ARC_NONE, 0, "not validated: %s",
		       auth_dkim_verifier_error(arc->verifier));
		return;
	}
	size_t total;
	char *problem = collect(arc, h, &total);
	expose_sets(arc);
	if (total == 0) {
		decide(arc, AUTH_ARC_NONE, 0, "no ARC fields");
		return;
	}
	const struct arc_slot *newest = arc->count ? &arc->slots[arc->count - 1] : NULL;
	if (total <= 3 * AUTH_ARC_MAX_SETS && newest && parsed(newest, AUTH_ARC_SEAL) &&
	    newest->seal.tags.cv == AUTH_ARC_FAIL) {
		free(problem);
		problem = lib_xasprintf("the newest ARC-Seal (i=%u) says cv=fail: the chain was "
					"found broken before", arc->count);
	}
	if (!problem)
		problem = check_structure(arc);
	if (problem) {
		decide(arc, AUTH_ARC_FAIL, 0, "%s", problem);
		free(problem);
		return;
	}
	struct lib_buf scratch = LIB_BUF_INIT;
	/* Newest first: the AMS that must verify gets a body hash for sure.
	 * Only the newest few are checked, as DKIM checks only so many
	 * signatures: each may hash the whole header section. */
	for (unsigned i = arc->count; i >= 1; i--) {
		if (arc->count - i < ARC_MAX_AMS_CHECKED)
			setup_ams(arc, i, h, &scratch);
		else if (parsed(&arc->slots[i - 1], AUTH_ARC_AMS))
			auth_dkim_check_settle(&arc->slots[i - 1].ams, AUTH_DKIM_NONE,
					       "not checked: oldest-pass looks at the newest %d "
					       "ARC-Message-Signatures only",
					       ARC_MAX_AMS_CHECKED);
	}
	setup_seals(arc, &scratch);
	lib_buf_release(&scratch);
	arc->phase = PHASE_NEWEST_AMS;
}

struct auth_arc_validator *auth_arc_validator_attach(struct auth_dkim_verifier *verifier)
{
	struct auth_arc_validator *arc = lib_xcalloc(1, sizeof *arc);
	arc->verifier = verifier;
	struct auth_dkim_rider rider = { start, release, arc };
	if (auth_dkim_verifier_set_rider(verifier, &rider) < 0) {
		free(arc);
		return NULL;
	}
	return arc;
}

/* ---- steps 4 to 7 ------------------------------------------------------------ */

static void decide_pass(struct auth_arc_validator *arc)
{
	const char *sealer = arc->slots[arc->count - 1].seal.tags.domain;
	unsigned oldest = arc->result.oldest_pass;
	const struct auth_dkim_check *below = oldest > 1 ? &arc->slots[oldest - 2].ams : NULL;
	if (!below)
		decide(arc, AUTH_ARC_PASS, 0, "%u ARC set%s verified, the newest sealed by %s",
		       arc->count, arc->count == 1 ? "" : "s", sealer);
	else if (below->pub.result == AUTH_DKIM_NONE)
		decide(arc, AUTH_ARC_PASS, 0,
		       "%u ARC sets verified, the newest sealed by %s; oldest-pass %u: older "
		       "ARC-Message-Signatures not checked",
		       arc->count, sealer, oldest);
	else
		decide(arc, AUTH_ARC_PASS, 0,
		       "%u ARC sets verified, the newest sealed by %s; oldest-pass %u: the "
		       "ARC-Message-Signature of i=%u does not verify (%s)",
		       arc->count, sealer, oldest, oldest - 1, below->pub.reason);
}

/* Goes as far as the cache allows; returns the check waiting for its key,
 * or NULL once decided. */
static struct auth_dkim_check *advance(struct auth_arc_validator *arc,
				       const struct auth_dns_cache *cache, int legacy)
{
	unsigned n = arc->count;
	struct auth_dkim_check *c;
	if (arc->phase == PHASE_NEWEST_AMS) {
		c = &arc->slots[n - 1].ams;
		if (!auth_dkim_check_try(c, cache, legacy))
			return c;
		if (c->pub.result != AUTH_DKIM_PASS) {
			decide(arc, AUTH_ARC_FAIL, c->pub.result == AUTH_DKIM_TEMPERROR,
			       "ARC-Message-Signature i=%u did not verify: %s", n, c->pub.reason);
			return NULL;
		}
		arc->phase = PHASE_OLDEST_PASS;
		arc->cursor = n - 1;
	}
	if (arc->phase == PHASE_OLDEST_PASS) {
		for (; arc->cursor >= 1; arc->cursor--) {
			c = &arc->slots[arc->cursor - 1].ams;
			if (!auth_dkim_check_try(c, cache, legacy))
				return c;
			if (c->pub.result != AUTH_DKIM_PASS)
				break;
		}
		arc->result.oldest_pass = arc->cursor + 1;
		arc->phase = PHASE_SEALS;
		arc->cursor = n;
	}
	for (; arc->cursor >= 1; arc->cursor--) {
		c = &arc->slots[arc->cursor - 1].seal;
		if (!auth_dkim_check_try(c, cache, legacy))
			return c;
		if (c->pub.result != AUTH_DKIM_PASS) {
			decide(arc, AUTH_ARC_FAIL, c->pub.result == AUTH_DKIM_TEMPERROR,
			       "ARC-Seal i=%u did not verify: %s", arc->cursor, c->pub.reason);
			return NULL;
		}
	}
	decide_pass(arc);
	return NULL;
}

enum auth_step auth_arc_validate_step(struct auth_arc_validator *arc,
				      const struct auth_dns_cache *cache, struct auth_dns_need *need)
{
	auth_dkim_verifier_finish(arc->verifier);
	if (arc->phase == PHASE_DONE)
		return AUTH_DONE;
	const struct auth_dkim_verify_options *opts = auth_dkim_verifier_options(arc->verifier);
	if (!arc->bodies_checked) {
		for (unsigned k = 0; k < arc->count; k++)
			auth_dkim_check_body(&arc->slots[k].ams, opts->now);
		arc->bodies_checked = 1;
	}
	const struct auth_dkim_check *missing = advance(arc, cache, opts->legacy);
	if (!missing)
		return AUTH_DONE;
	snprintf(need->name, sizeof need->name, "%s", missing->pub.key_name);
	need->type = NET_DNS_TXT;
	return AUTH_NEED_DNS;
}

size_t auth_arc_validator_needs(const struct auth_arc_validator *arc,
				const struct auth_dns_cache *cache, struct auth_dns_need *needs,
				size_t max)
{
	if (arc->phase == PHASE_WAITING || arc->phase == PHASE_DONE)
		return 0;
	/* What steps 4 to 6 may still consult, in their order. */
	const struct auth_dkim_check *checks[2 * AUTH_ARC_MAX_SETS];
	size_t n = 0;
	unsigned from;
	if (arc->phase == PHASE_NEWEST_AMS)
		checks[n++] = &arc->slots[arc->count - 1].ams;
	if (arc->phase <= PHASE_OLDEST_PASS) {
		from = arc->phase == PHASE_OLDEST_PASS ? arc->cursor : arc->count - 1;
		for (unsigned i = from; i >= 1; i--)
			checks[n++] = &arc->slots[i - 1].ams;
	}
	from = arc->phase == PHASE_SEALS ? arc->cursor : arc->count;
	for (unsigned i = from; i >= 1; i--)
		checks[n++] = &arc->slots[i - 1].seal;
	return auth_dkim_check_needs(checks, n, cache, needs, max);
}

const struct auth_arc_result *auth_arc_validator_result(const struct auth_arc_validator *arc)
{
	return arc->phase == PHASE_DONE ? &arc->result : NULL;
}
