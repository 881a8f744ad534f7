/* dkim_sign.c: DKIM signing (RFC 6376 5, RFC 8463) and key generation.
 * Signatures are relaxed/relaxed, rsa-sha256 or ed25519-sha256; the body
 * streams through the same canonicalizer the verifier uses. */
#include "dkim_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

struct auth_dkim_signing_key {
	EVP_PKEY *pkey;
	enum auth_dkim_algo algo;
};

const char *const auth_dkim_default_headers[] = {
	"From", "From", /* over-signed */
	"Reply-To", "Sender", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
	"References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
	"Content-Disposition", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
	NULL,
};

/* The OpenSSL reason of the last failure, for one-line messages. */
static const char *ssl_reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	ERR_clear_error();
	return r ? r : "unknown error";
}

static struct auth_dkim_signing_key *key_wrap(EVP_PKEY *pkey, struct lib_err *err)
{
	enum auth_dkim_algo algo;
	int id = EVP_PKEY_get_base_id(pkey);
	if (id == EVP_PKEY_ED25519) {
		algo = AUTH_DKIM_ED25519_SHA256;
	} else if (id == EVP_PKEY_RSA) {
		int bits = EVP_PKEY_get_bits(pkey);
		if (bits < AUTH_DKIM_MIN_RSA_BITS) {
			EVP_PKEY_free(pkey);
			lib_err_set(err, "RSA key of %d bits is too short to sign (%d at least)",
				    bits, AUTH_DKIM_MIN_RSA_BITS);
			return NULL;
		}
		algo = AUTH_DKIM_RSA_SHA256;
	} else {
		EVP_PKEY_free(pkey);
		lib_err_set(err, "the private key is neither RSA nor Ed25519");
		return NULL;
	}
	struct auth_dkim_signing_key *key = lib_xcalloc(1, sizeof *key);
	key->pkey = pkey;
	key->algo = algo;
	return key;
}

struct auth_dkim_signing_key *auth_dkim_signing_key_from_pem(const char *pem, size_t len,
							     struct lib_err *err)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (!pkey) {
		lib_err_set(err, "not a PEM private key: %s", ssl_reason());
		return NULL;
	}
	return key_wrap(pkey, err);
}

struct auth_dkim_signing_key *auth_dkim_signing_key_load(const char *path, struct lib_err *err)
{
	char *pem;
	size_t len;
	struct lib_err rerr;
	if (lib_read_file(path, 1 << 20, &pem, &len, &rerr) < 0) {
		lib_err_set(err, "%s", rerr.msg);
		return NULL;
	}
	struct auth_dkim_signing_key *key = auth_dkim_signing_key_from_pem(pem, len, &rerr);
	OPENSSL_cleanse(pem, len);
	free(pem);
	if (!key)
		lib_err_set(err, "%s: %s", path, rerr.msg);
	return key;
}

struct auth_dkim_signing_key *auth_dkim_signing_key_from_ed25519_seed(
	const unsigned char seed[32], struct lib_err *err)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	if (!pkey) {
		lib_err_set(err, "not an Ed25519 seed: %s", ssl_reason());
		return NULL;
	}
	return key_wrap(pkey, err);
}

void auth_dkim_signing_key_free(struct auth_dkim_signing_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

enum auth_dkim_algo auth_dkim_signing_key_algo(const struct auth_dkim_signing_key *key)
{
	return key->algo;
}

int auth_dkim_sign_digest(const struct auth_dkim_signing_key *key, const unsigned char *digest,
			  unsigned digest_len, unsigned char **sig, size_t *sig_len,
			  struct lib_err *err)
{
	size_t len = (size_t)EVP_PKEY_get_size(key->pkey);
	*sig = lib_xmalloc(len ? len : 1);
	int ok;
	if (key->algo == AUTH_DKIM_ED25519_SHA256) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) > 0 &&
		     EVP_DigestSign(ctx, *sig, &len, digest, digest_len) > 0;
		EVP_MD_CTX_free(ctx);
	} else {
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key->pkey, NULL);
		ok = ctx && EVP_PKEY_sign_init(ctx) > 0 &&
		     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
		     EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0 &&
		     EVP_PKEY_sign(ctx, *sig, &len, digest, digest_len) > 0;
		EVP_PKEY_CTX_free(ctx);
	}
	if (!ok) {
		free(*sig);
		*sig = NULL;
		return lib_err_set(err, "signing failed: %s", ssl_reason());
	}
	*sig_len = len;
	return 0;
}

