/* ratelimit.c: failures counted per key (a client address, a user name)
 * in fixed windows.  The table has a fixed size so that a flood of
 * addresses costs bounded memory: when it is full, the entry whose window
 * started first makes room.  Lookups scan it; it is small. */
#include "frankd.h"

#include <stdlib.h>
#include <string.h>

#define KEY_MAX 128

struct rl_entry {
	char key[KEY_MAX];
	time_t start; /* 0: free */
	unsigned failures;
};

struct frankd_ratelimit {
	struct rl_entry *entries;
	size_t capacity;
};

struct frankd_ratelimit *frankd_ratelimit_new(size_t capacity)
{
	struct frankd_ratelimit *rl = lib_xcalloc(1, sizeof *rl);
	rl->capacity = capacity ? capacity : 1;
	rl->entries = lib_xcalloc(rl->capacity, sizeof *rl->entries);
	return rl;
}

void frankd_ratelimit_free(struct frankd_ratelimit *rl)
{
	if (!rl)
		return;
	free(rl->entries);
	free(rl);
}

/* The live entry for key, or NULL; an expired one is freed on the way. */
static struct rl_entry *lookup(struct frankd_ratelimit *rl, const char *key, time_t now,
			       unsigned window)
{
	for (size_t i = 0; i < rl->capacity; i++) {
		struct rl_entry *e = &rl->entries[i];
		if (e->start && now - e->start >= (time_t)window)
			e->start = 0;
		if (e->start && strncmp(e->key, key, KEY_MAX - 1) == 0)
			return e;
	}
	return NULL;
}

int frankd_ratelimit_blocked(struct frankd_ratelimit *rl, const char *key, time_t now,
			     unsigned limit, unsigned window)
{
	struct rl_entry *e = lookup(rl, key, now, window);
	return e && e->failures >= limit;
}

void frankd_ratelimit_fail(struct frankd_ratelimit *rl, const char *key, time_t now,
			   unsigned window)
{
	struct rl_entry *e = lookup(rl, key, now, window);
	if (!e) {
		e = &rl->entries[0];
		for (size_t i = 0; i < rl->capacity && e->start; i++)
			if (!rl->entries[i].start || rl->entries[i].start < e->start)
				e = &rl->entries[i];
		memset(e, 0, sizeof *e);
		strncpy(e->key, key, KEY_MAX - 1);
		e->start = now ? now : 1;
	}
	e->failures++;
}
