/* verify.c: the verification view: every step that led to a message's
 * badge, read from its verdict file (the JSON of frank verify --json),
 * in plain words beside the RFC terms; verify-again checks it anew. */
#include "ui_internal.h"
#include "ui_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_VERDICT_FILE (16u * 1024 * 1024)

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* What a result word of RFC 8601 means, for someone who never met it. */
static const char *plain_result(const char *result)
{
	static const struct {
		const char *word, *plain;
	} words[] = {
		{ "pass", "proved" },
		{ "fail", "FAILED: the check proves something is wrong" },
		{ "softfail", "doubtful: the domain says this is probably not its mail" },
		{ "neutral", "not proved: the domain says nothing either way" },
		{ "none", "nothing to check: the domain publishes nothing" },
		{ "temperror", "could not be checked now (a temporary DNS error)" },
		{ "permerror", "could not be checked: the domain's record is broken" },
		{ "policy", "not accepted by local policy" },
	};
	for (size_t i = 0; result && i < sizeof words / sizeof words[0]; i++)
		if (strcmp(result, words[i].word) == 0)
			return words[i].plain;
	return "unknown result";
}

static void spf_section(const struct ui_json *spf, struct lib_buf *b)
{
	const char *result = ui_json_str(spf, "result");
	lib_buf_puts(b, "\n== Who handed it over?  SPF, Sender Policy Framework (RFC 7208) ==\n");
	lib_buf_puts(b, "   Checks that the server which gave this message to your provider is\n"
			"   one the sender's domain lists as allowed to send its mail.\n");
	lib_buf_printf(b, "   Result: spf=%s: %s\n", or_dash(result), plain_result(result));
	lib_buf_printf(b, "   Reason: %s\n", or_dash(ui_json_str(spf, "reason")));
	lib_buf_printf(b, "   Domain checked: %s (identity %s)\n", or_dash(ui_json_str(spf, "domain")),
		       or_dash(ui_json_str(spf, "identity")));
	lib_buf_printf(b, "   Sending server (client IP): %s   HELO: %s\n",
		       or_dash(ui_json_str(spf, "ip")), or_dash(ui_json_str(spf, "helo")));
	lib_buf_printf(b, "   Envelope sender (MAIL FROM): %s\n",
		       or_dash(ui_json_str(spf, "mail_from")));
	const char *by = ui_json_str(spf, "received_by");
	if (by)
		lib_buf_printf(b, "   Taken from the Received: field written by %s (your trusted "
				  "boundary host)\n", by);
	const char *source = ui_json_str(spf, "source");
	if (source && strcmp(source, "authentication-results") == 0)
		lib_buf_printf(b, "   Taken from the trusted Authentication-Results of %s\n",
			       or_dash(ui_json_str(spf, "authserv_id")));
	const struct ui_json *check = ui_json_get(spf, "check");
	if (!check || check->type != UI_JSON_OBJECT)
		return;
	lib_buf_printf(b, "   Term that matched: %s (in the record of %s)\n",
		       or_dash(ui_json_str(check, "matched")),
		       or_dash(ui_json_str(check, "matched_domain")));
	const struct ui_json *records = ui_json_get(check, "records");
	for (size_t i = 0; records && records->type == UI_JSON_ARRAY && i < records->count; i++)
		lib_buf_printf(b, "   Record of %s (%s): %s\n",
			       or_dash(ui_json_str(records->items[i], "domain")),
			       or_dash(ui_json_str(records->items[i], "via")),
			       or_dash(ui_json_str(records->items[i], "text")));
	lib_buf_printf(b, "   DNS lookups counted: %.0f (at most 10 allowed)\n",
		       ui_json_num(check, "dns_terms", 0));
}

/* What one DKIM signature proves, in a sentence. */
static const char *dkim_plain(const struct ui_json *sig)
{
	const char *result = ui_json_str(sig, "result");
	if (ui_json_true(sig, "forged"))
		return "the message was changed after it was signed, or the signature is forged";
	if (ui_json_true(sig, "gone"))
		return "the signing key is no longer published (normal for old mail): not proved";
	if (result && strcmp(result, "pass") == 0) {
		if (ui_json_true(sig, "partial"))
			return "signed, but only part of the body (l=): text may have been added "
			       "after the signed part";
		return ui_json_true(sig, "aligned")
			       ? "the sender's own domain signed it and it is unchanged since"
			       : "another domain signed it (not the one in From), unchanged since";
	}
	return plain_result(result);
}