/* ---- the signer ------------------------------------------------------------ */

struct auth_dkim_signer {
	const struct auth_dkim_signing_key *key;
	char *domain, *selector, *identity;
	char **names;      /* the header list asked for */
	size_t name_count;
	long long timestamp, expiry;
	struct auth_dkim_reader reader;
	struct auth_dkim_body_hash body;
};

/* A tag value we write must be plain: no ";", space or control byte. */
static int plain_value(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7E || *s == ';')
			return 0;
	return 1;
}

static int check_options(const struct auth_dkim_sign_options *o, struct lib_err *err)
{
	if (!plain_value(o->domain))
		return lib_err_set(err, "DKIM signing needs a domain (d=)");
	if (!plain_value(o->selector))
		return lib_err_set(err, "DKIM signing needs a selector (s=)");
	if (o->identity && !plain_value(o->identity))
		return lib_err_set(err, "invalid DKIM identity (i=)");
	const char *const *h = o->headers ? o->headers : auth_dkim_default_headers;
	int from = 0;
	for (; *h; h++) {
		if (!plain_value(*h) || strchr(*h, ':'))
			return lib_err_set(err, "invalid header field name \"%s\"", *h);
		from |= strcasecmp(*h, "from") == 0;
	}
	if (!from)
		return lib_err_set(err, "the signed header list must include From");
	return 0;
}

struct auth_dkim_signer *auth_dkim_signer_new(const struct auth_dkim_signing_key *key,
					      const struct auth_dkim_sign_options *opts,
					      struct lib_err *err)
{
	if (check_options(opts, err) < 0)
		return NULL;
	struct auth_dkim_signer *s = lib_xcalloc(1, sizeof *s);
	s->key = key;
	s->domain = lib_xstrdup(opts->domain);
	s->selector = lib_xstrdup(opts->selector);
	s->identity = opts->identity ? lib_xstrdup(opts->identity) : NULL;
	const char *const *h = opts->headers ? opts->headers : auth_dkim_default_headers;
	for (; *h; h++) {
		s->names = lib_xrealloc(s->names, (s->name_count + 1) * sizeof *s->names);
		s->names[s->name_count++] = lib_xstrdup(*h);
	}
	s->timestamp = opts->timestamp == 0 ? (long long)time(NULL) : opts->timestamp;
	s->expiry = opts->expire_after > 0 && s->timestamp >= 0 ? s->timestamp + opts->expire_after
								 : -1;
	auth_dkim_reader_init(&s->reader);
	auth_dkim_body_hash_init(&s->body, AUTH_DKIM_RELAXED, EVP_sha256(), -1);
	return s;
}

void auth_dkim_signer_free(struct auth_dkim_signer *s)
{
	if (!s)
		return;
	free(s->domain);
	free(s->selector);
	free(s->identity);
	for (size_t i = 0; i < s->name_count; i++)
		free(s->names[i]);
	free(s->names);
	auth_dkim_reader_release(&s->reader);
	auth_dkim_body_hash_release(&s->body);
	free(s);
}

void auth_dkim_signer_feed(struct auth_dkim_signer *s, const void *data, size_t len)
{
	const char *p = data;
	if (!s->reader.in_body) {
		size_t taken = auth_dkim_reader_feed(&s->reader, p, len);
		if (!s->reader.in_body)
			return;
		p += taken;
		len -= taken;
	}
	auth_dkim_body_hash_feed(&s->body, p, len);
}

