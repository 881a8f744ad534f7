/* appauth.c: checking AUTH credentials against the app password file.
 *
 * scrypt is slow on purpose, and frankd runs one loop: a client that sends
 * mail after mail would stall every session for each check.  So a success
 * is remembered, as an HMAC-SHA256 of user and password under a key made
 * at start (never the password, and useless outside this process), until
 * the password file changes. */
#include "frankd_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define CACHE_SIZE 64
#define RATELIMIT_KEYS 4096

struct cache_entry {
	unsigned char digest[32];
	char label[FRANKD_LABEL_MAX + 1];
	int used;
};

struct frankd_auth {
	char *path; /* the file the passwords came from */
	struct stat stamp;
	int loaded;
	struct frankd_passwords pw;
	unsigned char key[32];
	struct cache_entry cache[CACHE_SIZE];
	size_t cache_next;
	char label[FRANKD_LABEL_MAX + 1];
	struct frankd_ratelimit *by_ip, *by_user;
};

struct frankd_auth *frankd_auth_new(void)
{
	struct frankd_auth *a = lib_xcalloc(1, sizeof *a);
	if (RAND_bytes(a->key, sizeof a->key) != 1)
		abort(); /* no randomness: nothing can be kept safe */
	a->by_ip = frankd_ratelimit_new(RATELIMIT_KEYS);
	a->by_user = frankd_ratelimit_new(RATELIMIT_KEYS);
	return a;
}

void frankd_auth_free(struct frankd_auth *a)
{
	if (!a)
		return;
	frankd_passwords_release(&a->pw);
	free(a->path);
	frankd_ratelimit_free(a->by_ip);
	frankd_ratelimit_free(a->by_user);
	lib_secure_zero(a, sizeof *a);
	free(a);
}

static int same_stamp(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtime == b->st_mtime && a->st_ctime == b->st_ctime;
}

/* Reads the password file again when it is another file or has changed. */
static int refresh(struct frankd_auth *a, const char *path)
{
	struct stat st;
	memset(&st, 0, sizeof st);
	if (stat(path, &st) < 0 && errno != ENOENT)
		return -1;
	if (a->loaded && a->path && strcmp(a->path, path) == 0 && same_stamp(&st, &a->stamp))
		return 0;
	struct frankd_passwords pw;
	struct lib_err err;
	if (frankd_passwords_load(path, &pw, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "passwords: %s", err.msg);
		return -1;
	}
	frankd_passwords_release(&a->pw);
	a->pw = pw;
	free(a->path);
	a->path = lib_xstrdup(path);
	a->stamp = st;
	a->loaded = 1;
	memset(a->cache, 0, sizeof a->cache); /* a revoked password must fail now */
	frankd_log(FRANKD_LOG_DEBUG, "passwords: read %s (%zu entries)", path, pw.count);
	return 0;
}

static void digest(const struct frankd_auth *a, const char *user, const char *password,
		   unsigned char out[32])
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, user);
	lib_buf_putc(&b, '\0');
	lib_buf_puts(&b, password);
	unsigned len = 32;
	HMAC(EVP_sha256(), a->key, sizeof a->key, (const unsigned char *)b.data, b.len, out, &len);
	lib_secure_zero(b.data, b.len);
	lib_buf_release(&b);
}

/* The user a login names: a user name, or one of a user's addresses. */
static const struct frankd_user *login_user(const struct frankd_conf *conf, const char *login)
{
	const struct frankd_user *u = frankd_conf_user(conf, login);
	if (u || !strchr(login, '@'))
		return u;
	struct frankd_route route;
	frankd_route(conf, login, &route);
	return route.kind == FRANKD_ROUTE_LOCAL ? route.user : NULL;
}

static const char *cached(struct frankd_auth *a, const unsigned char d[32])
{
	for (size_t i = 0; i < CACHE_SIZE; i++)
		if (a->cache[i].used && CRYPTO_memcmp(a->cache[i].digest, d, 32) == 0)
			return a->cache[i].label;
	return NULL;
}

static void remember(struct frankd_auth *a, const unsigned char d[32], const char *label)
{
	struct cache_entry *e = &a->cache[a->cache_next++ % CACHE_SIZE];
	memcpy(e->digest, d, 32);
	strncpy(e->label, label, FRANKD_LABEL_MAX);
	e->label[FRANKD_LABEL_MAX] = '\0';
	e->used = 1;
}

enum frankd_auth_result frankd_auth_check(struct frankd_auth *a, const struct frankd_conf *conf,
					  const char *ip, const char *login, const char *password,
					  const char **user, const char **label, const char **why)
{
	time_t now = time(NULL);
	const struct frankd_limits *lim = &conf->limits;
	*why = NULL;
	if (frankd_ratelimit_blocked(a->by_ip, ip, now, lim->auth_failures, lim->auth_window) ||
	    frankd_ratelimit_blocked(a->by_user, login, now, lim->auth_failures, lim->auth_window)) {
		*why = "too many failures";
		return FRANKD_AUTH_BLOCKED;
	}
	if (refresh(a, conf->password_file) < 0) {
		*why = "the password file cannot be read";
		return FRANKD_AUTH_TEMPFAIL;
	}
	const struct frankd_user *u = login_user(conf, login);
	unsigned char d[32];
	const char *found = NULL;
	struct lib_err err;
	if (u) {
		digest(a, u->name, password, d);
		found = cached(a, d);
		if (!found) {
			int rc = frankd_passwords_check(&a->pw, u->name, password, &found, &err);
			if (rc < 0) {
				frankd_log(FRANKD_LOG_ERROR, "passwords: %s", err.msg);
				*why = "password check failed";
				return FRANKD_AUTH_TEMPFAIL;
			}
			if (rc == 1)
				remember(a, d, found);
		}
	}
	if (!found) {
		frankd_ratelimit_fail(a->by_ip, ip, now, lim->auth_window);
		frankd_ratelimit_fail(a->by_user, login, now, lim->auth_window);
		*why = u ? "wrong password" : "no such user";
		return FRANKD_AUTH_FAIL;
	}
	snprintf(a->label, sizeof a->label, "%s", found);
	*user = u->name;
	*label = a->label;
	return FRANKD_AUTH_OK;
}
