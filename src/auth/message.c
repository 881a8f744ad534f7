/* message.c: a whole message verified once: SPF (with the client found
 * in the message when no session is known), every DKIM signature, DMARC
 * over both, and the Authentication-Results fields it carries, stepped
 * with the restart loop over the verifier's own DNS cache (auth.h). */
#include "message_private.h"

#include "mime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEFAULT_AUTHSERV_ID "frank"

const char *auth_badge_str(enum auth_badge badge)
{
	switch (badge) {
	case AUTH_BADGE_NONE: return "none";
	case AUTH_BADGE_VERIFIED: return "verified";
	case AUTH_BADGE_PARTIAL: return "partial";
	case AUTH_BADGE_FAILED: return "failed";
	case AUTH_BADGE_UNKNOWN: return "unknown";
	}
	return "?";
}

const char *auth_message_spf_source_str(enum auth_message_spf_source source)
{
	switch (source) {
	case AUTH_MESSAGE_SPF_SESSION: return "session";
	case AUTH_MESSAGE_SPF_RECEIVED: return "received";
	case AUTH_MESSAGE_SPF_AUTHRES: return "authentication-results";
	case AUTH_MESSAGE_SPF_NOT_FOUND: return "none";
	}
	return "?";
}

/* ---- the request ------------------------------------------------------------ */

static char *dup_or_null(const char *s)
{
	return s ? lib_xstrdup(s) : NULL;
}

static char **dup_list(const char *const *items, size_t n)
{
	char **out = n ? lib_xcalloc(n, sizeof *out) : NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = lib_xstrdup(items[i] ? items[i] : "");
	return out;
}

static void free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

static void request_copy(struct message_request *r, const struct auth_message_request *in)
{
	r->ip = dup_or_null(in->ip);
	r->helo = dup_or_null(in->helo);
	r->mail_from = dup_or_null(in->mail_from);
	r->hosts = dup_list(in->trusted_hosts, in->trusted_host_count);
	r->host_count = in->trusted_host_count;
	r->authserv_ids = dup_list(in->trusted_authserv_ids, in->trusted_authserv_count);
	r->authserv_count = in->trusted_authserv_count;
	r->authserv_id = lib_xstrdup(in->authserv_id ? in->authserv_id : DEFAULT_AUTHSERV_ID);
	r->receiver = lib_xstrdup(in->receiver ? in->receiver : r->authserv_id);
	r->now = in->now ? in->now : (long long)time(NULL);
	r->method = in->dmarc_method;
	r->psl = in->psl;
}

static void request_release(struct message_request *r)
{
	free(r->ip);
	free(r->helo);
	free(r->mail_from);
	free_list(r->hosts, r->host_count);
	free_list(r->authserv_ids, r->authserv_count);
	free(r->authserv_id);
	free(r->receiver);
}

/* ---- life ---------------------------------------------------------------------- */

struct auth_message_verifier *auth_message_verifier_new(const struct auth_message_request *req)
{
	struct auth_message_verifier *v = lib_xcalloc(1, sizeof *v);
	request_copy(&v->req, req);
	auth_dkim_reader_init(&v->reader);
	struct auth_dkim_verify_options o = { .now = v->req.now };
	v->dkim = auth_dkim_verifier_new(&o);
	v->arc = auth_arc_validator_attach(v->dkim);
	v->cache = auth_dns_cache_new();
	v->client.index = -1;
	return v;
}

void auth_message_verifier_free(struct auth_message_verifier *v)
{
	if (!v)
		return;
	request_release(&v->req);
	auth_dkim_reader_release(&v->reader);
	auth_dkim_verifier_free(v->dkim);
	auth_dns_cache_free(v->cache);
	auth_msg_headers_release(&v->headers);
	free(v->error);
	free_list(v->from_values, v->from_count);
	auth_authres_list_release(&v->authres);
	message_client_release(&v->client);
	auth_spf_result_release(&v->spf_checked);
	free(v->spf_result);
	free(v->spf_domain);
	free(v->spf_reason);
	free(v->spf_authserv);
	free(v->dkim_view);
	auth_dmarc_verdict_free(v->dmarc);
	free(v->explanation);
	free(v->arc_vouch);
	free(v->from_name);
	free(v->from_address);
	free(v);
}