static size_t count_fields(const struct auth_msg_headers *headers, const char *name)
{
	size_t len = strlen(name), n = 0;
	uint32_t hash = auth_msg_name_hash(name, len);
	for (size_t i = 0; i < headers->count; i++)
		n += (size_t)auth_msg_field_is(&headers->fields[i], name, len, hash);
	return n;
}

/* h=: each name asked for as many times as the message has it (all of
 * its instances signed), once more when it was asked for twice (an
 * instance added later breaks the signature).  Names are lowercased. */
static size_t signed_names(const struct auth_dkim_signer *s, const struct auth_msg_headers *headers,
			   char ***out)
{
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; i < s->name_count; i++) {
		int seen = 0, twice = 0;
		for (size_t k = 0; k < s->name_count; k++) {
			if (strcasecmp(s->names[k], s->names[i]) != 0)
				continue;
			seen |= k < i;
			twice |= k != i;
		}
		if (seen)
			continue;
		size_t times = count_fields(headers, s->names[i]);
		if (times > 0 && twice)
			times++;
		for (size_t t = 0; t < times; t++) {
			char *name = lib_xstrdup(s->names[i]);
			for (char *p = name; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p + 32);
			*out = lib_xrealloc(*out, (n + 1) * sizeof **out);
			(*out)[n++] = name;
		}
	}
	return n;
}

#define FOLD_WIDTH 76

/* Appends text to the field, folding first when the line would grow
 * past FOLD_WIDTH (the field is CRLF TAB folded, which relaxed header
 * canonicalization reads as one space, and verifiers skip as FWS). */
static void append_folded(struct lib_buf *field, size_t *line_start, const char *text,
			  size_t len, const char *sep)
{
	if (field->len - *line_start + len + strlen(sep) > FOLD_WIDTH &&
	    field->len > *line_start + 1) {
		lib_buf_puts(field, "\r\n\t");
		*line_start = field->len - 1;
	} else if (*sep && field->len > *line_start) {
		lib_buf_puts(field, sep);
	}
	lib_buf_append(field, text, len);
}

static void build_template(const struct auth_dkim_signer *s, char *const *names, size_t count,
			   const struct auth_dkim_body_hash *body, struct lib_buf *f)
{
	size_t line = 0;
	lib_buf_printf(f, "DKIM-Signature: v=1; a=%s; c=relaxed/relaxed;",
		       auth_dkim_algo_str(s->key->algo));
	struct lib_buf tag = LIB_BUF_INIT;
	lib_buf_printf(&tag, "d=%s;", s->domain);
	append_folded(f, &line, tag.data, tag.len, " ");
	lib_buf_reset(&tag);
	lib_buf_printf(&tag, "s=%s;", s->selector);
	append_folded(f, &line, tag.data, tag.len, " ");
	if (s->identity) {
		lib_buf_reset(&tag);
		lib_buf_printf(&tag, "i=%s;", s->identity);
		append_folded(f, &line, tag.data, tag.len, " ");
	}
	if (s->timestamp >= 0) {
		lib_buf_reset(&tag);
		lib_buf_printf(&tag, "t=%lld;", s->timestamp);
		append_folded(f, &line, tag.data, tag.len, " ");
	}
	if (s->expiry >= 0) {
		lib_buf_reset(&tag);
		lib_buf_printf(&tag, "x=%lld;", s->expiry);
		append_folded(f, &line, tag.data, tag.len, " ");
	}
	for (size_t i = 0; i < count; i++) {
		lib_buf_reset(&tag);
		lib_buf_printf(&tag, "%s%s%s", i == 0 ? "h=" : "", names[i], i + 1 == count ? ";" : ":");
		append_folded(f, &line, tag.data, tag.len, i == 0 ? " " : "");
	}
	char *bh = auth_dkim_base64_encode(body->digest, body->digest_len);
	lib_buf_reset(&tag);
	lib_buf_printf(&tag, "bh=%s;", bh);
	append_folded(f, &line, tag.data, tag.len, " ");
	free(bh);
	append_folded(f, &line, "b=", 2, " ");
	lib_buf_release(&tag);
}

