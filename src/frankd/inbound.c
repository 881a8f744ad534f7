/* inbound.c: what frankd checks on mail that comes in on port 25 (SPF,
 * DKIM and DMARC through src/auth, with the session's own client IP, HELO
 * and MAIL FROM: no header is trusted for them) and the DKIM signature it
 * puts on mail its users submit.  Both run on a worker, once the whole
 * message is read and before it is committed to the queue, so a message
 * DMARC says to reject is refused at the end of DATA and never queued. */
#include "frankd_internal.h"

#include "auth.h"
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct net_dns *frankd_dns_open(const struct frankd_conf *conf, struct lib_err *err)
{
	struct net_dns_opts opts = { .network = conf->mta.dns_network };
	struct net_dns *dns = net_dns_new(&opts, err);
	if (dns && conf->zone_file && net_dns_load_zone_file(dns, conf->zone_file, err) < 0) {
		net_dns_free(dns);
		return NULL;
	}
	return dns;
}

static const char *authserv_id(const struct frankd_conf *conf)
{
	return conf->mta.authserv_id ? conf->mta.authserv_id : conf->hostname;
}

/* What conf->mta.dmarc makes of a verdict. */
static void decide(const struct frankd_conf *conf, const struct auth_dmarc_verdict *dmarc,
		   struct frankd_inbound *out)
{
	out->action = FRANKD_INBOUND_ACCEPT;
	if (!dmarc || dmarc->result != AUTH_DMARC_FAIL || conf->mta.dmarc == FRANKD_DMARC_NONE)
		return;
	if (dmarc->policy == AUTH_DMARC_POLICY_NONE)
		return;
	int reject = dmarc->policy == AUTH_DMARC_POLICY_REJECT &&
		     conf->mta.dmarc == FRANKD_DMARC_FOLLOW;
	out->action = reject ? FRANKD_INBOUND_REJECT : FRANKD_INBOUND_QUARANTINE;
	snprintf(out->why, sizeof out->why, "DMARC policy of %s (p=%s): %s",
		 dmarc->policy_domain ? dmarc->policy_domain : "the author domain",
		 auth_dmarc_policy_str(dmarc->published), dmarc->reason ? dmarc->reason : "fail");
}

int frankd_inbound_verify(const struct frankd_conf *conf, const char *ip, const char *helo,
			  const char *sender, const char *msg, size_t len,
			  struct frankd_inbound *out, struct lib_err *err)
{
	memset(out, 0, sizeof *out);
	struct net_dns *dns = frankd_dns_open(conf, err);
	if (!dns)
		return -1;
	struct auth_message_request req = {
		.ip = ip,
		.helo = helo ? helo : "",
		.mail_from = sender ? sender : "",
		.authserv_id = authserv_id(conf),
		.receiver = conf->hostname,
	};
	struct auth_message_verifier *v = auth_message_verifier_new(&req);
	auth_message_verifier_feed(v, msg, len);
	auth_message_verifier_finish(v);
	struct lib_err dns_err;
	int rc = auth_message_resolve(v, dns, &dns_err);
	net_dns_free(dns); /* before the verifier: answers may be pending */
	const struct auth_message_verdict *verdict = rc == 0 ? auth_message_verifier_verdict(v)
							     : NULL;
	if (!verdict) {
		/* a resolver failure: the message is taken, the result says so */
		out->authres = lib_xasprintf("Authentication-Results: %s; none "
					     "(the checks could not run: %s)\r\n",
					     authserv_id(conf), rc < 0 ? dns_err.msg : "no verdict");
	} else {
		char *field = auth_message_verdict_authres(verdict, 1);
		out->authres = lib_xasprintf("%s\r\n", field);
		free(field);
		decide(conf, verdict->dmarc, out);
	}
	auth_message_verifier_free(v);
	return 0;
}

void frankd_inbound_release(struct frankd_inbound *in)
{
	if (!in)
		return;
	free(in->authres);
	in->authres = NULL;
}

/* --- DKIM signing ------------------------------------------------------------ */

/* The body of the first From field of msg's header section (unfolded
 * enough for auth_address_parse), or NULL.  Caller frees. */
static char *from_field(const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len;
	while (p < end && *p != '\r' && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl + 1 : end;
		if ((size_t)(line_end - p) > 5 && strncasecmp(p, "From:", 5) == 0) {
			const char *stop = line_end; /* continuation lines start with WSP */
			while (stop < end && (*stop == ' ' || *stop == '\t')) {
				const char *next = memchr(stop, '\n', (size_t)(end - stop));
				stop = next ? next + 1 : end;
			}
			return lib_xstrndup(p + 5, (size_t)(stop - p - 5));
		}
		p = line_end;
	}
	return NULL;
}

static const struct frankd_dkim_key *key_for(const struct frankd_conf *conf, const char *domain)
{
	for (size_t i = 0; domain && i < conf->ndkim_keys; i++)
		if (strcasecmp(conf->dkim_keys[i].domain, domain) == 0)
			return &conf->dkim_keys[i];
	return NULL;
}

/* The key for the author's domain (what DMARC aligns with), else the
 * envelope sender's. */
static const struct frankd_dkim_key *signing_key(const struct frankd_conf *conf,
						 const char *sender, const char *msg,
						 size_t len)
{
	const struct frankd_dkim_key *key = NULL;
	char *from = from_field(msg, len);
	struct auth_address_list list = { 0 };
	struct lib_err err;
	if (from && auth_address_parse(from, strlen(from), &list, &err) == 0 && list.count == 1)
		key = key_for(conf, list.domains[0]);
	auth_address_list_release(&list);
	free(from);
	if (!key && sender && *sender)
		key = key_for(conf, frankd_address_domain(sender));
	return key;
}

int frankd_dkim_sign_message(const struct frankd_conf *conf, const char *sender,
			     const struct lib_buf *headers, const char *msg, size_t len,
			     char **field, struct lib_err *err)
{
	*field = NULL;
	const struct frankd_dkim_key *key = signing_key(conf, sender, msg, len);
	if (!key)
		return 0;
	struct lib_err e;
	struct auth_dkim_signing_key *k = auth_dkim_signing_key_load(key->key_file, &e);
	if (!k)
		return lib_err_set(err, "DKIM key of %s: %s", key->domain, e.msg);
	struct auth_dkim_sign_options opts = { .domain = key->domain, .selector = key->selector };
	struct auth_dkim_signer *signer = auth_dkim_signer_new(k, &opts, &e);
	int rc = -1;
	if (!signer) {
		lib_err_set(err, "DKIM signing for %s: %s", key->domain, e.msg);
	} else {
		if (headers->len)
			auth_dkim_signer_feed(signer, headers->data, headers->len);
		auth_dkim_signer_feed(signer, msg, len);
		rc = auth_dkim_signer_finish(signer, field, &e);
		if (rc < 0)
			lib_err_set(err, "DKIM signing for %s: %s", key->domain, e.msg);
	}
	auth_dkim_signer_free(signer);
	auth_dkim_signing_key_free(k);
	return rc < 0 ? -1 : 0;
}
