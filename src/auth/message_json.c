/* message_json.c: a verdict and its evidence as one line of JSON (RFC
 * 8259), the form the store keeps with a message and frank verify --json
 * prints.  Version 1; a reader checks "v" and ignores members it does not
 * know.  Strings are valid UTF-8 (bytes that are not, and control
 * characters but TAB and LF, become U+FFFD); absent values are null.
 *
 * {"v":1, "authserv_id":S, "verified_at":SECONDS, "badge":"verified" |
 *  "partial" | "failed" | "none" | "unknown", "explanation":S, "error":S,
 *  "author_error":BOOL, "authentication_results":S (the field we write),
 *  "from":{"name":S, "address":S} (null unless From has one mailbox),
 *  "warnings":[{"kind":"display-name"|"lookalike"|"first-sender"|
 *               "first-signer", "text":S}] (sender_warn.c; empty unless
 *               the caller checked),
 *  "spf":{"source":"session"|"received"|"authentication-results"|"none",
 *         "result":S, "domain":S, "identity":"mailfrom"|"helo", "reason":S,
 *         "ip":S, "helo":S, "mail_from":S, "received_by":S,
 *         "received_index":N, "authserv_id":S,
 *         "check":{"sender":S, "matched":S, "matched_domain":S,
 *                  "explanation":S, "dns_terms":N, "void_lookups":N,
 *                  "records":[{"domain":S, "text":S,
 *                              "via":"check"|"include"|"redirect",
 *                              "depth":N}]}},   (check: null unless
 *                                                  SPF ran here)
 *  "dkim":[{"result":S, "reason":S, "domain":S, "selector":S,
 *           "identity":S, "algorithm":S, "canonicalization":"H/B",
 *           "signed_headers":[S], "length":N, "timestamp":N, "expiry":N,
 *           "b":S (its first 8 characters, RFC 6008), "body_length":N,
 *           "partial":B, "weak":B, "aligned":B, "forged":B, "gone":B,
 *           "key":{"name":S, "type":S, "bits":N, "testing":B,
 *                  "strict":B, "services":S}}],
 *  "dkim_not_evaluated":N,
 *  "dmarc":{"result":S, "reason":S, "method":"treewalk"|"psl",
 *           "author_domains":[S], "author_domain":S, "policy_domain":S,
 *           "record":S, "org_domain":S, "policy":S (what applies),
 *           "published":S, "policy_tag":"p"|"sp"|"np",
 *           "alignment":{"spf":A, "dkim":[A]}, "queries":[S]},
 *       A = {"result":S, "domain":S, "selector":S, "mode":S,
 *            "aligned":B, "why":S}
 *  "authres":{"trusted":[R], "untrusted":[R], "errors":[S],
 *             "not_recorded":N},
 *       R = {"authserv_id":S, "arc_instance":N, "results":[{"method":S,
 *            "result":S, "reason":S, "props":[[PTYPE.PROPERTY, VALUE]]}]}
 *  "arc":{"cv":"none"|"pass"|"fail", "reason":S, "temporary":B,
 *         "count":N, "oldest_pass":N, "vouch":S (null unless used),
 *         "sets":[{"instance":N, "seal_cv":S, "seal":SIG,
 *                  "message_signature":SIG, "results":S (the AAR)}]},
 *       SIG = {"result":S, "reason":S, "domain":S, "selector":S} or null
 *       ("arc" is null when the chain was not looked at)
 *  "dns":[{"name":S, "type":S, "rcode":"ANSWER"|"NXDOMAIN"|"NODATA"|
 *          "TEMPFAIL", "secure":B, "bogus":B, "cname":S, "why":S,
 *          "records":[S] (TXT text, addresses, "PREF HOST" for MX)}]}
 * in the order the lookups were made. */
#include "message_private.h"

#include <stdlib.h>
#include <string.h>

/* A writer that puts the commas: fresh at the start of an object or an
 * array, after_key between a key and its value. */
struct jw {
	struct lib_buf *out;
	int fresh;
	int after_key;
};

static void sep(struct jw *w)
{
	if (w->after_key)
		w->after_key = 0;
	else if (!w->fresh)
		lib_buf_putc(w->out, ',');
	w->fresh = 0;
}

static void raw_string(struct lib_buf *out, const char *s, size_t len)
{
	struct lib_buf clean = LIB_BUF_INIT;
	lib_utf8_sanitize(s, len, &clean);
	lib_buf_putc(out, '"');
	for (size_t i = 0; i < clean.len; i++) {
		char c = clean.data[i];
		if (c == '"' || c == '\\') {
			lib_buf_putc(out, '\\');
			lib_buf_putc(out, c);
		} else if (c == '\n') {
			lib_buf_puts(out, "\\n");
		} else if (c == '\t') {
			lib_buf_puts(out, "\\t");
		} else {
			lib_buf_putc(out, c);
		}
	}
	lib_buf_putc(out, '"');
	lib_buf_release(&clean);
}

