/* message_badge.c: the one badge a verdict comes to, and its line of
 * plain words (the rules are in auth.h).  The order matters: what cannot
 * be told (no single author) and what is proven false (the author
 * domain's own signature forged, a DMARC fail) come before what passes;
 * a temporary DNS error turns a failure into "unknown", never into a
 * pass.  A forged signature of another domain fails the message only
 * when nothing of the author's passes (a mailing list's footer breaks
 * the signatures it does not replace). */
#include "message_private.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void say(struct auth_message_verifier *v, enum auth_badge badge, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct auth_message_verifier *v, enum auth_badge badge, const char *fmt, ...)
{
	struct lib_buf b = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* d= and s= of a broken signature may hold folding or any byte */
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			b.data[i] = b.data[i] == '\t' || b.data[i] == '\r' || b.data[i] == '\n' ? ' ' : '?';
	free(v->explanation);
	v->explanation = lib_buf_take(&b);
	v->verdict.badge = badge;
}

static const struct auth_message_dkim *first_where(const struct auth_message_verifier *v,
						   int (*pred)(const struct auth_message_dkim *))
{
	for (size_t i = 0; i < v->dkim_count; i++)
		if (pred(&v->dkim_view[i]))
			return &v->dkim_view[i];
	return NULL;
}

static int is_forged(const struct auth_message_dkim *d)
{
	return d->forged;
}

/* The author's own domain signed, and that signature does not verify:
 * whatever else passes (SPF from a shared host), this one was altered. */
static int is_forged_aligned(const struct auth_message_dkim *d)
{
	return d->forged && d->aligned;
}

static int is_gone(const struct auth_message_dkim *d)
{
	return d->gone;
}

static int is_temp(const struct auth_message_dkim *d)
{
	return d->sig->result == AUTH_DKIM_TEMPERROR;
}

static int is_pass(const struct auth_message_dkim *d)
{
	return d->sig->result == AUTH_DKIM_PASS;
}

static int is_aligned_full_pass(const struct auth_message_dkim *d)
{
	return is_pass(d) && d->aligned && !d->sig->partial;
}

static int is_aligned_pass(const struct auth_message_dkim *d)
{
	return is_pass(d) && d->aligned;
}

static const char *or_unknown(const char *s)
{
	return s ? s : "(unknown)";
}

/* A passing ARC chain whose sealer reports that this signature passed
 * when it saw the message: broken in transit, not forged at the source. */
static int arc_vouches(struct auth_message_verifier *v, const struct auth_message_dkim *d)
{
	const struct auth_arc_result *arc = v->arc ? auth_arc_validator_result(v->arc) : NULL;
	struct auth_arc_vouch vouch;
	if (!arc || arc->cv != AUTH_ARC_PASS || !d->sig->domain ||
	    !auth_arc_vouch_find(arc, d->sig->domain, &vouch))
		return 0;
	free(v->arc_vouch);
	v->arc_vouch = auth_arc_vouch_text(&vouch);
	say(v, AUTH_BADGE_PARTIAL, "DKIM broken in transit (%s); %s", d->sig->reason, v->arc_vouch);
	return 1;
}

static void forged(struct auth_message_verifier *v, const struct auth_message_dkim *d)
{
	if (arc_vouches(v, d))
		return;
	say(v, AUTH_BADGE_FAILED,
	    "the signature of %s does not verify (%s): the message was altered after it was "
	    "signed",
	    or_unknown(d->sig->domain), d->sig->reason);
}

/* DMARC passed: through SPF, a whole signature, or only one with l=. */
static void dmarc_pass(struct auth_message_verifier *v)
{
	const struct auth_dmarc_verdict *dm = v->dmarc;
	const char *author = dm->author_domain;
	const char *policy = auth_dmarc_policy_str(dm->published);
	for (size_t i = 0; i < dm->dkim_count && i < v->dkim_count; i++)
		if (dm->dkim[i].aligned && !v->dkim_view[i].sig->partial) {
			say(v, AUTH_BADGE_VERIFIED,
			    "%s signed this message and its DMARC policy (%s) says so", author, policy);
			return;
		}
	if (dm->spf.aligned) {
		say(v, AUTH_BADGE_VERIFIED,
		    "%s's servers sent this message (SPF) and its DMARC policy (%s) says so", author,
		    policy);
		return;
	}
	const struct auth_message_dkim *d = first_where(v, is_aligned_pass);
	say(v, AUTH_BADGE_PARTIAL,
	    "%s signed only the first %lld bytes of the body (l=): the rest may have been added",
	    author, d ? d->sig->length : 0LL);
}

