/* message_dns.c: the synchronous driver of the message verifier over a
 * struct net_dns.  It is the one place in src/auth that asks a resolver;
 * the verifier itself only steps over the answers it was given.  Each
 * round resolves every query the verifier can name at once (all the
 * DKIM keys, the pending SPF and DMARC queries) and waits for them. */
#include "message_private.h"

#include <stdlib.h>
#include <string.h>

/* SPF's and DMARC's limits end an evaluation long before this. */
#define MAX_ROUNDS 1000
#define MAX_PARALLEL (AUTH_DKIM_MAX_SIGNATURES + MESSAGE_MAX_NEEDS)

static void on_answer(struct net_dns_answer *answer, void *arg)
{
	auth_message_verifier_put(arg, answer);
}

/* A name the resolver refuses (not a domain name) exists nowhere. */
static struct net_dns_answer *refused_answer(const struct auth_dns_need *need)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(need->name);
	a->qtype = need->type;
	a->rcode = NET_DNS_NXDOMAIN;
	return a;
}

int auth_message_resolve(struct auth_message_verifier *v, struct net_dns *dns,
			 struct lib_err *err)
{
	struct auth_dns_need need, needs[MAX_PARALLEL];
	for (int round = 0; round < MAX_ROUNDS; round++) {
		if (auth_message_verify_step(v, &need) == AUTH_DONE)
			return 0;
		size_t n = auth_message_verifier_needs(v, needs, MAX_PARALLEL);
		if (n > MAX_PARALLEL)
			n = MAX_PARALLEL;
		if (n == 0)
			needs[n++] = need;
		for (size_t i = 0; i < n; i++) {
			struct lib_err refused;
			if (net_dns_submit(dns, needs[i].name, needs[i].type, on_answer, v,
					   &refused) < 0)
				auth_message_verifier_put(v, refused_answer(&needs[i]));
		}
		/* On failure, answers may still come: the caller frees dns
		 * before the verifier, which cancels them. */
		if (net_dns_wait(dns, -1, err) < 0)
			return -1;
	}
	return lib_err_set(err, "DNS: the verification asked more than %d rounds of queries",
			   MAX_ROUNDS);
}