static void dkim_signature(const struct ui_json *sig, size_t n, const struct ui_json *dns,
			   struct lib_buf *b)
{
	const char *domain = ui_json_str(sig, "domain"), *sel = ui_json_str(sig, "selector");
	const struct ui_json *key = ui_json_get(sig, "key");
	lib_buf_printf(b, "   Signature %zu: d=%s s=%s\n", n, or_dash(domain), or_dash(sel));
	lib_buf_printf(b, "     Result: dkim=%s: %s\n", or_dash(ui_json_str(sig, "result")),
		       dkim_plain(sig));
	lib_buf_printf(b, "     Reason: %s\n", or_dash(ui_json_str(sig, "reason")));
	lib_buf_printf(b, "     Algorithm: a=%s", or_dash(ui_json_str(sig, "algorithm")));
	if (key && key->type == UI_JSON_OBJECT)
		lib_buf_printf(b, ", key %s %.0f bits%s", or_dash(ui_json_str(key, "type")),
			       ui_json_num(key, "bits", 0),
			       ui_json_true(sig, "weak") ? " (weak: too short to trust)" : "");
	lib_buf_printf(b, "\n     Canonicalization: c=%s\n",
		       or_dash(ui_json_str(sig, "canonicalization")));
	const struct ui_json *h = ui_json_get(sig, "signed_headers");
	lib_buf_puts(b, "     Signed header fields: h=");
	for (size_t i = 0; h && h->type == UI_JSON_ARRAY && i < h->count; i++)
		lib_buf_printf(b, "%s%s", i ? ":" : "",
			       h->items[i]->type == UI_JSON_STRING ? h->items[i]->string : "?");
	lib_buf_putc(b, '\n');
	double l = ui_json_num(sig, "length", -1);
	if (l >= 0)
		lib_buf_printf(b, "     Body length: l=%.0f of %.0f bytes signed\n", l,
			       ui_json_num(sig, "body_length", 0));
	else
		lib_buf_puts(b, "     Body length: the whole body is signed\n");
	lib_buf_printf(b, "     Aligned with the From domain: %s\n",
		       ui_json_true(sig, "aligned") ? "yes" : "no");
	/* The key's DNS answer: was it DNSSEC-validated? */
	char name[512];
	snprintf(name, sizeof name, "%s._domainkey.%s", or_dash(sel), or_dash(domain));
	for (size_t i = 0; dns && dns->type == UI_JSON_ARRAY && i < dns->count; i++) {
		const char *q = ui_json_str(dns->items[i], "name");
		if (q && strcasecmp(q, name) == 0)
			lib_buf_printf(b, "     Key from DNS (%s): %s\n", name,
				       ui_json_true(dns->items[i], "secure")
					       ? "DNSSEC-validated"
					       : "not DNSSEC-validated (usual; trusted as DNS is)");
	}
}

static void dkim_section(const struct ui_json *v, struct lib_buf *b)
{
	const struct ui_json *dkim = ui_json_get(v, "dkim");
	lib_buf_puts(b, "\n== Was it changed on the way?  DKIM signatures (RFC 6376) ==\n");
	lib_buf_puts(b, "   A domain signs the message with a key it publishes in DNS; a valid\n"
			"   signature proves that domain sent it and nobody changed it since.\n");
	if (!dkim || dkim->type != UI_JSON_ARRAY || dkim->count == 0) {
		lib_buf_puts(b, "   No signature: nothing proves who wrote this message.\n");
		return;
	}
	for (size_t i = 0; i < dkim->count; i++)
		dkim_signature(dkim->items[i], i + 1, ui_json_get(v, "dns"), b);
}

static void alignment_line(const struct ui_json *a, const char *what, struct lib_buf *b)
{
	if (!a || a->type != UI_JSON_OBJECT)
		return;
	lib_buf_printf(b, "   %s: %s domain %s, %s: %s\n", what,
		       ui_json_true(a, "aligned") ? "aligned" : "NOT aligned",
		       or_dash(ui_json_str(a, "domain")), or_dash(ui_json_str(a, "result")),
		       or_dash(ui_json_str(a, "why")));
}

