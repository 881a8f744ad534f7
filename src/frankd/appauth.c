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
	snprintf(e->label, sizeof e->label, "%s", label);
	e->used = 1;
}

/* What a check needs off the loop: copies, so that a reload of the
 * password file or the configuration meanwhile changes nothing under it. */
struct frankd_auth_job {
	char *ip, *login, *user;   /* user: NULL when the login names nobody */
	char *password;
	struct frankd_passwords entries; /* the user's, copied */
	unsigned char digest[32];
	int found;                 /* 1 match, 0 none, -1 KDF error */
	char label[FRANKD_LABEL_MAX + 1];
	struct lib_err error;
};

static void copy_entries(const struct frankd_passwords *from, const char *user,
			 struct frankd_passwords *to)
{
	for (size_t i = 0; i < from->count; i++) {
		if (strcmp(from->items[i].user, user) != 0)
			continue;
		to->items = lib_xrealloc(to->items, (to->count + 1) * sizeof *to->items);
		struct frankd_app_password *e = &to->items[to->count++];
		*e = from->items[i];
		e->user = lib_xstrdup(e->user);
		e->label = lib_xstrdup(e->label);
	}
}

static void job_free(struct frankd_auth_job *job)
{
	free(job->ip);
	free(job->login);
	free(job->user);
	frankd_password_free(job->password);
	frankd_passwords_release(&job->entries);
	lib_secure_zero(job, sizeof *job);
	free(job);
}

enum frankd_auth_result frankd_auth_begin(struct frankd_auth *a, const struct frankd_conf *conf,
					  const char *ip, const char *login, const char *password,
					  struct frankd_auth_outcome *out, struct frankd_auth_job **job)
{
	time_t now = time(NULL);
	const struct frankd_limits *lim = &conf->limits;
	memset(out, 0, sizeof *out);
	*job = NULL;
	if (frankd_ratelimit_blocked(a->by_ip, ip, now, lim->auth_failures, lim->auth_window) ||
	    frankd_ratelimit_blocked(a->by_user, login, now, lim->auth_failures, lim->auth_window)) {
		out->why = "too many failures";
		return FRANKD_AUTH_BLOCKED;
	}
	if (refresh(a, conf->password_file) < 0) {
		out->why = "the password file cannot be read";
		return FRANKD_AUTH_TEMPFAIL;
	}
	const struct frankd_user *u = login_user(conf, login);
	if (u) {
		unsigned char d[32];
		digest(a, u->name, password, d);
		const char *label = cached(a, d);
		if (label) {
			snprintf(out->user, sizeof out->user, "%s", u->name);
			snprintf(out->label, sizeof out->label, "%s", label);
			return FRANKD_AUTH_OK;
		}
	}
	struct frankd_auth_job *j = lib_xcalloc(1, sizeof *j);
	j->ip = lib_xstrdup(ip);
	j->login = lib_xstrdup(login);
	j->password = lib_xstrdup(password);
	if (u) {
		j->user = lib_xstrdup(u->name);
		copy_entries(&a->pw, u->name, &j->entries);
		digest(a, u->name, password, j->digest);
	}
	*job = j;
	return FRANKD_AUTH_PENDING;
}

void frankd_auth_job_work(void *arg)
{
	struct frankd_auth_job *j = arg;
	struct lib_err err;
	const char *label = NULL;
	if (!j->user || !j->entries.count) {
		/* the same work as a real check, so that the time taken does
		 * not tell whether the user exists */
		static const unsigned char salt[FRANKD_PASSWD_SALT_LEN];
		struct frankd_passwords dummy = { NULL, 0 };
		struct frankd_app_password e = { (char *)"-", (char *)"-", FRANKD_SCRYPT_LOG2_N,
						 FRANKD_SCRYPT_R, FRANKD_SCRYPT_P, { 0 }, { 0 }, 0 };
		memcpy(e.salt, salt, sizeof salt);
		dummy.items = &e;
		dummy.count = 1;
		frankd_passwords_check(&dummy, "-", j->password, &label, &err);
		j->found = 0;
		return;
	}
	j->found = frankd_passwords_check(&j->entries, j->user, j->password, &label, &err);
	if (j->found == 1)
		snprintf(j->label, sizeof j->label, "%s", label);
	else if (j->found < 0)
		j->error = err;
}

enum frankd_auth_result frankd_auth_finish(struct frankd_auth *a, const struct frankd_conf *conf,
					   struct frankd_auth_job *j,
					   struct frankd_auth_outcome *out)
{
	enum frankd_auth_result r;
	memset(out, 0, sizeof *out);
	if (j->found < 0) {
		frankd_log(FRANKD_LOG_ERROR, "passwords: %s", j->error.msg);
		out->why = "password check failed";
		r = FRANKD_AUTH_TEMPFAIL;
	} else if (j->found == 1) {
		remember(a, j->digest, j->label);
		snprintf(out->user, sizeof out->user, "%s", j->user);
		snprintf(out->label, sizeof out->label, "%s", j->label);
		r = FRANKD_AUTH_OK;
	} else {
		time_t now = time(NULL);
		frankd_ratelimit_fail(a->by_ip, j->ip, now, conf->limits.auth_window);
		frankd_ratelimit_fail(a->by_user, j->login, now, conf->limits.auth_window);
		out->why = j->user ? "wrong password" : "no such user";
		r = FRANKD_AUTH_FAIL;
	}
	job_free(j);
	return r;
}

void frankd_auth_job_free(struct frankd_auth_job *j)
{
	if (j)
		job_free(j);
}