/* Starts a value: its key first inside an object (k), none in an array. */
static void lead(struct jw *w, const char *k)
{
	if (k) {
		sep(w);
		raw_string(w->out, k, strlen(k));
		lib_buf_putc(w->out, ':');
		w->after_key = 1;
	}
	sep(w);
}

static void begin(struct jw *w, const char *k, char c)
{
	lead(w, k);
	lib_buf_putc(w->out, c);
	w->fresh = 1;
}

static void end(struct jw *w, char c)
{
	lib_buf_putc(w->out, c);
	w->fresh = 0;
}

static void str_n(struct jw *w, const char *k, const char *s, size_t len)
{
	lead(w, k);
	if (s)
		raw_string(w->out, s, len);
	else
		lib_buf_puts(w->out, "null");
}

static void str(struct jw *w, const char *k, const char *s)
{
	str_n(w, k, s, s ? strlen(s) : 0);
}

static void num(struct jw *w, const char *k, long long n)
{
	lead(w, k);
	lib_buf_printf(w->out, "%lld", n);
}

/* A count or time where -1 means absent. */
static void opt_num(struct jw *w, const char *k, long long n)
{
	if (n < 0)
		str(w, k, NULL);
	else
		num(w, k, n);
}

static void boolean(struct jw *w, const char *k, int b)
{
	lead(w, k);
	lib_buf_puts(w->out, b ? "true" : "false");
}

/* ---- SPF ------------------------------------------------------------------------ */

static const char *via_str(enum auth_spf_via via)
{
	return via == AUTH_SPF_VIA_INCLUDE ? "include" : via == AUTH_SPF_VIA_REDIRECT ? "redirect"
										      : "check";
}

static void spf_check(struct jw *w, const struct auth_spf_result *r)
{
	if (!r) {
		str(w, "check", NULL);
		return;
	}
	begin(w, "check", '{');
	str(w, "sender", r->sender);
	str(w, "matched", r->matched);
	str(w, "matched_domain", r->matched_domain);
	str(w, "explanation", r->explanation);
	num(w, "dns_terms", r->dns_terms);
	num(w, "void_lookups", r->void_lookups);
	begin(w, "records", '[');
	for (size_t i = 0; i < r->record_count; i++) {
		const struct auth_spf_record_seen *s = &r->records[i];
		begin(w, NULL, '{');
		str(w, "domain", s->domain);
		str(w, "text", s->text);
		str(w, "via", via_str(s->via));
		num(w, "depth", s->depth);
		end(w, '}');
	}
	end(w, ']');
	end(w, '}');
}

static void spf(struct jw *w, const struct auth_message_spf *s)
{
	begin(w, "spf", '{');
	str(w, "source", auth_message_spf_source_str(s->source));
	str(w, "result", s->result);
	str(w, "domain", s->domain);
	str(w, "identity", s->helo_identity ? "helo" : "mailfrom");
	str(w, "reason", s->reason);
	str(w, "ip", s->ip);
	str(w, "helo", s->helo);
	str(w, "mail_from", s->mail_from);
	str(w, "received_by", s->received_by);
	opt_num(w, "received_index", s->received_index);
	str(w, "authserv_id", s->authserv_id);
	spf_check(w, s->checked);
	end(w, '}');
}

/* ---- DKIM ----------------------------------------------------------------------- */

static void dkim_key(struct jw *w, const struct auth_dkim_signature *s)
{
	begin(w, "key", '{');
	str(w, "name", s->key_name);
	str(w, "type", s->key_type);
	num(w, "bits", s->key_bits);
	boolean(w, "testing", s->key_testing);
	boolean(w, "strict", s->key_strict);
	str(w, "services", s->key_services);
	end(w, '}');
}