static void dmarc_section(const struct ui_json *dmarc, struct lib_buf *b)
{
	const char *result = ui_json_str(dmarc, "result");
	lib_buf_puts(b, "\n== Does the From domain stand behind it?  DMARC (RFC 7489) ==\n");
	lib_buf_puts(b, "   The domain in From: publishes a policy; the message passes when SPF\n"
			"   or a DKIM signature passed for that same domain (\"aligned\").\n");
	lib_buf_printf(b, "   Result: dmarc=%s: %s\n", or_dash(result), plain_result(result));
	lib_buf_printf(b, "   Reason: %s\n", or_dash(ui_json_str(dmarc, "reason")));
	lib_buf_printf(b, "   From domain: %s   Organizational domain: %s\n",
		       or_dash(ui_json_str(dmarc, "author_domain")),
		       or_dash(ui_json_str(dmarc, "org_domain")));
	lib_buf_printf(b, "   Record (at %s): %s\n", or_dash(ui_json_str(dmarc, "policy_domain")),
		       or_dash(ui_json_str(dmarc, "record")));
	lib_buf_printf(b, "   Policy: p=%s (what the domain asks for mail that fails)\n",
		       or_dash(ui_json_str(dmarc, "policy")));
	const struct ui_json *al = ui_json_get(dmarc, "alignment");
	alignment_line(ui_json_get(al, "spf"), "SPF identity", b);
	const struct ui_json *dk = ui_json_get(al, "dkim");
	for (size_t i = 0; dk && dk->type == UI_JSON_ARRAY && i < dk->count; i++)
		alignment_line(dk->items[i], "DKIM signature", b);
}

static void arc_section(const struct ui_json *arc, struct lib_buf *b)
{
	if (!arc || arc->type != UI_JSON_OBJECT)
		return;
	lib_buf_puts(b, "\n== Forwarded by a list or a forwarder?  ARC (RFC 8617) ==\n");
	lib_buf_printf(b, "   Chain: cv=%s, %.0f set(s): %s\n", or_dash(ui_json_str(arc, "cv")),
		       ui_json_num(arc, "count", 0), or_dash(ui_json_str(arc, "reason")));
	const char *vouch = ui_json_str(arc, "vouch");
	if (vouch)
		lib_buf_printf(b, "   Vouched: %s\n", vouch);
}

static void authres_list(const struct ui_json *list, const char *what, struct lib_buf *b)
{
	for (size_t i = 0; list && list->type == UI_JSON_ARRAY && i < list->count; i++) {
		const struct ui_json *r = list->items[i], *res = ui_json_get(r, "results");
		lib_buf_printf(b, "   %s %s:", what, or_dash(ui_json_str(r, "authserv_id")));
		for (size_t k = 0; res && res->type == UI_JSON_ARRAY && k < res->count; k++)
			lib_buf_printf(b, " %s=%s", or_dash(ui_json_str(res->items[k], "method")),
				       or_dash(ui_json_str(res->items[k], "result")));
		lib_buf_putc(b, '\n');
	}
}

static void authres_section(const struct ui_json *ar, struct lib_buf *b)
{
	lib_buf_puts(b, "\n== What your provider's server said: Authentication-Results (RFC 8601) ==\n");
	lib_buf_puts(b, "   Only results from servers named in authserv_ids count: anyone can\n"
			"   write this header field into a message.\n");
	const struct ui_json *trusted = ui_json_get(ar, "trusted");
	if (!trusted || trusted->type != UI_JSON_ARRAY || trusted->count == 0)
		lib_buf_puts(b, "   No trusted result.\n");
	authres_list(trusted, "Trusted", b);
	authres_list(ui_json_get(ar, "untrusted"), "Ignored (not trusted)", b);
}

static void dns_section(const struct ui_json *dns, struct lib_buf *b)
{
	lib_buf_puts(b, "\n== DNS answers consulted ==\n");
	for (size_t i = 0; dns && dns->type == UI_JSON_ARRAY && i < dns->count; i++) {
		const struct ui_json *a = dns->items[i], *recs = ui_json_get(a, "records");
		lib_buf_printf(b, "   %s %s: %s%s\n", or_dash(ui_json_str(a, "name")),
			       or_dash(ui_json_str(a, "type")), or_dash(ui_json_str(a, "rcode")),
			       ui_json_true(a, "secure") ? " (DNSSEC)" : "");
		for (size_t k = 0; recs && recs->type == UI_JSON_ARRAY && k < recs->count; k++)
			if (recs->items[k]->type == UI_JSON_STRING)
				lib_buf_printf(b, "      %s\n", recs->items[k]->string);
	}
}

static void verdict_text(const struct store_view_message *m, const struct ui_json *v, int utf8,
			 struct lib_buf *b)
{
	struct ui_badge badge;
	const char *word = ui_json_str(v, "badge");
	ui_badge_of(word ? word : "", utf8, &badge);
	lib_buf_printf(b, "Message: %s\nFrom: %s\n\n", m->subject, m->from);
	lib_buf_printf(b, "Badge: %s %s\n", badge.glyph, badge.word);
	lib_buf_printf(b, "In short: %s\n", or_dash(ui_json_str(v, "explanation")));
	for (size_t i = 0; i < m->nwarnings; i++)
		lib_buf_printf(b, "Warning: %s\n", m->warnings[i]);
	const char *error = ui_json_str(v, "error");
	if (error)
		lib_buf_printf(b, "Not verified: %s\n", error);
	time_t at = (time_t)ui_json_num(v, "verified_at", 0);
	char when[64] = "-";
	struct tm tm;
	if (at > 0)
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&at, &tm));
	lib_buf_printf(b, "Verified at %s by %s\n", when, or_dash(ui_json_str(v, "authserv_id")));
	spf_section(ui_json_get(v, "spf"), b);
	dkim_section(v, b);
	dmarc_section(ui_json_get(v, "dmarc"), b);
	arc_section(ui_json_get(v, "arc"), b);
	authres_section(ui_json_get(v, "authres"), b);
	dns_section(ui_json_get(v, "dns"), b);
}

