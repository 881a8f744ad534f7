/* relay.c: mail for other domains, sent on to the next hop with the SMTP
 * client of src/proto, on a worker of the runner (blocking I/O there is
 * fine: the loop never waits on it).
 *
 * By MX (RFC 5321 5.1): the domain's MX records through the shared
 * resolver (the zone file offline), tried by preference, in random order
 * among equal preferences; with no MX record the domain's own A/AAAA (the
 * implicit MX); a null MX (RFC 7505: one record, exchange ".") or a domain
 * that does not exist fails at once.  Each host's addresses come from the
 * same resolver and are tried in turn until one answers; STARTTLS is
 * opportunistic (RFC 3207, RFC 7435): used when offered, its certificate
 * not judged, and nothing secret goes over it.
 *
 * By smarthost: everything goes to one server on the submission port
 * with STARTTLS required and its certificate verified, and AUTH with an
 * app password read from a file or printed by a command at each try
 * (never logged).
 *
 * A recipient is DELIVERED only when the next hop said 2xx to the final
 * dot with its RCPT accepted; 5xx makes it FAILED; anything else
 * (4xx, a broken connection, no host answering) DEFERRED. */
#include "frankd_internal.h"

#include "mime.h"
#include "net.h"
#include "proto.h"

#include <openssl/rand.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RELAY_MAX_ADDRESSES 16 /* addresses tried for one domain in one try */

/* --- the MX list ---------------------------------------------------------------- */

static int is_null_exchange(const char *name)
{
	return !*name || strcmp(name, ".") == 0;
}

void frankd_mx_order(const struct net_dns_answer *answer, const char *domain,
		     unsigned (*rnd)(void *arg), void *arg, struct frankd_mx_list *out)
{
	memset(out, 0, sizeof *out);
	if (answer->rcode == NET_DNS_TEMPFAIL) {
		out->status = FRANKD_MX_TEMPFAIL;
		return;
	}
	if (answer->rcode == NET_DNS_NXDOMAIN) {
		out->status = FRANKD_MX_NO_DOMAIN;
		return;
	}
	if (answer->rcode == NET_DNS_NODATA || answer->count == 0) {
		out->hosts = lib_xcalloc(1, sizeof *out->hosts);
		out->hosts[out->count++] = lib_xstrdup(domain); /* the implicit MX */
		return;
	}
	if (answer->count == 1 && is_null_exchange(answer->records[0].text)) {
		out->status = FRANKD_MX_NULL;
		return;
	}
	/* by preference (insertion sort: a few records), then each run of
	 * equal preference shuffled (Fisher-Yates) */
	const struct net_dns_record **recs = lib_xcalloc(answer->count, sizeof *recs);
	size_t n = 0;
	for (size_t i = 0; i < answer->count; i++) {
		const struct net_dns_record *r = &answer->records[i];
		if (is_null_exchange(r->text))
			continue;
		size_t j = n++;
		for (; j > 0 && recs[j - 1]->preference > r->preference; j--)
			recs[j] = recs[j - 1];
		recs[j] = r;
	}
	for (size_t start = 0; start < n;) {
		size_t end = start + 1;
		while (end < n && recs[end]->preference == recs[start]->preference)
			end++;
		for (size_t i = end - 1; i > start; i--) {
			size_t k = start + rnd(arg) % (i - start + 1);
			const struct net_dns_record *t = recs[i];
			recs[i] = recs[k];
			recs[k] = t;
		}
		start = end;
	}
	out->hosts = lib_xcalloc(n ? n : 1, sizeof *out->hosts);
	for (size_t i = 0; i < n; i++)
		out->hosts[out->count++] = lib_xstrdup(recs[i]->text);
	free(recs);
	if (!n)
		out->status = FRANKD_MX_NULL;
}

void frankd_mx_list_release(struct frankd_mx_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->hosts[i]);
	free(list->hosts);
	memset(list, 0, sizeof *list);
}

/* --- outcomes --------------------------------------------------------------------- */

static void set_all(struct frankd_rcpt *const *rcpts, size_t n, enum frankd_rcpt_status status,
		    const char *why)
{
	for (size_t i = 0; i < n; i++) {
		rcpts[i]->status = status;
		frankd_rcpt_set_error(rcpts[i], why);
	}
}

static void set_all_fmt(struct frankd_rcpt *const *rcpts, size_t n,
			enum frankd_rcpt_status status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_all_fmt(struct frankd_rcpt *const *rcpts, size_t n,
			enum frankd_rcpt_status status, const char *fmt, ...)
{
	struct lib_buf why = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&why, fmt, ap);
	va_end(ap);
	set_all(rcpts, n, status, why.data);
	lib_buf_release(&why);
}