/* b= after the template, folded in pieces. */
static void append_signature(struct lib_buf *f, const unsigned char *sig, size_t len)
{
	char *b64 = auth_dkim_base64_encode(sig, len);
	size_t at = 0, total = strlen(b64);
	size_t line = f->len;
	for (size_t i = f->len; i > 0; i--)
		if (f->data[i - 1] == '\n') {
			line = i;
			break;
		}
	size_t used = f->len - line;
	while (at < total) {
		size_t room = used < FOLD_WIDTH ? FOLD_WIDTH - used : 0;
		if (room < 8) {
			lib_buf_puts(f, "\r\n\t");
			used = 1;
			continue;
		}
		size_t n = total - at < room ? total - at : room;
		lib_buf_append(f, b64 + at, n);
		at += n;
		used += n;
	}
	lib_buf_puts(f, "\r\n");
	free(b64);
}

static int sign_headers(struct auth_dkim_signer *s, const struct auth_msg_headers *headers,
			char **field, struct lib_err *err)
{
	char **names;
	size_t count = signed_names(s, headers, &names);
	struct lib_buf f = LIB_BUF_INIT;
	build_template(s, names, count, &s->body, &f);

	struct auth_msg_field tf = { .raw = f.data, .raw_len = f.len, .name_len = 14,
				     .value_off = 15, .value_end = f.len };
	struct lib_buf scratch = LIB_BUF_INIT;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned digest_len;
	auth_dkim_header_digest(headers, names, count, AUTH_DKIM_RELAXED, EVP_sha256(), &tf, f.len,
				f.len, &scratch, digest, &digest_len);
	lib_buf_release(&scratch);
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);

	unsigned char *sig;
	size_t sig_len;
	if (auth_dkim_sign_digest(s->key, digest, digest_len, &sig, &sig_len, err) < 0) {
		lib_buf_release(&f);
		return -1;
	}
	append_signature(&f, sig, sig_len);
	free(sig);
	*field = lib_buf_take(&f);
	return 0;
}

int auth_dkim_signer_finish(struct auth_dkim_signer *s, char **field, struct lib_err *err)
{
	*field = NULL;
	if (!s->reader.in_body) {
		s->reader.in_body = 1;
		s->reader.header_len = s->reader.head.len;
	}
	auth_dkim_body_hash_finish(&s->body);
	if (s->reader.too_large)
		return lib_err_set(err, "header section larger than %u MB: not signed",
				   AUTH_DKIM_MAX_HEADER_BYTES >> 20);
	/* A first line in WSP would continue the field prepended to it. */
	if (s->reader.header_len && (s->reader.head.data[0] == ' ' || s->reader.head.data[0] == '\t'))
		return lib_err_set(err, "the message starts with a folded line: not signed");
	struct auth_msg_headers headers;
	if (auth_msg_headers_split(s->reader.head.data, s->reader.header_len, &headers, err) < 0)
		return -1;
	int rc;
	if (count_fields(&headers, "From") == 0)
		rc = lib_err_set(err, "the message has no From field: not signed");
	else
		rc = sign_headers(s, &headers, field, err);
	auth_msg_headers_release(&headers);
	return rc;
}

int auth_dkim_sign(const struct auth_dkim_signing_key *key,
		   const struct auth_dkim_sign_options *opts, const char *msg, size_t len,
		   char **field, struct lib_err *err)
{
	*field = NULL;
	struct auth_dkim_signer *s = auth_dkim_signer_new(key, opts, err);
	if (!s)
		return -1;
	auth_dkim_signer_feed(s, msg, len);
	int rc = auth_dkim_signer_finish(s, field, err);
	auth_dkim_signer_free(s);
	return rc;
}

