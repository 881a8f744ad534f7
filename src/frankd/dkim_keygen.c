/* dkim_keygen.c: frankd dkim-keygen DOMAIN SELECTOR: a new signing key
 * for one of frankd's domains, and the TXT record to publish for it. */
#include "frankd_internal.h"

#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int keygen_usage(void)
{
	fprintf(stderr, "usage: frankd dkim-keygen DOMAIN SELECTOR [--ed25519 | --bits N]\n");
	return 2;
}

/* The configured key file of DOMAIN SELECTOR, or NULL. */
static const char *configured_key(const struct frankd_conf *conf, const char *domain,
				  const char *selector)
{
	for (size_t i = 0; i < conf->ndkim_keys; i++)
		if (strcasecmp(conf->dkim_keys[i].domain, domain) == 0 &&
		    strcmp(conf->dkim_keys[i].selector, selector) == 0)
			return conf->dkim_keys[i].key_file;
	return NULL;
}

int frankd_cmd_dkim_keygen(const struct frankd_conf *conf, int argc, char **argv)
{
	if (argc < 3)
		return keygen_usage();
	const char *domain = argv[1], *selector = argv[2];
	enum auth_dkim_algo algo = AUTH_DKIM_RSA_SHA256;
	unsigned long bits = 0;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--ed25519") == 0)
			algo = AUTH_DKIM_ED25519_SHA256;
		else if (strcmp(argv[i], "--bits") == 0 && i + 1 < argc)
			bits = strtoul(argv[++i], NULL, 10);
		else
			return keygen_usage();
	}
	if (!frankd_conf_is_local_domain(conf, domain)) {
		fprintf(stderr, "frankd: %s is not a local domain (add: domain %s)\n", domain, domain);
		return 1;
	}
	struct lib_err err;
	const char *configured = configured_key(conf, domain, selector);
	char *dir = frankd_dirname(conf->file ? conf->file : "frankd.conf");
	char *keydir = lib_xasprintf("%s/dkim", dir);
	char *path = configured ? lib_xstrdup(configured)
				: lib_xasprintf("%s/%s.%s.key", keydir, domain, selector);
	char *txt = NULL;
	int rc = 1;
	if (!configured && frankd_mkdir(keydir, 0700, &err) < 0)
		fprintf(stderr, "frankd: %s\n", err.msg);
	else if (auth_dkim_keygen(algo, (unsigned)bits, path, &txt, &err) < 0)
		fprintf(stderr, "frankd: %s\n", err.msg);
	else
		rc = 0;
	if (rc == 0) {
		char *zone = auth_dkim_zone_line(selector, domain, txt);
		printf("%s\n", zone);
		free(zone);
		fprintf(stderr, "frankd: wrote %s; publish the record above%s%s %s %s\n", path,
			configured ? "" : " and add to frankd.conf: dkim_key ", configured ? "" : domain,
			configured ? "" : selector, configured ? "" : path);
	}
	free(txt);
	free(path);
	free(keydir);
	free(dir);
	return rc;
}
