/* passwd.c: app passwords.  Each is random (frankd makes it: 20 letters
 * and digits, about 100 bits), shown once, and kept only as a salted
 * scrypt hash (RFC 7914) through OpenSSL 3's EVP_KDF "SCRYPT":
 *
 *   file  = *( comment / entry )
 *   entry = USER SP LABEL SP "$scrypt$ln=" N ",r=" R ",p=" P "$" SALT "$" HASH
 *           SP CREATED LF            ; SALT, HASH: base64; CREATED: seconds
 * The cost parameters are in each line, so they can grow without breaking
 * old entries. */
#include "frankd_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define PASSWD_MAX_BYTES (4u << 20)
#define PASSWORD_CHARS 20

static int scrypt(const char *password, size_t len, const unsigned char *salt,
		  unsigned log2_n, unsigned r, unsigned p,
		  unsigned char out[FRANKD_PASSWD_HASH_LEN], struct lib_err *err)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	uint64_t n = (uint64_t)1 << log2_n;
	uint32_t r32 = r, p32 = p;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)password, len),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
						  FRANKD_PASSWD_SALT_LEN),
		OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
		OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r32),
		OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p32),
		OSSL_PARAM_construct_end(),
	};
	int ok = ctx && EVP_KDF_derive(ctx, out, FRANKD_PASSWD_HASH_LEN, params) == 1;
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	if (!ok)
		return lib_err_set(err, "scrypt (ln=%u, r=%u, p=%u) failed in OpenSSL", log2_n, r, p);
	return 0;
}

/* The password as it is hashed: without the dashes and blanks it is shown
 * with, so that "abcd-efgh" and "abcdefgh" are the same. */
static char *normalize(const char *password, size_t *len)
{
	char *out = lib_xstrdup(password);
	size_t n = 0;
	for (const char *p = password; *p; p++)
		if (*p != '-' && *p != ' ')
			out[n++] = *p;
	out[n] = '\0';
	*len = n;
	return out;
}

void frankd_password_free(char *password)
{
	if (password) {
		lib_secure_zero(password, strlen(password));
		free(password);
	}
}

void frankd_passwords_release(struct frankd_passwords *pw)
{
	if (!pw)
		return;
	for (size_t i = 0; i < pw->count; i++) {
		free(pw->items[i].user);
		free(pw->items[i].label);
	}
	free(pw->items);
	pw->items = NULL;
	pw->count = 0;
}

static int valid_name(const char *s, size_t max)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && !strchr("._-", s[n]))
			return 0;
	return n > 0 && n <= max;
}

/* "$scrypt$ln=N,r=R,p=P$SALT$HASH" into e. */
static int parse_hash(const char *s, struct frankd_app_password *e)
{
	char salt[64], hash[64];
	int used = 0;
	if (sscanf(s, "$scrypt$ln=%2u,r=%3u,p=%3u$%63[A-Za-z0-9+/=]$%63[A-Za-z0-9+/=]%n",
		   &e->log2_n, &e->r, &e->p, salt, hash, &used) != 5 ||
	    s[used] != '\0')
		return -1;
	if (e->log2_n < 1 || e->log2_n > 22 || e->r < 1 || e->r > 32 || e->p < 1 || e->p > 16)
		return -1;
	unsigned char buf[64];
	size_t n;
	if (frankd_base64_decode(salt, strlen(salt), buf, &n) < 0 || n != FRANKD_PASSWD_SALT_LEN)
		return -1;
	memcpy(e->salt, buf, n);
	if (frankd_base64_decode(hash, strlen(hash), buf, &n) < 0 || n != FRANKD_PASSWD_HASH_LEN)
		return -1;
	memcpy(e->hash, buf, n);
	return 0;
}