/* "550 5.1.1 no such user" from a reply. */
static void reply_text(const struct smtp_reply *r, char *out, size_t size)
{
	snprintf(out, size, "%d%s%s %s", r->code, r->enhanced[0] ? " " : "", r->enhanced,
		 r->nlines ? r->lines[0] : "");
}

/* One recipient's fate from the reply that decides it. */
static void judge(struct frankd_rcpt *rcpt, const struct smtp_reply *r, const char *host,
		  const char *stage)
{
	char text[512];
	reply_text(r, text, sizeof text);
	if (r->code / 100 == 2) {
		rcpt->status = FRANKD_RCPT_DELIVERED;
		frankd_rcpt_set_error(rcpt, NULL);
		return;
	}
	char *why = lib_xasprintf("%s said to %s: %s", host, stage, text);
	rcpt->status = r->code / 100 == 5 ? FRANKD_RCPT_FAILED : FRANKD_RCPT_DEFERRED;
	frankd_rcpt_set_error(rcpt, why);
	free(why);
}

/* What one transaction did to each recipient. */
static void apply_outcome(struct frankd_rcpt *const *rcpts, size_t n,
			  const struct smtp_outcome *out, const char *host,
			  const struct lib_err *err)
{
	switch (out->stage) {
	case SMTP_STAGE_CHECK: /* the message cannot go to this server at all */
		set_all_fmt(rcpts, n, FRANKD_RCPT_FAILED, "%s: %s", host, err->msg);
		return;
	case SMTP_STAGE_MAIL:
		for (size_t i = 0; i < n; i++)
			judge(rcpts[i], &out->mail, host, "MAIL FROM");
		return;
	case SMTP_STAGE_IO:
	case SMTP_STAGE_UNKNOWN: /* perhaps delivered: trying again risks a duplicate only */
		set_all_fmt(rcpts, n, FRANKD_RCPT_DEFERRED, "%s: %s", host, err->msg);
		return;
	default:
		break;
	}
	for (size_t i = 0; i < n; i++) {
		const struct smtp_reply *rr = i < out->nrcpts ? &out->rcpts[i].reply : NULL;
		if (!rr || rr->code == 0) {
			set_all_fmt(&rcpts[i], 1, FRANKD_RCPT_DEFERRED, "%s: no reply to RCPT TO", host);
		} else if (rr->code / 100 != 2) {
			judge(rcpts[i], rr, host, "RCPT TO");
		} else if (out->stage == SMTP_STAGE_DATA) {
			judge(rcpts[i], &out->data, host, "DATA");
		} else {
			judge(rcpts[i], &out->final, host, "the end of DATA");
		}
	}
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* An address that is not ASCII goes only to a server that offers SMTPUTF8;
 * without this check the MAIL or RCPT would fail with a vaguer reason. */
static int envelope_needs_smtputf8(const struct frankd_envelope *env,
				   struct frankd_rcpt *const *rcpts, size_t n)
{
	if (!is_ascii(env->sender))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!is_ascii(rcpts[i]->address))
			return 1;
	return 0;
}

/* What this server can take of msg (RFC 6152, RFC 6531 3.5): 0 with
 * *send and *send_len, the bytes to send (msg, or its 7-bit form in seven),
 * or -1 with every recipient FAILED: a message with a header section that
 * is not ASCII to a server without SMTPUTF8, or one with an 8-bit body
 * that cannot be made 7-bit to a server without 8BITMIME. */
static int fit_to_server(const struct smtp_client *c, const char *host,
			 const struct frankd_envelope *env, struct frankd_rcpt *const *rcpts,
			 size_t n, const char *msg, size_t len, struct lib_buf *seven,
			 const char **send, size_t *send_len)
{
	unsigned ext = smtp_client_caps(c)->ext;
	*send = msg;
	*send_len = len;
	if (ext & SMTP_EXT_SMTPUTF8)
		return 0;
	if (envelope_needs_smtputf8(env, rcpts, n)) {
		set_all_fmt(rcpts, n, FRANKD_RCPT_FAILED,
			    "%s: 550 5.6.7 the envelope has an address that is not ASCII and the "
			    "server does not offer SMTPUTF8 (RFC 6531 3.2)",
			    host);
		return -1;
	}
	if (!smtp_data_is_8bit(msg, len))
		return 0;
	if (mime_header_is_8bit(msg, len)) {
		set_all_fmt(rcpts, n, FRANKD_RCPT_FAILED,
			    "%s: 550 5.6.9 the message has header fields that are not ASCII and the "
			    "server does not offer SMTPUTF8 (RFC 6531 3.5)",
			    host);
		return -1;
	}
	if (ext & SMTP_EXT_8BITMIME)
		return 0;
	struct lib_err err;
	if (mime_message_to_7bit(msg, len, seven, &err) < 0) {
		set_all_fmt(rcpts, n, FRANKD_RCPT_FAILED,
			    "%s: 554 5.6.3 the server does not offer 8BITMIME and the message cannot "
			    "be made 7-bit: %s",
			    host, err.msg);
		return -1;
	}
	frankd_log(FRANKD_LOG_INFO, "%s: %s does not offer 8BITMIME: sent in a 7-bit form (%zu bytes)",
		   env->id, host, seven->len);
	*send = seven->data;
	*send_len = seven->len;
	return 0;
}

