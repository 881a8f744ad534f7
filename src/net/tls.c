/* tls.c: TLS contexts for clients and for frankd, the trust decision
 * after a handshake, fingerprints, and frankd's self-signed certificate. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The newest OpenSSL error as text, or fallback; clears the queue. */
static const char *ssl_error_text(char *buf, size_t size, const char *fallback)
{
	unsigned long e = ERR_get_error();
	if (!e) {
		snprintf(buf, size, "%s", fallback);
	} else {
		ERR_error_string_n(e, buf, size);
		ERR_clear_error();
	}
	return buf;
}

/* 1 when text is an IPv4 or IPv6 address. */
static int is_ip_address(const char *text)
{
	unsigned char addr[16];
	return inet_pton(AF_INET, text, addr) == 1 || inet_pton(AF_INET6, text, addr) == 1;
}

SSL_CTX *net_tls_client_ctx_new(const struct net_tls_policy *policy, struct lib_err *err)
{
	char ebuf[256];
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		lib_err_set(err, "TLS: cannot make a context: %s",
			    ssl_error_text(ebuf, sizeof ebuf, "out of memory"));
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Chains are verified during the handshake but judged afterwards by
	 * net_tls_check_peer, which can name the reason and honour a pin;
	 * nothing is sent before it has decided. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	int ok = policy && policy->ca_file ? SSL_CTX_load_verify_locations(ctx, policy->ca_file, NULL)
					   : SSL_CTX_set_default_verify_paths(ctx);
	if (ok != 1) {
		lib_err_set(err, "TLS: cannot load the trusted certificates%s%s: %s",
			    policy && policy->ca_file ? " from " : "",
			    policy && policy->ca_file ? policy->ca_file : "",
			    ssl_error_text(ebuf, sizeof ebuf, "unknown error"));
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int net_tls_client_prepare(SSL *ssl, const char *host, struct lib_err *err)
{
	/* SNI is for names only (RFC 6066 3); an address is checked as one. */
	int is_ip = is_ip_address(host);
	if (!is_ip && SSL_set_tlsext_host_name(ssl, host) != 1)
		return lib_err_set(err, "TLS: bad server name: %s", host);
	X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
	int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host)
		       : X509_VERIFY_PARAM_set1_host(param, host, 0);
	if (ok != 1)
		return lib_err_set(err, "TLS: cannot check the name %s", host);
	return 0;
}

void net_tls_cert_sha256(X509 *cert, unsigned char out[NET_SHA256_LEN])
{
	unsigned int len = NET_SHA256_LEN;
	if (X509_digest(cert, EVP_sha256(), out, &len) != 1)
		memset(out, 0, NET_SHA256_LEN);
}

void net_tls_fingerprint_text(const unsigned char sha256[NET_SHA256_LEN],
			      char out[NET_FINGERPRINT_TEXT])
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < NET_SHA256_LEN; i++) {
		out[i * 3] = hex[sha256[i] >> 4];
		out[i * 3 + 1] = hex[sha256[i] & 15];
		out[i * 3 + 2] = i + 1 < NET_SHA256_LEN ? ':' : '\0';
	}
}

/* "fingerprint AB:..., subject CN=..., expires Jan  1 00:00:00 2030 GMT":
 * what a user needs to decide, and to pin. */
static void describe_cert(X509 *cert, char *out, size_t size)
{
	unsigned char fp[NET_SHA256_LEN];
	char fptext[NET_FINGERPRINT_TEXT], subject[256] = "?", expiry[64] = "?";
	net_tls_cert_sha256(cert, fp);
	net_tls_fingerprint_text(fp, fptext);
	X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
	BIO *mem = BIO_new(BIO_s_mem());
	if (mem && ASN1_TIME_print(mem, X509_get0_notAfter(cert)) == 1) {
		int n = BIO_read(mem, expiry, sizeof expiry - 1);
		expiry[n > 0 ? n : 0] = '\0';
	}
	BIO_free(mem);
	for (char *p = subject; *p; p++) /* a hostile peer chose these bytes */
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
			*p = '?';
	snprintf(out, size, "SHA-256 fingerprint %s (subject %s, expires %s)", fptext, subject,
		 expiry);
}

static int status_of_verify_result(long result)
{
	switch (result) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return NET_ERR_CERT_EXPIRED;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return NET_ERR_CERT_HOST;
	default:
		return NET_ERR_CERT_UNTRUSTED;
	}
}

int net_tls_check_peer(SSL *ssl, const struct net_tls_policy *policy, const char *host,
		       struct lib_err *err)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	if (!cert) {
		lib_err_set(err, "TLS: %s sent no certificate", host);
		return NET_ERR_CERT_UNTRUSTED;
	}
	char about[512];
	describe_cert(cert, about, sizeof about);
	int status = NET_OK;
	if (policy && policy->pin_sha256) {
		unsigned char fp[NET_SHA256_LEN];
		net_tls_cert_sha256(cert, fp);
		if (memcmp(fp, policy->pin_sha256, NET_SHA256_LEN) != 0) {
			char want[NET_FINGERPRINT_TEXT];
			net_tls_fingerprint_text(policy->pin_sha256, want);
			lib_err_set(err, "TLS: %s: certificate does not match the pinned fingerprint %s: %s",
				    host, want, about);
			status = NET_ERR_CERT_PIN;
		}
	} else {
		long result = SSL_get_verify_result(ssl);
		if (result != X509_V_OK) {
			status = status_of_verify_result(result);
			lib_err_set(err, "TLS: %s: %s (%s); if you know it is the server's, pin its %s",
				    host, net_status_str(status), X509_verify_cert_error_string(result),
				    about);
		}
	}
	X509_free(cert);
	return status;
}