void auth_message_verifier_feed(struct auth_message_verifier *v, const void *data, size_t len)
{
	if (v->finished)
		return;
	if (!v->reader.in_body)
		auth_dkim_reader_feed(&v->reader, data, len);
	auth_dkim_verifier_feed(v->dkim, data, len);
}

/* ---- the header section -------------------------------------------------------- */

static int field_named(const struct auth_msg_field *f, const char *name)
{
	size_t n = strlen(name);
	return auth_msg_field_is(f, name, n, auth_msg_name_hash(name, n));
}

/* A file that is not mail gets one line, not a verdict of "none". */
static const char *not_a_message(const struct auth_msg_headers *h)
{
	if (h->count == 0)
		return "not a message: it has no header fields";
	const struct auth_msg_field *first = &h->fields[0];
	int mbox = first->raw_len >= 5 && strncmp(first->raw, "From ", 5) == 0;
	size_t named = 0;
	for (size_t i = 0; i < h->count && !named; i++)
		named += h->fields[i].name_len > 0;
	if (!named || (first->name_len == 0 && !mbox))
		return "not a message: it does not start with a header field";
	return NULL;
}

static void add_from(struct auth_message_verifier *v, const struct auth_msg_field *f)
{
	v->from_values = lib_xrealloc(v->from_values, (v->from_count + 1) * sizeof(char *));
	v->from_values[v->from_count++] =
		lib_xstrndup(f->raw + f->value_off, f->value_end - f->value_off);
}

static void add_authres(struct auth_message_verifier *v, const struct auth_msg_field *f, int arc)
{
	if (v->authres.count + v->authres.error_count >= AUTH_MESSAGE_MAX_AUTHRES) {
		v->authres_not_recorded++;
		return;
	}
	auth_authres_list_add(&v->authres, arc, f->raw + f->value_off, f->value_end - f->value_off,
			      (const char *const *)v->req.authserv_ids, v->req.authserv_count);
}

/* SPF's client: the session's, else the one the header section names. */
static void find_client(struct auth_message_verifier *v)
{
	if (!v->req.ip) {
		message_find_client(&v->headers, v->req.hosts, v->req.host_count, &v->client);
		return;
	}
	v->client.ip = lib_xstrdup(v->req.ip);
	v->client.helo = lib_xstrdup(v->req.helo ? v->req.helo : "");
	if (v->req.mail_from)
		v->client.mail_from = lib_xstrdup(v->req.mail_from);
	else
		message_find_mail_from(&v->headers, &v->client);
	v->client.found = v->client.mail_from != NULL;
}

static void read_header_section(struct auth_message_verifier *v)
{
	struct lib_err err;
	if (v->reader.too_large) {
		v->error = lib_xasprintf("header section larger than %u MB: not verified",
					 AUTH_DKIM_MAX_HEADER_BYTES >> 20);
		return;
	}
	if (auth_msg_headers_split(v->reader.head.data ? v->reader.head.data : "",
				   v->reader.header_len, &v->headers, &err) < 0) {
		v->error = lib_xasprintf("%s: not verified", err.msg);
		return;
	}
	const char *bad = not_a_message(&v->headers);
	if (bad) {
		v->error = lib_xstrdup(bad);
		return;
	}
	for (size_t i = 0; i < v->headers.count; i++) {
		const struct auth_msg_field *f = &v->headers.fields[i];
		if (field_named(f, "From"))
			add_from(v, f);
		else if (field_named(f, "Authentication-Results"))
			add_authres(v, f, 0);
		else if (field_named(f, "ARC-Authentication-Results"))
			add_authres(v, f, 1);
	}
	find_client(v);
}

void auth_message_verifier_finish(struct auth_message_verifier *v)
{
	if (v->finished)
		return;
	if (!v->reader.in_body) {
		/* No empty line: all of it is header section. */
		v->reader.in_body = 1;
		v->reader.header_len = v->reader.head.len;
	}
	auth_dkim_verifier_finish(v->dkim);
	v->finished = 1;
	read_header_section(v);
}

/* ---- the steps ------------------------------------------------------------------- */

static void add_pending(struct auth_message_verifier *v, const struct auth_dns_need *need)
{
	for (size_t i = 0; i < v->pending_count; i++)
		if (v->pending[i].type == need->type &&
		    strcasecmp(v->pending[i].name, need->name) == 0)
			return;
	if (v->pending_count < MESSAGE_MAX_NEEDS)
		v->pending[v->pending_count++] = *need;
}