static void dkim_one(struct jw *w, const struct auth_message_dkim *d)
{
	const struct auth_dkim_signature *s = d->sig;
	begin(w, NULL, '{');
	str(w, "result", auth_dkim_result_str(s->result));
	str(w, "reason", s->reason);
	str(w, "domain", s->domain);
	str(w, "selector", s->selector);
	str(w, "identity", s->identity);
	str(w, "algorithm", s->algorithm);
	lead(w, "canonicalization");
	lib_buf_printf(w->out, "\"%s/%s\"", auth_dkim_canon_str(s->header_canon),
		       auth_dkim_canon_str(s->body_canon));
	begin(w, "signed_headers", '[');
	for (size_t i = 0; i < s->signed_header_count; i++)
		str(w, NULL, s->signed_headers[i]);
	end(w, ']');
	opt_num(w, "length", s->length);
	opt_num(w, "timestamp", s->timestamp);
	opt_num(w, "expiry", s->expiry);
	str_n(w, "b", s->b, s->b ? (strlen(s->b) < 8 ? strlen(s->b) : 8) : 0);
	num(w, "body_length", (long long)s->body_length);
	boolean(w, "partial", s->partial);
	boolean(w, "weak", s->weak);
	boolean(w, "aligned", d->aligned);
	boolean(w, "forged", d->forged);
	boolean(w, "gone", d->gone);
	dkim_key(w, s);
	end(w, '}');
}

/* ---- DMARC ---------------------------------------------------------------------- */

static void alignment(struct jw *w, const char *k, const struct auth_dmarc_alignment *a)
{
	begin(w, k, '{');
	str(w, "result", a->result);
	str(w, "domain", a->domain);
	str(w, "selector", a->selector);
	str(w, "mode", auth_dmarc_align_mode_str(a->mode));
	boolean(w, "aligned", a->aligned);
	str(w, "why", a->why);
	end(w, '}');
}

static void str_list(struct jw *w, const char *k, char *const *items, size_t n)
{
	begin(w, k, '[');
	for (size_t i = 0; i < n; i++)
		str(w, NULL, items[i]);
	end(w, ']');
}

static void dmarc(struct jw *w, const struct auth_dmarc_verdict *d)
{
	if (!d) {
		str(w, "dmarc", NULL);
		return;
	}
	begin(w, "dmarc", '{');
	str(w, "result", auth_dmarc_result_str(d->result));
	str(w, "reason", d->reason);
	str(w, "method", d->method == AUTH_DMARC_PSL ? "psl" : "treewalk");
	str_list(w, "author_domains", d->author_domains, d->author_count);
	str(w, "author_domain", d->author_domain);
	str(w, "policy_domain", d->policy_domain);
	str(w, "record", d->record);
	str(w, "org_domain", d->org_domain);
	str(w, "policy", d->has_policy ? auth_dmarc_policy_str(d->policy) : NULL);
	str(w, "published", d->has_policy ? auth_dmarc_policy_str(d->published) : NULL);
	str(w, "policy_tag", d->has_policy ? d->policy_tag : NULL);
	begin(w, "alignment", '{');
	if (d->spf.result)
		alignment(w, "spf", &d->spf);
	else
		str(w, "spf", NULL);
	begin(w, "dkim", '[');
	for (size_t i = 0; i < d->dkim_count; i++)
		alignment(w, NULL, &d->dkim[i]);
	end(w, ']');
	end(w, '}');
	str_list(w, "queries", d->queries, d->query_count);
	end(w, '}');
}

/* ---- ARC ---------------------------------------------------------------------------- */

static void arc_sig(struct jw *w, const char *k, const struct auth_dkim_signature *s)
{
	if (!s) {
		str(w, k, NULL);
		return;
	}
	begin(w, k, '{');
	str(w, "result", auth_dkim_result_str(s->result));
	str(w, "reason", s->reason);
	str(w, "domain", s->domain);
	str(w, "selector", s->selector);
	end(w, '}');
}

static void arc(struct jw *w, const struct auth_message_verdict *v)
{
	const struct auth_arc_result *r = v->arc;
	if (!r) {
		str(w, "arc", NULL);
		return;
	}
	begin(w, "arc", '{');
	str(w, "cv", auth_arc_cv_str(r->cv));
	str(w, "reason", r->reason);
	boolean(w, "temporary", r->temporary);
	num(w, "count", r->count);
	num(w, "oldest_pass", r->oldest_pass);
	str(w, "vouch", v->arc_vouch);
	begin(w, "sets", '[');
	for (unsigned i = 0; r->sets && i < r->count; i++) {
		const struct auth_arc_set *set = &r->sets[i];
		begin(w, NULL, '{');
		num(w, "instance", set->instance);
		str(w, "seal_cv", auth_arc_cv_str(set->seal_cv));
		arc_sig(w, "seal", set->seal);
		arc_sig(w, "message_signature", set->message_signature);
		str(w, "results", set->results_text);
		end(w, '}');
	}
	end(w, ']');
	end(w, '}');
}

/* ---- Authentication-Results found in the message --------------------------------- */