int net_tls_cert_file_sha256(const char *path, unsigned char out[NET_SHA256_LEN],
			     struct lib_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert)
		return lib_err_set(err, "%s: no PEM certificate in it", path);
	net_tls_cert_sha256(cert, out);
	X509_free(cert);
	return 0;
}

SSL_CTX *net_tls_server_ctx_new(const char *cert_file, const char *key_file,
				struct lib_err *err)
{
	char ebuf[256];
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		lib_err_set(err, "TLS: cannot make a context: %s",
			    ssl_error_text(ebuf, sizeof ebuf, "out of memory"));
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	const char *what = NULL, *file = NULL;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1)
		what = "cannot load the certificate", file = cert_file;
	else if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1)
		what = "cannot load the private key", file = key_file;
	else if (SSL_CTX_check_private_key(ctx) != 1)
		what = "the private key does not match the certificate", file = key_file;
	if (what) {
		lib_err_set(err, "TLS: %s: %s: %s", file, what,
			    ssl_error_text(ebuf, sizeof ebuf, "unknown error"));
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* --- frankd's self-signed certificate ----------------------------------- */

static X509 *selfsigned_new(EVP_PKEY *key, const char *hostname)
{
	X509 *cert = X509_new();
	if (!cert)
		return NULL;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	int ok = RAND_bytes(serial, sizeof serial) == 1 &&
		 (bn = BN_bin2bn(serial, sizeof serial, NULL)) != NULL &&
		 BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL &&
		 X509_set_version(cert, X509_VERSION_3) == 1 &&
		 X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != NULL &&
		 X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 366 * 24 * 3600) != NULL &&
		 X509_set_pubkey(cert, key) == 1;
	BN_free(bn);
	X509_NAME *name = X509_get_subject_name(cert);
	ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					      (const unsigned char *)hostname, -1, -1, 0) == 1 &&
	     X509_set_issuer_name(cert, name) == 1;
	char *san = lib_xasprintf("DNS:%s", hostname);
	X509_EXTENSION *ext = ok ? X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san) : NULL;
	ok = ext && X509_add_ext(cert, ext, -1) == 1 && X509_sign(cert, key, EVP_sha256()) > 0;
	X509_EXTENSION_free(ext);
	free(san);
	if (!ok) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

/* Writes what the callback puts in a memory BIO to path: a temporary
 * file with the mode, fsync, then link(): never a half file, never an
 * overwrite. */
static int write_pem_file(const char *path, mode_t mode, int (*put)(BIO *, void *), void *obj,
			  struct lib_err *err)
{
	BIO *mem = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len = 0;
	if (!mem || put(mem, obj) != 1 || (len = BIO_get_mem_data(mem, &data)) <= 0) {
		BIO_free(mem);
		return lib_err_set(err, "%s: cannot encode it", path);
	}
	char *tmp = lib_xasprintf("%s.tmp.%ld", path, (long)getpid());
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0) {
		lib_err_set(err, "%s: %s", tmp, strerror(errno));
	} else {
		ssize_t n = write(fd, data, (size_t)len);
		if (n != len || fsync(fd) < 0)
			lib_err_set(err, "%s: cannot write: %s", tmp, strerror(errno));
		else if (link(tmp, path) < 0)
			lib_err_set(err, "%s: %s", path, strerror(errno));
		else
			rc = 0;
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	BIO_free(mem);
	return rc;
}

static int put_key(BIO *bio, void *key)
{
	return PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
}

static int put_cert(BIO *bio, void *cert)
{
	return PEM_write_bio_X509(bio, cert);
}

/* fsync of the directory, so the new names survive a crash. */
static void sync_parent_dir(const char *path)
{
	char *dir = lib_xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int net_tls_selfsigned_ensure(const char *cert_file, const char *key_file,
			      const char *hostname, struct lib_err *err)
{
	int have_cert = access(cert_file, F_OK) == 0, have_key = access(key_file, F_OK) == 0;
	if (have_cert && have_key)
		return 0;
	if (have_cert || have_key)
		return lib_err_set(err, "%s exists but %s does not: remove it or supply both",
				   have_cert ? cert_file : key_file, have_cert ? key_file : cert_file);
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = key ? selfsigned_new(key, hostname) : NULL;
	int rc = -1;
	if (!cert)
		lib_err_set(err, "TLS: cannot make a self-signed certificate for %s", hostname);
	else if (write_pem_file(key_file, 0600, put_key, key, err) == 0) {
		if (write_pem_file(cert_file, 0644, put_cert, cert, err) == 0)
			rc = 1;
		else
			unlink(key_file);
		sync_parent_dir(cert_file);
		sync_parent_dir(key_file);
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}