static void spf_settle(struct auth_message_verifier *v, const char *result, const char *domain,
		       const char *reason)
{
	v->spf_result = lib_xstrdup(result);
	v->spf_domain = dup_or_null(domain);
	v->spf_reason = lib_xstrdup(reason);
	v->spf_done = 1;
}

/* The spf= result of the topmost trusted Authentication-Results field. */
static int spf_from_authres(struct auth_message_verifier *v)
{
	for (size_t i = 0; i < v->authres.count; i++) {
		const struct auth_authres *ar = v->authres.items[i];
		if (!ar->trusted || ar->arc_instance)
			continue;
		for (size_t k = 0; k < ar->count; k++) {
			const struct auth_authres_result *r = &ar->results[k];
			if (strcmp(r->method, "spf") != 0)
				continue;
			const char *domain = NULL;
			for (size_t p = 0; p < r->prop_count; p++) {
				const struct auth_authres_prop *pr = &r->props[p];
				if (strcmp(pr->ptype, "smtp") != 0)
					continue;
				if (strcmp(pr->property, "mailfrom") == 0 ||
				    (!domain && strcmp(pr->property, "helo") == 0)) {
					domain = pr->value;
					v->spf_helo = strcmp(pr->property, "helo") == 0;
				}
			}
			const char *at = domain ? strrchr(domain, '@') : NULL;
			char *reason = lib_xasprintf("as %s's Authentication-Results says",
						     ar->authserv_id);
			spf_settle(v, r->result, at ? at + 1 : domain, reason);
			free(reason);
			v->spf_authserv = lib_xstrdup(ar->authserv_id);
			return 1;
		}
	}
	return 0;
}

static void step_spf(struct auth_message_verifier *v)
{
	if (!v->client.found) {
		if (!spf_from_authres(v))
			spf_settle(v, "none", NULL, v->client.why ? v->client.why : "no client");
		return;
	}
	struct auth_spf_request r = { v->client.ip, v->client.helo, v->client.mail_from,
				      v->req.receiver, (time_t)v->req.now };
	struct auth_dns_need need;
	auth_spf_result_release(&v->spf_checked);
	if (auth_spf_check(&r, v->cache, &v->spf_checked, &need) == AUTH_NEED_DNS) {
		add_pending(v, &need);
		return;
	}
	v->spf_has_checked = 1;
	v->spf_helo = v->spf_checked.identity == AUTH_SPF_HELO;
	spf_settle(v, auth_spf_code_str(v->spf_checked.code), v->spf_checked.domain,
		   v->spf_checked.reason);
}

static void step_dkim(struct auth_message_verifier *v)
{
	struct auth_dns_need need;
	if (auth_dkim_verify_step(v->dkim, v->cache, &need) == AUTH_NEED_DNS)
		add_pending(v, &need);
	else
		v->dkim_done = 1;
}

static void step_arc(struct auth_message_verifier *v)
{
	struct auth_dns_need need;
	if (!v->arc || auth_arc_validate_step(v->arc, v->cache, &need) == AUTH_DONE)
		v->arc_done = 1;
	else
		add_pending(v, &need);
}

static void step_dmarc(struct auth_message_verifier *v)
{
	size_t n = auth_dkim_verifier_count(v->dkim);
	struct auth_dmarc_dkim dk[AUTH_DKIM_MAX_SIGNATURES];
	for (size_t i = 0; i < n; i++) {
		const struct auth_dkim_signature *s = auth_dkim_verifier_signature(v->dkim, i);
		dk[i] = (struct auth_dmarc_dkim){ auth_dkim_result_str(s->result), s->domain,
						  s->selector };
	}
	int checked = v->client.found || v->spf_authserv;
	struct auth_dmarc_input in = {
		(const char *const *)v->from_values,
		v->from_count,
		{ checked ? v->spf_result : NULL, v->spf_domain, v->spf_helo },
		dk,
		n,
		v->req.method,
		v->req.psl,
	};
	struct auth_dns_need need;
	if (auth_dmarc_evaluate(&in, v->cache, &v->dmarc, &need) == AUTH_NEED_DNS)
		add_pending(v, &need);
}

/* DMARC always starts at _dmarc.<author domain>: ask for it with the
 * first queries instead of after SPF and DKIM are done. */