/* The text of the view for m, or an explanation of why there is none. */
static char *verify_text(struct ui_session *s, const struct store_view_message *m)
{
	struct lib_buf b = LIB_BUF_INIT;
	if (!m->verdict[0]) {
		lib_buf_printf(&b, "Message: %s\nFrom: %s\n\nfrank has no verdict for this message: "
				   "it was not verified when it arrived (frank -f on a Maildir, or a "
				   "sync without verification).\n", m->subject, m->from);
		if (ui_account_of(s, m->path))
			lib_buf_puts(&b, "Press the verify-again key to verify it now.\n");
		return lib_buf_take(&b);
	}
	char *path = store_verdict_path(store_view_root(s->view), m->verdict);
	char *data = NULL;
	size_t len = 0;
	struct lib_err err;
	struct ui_json *v = NULL;
	if (lib_read_file(path, MAX_VERDICT_FILE, &data, &len, &err) < 0 ||
	    !(v = ui_json_parse(data, len, &err)))
		lib_buf_printf(&b, "The verdict file cannot be read: %s: %s\n", path, err.msg);
	else
		verdict_text(m, v, s->utf8, &b);
	ui_json_free(v);
	free(data);
	free(path);
	return lib_buf_take(&b);
}

/* Verifies m again now, with the DNS of the configuration (live unless
 * dns_offline), and stores the new verdict with it. */
static void verify_again(struct ui_session *s, struct store_view_message *m)
{
	const struct config_account *acct = ui_account_of(s, m->path);
	struct lib_err err;
	if (!acct || !s->cfg->opt.mail_root || !store_view_is_mail_root(s->view)) {
		ui_error("verifying needs an account and its mail_root (frankrc)");
		return;
	}
	ui_message("Verifying...");
	refresh();
	struct store_verifier *v = store_verifier_new(s->cfg, acct, &err);
	struct store_props *props = store_props_new();
	if (!v || store_verifier_check(v, m->path, props, &err) < 0 ||
	    store_view_set_verdict(s->view, m, props, &err) < 0)
		ui_error("%s", err.msg);
	else
		ui_message("Verified again: %s.", m->badge);
	store_props_free(props);
	store_verifier_free(v);
}

void ui_verify_show(struct ui_session *s, struct store_view_message *m)
{
	static const enum ui_fn fns[] = { UI_FN_EXIT, UI_FN_NEXT_PAGE, UI_FN_VERIFY_AGAIN,
					  UI_FN_HELP };
	static const char *const labels[] = { "Exit", "NextPg", "Verify again", "Help" };
	char *text = verify_text(s, m);
	struct ui_textview tv = { 0 };
	ui_textview_wrap(&tv, text, COLS);
	for (;;) {
		if (tv.width != COLS)
			ui_textview_wrap(&tv, text, COLS);
		ui_draw_help_bar(&s->keys, UI_MENU_VERIFY, fns, labels, 4);
		ui_textview_draw(&tv);
		char pos[16], status[512];
		ui_textview_position(&tv, pos, sizeof pos);
		snprintf(status, sizeof status, "---Verification: %s -- (%s)", m->subject, pos);
		ui_draw_bar(LINES - 2, status);
		enum ui_fn fn;
		int got = ui_wait_fn(&s->keys, UI_MENU_VERIFY, &fn);
		if (got < 0)
			break;
		if (got == 0 || ui_textview_scroll(&tv, fn))
			continue;
		if (fn == UI_FN_EXIT || fn == UI_FN_QUIT)
			break;
		if (fn == UI_FN_HELP) {
			ui_help_show(&s->keys, UI_MENU_VERIFY);
		} else if (fn == UI_FN_VERIFY_AGAIN) {
			verify_again(s, m);
			free(text);
			text = verify_text(s, m);
			ui_textview_wrap(&tv, text, COLS);
		} else if (fn == UI_FN_REDRAW) {
			clearok(curscr, TRUE);
		}
	}
	ui_textview_release(&tv);
	free(text);
}