/* ---- key generation ---------------------------------------------------------- */

static char *txt_record(EVP_PKEY *pkey, int ed25519)
{
	unsigned char *der = NULL;
	size_t len = 0;
	if (ed25519) {
		der = lib_xmalloc(32);
		len = 32;
		EVP_PKEY_get_raw_public_key(pkey, der, &len);
	} else {
		int n = i2d_PUBKEY(pkey, &der);
		len = n > 0 ? (size_t)n : 0;
	}
	char *b64 = auth_dkim_base64_encode(der, len);
	char *txt = lib_xasprintf("v=DKIM1; k=%s; p=%s", ed25519 ? "ed25519" : "rsa", b64);
	if (ed25519)
		free(der);
	else
		OPENSSL_free(der);
	free(b64);
	return txt;
}

/* Writes data to a new file at path, mode 0600, whole or not at all. */
static int write_private_file(const char *path, const char *data, size_t len,
			      struct lib_err *err)
{
	char *tmp = lib_xasprintf("%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0) {
		lib_err_set(err, "%s: cannot create: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	int rc = 0;
	size_t done = 0;
	while (done < len && rc == 0) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno != EINTR)
			rc = lib_err_set(err, "%s: write failed: %s", tmp, strerror(errno));
		else if (n > 0)
			done += (size_t)n;
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = lib_err_set(err, "%s: fsync failed: %s", tmp, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = lib_err_set(err, "%s: close failed: %s", tmp, strerror(errno));
	/* link() rather than rename(): it refuses to replace a key in place. */
	if (rc == 0 && link(tmp, path) < 0)
		rc = lib_err_set(err, "%s: %s", path,
				 errno == EEXIST ? "already exists, not replaced" : strerror(errno));
	unlink(tmp);
	free(tmp);
	return rc;
}

int auth_dkim_keygen(enum auth_dkim_algo algo, unsigned bits, const char *path,
		     char **txt, struct lib_err *err)
{
	*txt = NULL;
	int ed = algo == AUTH_DKIM_ED25519_SHA256;
	if (!ed && algo != AUTH_DKIM_RSA_SHA256)
		return lib_err_set(err, "keys are made for rsa-sha256 or ed25519-sha256 only");
	if (!ed && bits == 0)
		bits = 2048;
	if (!ed && (bits < 1024 || bits > 8192))
		return lib_err_set(err, "RSA keys are 1024 to 8192 bits, not %u", bits);
	EVP_PKEY *pkey = ed ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
			    : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	if (!pkey)
		return lib_err_set(err, "key generation failed: %s", ssl_reason());
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem = NULL;
	long pem_len = 0;
	int rc = 0;
	if (!bio || !PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) ||
	    (pem_len = BIO_get_mem_data(bio, &pem)) <= 0)
		rc = lib_err_set(err, "cannot write the private key: %s", ssl_reason());
	if (rc == 0)
		rc = write_private_file(path, pem, (size_t)pem_len, err);
	if (rc == 0)
		*txt = txt_record(pkey, ed);
	BIO_free(bio); /* BIO_s_mem cleanses nothing: acceptable, freed at once */
	EVP_PKEY_free(pkey);
	return rc;
}

char *auth_dkim_zone_line(const char *selector, const char *domain, const char *txt)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "%s._domainkey.%s. IN TXT (", selector, domain);
	size_t len = strlen(txt);
	for (size_t at = 0; at < len; at += 255) {
		size_t n = len - at < 255 ? len - at : 255;
		lib_buf_printf(&b, " \"%.*s\"", (int)n, txt + at);
	}
	lib_buf_puts(&b, " )");
	return lib_buf_take(&b);
}