static void prefetch_dmarc(struct auth_message_verifier *v)
{
	if (v->from_count != 1)
		return;
	struct auth_address_list list;
	struct lib_err err;
	const char *value = v->from_values[0];
	if (auth_address_parse(value, strlen(value), &list, &err) < 0)
		return;
	if (list.count == 1 && strlen(list.domains[0]) + 8 < AUTH_DNS_NAME_MAX) {
		struct auth_dns_need need;
		snprintf(need.name, sizeof need.name, "_dmarc.%s", list.domains[0]);
		need.type = NET_DNS_TXT;
		if (!auth_dns_cache_get(v->cache, need.name, NET_DNS_TXT))
			add_pending(v, &need);
	}
	auth_address_list_release(&list);
}

static void settle_verdict(struct auth_message_verifier *v);

enum auth_step auth_message_verify_step(struct auth_message_verifier *v,
					struct auth_dns_need *need)
{
	if (!v->finished)
		auth_message_verifier_finish(v);
	if (v->done)
		return AUTH_DONE;
	v->pending_count = 0;
	if (!v->error) {
		if (!v->spf_done)
			step_spf(v);
		if (!v->dkim_done)
			step_dkim(v);
		if (!v->arc_done)
			step_arc(v);
		if (v->spf_done && v->dkim_done)
			step_dmarc(v);
		else if (!v->dmarc)
			prefetch_dmarc(v);
	}
	if (v->pending_count) {
		*need = v->pending[0];
		return AUTH_NEED_DNS;
	}
	settle_verdict(v);
	return AUTH_DONE;
}

size_t auth_message_verifier_needs(const struct auth_message_verifier *v,
				   struct auth_dns_need *needs, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < v->pending_count; i++, n++)
		if (n < max)
			needs[n] = v->pending[i];
	if (v->done || v->error)
		return n;
	struct auth_dns_need keys[2 * AUTH_DKIM_MAX_SIGNATURES];
	size_t k = 0;
	if (!v->dkim_done)
		k = auth_dkim_verifier_needs(v->dkim, v->cache, keys, AUTH_DKIM_MAX_SIGNATURES);
	if (k > AUTH_DKIM_MAX_SIGNATURES)
		k = AUTH_DKIM_MAX_SIGNATURES;
	if (v->arc && !v->arc_done) {
		size_t a = auth_arc_validator_needs(v->arc, v->cache, keys + k,
						    AUTH_DKIM_MAX_SIGNATURES);
		k += a < AUTH_DKIM_MAX_SIGNATURES ? a : AUTH_DKIM_MAX_SIGNATURES;
	}
	for (size_t i = 0; i < k; i++) {
		int repeat = 0;
		for (size_t j = 0; j < v->pending_count && !repeat; j++)
			repeat = v->pending[j].type == keys[i].type &&
				 strcasecmp(v->pending[j].name, keys[i].name) == 0;
		for (size_t j = 0; j < i && !repeat; j++)
			repeat = keys[j].type == keys[i].type &&
				 strcasecmp(keys[j].name, keys[i].name) == 0;
		if (repeat)
			continue;
		if (n < max)
			needs[n] = keys[i];
		n++;
	}
	return n;
}

void auth_message_verifier_put(struct auth_message_verifier *v, struct net_dns_answer *answer)
{
	auth_dns_cache_put(v->cache, answer);
}

/* ---- the verdict ------------------------------------------------------------------- */

int message_dkim_aligned(const struct auth_message_verifier *v, const char *d)
{
	const struct auth_dmarc_verdict *dm = v->dmarc;
	if (!dm || !dm->author_domain || !d)
		return 0;
	struct lib_err err;
	char *domain = auth_address_domain_to_ascii(d, strlen(d), &err);
	if (!domain)
		return 0;
	int aligned = strcmp(domain, dm->author_domain) == 0;
	if (!aligned && !(dm->has_record && dm->parsed.adkim == AUTH_DMARC_STRICT)) {
		char *a = auth_dmarc_psl_org_domain(v->req.psl, domain);
		char *b = auth_dmarc_psl_org_domain(v->req.psl, dm->author_domain);
		aligned = a && b && strcmp(a, b) == 0;
		free(a);
		free(b);
	}
	free(domain);
	return aligned;
}

/* The key is gone (not found, revoked) or x= has passed, on a signature
 * old enough for that to be expected rather than suspicious. */