static int parse_entry(char *line, struct frankd_app_password *e)
{
	char *words[5];
	size_t n = 0;
	for (char *save = NULL, *w = strtok_r(line, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == 5)
			return -1;
		words[n++] = w;
	}
	if (n != 4 || !valid_name(words[0], 64) || !valid_name(words[1], FRANKD_LABEL_MAX) ||
	    parse_hash(words[2], e) < 0)
		return -1;
	char *end;
	errno = 0;
	e->created = strtoll(words[3], &end, 10);
	if (*end || errno || !isdigit((unsigned char)words[3][0]))
		return -1;
	e->user = lib_xstrdup(words[0]);
	e->label = lib_xstrdup(words[1]);
	return 0;
}

int frankd_passwords_parse(const char *file, const char *text, size_t len,
			   struct frankd_passwords *out, struct lib_err *err)
{
	struct frankd_passwords pw = { NULL, 0 };
	const char *p = text, *end = text + len;
	for (int lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (memchr(p, '\0', n)) {
			frankd_passwords_release(&pw);
			return lib_err_set(err, "%s:%d: NUL byte", file, lineno);
		}
		char *line = lib_xstrndup(p, n);
		p += n + (nl != NULL);
		const char *s = line + strspn(line, " \t");
		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		struct frankd_app_password e = { 0 };
		int rc = parse_entry(line, &e);
		free(line);
		if (rc < 0) {
			frankd_passwords_release(&pw);
			return lib_err_set(err, "%s:%d: not a password entry "
						"(USER LABEL $scrypt$... CREATED)",
					   file, lineno);
		}
		pw.items = lib_xrealloc(pw.items, (pw.count + 1) * sizeof *pw.items);
		pw.items[pw.count++] = e;
	}
	*out = pw;
	return 0;
}

void frankd_passwords_format(const struct frankd_passwords *pw, struct lib_buf *out)
{
	lib_buf_puts(out, "# frankd app passwords: written by frankd passwd, see frankd(8)\n");
	for (size_t i = 0; i < pw->count; i++) {
		const struct frankd_app_password *e = &pw->items[i];
		char *salt = frankd_base64_encode(e->salt, sizeof e->salt);
		char *hash = frankd_base64_encode(e->hash, sizeof e->hash);
		lib_buf_printf(out, "%s %s $scrypt$ln=%u,r=%u,p=%u$%s$%s %lld\n", e->user, e->label,
			       e->log2_n, e->r, e->p, salt, hash, e->created);
		free(salt);
		free(hash);
	}
}

int frankd_passwords_load(const char *path, struct frankd_passwords *out, struct lib_err *err)
{
	char *text = NULL;
	size_t len = 0;
	out->items = NULL;
	out->count = 0;
	struct stat st;
	if (stat(path, &st) < 0 && errno == ENOENT)
		return 0; /* no passwords yet */
	if (lib_read_file(path, PASSWD_MAX_BYTES, &text, &len, err) < 0)
		return -1;
	int rc = frankd_passwords_parse(path, text, len, out, err);
	free(text);
	return rc;
}

int frankd_passwords_save(const char *path, const struct frankd_passwords *pw,
			  struct lib_err *err)
{
	struct lib_buf text = LIB_BUF_INIT;
	frankd_passwords_format(pw, &text);
	int rc = frankd_write_durable_in(path, text.data, text.len, 0600, err);
	lib_buf_release(&text);
	return rc;
}

static const struct frankd_app_password *find(const struct frankd_passwords *pw,
					       const char *user, const char *label)
{
	for (size_t i = 0; i < pw->count; i++)
		if (strcmp(pw->items[i].user, user) == 0 && strcmp(pw->items[i].label, label) == 0)
			return &pw->items[i];
	return NULL;
}

/* 20 characters from an alphabet without look-alikes (no 0/o, 1/l/i),
 * shown in groups of four: "abcd-efgh-jkmn-pqrs-tuvw". */
