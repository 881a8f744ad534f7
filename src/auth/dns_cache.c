/* dns_cache.c: the DNS answers an evaluation consulted (see auth.h).  An
 * open-addressing hash table over (lowercased name, type), and an array
 * in insertion order for the evidence. */
#include "auth.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct auth_dns_cache {
	struct net_dns_answer **order; /* insertion order; owns the answers */
	size_t count;
	size_t cap;
	size_t *slots;   /* index into order + 1; 0 = empty */
	size_t nslots;   /* a power of two, at least twice count */
};

/* FNV-1a over the name without case and final dot, mixed with the type. */
static uint64_t key_hash(const char *name, enum net_dns_type type)
{
	size_t len = strlen(name);
	if (len && name[len - 1] == '.')
		len--;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)tolower((unsigned char)name[i]);
		h *= 1099511628211ull;
	}
	h ^= (uint64_t)type;
	return h * 1099511628211ull;
}

static int key_equal(const struct net_dns_answer *a, const char *name, enum net_dns_type type)
{
	if (a->qtype != type)
		return 0;
	size_t la = strlen(a->qname), ln = strlen(name);
	if (la && a->qname[la - 1] == '.')
		la--;
	if (ln && name[ln - 1] == '.')
		ln--;
	return la == ln && strncasecmp(a->qname, name, la) == 0;
}

struct auth_dns_cache *auth_dns_cache_new(void)
{
	struct auth_dns_cache *c = lib_xcalloc(1, sizeof *c);
	c->nslots = 64;
	c->slots = lib_xcalloc(c->nslots, sizeof *c->slots);
	return c;
}

void auth_dns_cache_free(struct auth_dns_cache *cache)
{
	if (!cache)
		return;
	for (size_t i = 0; i < cache->count; i++)
		net_dns_answer_free(cache->order[i]);
	free(cache->order);
	free(cache->slots);
	free(cache);
}

/* The slot holding (name, type), or the empty slot where it would go. */
static size_t find_slot(const struct auth_dns_cache *c, const char *name, enum net_dns_type type)
{
	size_t mask = c->nslots - 1;
	size_t i = (size_t)key_hash(name, type) & mask;
	while (c->slots[i] && !key_equal(c->order[c->slots[i] - 1], name, type))
		i = (i + 1) & mask;
	return i;
}

static void grow_slots(struct auth_dns_cache *c)
{
	free(c->slots);
	c->nslots *= 2;
	c->slots = lib_xcalloc(c->nslots, sizeof *c->slots);
	for (size_t k = 0; k < c->count; k++) {
		const struct net_dns_answer *a = c->order[k];
		c->slots[find_slot(c, a->qname, a->qtype)] = k + 1;
	}
}

void auth_dns_cache_put(struct auth_dns_cache *cache, struct net_dns_answer *answer)
{
	size_t slot = find_slot(cache, answer->qname, answer->qtype);
	if (cache->slots[slot]) {
		size_t k = cache->slots[slot] - 1;
		net_dns_answer_free(cache->order[k]);
		cache->order[k] = answer;
		return;
	}
	if (cache->count == cache->cap) {
		cache->cap = cache->cap ? cache->cap * 2 : 16;
		cache->order = lib_xrealloc(cache->order, cache->cap * sizeof *cache->order);
	}
	cache->order[cache->count++] = answer;
	cache->slots[slot] = cache->count;
	if (cache->count * 2 > cache->nslots)
		grow_slots(cache);
}

const struct net_dns_answer *auth_dns_cache_get(const struct auth_dns_cache *cache,
						 const char *name, enum net_dns_type type)
{
	size_t slot = find_slot(cache, name, type);
	return cache->slots[slot] ? cache->order[cache->slots[slot] - 1] : NULL;
}

size_t auth_dns_cache_count(const struct auth_dns_cache *cache)
{
	return cache->count;
}

const struct net_dns_answer *auth_dns_cache_at(const struct auth_dns_cache *cache, size_t i)
{
	return i < cache->count ? cache->order[i] : NULL;
}