/* One session with one server: 0 when it answered (the recipients have
 * their fate), -1 with err set when no session could be opened. */
static int send_to(const struct smtp_opts *opts, const char *label,
		   const struct frankd_envelope *env, struct frankd_rcpt *const *rcpts, size_t n,
		   const char *msg, size_t len, struct lib_err *err)
{
	struct smtp_client *c = NULL;
	if (smtp_client_open(&c, opts, err) < 0)
		return -1;
	const char **addrs = lib_xcalloc(n, sizeof *addrs);
	for (size_t i = 0; i < n; i++)
		addrs[i] = rcpts[i]->address;
	struct smtp_outcome out;
	struct lib_err terr = { 0 };
	char *host = lib_xasprintf("%s%s", label, smtp_client_is_tls(c) ? " (TLS)" : "");
	/* What protected the session, for the log: opportunistic TLS does not
	 * judge the certificate (RFC 7435), so it is never called verified. */
	frankd_log(FRANKD_LOG_INFO, "%s: session with %s: %s", env->id, label,
		   !smtp_client_is_tls(c) ? "plaintext"
		   : opts->starttls == SMTP_STARTTLS_OPPORTUNISTIC
			   ? "TLS, certificate not verified (opportunistic)"
			   : "TLS, certificate verified");
	struct lib_buf seven = LIB_BUF_INIT;
	const char *send;
	size_t send_len;
	if (fit_to_server(c, host, env, rcpts, n, msg, len, &seven, &send, &send_len) == 0) {
		smtp_client_relay(c, env->sender, addrs, n, send, send_len, &out, &terr);
		apply_outcome(rcpts, n, &out, host, &terr);
		smtp_outcome_release(&out);
	}
	lib_buf_release(&seven);
	smtp_client_free(c);
	free(addrs);
	free(host);
	return 0;
}

/* --- by MX ------------------------------------------------------------------------ */

static unsigned random_index(void *arg)
{
	(void)arg;
	unsigned v = 0;
	if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
		v = (unsigned)rand(); /* only the order among equals depends on it */
	return v;
}

/* The addresses of host, A then AAAA, appended to addrs (at most max). */
static void host_addresses(struct net_dns *dns, const char *host, char **addrs, size_t *n,
			   size_t max)
{
	static const enum net_dns_type types[] = { NET_DNS_A, NET_DNS_AAAA };
	for (size_t t = 0; t < 2; t++) {
		struct lib_err err;
		struct net_dns_answer *a = net_dns_lookup(dns, host, types[t], &err);
		for (size_t i = 0; a && a->rcode == NET_DNS_ANSWER && i < a->count && *n < max; i++)
			addrs[(*n)++] = lib_xstrdup(a->records[i].text);
		net_dns_answer_free(a);
	}
}

/* Each address of each host in turn, until one holds a session. */
static void try_hosts(const struct frankd_conf *conf, struct net_dns *dns,
		      const struct frankd_mx_list *mx, const struct frankd_envelope *env,
		      struct frankd_rcpt *const *rcpts, size_t n, const char *msg, size_t len)
{
	char *last = lib_xasprintf("no MX host of %s has an address",
				   frankd_address_domain(rcpts[0]->address));
	int done = 0;
	size_t tried = 0;
	for (size_t h = 0; h < mx->count && !done && tried < RELAY_MAX_ADDRESSES; h++) {
		char *addrs[RELAY_MAX_ADDRESSES];
		size_t na = 0;
		host_addresses(dns, mx->hosts[h], addrs, &na, RELAY_MAX_ADDRESSES - tried);
		for (size_t a = 0; a < na; a++) {
			struct smtp_opts opts = {
				.host = addrs[a],
				.port = conf->mta.relay_port,
				.starttls = SMTP_STARTTLS_OPPORTUNISTIC,
				.helo_name = conf->hostname,
				.conn = { .trace_name = "relay",
					  .bind_address = conf->mta.relay_from },
			};
			char *label = lib_xasprintf("%s[%s]", mx->hosts[h], addrs[a]);
			struct lib_err err;
			tried++;
			if (!done && send_to(&opts, label, env, rcpts, n, msg, len, &err) == 0) {
				done = 1;
			} else if (!done) {
				free(last);
				last = lib_xasprintf("%s: %s", label, err.msg);
			}
			free(label);
			free(addrs[a]);
		}
	}
	if (!done)
		set_all(rcpts, n, FRANKD_RCPT_DEFERRED, last);
	free(last);
}

