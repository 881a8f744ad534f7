/* route.c: the routing step: where a recipient goes (a local user's
 * Maildir, a local domain without such a user, or another domain, for
 * relay), and whom a user may send as.  Domains compare without case; so
 * do local parts, as most local delivery agents take them. */
#include "frankd.h"

#include <string.h>
#include <strings.h>

const char *frankd_address_domain(const char *address)
{
	const char *at = strrchr(address, '@');
	return at ? at + 1 : "";
}

/* The user that has address among its addresses, or NULL. */
static const struct frankd_user *user_by_address(const struct frankd_conf *conf,
						 const char *address)
{
	for (size_t i = 0; i < conf->nusers; i++)
		for (size_t j = 0; j < conf->users[i].naddresses; j++)
			if (strcasecmp(conf->users[i].addresses[j], address) == 0)
				return &conf->users[i];
	return NULL;
}

/* local+tag@domain without its +tag, in out (size > strlen(address)). */
static int strip_tag(const struct frankd_conf *conf, const char *address, char *out)
{
	const char *at = strrchr(address, '@');
	const char *tag = conf->recipient_delimiter && at
				  ? memchr(address, conf->recipient_delimiter, (size_t)(at - address))
				  : NULL;
	if (!tag || tag == address)
		return 0;
	size_t head = (size_t)(tag - address);
	memcpy(out, address, head);
	strcpy(out + head, at);
	return 1;
}

void frankd_route(const struct frankd_conf *conf, const char *address, struct frankd_route *out)
{
	out->user = NULL;
	const char *at = strrchr(address, '@');
	if (!at) { /* RCPT TO:<Postmaster> (RFC 5321 4.1.1.3) */
		out->user = frankd_conf_user(conf, conf->postmaster);
		out->kind = strcasecmp(address, "postmaster") == 0 && out->user ? FRANKD_ROUTE_LOCAL
										 : FRANKD_ROUTE_NO_USER;
		return;
	}
	if (!frankd_conf_is_local_domain(conf, at + 1)) {
		out->kind = FRANKD_ROUTE_REMOTE;
		return;
	}
	out->user = user_by_address(conf, address);
	if (!out->user) {
		char bare[FRANKD_SMTP_PATH_MAX + 1];
		if (strlen(address) < sizeof bare && strip_tag(conf, address, bare))
			out->user = user_by_address(conf, bare);
	}
	if (!out->user && (size_t)(at - address) == 10 && strncasecmp(address, "postmaster", 10) == 0)
		out->user = frankd_conf_user(conf, conf->postmaster);
	out->kind = out->user ? FRANKD_ROUTE_LOCAL : FRANKD_ROUTE_NO_USER;
}

/* "*@domain" matches every address of domain; any other pattern itself. */
static int sender_matches(const char *pattern, const char *address)
{
	if (strncmp(pattern, "*@", 2) == 0)
		return strcasecmp(pattern + 2, frankd_address_domain(address)) == 0 &&
		       strchr(address, '@') != NULL;
	return strcasecmp(pattern, address) == 0;
}

int frankd_may_send_as(const struct frankd_user *user, const char *address)
{
	if (!*address)
		return 0;
	for (size_t i = 0; i < user->naddresses; i++)
		if (strcasecmp(user->addresses[i], address) == 0)
			return 1;
	for (size_t i = 0; i < user->nsend_as; i++)
		if (sender_matches(user->send_as[i], address))
			return 1;
	return 0;
}