static int key_gone(const struct auth_message_verifier *v, const struct auth_dkim_signature *s)
{
	if (s->result != AUTH_DKIM_PERMERROR)
		return 0;
	if (s->expiry >= 0 && v->req.now > s->expiry)
		return 1;
	if (s->timestamp < 0 || v->req.now - s->timestamp < AUTH_MESSAGE_OLD_MAIL || !s->key_name)
		return 0;
	const struct net_dns_answer *a = auth_dns_cache_get(v->cache, s->key_name, NET_DNS_TXT);
	if (!a)
		return 0;
	if (a->rcode == NET_DNS_NXDOMAIN || a->rcode == NET_DNS_NODATA ||
	    (a->rcode == NET_DNS_ANSWER && a->count == 0))
		return 1;
	if (!s->key_record)
		return 0;
	struct auth_dkim_key_record key;
	struct lib_err err;
	int revoked = auth_dkim_key_parse(s->key_record, strlen(s->key_record), &key, &err) == 0 &&
		      key.p_len == 0;
	auth_dkim_key_record_release(&key);
	return revoked;
}

static void build_dkim_view(struct auth_message_verifier *v)
{
	v->dkim_count = auth_dkim_verifier_count(v->dkim);
	v->dkim_view = v->dkim_count ? lib_xcalloc(v->dkim_count, sizeof *v->dkim_view) : NULL;
	for (size_t i = 0; i < v->dkim_count; i++) {
		struct auth_message_dkim *d = &v->dkim_view[i];
		d->sig = auth_dkim_verifier_signature(v->dkim, i);
		d->aligned = message_dkim_aligned(v, d->sig->domain);
		d->forged = d->sig->result == AUTH_DKIM_FAIL;
		d->gone = key_gone(v, d->sig);
	}
}

static void fill_spf(struct auth_message_verifier *v, struct auth_message_spf *s)
{
	s->source = v->client.found ? (v->req.ip ? AUTH_MESSAGE_SPF_SESSION
						 : AUTH_MESSAGE_SPF_RECEIVED)
			: v->spf_authserv ? AUTH_MESSAGE_SPF_AUTHRES
					  : AUTH_MESSAGE_SPF_NOT_FOUND;
	s->ip = v->client.ip;
	s->helo = v->client.helo;
	s->mail_from = v->client.mail_from;
	s->received_by = v->client.by;
	s->received_index = v->client.index;
	s->authserv_id = v->spf_authserv;
	s->result = v->spf_result ? v->spf_result : "none";
	s->domain = v->spf_domain;
	s->helo_identity = v->spf_helo;
	s->reason = v->spf_reason ? v->spf_reason : v->error ? v->error : "not checked";
	s->checked = v->spf_has_checked ? &v->spf_checked : NULL;
}

static void settle_verdict(struct auth_message_verifier *v)
{
	v->done = 1;
	if (!v->error)
		build_dkim_view(v);
	struct auth_message_verdict *out = &v->verdict;
	out->error = v->error;
	out->author_error = v->dmarc && v->dmarc->result == AUTH_DMARC_PERMERROR &&
			    (v->from_count != 1 || v->dmarc->author_count != 1);
	message_badge(v);
	out->explanation = v->explanation;
	out->authserv_id = v->req.authserv_id;
	out->verified_at = v->req.now;
	fill_spf(v, &out->spf);
	out->dkim = v->dkim_view;
	out->dkim_count = v->dkim_count;
	out->dkim_not_evaluated = auth_dkim_verifier_not_evaluated(v->dkim);
	out->dmarc = v->dmarc;
	out->authres = &v->authres;
	out->authres_not_recorded = v->authres_not_recorded;
	out->dns = v->cache;
	out->arc = v->arc ? auth_arc_validator_result(v->arc) : NULL;
	out->arc_vouch = v->arc_vouch;
	/* Who the From line shows, for the warnings beyond the verdict
	 * (sender_warn.c) and for people reading the evidence. */
	if (v->from_count == 1 && !v->from_address &&
	    mime_first_mailbox(v->from_values[0], &v->from_name, &v->from_address) == 0) {
		out->from_name = v->from_name;
		out->from_address = v->from_address;
	}
}

const struct auth_message_verdict *auth_message_verifier_verdict(
	const struct auth_message_verifier *v)
{
	return v->done ? &v->verdict : NULL;
}
