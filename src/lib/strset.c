/* strset.c: a set of strings, open addressing with linear probing over
 * FNV-1a hashes, kept at most half full.  Written here because the set is
 * thirty lines and glib's GHashTable would pull glib into every layer. */
#include "lib.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct lib_strset {
	char **slot; /* cap entries, NULL when empty */
	size_t cap;  /* a power of two */
	size_t count;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot holding s, or the empty one where it would go. */
static size_t find_slot(const struct lib_strset *set, const char *s)
{
	size_t i = (size_t)fnv1a(s) & (set->cap - 1);
	while (set->slot[i] && strcmp(set->slot[i], s) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

struct lib_strset *lib_strset_new(void)
{
	struct lib_strset *set = lib_xcalloc(1, sizeof *set);
	set->cap = 16;
	set->slot = lib_xcalloc(set->cap, sizeof *set->slot);
	return set;
}

void lib_strset_free(struct lib_strset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	free(set);
}

static void grow(struct lib_strset *set)
{
	struct lib_strset bigger = { lib_xcalloc(set->cap * 2, sizeof(char *)), set->cap * 2,
				     set->count };
	for (size_t i = 0; i < set->cap; i++)
		if (set->slot[i])
			bigger.slot[find_slot(&bigger, set->slot[i])] = set->slot[i];
	free(set->slot);
	*set = bigger;
}

int lib_strset_add(struct lib_strset *set, const char *s)
{
	size_t i = find_slot(set, s);
	if (set->slot[i])
		return 0;
	set->slot[i] = lib_xstrdup(s);
	if (++set->count * 2 > set->cap)
		grow(set);
	return 1;
}

int lib_strset_has(const struct lib_strset *set, const char *s)
{
	return set->slot[find_slot(set, s)] != NULL;
}

size_t lib_strset_count(const struct lib_strset *set)
{
	return set->count;
}

const char *lib_strset_next(const struct lib_strset *set, size_t *pos)
{
	while (*pos < set->cap) {
		const char *s = set->slot[(*pos)++];
		if (s)
			return s;
	}
	return NULL;
}