/* What temporary error, if any, might have changed a failing verdict. */
static const char *temporary(const struct auth_message_verifier *v)
{
	if (v->dmarc && v->dmarc->result == AUTH_DMARC_TEMPERROR)
		return v->dmarc->reason;
	const struct auth_message_dkim *d = first_where(v, is_temp);
	if (d)
		return d->sig->reason;
	if (v->spf_result && strcmp(v->spf_result, "temperror") == 0)
		return v->spf_reason;
	return NULL;
}

/* No DMARC policy applies (none, or a record that does not parse). */
static void without_dmarc(struct auth_message_verifier *v)
{
	const char *author = v->dmarc ? v->dmarc->author_domain : NULL;
	const struct auth_message_dkim *d = first_where(v, is_aligned_full_pass);
	if (d) {
		say(v, AUTH_BADGE_VERIFIED, "%s signed this message (it publishes no DMARC policy)",
		    d->sig->domain);
		return;
	}
	if ((d = first_where(v, is_aligned_pass))) {
		say(v, AUTH_BADGE_PARTIAL,
		    "%s signed only the first %lld bytes of the body (l=): the rest may have "
		    "been added",
		    d->sig->domain, d->sig->length);
		return;
	}
	if ((d = first_where(v, is_pass))) {
		say(v, AUTH_BADGE_PARTIAL, "signed by %s, not by the author's domain %s",
		    d->sig->domain, or_unknown(author));
		return;
	}
	const char *temp = temporary(v);
	if (temp) {
		say(v, AUTH_BADGE_UNKNOWN, "could not be checked now: %s", temp);
		return;
	}
	if ((d = first_where(v, is_gone))) {
		say(v, AUTH_BADGE_UNKNOWN, "the key of %s's signature is gone (old mail): %s",
		    d->sig->domain, d->sig->reason);
		return;
	}
	if (v->dkim_count) {
		say(v, AUTH_BADGE_NONE, "nothing verifies: the signature of %s cannot be checked (%s)",
		    or_unknown(v->dkim_view[0].sig->domain), v->dkim_view[0].sig->reason);
		return;
	}
	if (v->spf_result && strcmp(v->spf_result, "pass") == 0)
		say(v, AUTH_BADGE_NONE,
		    "nothing signs this message; only SPF says %s may send for %s", v->client.ip
		    ? v->client.ip : "the sending server", or_unknown(v->spf_domain));
	else
		say(v, AUTH_BADGE_NONE, "nothing to verify: no signature, no DMARC policy for %s",
		    or_unknown(author));
}

void message_badge(struct auth_message_verifier *v)
{
	const struct auth_dmarc_verdict *dm = v->dmarc;
	const struct auth_message_dkim *d;
	if (v->error || !dm) {
		say(v, AUTH_BADGE_UNKNOWN, "not verified: %s", v->error ? v->error : "no verdict");
	} else if (v->verdict.author_error) {
		say(v, AUTH_BADGE_FAILED, "who sent this cannot be told: %s", dm->reason);
	} else if ((d = first_where(v, is_forged_aligned))) {
		forged(v, d);
	} else if (dm->result == AUTH_DMARC_PASS) {
		dmarc_pass(v);
	} else if (dm->result == AUTH_DMARC_TEMPERROR) {
		say(v, AUTH_BADGE_UNKNOWN, "could not be checked now: %s", dm->reason);
	} else if (dm->result == AUTH_DMARC_FAIL && temporary(v)) {
		say(v, AUTH_BADGE_UNKNOWN, "could not be checked now: %s", temporary(v));
	} else if (dm->result == AUTH_DMARC_FAIL && (d = first_where(v, is_gone)) && d->aligned) {
		say(v, AUTH_BADGE_UNKNOWN, "the key of %s's signature is gone (old mail): %s",
		    d->sig->domain, d->sig->reason);
	} else if ((d = first_where(v, is_forged))) {
		forged(v, d);
	} else if (dm->result == AUTH_DMARC_FAIL) {
		say(v, AUTH_BADGE_FAILED,
		    "nothing proves %s sent this, and its DMARC policy (%s) says it must be proven",
		    dm->author_domain, auth_dmarc_policy_str(dm->published));
	} else {
		without_dmarc(v);
	}
}