static void authres_one(struct jw *w, const struct auth_authres *ar)
{
	begin(w, NULL, '{');
	str(w, "authserv_id", ar->authserv_id);
	num(w, "arc_instance", ar->arc_instance);
	begin(w, "results", '[');
	for (size_t i = 0; i < ar->count; i++) {
		const struct auth_authres_result *r = &ar->results[i];
		begin(w, NULL, '{');
		str(w, "method", r->method);
		str(w, "result", r->result);
		str(w, "reason", r->reason);
		begin(w, "props", '[');
		for (size_t k = 0; k < r->prop_count; k++) {
			char *name = lib_xasprintf("%s.%s", r->props[k].ptype, r->props[k].property);
			begin(w, NULL, '[');
			str(w, NULL, name);
			str(w, NULL, r->props[k].value);
			end(w, ']');
			free(name);
		}
		end(w, ']');
		end(w, '}');
	}
	end(w, ']');
	end(w, '}');
}

static void authres(struct jw *w, const struct auth_message_verdict *v)
{
	const struct auth_authres_list *l = v->authres;
	begin(w, "authres", '{');
	for (int trusted = 1; trusted >= 0; trusted--) {
		begin(w, trusted ? "trusted" : "untrusted", '[');
		for (size_t i = 0; l && i < l->count; i++)
			if (!l->items[i]->trusted == !trusted)
				authres_one(w, l->items[i]);
		end(w, ']');
	}
	str_list(w, "errors", l ? l->errors : NULL, l ? l->error_count : 0);
	num(w, "not_recorded", (long long)v->authres_not_recorded);
	end(w, '}');
}

/* ---- DNS -------------------------------------------------------------------------- */

static void dns_answer(struct jw *w, const struct net_dns_answer *a)
{
	begin(w, NULL, '{');
	str(w, "name", a->qname);
	str(w, "type", net_dns_type_str(a->qtype));
	str(w, "rcode", net_dns_rcode_str(a->rcode));
	boolean(w, "secure", a->secure);
	boolean(w, "bogus", a->bogus);
	str(w, "cname", a->cname);
	str(w, "why", a->why);
	begin(w, "records", '[');
	for (size_t i = 0; i < a->count; i++) {
		const struct net_dns_record *r = &a->records[i];
		if (a->qtype == NET_DNS_MX) {
			char *mx = lib_xasprintf("%u %s", r->preference, r->text);
			str(w, NULL, mx);
			free(mx);
		} else {
			str_n(w, NULL, r->text, r->text_len);
		}
	}
	end(w, ']');
	end(w, '}');
}

static void from_mailbox(struct jw *w, const struct auth_message_verdict *v)
{
	if (!v->from_address) {
		lead(w, "from");
		lib_buf_puts(w->out, "null");
		return;
	}
	begin(w, "from", '{');
	str(w, "name", v->from_name);
	str(w, "address", v->from_address);
	end(w, '}');
}

static void warnings(struct jw *w, const struct auth_warnings *ws)
{
	begin(w, "warnings", '[');
	for (size_t i = 0; ws && i < ws->count; i++) {
		begin(w, NULL, '{');
		str(w, "kind", auth_warning_kind_str(ws->kind[i]));
		str(w, "text", ws->text[i]);
		end(w, '}');
	}
	end(w, ']');
}

char *auth_message_verdict_json(const struct auth_message_verdict *v)
{
	return auth_message_verdict_json_warned(v, NULL);
}

char *auth_message_verdict_json_warned(const struct auth_message_verdict *v,
				       const struct auth_warnings *ws)
{
	struct lib_buf out = LIB_BUF_INIT;
	struct jw w = { &out, 1, 0 };
	begin(&w, NULL, '{');
	num(&w, "v", AUTH_MESSAGE_JSON_VERSION);
	str(&w, "authserv_id", v->authserv_id);
	num(&w, "verified_at", v->verified_at);
	str(&w, "badge", auth_badge_str(v->badge));
	str(&w, "explanation", v->explanation);
	str(&w, "error", v->error);
	boolean(&w, "author_error", v->author_error);
	from_mailbox(&w, v);
	warnings(&w, ws);
	char *field = auth_message_verdict_authres(v, 0);
	str(&w, "authentication_results", field);
	free(field);
	spf(&w, &v->spf);
	begin(&w, "dkim", '[');
	for (size_t i = 0; i < v->dkim_count; i++)
		dkim_one(&w, &v->dkim[i]);
	end(&w, ']');
	num(&w, "dkim_not_evaluated", (long long)v->dkim_not_evaluated);
	dmarc(&w, v->dmarc);
	arc(&w, v);
	authres(&w, v);
	begin(&w, "dns", '[');
	size_t n = v->dns ? auth_dns_cache_count(v->dns) : 0;
	for (size_t i = 0; i < n; i++)
		dns_answer(&w, auth_dns_cache_at(v->dns, i));
	end(&w, ']');
	end(&w, '}');
	return lib_buf_take(&out);
}
