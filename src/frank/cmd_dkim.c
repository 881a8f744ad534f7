/* cmd_dkim.c: frank dkim-keygen: a new DKIM signing key for DOMAIN and
 * SELECTOR, and the TXT record to publish for it.  The private key goes
 * to ./SELECTOR.DOMAIN.key (or --out FILE), mode 0600, and an existing
 * file is never replaced; the record, as a zone-file line, goes to
 * standard output so that it can be appended to a zone. */
#include "commands.h"

#include "auth.h"
#include "lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keygen_options {
	enum auth_dkim_algo algo;
	unsigned bits;
	const char *out;
	const char *domain;
	const char *selector;
};

static void keygen_usage(FILE *f)
{
	fprintf(f, "usage: frank dkim-keygen [--algo rsa|ed25519] [--bits N] [--out FILE] "
		   "DOMAIN SELECTOR\n");
}

/* RFC 6376 3.1: selector = sub-domain *( "." sub-domain ), a sub-domain
 * being letters, digits and inner hyphens (RFC 5321 4.1.2). */
static int selector_ok(const char *s)
{
	size_t label = 0;
	for (const char *p = s;; p++) {
		char c = *p;
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return 0;
			if (c == '\0')
				return p - s < 200;
			label = 0;
		} else if (alnum || (c == '-' && label > 0)) {
			label++;
		} else {
			return 0;
		}
	}
}

/* Returns 0 to go on, 1 after --help, -1 on a usage error. */
static int keygen_parse(int argc, char **argv, struct keygen_options *o)
{
	o->algo = AUTH_DKIM_RSA_SHA256;
	const char *pos[2];
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			keygen_usage(stdout);
			return 1;
		}
		int takes = strcmp(a, "--algo") == 0 || strcmp(a, "--bits") == 0 ||
			    strcmp(a, "--out") == 0;
		if (takes && i + 1 >= argc) {
			fprintf(stderr, "frank dkim-keygen: option %s needs an argument\n", a);
			return -1;
		}
		const char *val = takes ? argv[++i] : NULL;
		if (strcmp(a, "--algo") == 0) {
			int rsa = strcmp(val, "rsa") == 0 || strcmp(val, "rsa-sha256") == 0;
			int ed = strcmp(val, "ed25519") == 0 || strcmp(val, "ed25519-sha256") == 0;
			if (!rsa && !ed) {
				fprintf(stderr, "frank dkim-keygen: --algo is rsa or ed25519, not %s\n",
					val);
				return -1;
			}
			o->algo = ed ? AUTH_DKIM_ED25519_SHA256 : AUTH_DKIM_RSA_SHA256;
		} else if (strcmp(a, "--bits") == 0) {
			char *end;
			unsigned long bits = strtoul(val, &end, 10);
			if (*end || end == val || bits < 1024 || bits > 8192) {
				fprintf(stderr, "frank dkim-keygen: --bits is 1024 to 8192, not %s\n",
					val);
				return -1;
			}
			o->bits = (unsigned)bits;
		} else if (strcmp(a, "--out") == 0) {
			o->out = val;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "frank dkim-keygen: unknown option: %s\n", a);
			return -1;
		} else if (npos < 2) {
			pos[npos++] = a;
		} else {
			fprintf(stderr, "frank dkim-keygen: too many arguments: %s\n", a);
			return -1;
		}
	}
	if (npos != 2) {
		fprintf(stderr, "frank dkim-keygen: DOMAIN and SELECTOR are needed\n");
		return -1;
	}
	o->domain = pos[0];
	o->selector = pos[1];
	return 0;
}

int frank_cmd_dkim_keygen(int argc, char **argv)
{
	struct keygen_options o = { 0 };
	int rc = keygen_parse(argc, argv, &o);
	if (rc != 0) {
		if (rc < 0)
			keygen_usage(stderr);
		return rc < 0 ? 2 : 0;
	}
	struct lib_err err;
	char *domain = auth_address_domain_to_ascii(o.domain, strlen(o.domain), &err);
	if (!domain || !selector_ok(o.selector)) {
		fprintf(stderr, "frank dkim-keygen: %s: %s\n", domain ? o.selector : o.domain,
			domain ? "not a selector (letters, digits, hyphens, dots)" : err.msg);
		free(domain);
		return 2;
	}
	char *path = o.out ? lib_xstrdup(o.out) : lib_xasprintf("%s.%s.key", o.selector, domain);
	char *txt = NULL;
	rc = 0;
	if (auth_dkim_keygen(o.algo, o.bits, path, &txt, &err) < 0) {
		fprintf(stderr, "frank dkim-keygen: %s\n", err.msg);
		rc = 1;
	} else {
		char *line = auth_dkim_zone_line(o.selector, domain, txt);
		printf("%s\n", line);
		fprintf(stderr, "frank: private key written to %s (mode 600); publish the record "
				"above at %s._domainkey.%s\n",
			path, o.selector, domain);
		free(line);
	}
	free(txt);
	free(path);
	free(domain);
	return rc;
}