static char *random_password(struct lib_err *err)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* 31 */
	unsigned char rnd[PASSWORD_CHARS * 2];
	char *out = lib_xmalloc(PASSWORD_CHARS + PASSWORD_CHARS / 4);
	size_t n = 0, got = 0;
	while (got < PASSWORD_CHARS) {
		if (RAND_bytes(rnd, sizeof rnd) != 1) {
			free(out);
			lib_err_set(err, "no randomness from OpenSSL");
			return NULL;
		}
		for (size_t i = 0; i < sizeof rnd && got < PASSWORD_CHARS; i++) {
			if (rnd[i] >= 248) /* 248 = 8 * 31: no bias */
				continue;
			if (got && got % 4 == 0)
				out[n++] = '-';
			out[n++] = alphabet[rnd[i] % 31];
			got++;
		}
	}
	out[n] = '\0';
	lib_secure_zero(rnd, sizeof rnd);
	return out;
}

static void next_label(const struct frankd_passwords *pw, const char *user, char *out,
		       size_t size)
{
	snprintf(out, size, "app");
	for (int i = 2; find(pw, user, out); i++)
		snprintf(out, size, "app%d", i);
}

int frankd_passwords_add(struct frankd_passwords *pw, const char *user, const char *label,
			 unsigned log2_n, char **password, struct lib_err *err)
{
	char auto_label[FRANKD_LABEL_MAX + 1];
	if (!label) {
		next_label(pw, user, auto_label, sizeof auto_label);
		label = auto_label;
	}
	if (!valid_name(user, 64))
		return lib_err_set(err, "bad user name %s", user);
	if (!valid_name(label, FRANKD_LABEL_MAX))
		return lib_err_set(err, "bad label %s (letters, digits, '.', '-', '_'; at most %d)",
				   label, FRANKD_LABEL_MAX);
	if (find(pw, user, label))
		return lib_err_set(err, "%s already has a password labelled %s (revoke it first)",
				   user, label);
	struct frankd_app_password e = { .log2_n = log2_n ? log2_n : FRANKD_SCRYPT_LOG2_N,
					 .r = FRANKD_SCRYPT_R,
					 .p = FRANKD_SCRYPT_P,
					 .created = (long long)time(NULL) };
	char *plain = random_password(err);
	if (!plain || RAND_bytes(e.salt, sizeof e.salt) != 1) {
		frankd_password_free(plain);
		return plain ? lib_err_set(err, "no randomness from OpenSSL") : -1;
	}
	size_t len;
	char *norm = normalize(plain, &len);
	int rc = scrypt(norm, len, e.salt, e.log2_n, e.r, e.p, e.hash, err);
	frankd_password_free(norm);
	if (rc < 0) {
		frankd_password_free(plain);
		return -1;
	}
	e.user = lib_xstrdup(user);
	e.label = lib_xstrdup(label);
	pw->items = lib_xrealloc(pw->items, (pw->count + 1) * sizeof *pw->items);
	pw->items[pw->count++] = e;
	*password = plain;
	return 0;
}

int frankd_passwords_revoke(struct frankd_passwords *pw, const char *user, const char *label,
			    struct lib_err *err)
{
	for (size_t i = 0; i < pw->count; i++) {
		if (strcmp(pw->items[i].user, user) != 0 || strcmp(pw->items[i].label, label) != 0)
			continue;
		free(pw->items[i].user);
		free(pw->items[i].label);
		memmove(&pw->items[i], &pw->items[i + 1], (pw->count - i - 1) * sizeof *pw->items);
		pw->count--;
		return 0;
	}
	return lib_err_set(err, "%s has no password labelled %s", user, label);
}

int frankd_passwords_check(const struct frankd_passwords *pw, const char *user,
			   const char *password, const char **label, struct lib_err *err)
{
	size_t len;
	char *norm = normalize(password, &len);
	int found = 0;
	for (size_t i = 0; i < pw->count && !found; i++) {
		const struct frankd_app_password *e = &pw->items[i];
		if (strcmp(e->user, user) != 0)
			continue;
		unsigned char hash[FRANKD_PASSWD_HASH_LEN];
		if (scrypt(norm, len, e->salt, e->log2_n, e->r, e->p, hash, err) < 0) {
			found = -1;
			break;
		}
		if (CRYPTO_memcmp(hash, e->hash, sizeof hash) == 0) {
			found = 1;
			*label = e->label;
		}
	}
	frankd_password_free(norm);
	return found;
}