static void relay_by_mx(const struct frankd_conf *conf, struct net_dns *dns,
			const struct frankd_envelope *env, struct frankd_rcpt *const *rcpts,
			size_t n, const char *msg, size_t len)
{
	const char *domain = frankd_address_domain(rcpts[0]->address);
	struct lib_err err;
	struct net_dns_answer *answer = net_dns_lookup(dns, domain, NET_DNS_MX, &err);
	if (!answer) {
		set_all(rcpts, n, FRANKD_RCPT_DEFERRED, err.msg);
		return;
	}
	struct frankd_mx_list mx;
	frankd_mx_order(answer, domain, random_index, NULL, &mx);
	switch (mx.status) {
	case FRANKD_MX_NULL:
		set_all_fmt(rcpts, n, FRANKD_RCPT_FAILED,
			    "556 5.1.10 %s has a null MX: it accepts no mail", domain);
		break;
	case FRANKD_MX_NO_DOMAIN:
		set_all_fmt(rcpts, n, FRANKD_RCPT_FAILED, "550 5.1.2 %s: no such domain (NXDOMAIN)",
			    domain);
		break;
	case FRANKD_MX_TEMPFAIL:
		set_all_fmt(rcpts, n, FRANKD_RCPT_DEFERRED, "MX lookup of %s: %s", domain,
			    answer->why ? answer->why : "temporary failure");
		break;
	case FRANKD_MX_HOSTS:
		try_hosts(conf, dns, &mx, env, rcpts, n, msg, len);
		break;
	}
	frankd_mx_list_release(&mx);
	net_dns_answer_free(answer);
}

/* --- by smarthost ------------------------------------------------------------------ */

#define PASSWORD_COMMAND_TIMEOUT 30 /* seconds */

/* The first line of the password file or of password_command's output
 * (caller wipes and frees). */
static char *smarthost_password(const struct frankd_smarthost *sh, struct lib_err *err)
{
	char *text = NULL;
	size_t len = 0;
	if (sh->password_command) {
		if (frankd_password_command(sh->password_command, PASSWORD_COMMAND_TIMEOUT, &text,
					    err) < 0)
			return NULL;
		return text;
	}
	if (lib_read_file(sh->password_file, 4096, &text, &len, err) < 0)
		return NULL;
	text[strcspn(text, "\r\n")] = '\0';
	return text;
}

static void relay_by_smarthost(const struct frankd_conf *conf, const struct frankd_envelope *env,
			       struct frankd_rcpt *const *rcpts, size_t n, const char *msg,
			       size_t len)
{
	const struct frankd_smarthost *sh = &conf->smarthost;
	struct lib_err err;
	char *password = NULL;
	if (sh->user && (sh->password_file || sh->password_command) &&
	    !(password = smarthost_password(sh, &err))) {
		set_all(rcpts, n, FRANKD_RCPT_DEFERRED, err.msg);
		return;
	}
	struct net_tls_policy policy = { conf->mta.smarthost_ca_file, NULL };
	struct smtp_opts opts = {
		.host = sh->host,
		.port = sh->port,
		.implicit_tls = strcmp(sh->port, "465") == 0,
		.starttls = SMTP_STARTTLS_REQUIRED,
		.tls = &policy,
		.user = password ? sh->user : NULL,
		.password = password,
		.helo_name = conf->hostname,
		.conn = { .trace_name = "smarthost" },
	};
	char *label = lib_xasprintf("smarthost %s:%s", sh->host, sh->port);
	if (send_to(&opts, label, env, rcpts, n, msg, len, &err) < 0)
		set_all_fmt(rcpts, n, FRANKD_RCPT_DEFERRED, "%s: %s", label, err.msg);
	free(label);
	if (password) {
		lib_secure_zero(password, strlen(password));
		free(password);
	}
}

void frankd_relay(const struct frankd_conf *conf, struct net_dns *dns,
		  const struct frankd_envelope *env, struct frankd_rcpt *const *rcpts, size_t n,
		  const char *msg, size_t len)
{
	if (n == 0)
		return;
	if (conf->smarthost.host)
		relay_by_smarthost(conf, env, rcpts, n, msg, len);
	else
		relay_by_mx(conf, dns, env, rcpts, n, msg, len);
}
