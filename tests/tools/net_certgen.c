/* net_certgen: certificates for the TLS tests, made at test time.
 *
 *   net_certgen ca PREFIX                       PREFIX.crt, PREFIX.key: a test CA
 *   net_certgen leaf CA PREFIX NAME FROM TO     a leaf signed by CA (CA.crt,
 *                                               CA.key) for NAME (DNS name or
 *                                               IP address), valid from FROM
 *                                               to TO days from now (negative:
 *                                               in the past, for expiry tests)
 *   net_certgen self PREFIX NAME                frankd's self-signed kind,
 *                                               through net_tls_selfsigned_ensure
 *   net_certgen fingerprint FILE                prints the SHA-256 fingerprint
 *
 * The openssl command cannot make a certificate that has already expired;
 * this can. */
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

static int save(const char *prefix, X509 *cert, EVP_PKEY *key)
{
	char path[4096];
	snprintf(path, sizeof path, "%s.crt", prefix);
	FILE *f = fopen(path, "w");
	if (!f || PEM_write_X509(f, cert) != 1)
		return -1;
	fclose(f);
	snprintf(path, sizeof path, "%s.key", prefix);
	f = fopen(path, "w");
	if (!f || PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1)
		return -1;
	fclose(f);
	return 0;
}

static X509 *load_cert(const char *prefix, EVP_PKEY **key)
{
	char path[4096];
	snprintf(path, sizeof path, "%s.crt", prefix);
	FILE *f = fopen(path, "r");
	X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "%s.key", prefix);
	f = fopen(path, "r");
	*key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return cert;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	int ok = ext && X509_add_ext(cert, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* A certificate for subject name cn with key, valid [from, to] days from now. */
static X509 *cert_new(const char *cn, EVP_PKEY *key, long from, long to, long serial)
{
	X509 *cert = X509_new();
	X509_set_version(cert, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
	X509_gmtime_adj(X509_getm_notBefore(cert), from * 86400);
	X509_gmtime_adj(X509_getm_notAfter(cert), to * 86400);
	X509_set_pubkey(cert, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	return cert;
}

static int make_ca(const char *prefix)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = cert_new("frank test CA", key, -1, 30, 1);
	X509_set_issuer_name(cert, X509_get_subject_name(cert));
	if (add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
	    add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") < 0 ||
	    X509_sign(cert, key, EVP_sha256()) <= 0 || save(prefix, cert, key) < 0)
		return 1;
	X509_free(cert);
	EVP_PKEY_free(key);
	return 0;
}

static int make_leaf(const char *ca, const char *prefix, const char *name, long from, long to)
{
	EVP_PKEY *ca_key = NULL;
	X509 *ca_cert = load_cert(ca, &ca_key);
	if (!ca_cert || !ca_key) {
		fprintf(stderr, "net_certgen: cannot load the CA %s\n", ca);
		return 1;
	}
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = cert_new(name, key, from, to, 2);
	X509_set_issuer_name(cert, X509_get_subject_name(ca_cert));
	char san[300];
	unsigned char addr[16];
	int is_ip = inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1;
	snprintf(san, sizeof san, "%s:%s", is_ip ? "IP" : "DNS", name);
	if (add_ext(cert, ca_cert, NID_subject_alt_name, san) < 0 ||
	    add_ext(cert, ca_cert, NID_ext_key_usage, "serverAuth") < 0 ||
	    X509_sign(cert, ca_key, EVP_sha256()) <= 0 || save(prefix, cert, key) < 0)
		return 1;
	X509_free(cert);
	X509_free(ca_cert);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	return 0;
}

int main(int argc, char **argv)
{
	struct lib_err err = { "" };
	if (argc == 3 && strcmp(argv[1], "ca") == 0)
		return make_ca(argv[2]);
	if (argc == 7 && strcmp(argv[1], "leaf") == 0)
		return make_leaf(argv[2], argv[3], argv[4], atol(argv[5]), atol(argv[6]));
	if (argc == 4 && strcmp(argv[1], "self") == 0) {
		char crt[4096], key[4096];
		snprintf(crt, sizeof crt, "%s.crt", argv[2]);
		snprintf(key, sizeof key, "%s.key", argv[2]);
		int rc = net_tls_selfsigned_ensure(crt, key, argv[3], &err);
		if (rc < 0)
			fprintf(stderr, "net_certgen: %s\n", err.msg);
		else
			printf("%s\n", rc == 1 ? "made" : "kept");
		return rc < 0;
	}
	if (argc == 3 && strcmp(argv[1], "fingerprint") == 0) {
		unsigned char fp[NET_SHA256_LEN];
		char text[NET_FINGERPRINT_TEXT];
		if (net_tls_cert_file_sha256(argv[2], fp, &err) < 0) {
			fprintf(stderr, "net_certgen: %s\n", err.msg);
			return 1;
		}
		net_tls_fingerprint_text(fp, text);
		printf("%s\n", text);
		return 0;
	}
	fprintf(stderr, "usage: net_certgen ca PREFIX | leaf CA PREFIX NAME FROM TO | "
			"self PREFIX NAME | fingerprint FILE\n");
	return 2;
}
