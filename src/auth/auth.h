/* auth.h: the face of src/auth, the sender authenticity engine: SPF
 * (RFC 7208), DKIM (RFC 6376, RFC 8463), DMARC (RFC 9989), ARC (RFC 8617)
 * and Authentication-Results (RFC 8601).  It serves frank and frankd.
 *
 * The engine never does I/O.  Every evaluator reads DNS answers from a
 * struct auth_dns_cache; when an answer it needs is missing, it stops and
 * returns AUTH_NEED_DNS with the query in a struct auth_dns_need.  The
 * caller resolves that query (synchronously, or asynchronously in frankd's
 * event loop), puts the answer into the cache and calls the evaluator
 * again, which starts over and gets further.  Evaluations are cheap next
 * to DNS, the limits of RFC 7208 bound the restarts, and the engine stays
 * a pure function of its inputs and the answers: tests and fuzzers feed
 * answers directly, and the evidence shown to the user is exactly the
 * cache's content. */
#ifndef FRANK_AUTH_H
#define FRANK_AUTH_H

#include <stddef.h>

#include "lib.h"
#include "net.h"

/* ===================================================================== */
/* DNS answers the engine consults                                       */
/* ===================================================================== */

/* Answers keyed by (name, type); names compare case-insensitively and
 * without a final dot.  Owns the answers put into it. */
struct auth_dns_cache;

struct auth_dns_cache *auth_dns_cache_new(void);
void auth_dns_cache_free(struct auth_dns_cache *cache);

/* Takes ownership of answer (its qname and qtype are the key); an older
 * answer for the same key is freed. */
void auth_dns_cache_put(struct auth_dns_cache *cache, struct net_dns_answer *answer);

/* The answer for (name, type), or NULL when it was never put.  Owned by
 * the cache, valid until the cache is freed or the key is put again. */
const struct net_dns_answer *auth_dns_cache_get(const struct auth_dns_cache *cache,
						 const char *name, enum net_dns_type type);

/* Every answer, in the order they were first put (for the evidence view). */
size_t auth_dns_cache_count(const struct auth_dns_cache *cache);
const struct net_dns_answer *auth_dns_cache_at(const struct auth_dns_cache *cache, size_t i);

/* The query an evaluator needs answered before it can go on. */
#define AUTH_DNS_NAME_MAX 256
struct auth_dns_need {
	char name[AUTH_DNS_NAME_MAX]; /* without the final dot */
	enum net_dns_type type;
};

/* Status of an evaluation step. */
enum auth_step {
	AUTH_DONE = 0,     /* the result is final */
	AUTH_NEED_DNS = 1, /* resolve *need, put it in the cache, call again */
};

/* ===================================================================== */
/* SPF (RFC 7208)                                                        */
/* ===================================================================== */

/* (SPF declarations) */




/* ===================================================================== */
/* DKIM (RFC 6376, RFC 8463, RFC 8301)                                   */
/* ===================================================================== */

/* (DKIM declarations) */




/* ===================================================================== */
/* DMARC (RFC 9989), ARC (RFC 8617), Authentication-Results (RFC 8601)    */
/* ===================================================================== */

/* (DMARC, ARC and Authentication-Results declarations) */

#endif
