/* message_private.h: private to src/auth.  What the files of the
 * whole-message verifier share: its state, the client found in the
 * header section, and the badge rules. */
#ifndef FRANK_AUTH_MESSAGE_PRIVATE_H
#define FRANK_AUTH_MESSAGE_PRIVATE_H

#include <stddef.h>

#include "auth.h"
#include "dkim_private.h"
#include "msg_headers.h"

/* SPF's inputs as the header section gives them (message_received.c). */
struct message_client {
	int found;        /* ip, helo and mail_from are all set */
	char *ip;
	char *helo;
	char *mail_from;  /* "" the null sender */
	char *by;         /* the trusted host whose Received field it is */
	long index;       /* that field, -1 when none */
	char *why;        /* why not found, or NULL */
};

/* The trusted boundary host's Received field and the Return-Path above
 * it; c->found says whether both were there, c->why why not. */
void message_find_client(const struct auth_msg_headers *headers, char *const *hosts,
			 size_t host_count, struct message_client *c);
/* Only the topmost Return-Path (the client came from the session). */
void message_find_mail_from(const struct auth_msg_headers *headers, struct message_client *c);
void message_client_release(struct message_client *c);

/* The request, copied. */
struct message_request {
	char *ip, *helo, *mail_from;
	char **hosts;
	size_t host_count;
	char **authserv_ids;
	size_t authserv_count;
	char *authserv_id;
	char *receiver;
	long long now;
	enum auth_dmarc_method method;
	const struct auth_dmarc_psl *psl;
};

#define MESSAGE_MAX_NEEDS 6

struct auth_message_verifier {
	struct message_request req;
	struct auth_dkim_reader reader;   /* keeps the header section */
	struct auth_dkim_verifier *dkim;
	struct auth_dns_cache *cache;
	int finished;

	/* Read from the header section at finish. */
	struct auth_msg_headers headers;
	char *error;                      /* not verified at all: why */
	char **from_values;               /* NUL-terminated copies */
	size_t from_count;
	struct auth_authres_list authres;
	size_t authres_not_recorded;
	struct message_client client;

	/* The evaluations, each kept once done (the cache only grows). */
	int spf_done;
	struct auth_spf_result spf_checked;
	int spf_has_checked;
	int spf_helo;                     /* the HELO identity was checked */
	char *spf_result, *spf_domain, *spf_reason, *spf_authserv;
	int dkim_done;
	struct auth_arc_validator *arc;   /* rides on dkim; owned by it */
	int arc_done;
	char *arc_vouch;                  /* the vouch text, when one is used */
	struct auth_message_dkim *dkim_view;
	size_t dkim_count;
	struct auth_dmarc_verdict *dmarc;
	struct auth_dns_need pending[MESSAGE_MAX_NEEDS]; /* from the last step */
	size_t pending_count;

	int done;
	char *explanation;
	char *from_name, *from_address;   /* the one From mailbox, decoded */
	struct auth_message_verdict verdict;
};

/* Sets v->verdict.badge and v->explanation from the evaluations
 * (message_badge.c). */
void message_badge(struct auth_message_verifier *v);

/* Whether d= of a signature aligns with the author domain without DNS:
 * equal, or (relaxed) the same organizational domain by the PSL. */
int message_dkim_aligned(const struct auth_message_verifier *v, const char *d);

#endif
