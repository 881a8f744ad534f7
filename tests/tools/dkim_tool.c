/* dkim_tool.c: drives the DKIM engine of src/auth for the tests (and is
 * the draft of "frank verify" / "frank dkim-keygen").
 *
 *   dkim_tool verify --dns FILE [--dns FILE...] [--now T] [--legacy]
 *                    [--chunk N] [--dns-in-message] MSG...
 *   dkim_tool sign --key PEM | --ed25519-seed B64FILE  --domain D --selector S
 *                  [--identity I] [--headers a:b:c] [--time T] [--expire S]
 *                  [--algo rsa-sha256|ed25519-sha256] [--field-only] < MSG
 *   dkim_tool keygen --algo rsa-sha256|ed25519-sha256 [--bits N] --out PEM
 *                    --domain D --selector S
 *
 * DNS files hold one answer a line, "NAME VALUE" (the format of Mail::DKIM's
 * FAKE_DNS.dat): VALUE is the TXT text, NXDOMAIN, NODATA, ~~Query timed
 * out~~ or ~~SERVFAIL~~ (a temporary failure), or "" (an empty string).
 * Lines starting with # or ; are comments.  --dns-in-message reads such
 * lines at the top of each MSG, up to an empty line (mail-auth's format).
 * A name in no file is NXDOMAIN.
 *
 * verify prints one line per signature:
 *   MSG: sig N: RESULT d=D s=S a=A c=H/B key=TYPE/BITS [weak] [partial]
 *        [testing]: REASON
 * and "MSG: none" without signatures. */
#include "auth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct dns_line {
	char *name;
	char *value;
};

struct dns_table {
	struct dns_line *lines;
	size_t count;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "dkim_tool: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* Reads "NAME VALUE" lines from text[0..len); stops at an empty line when
 * stop_at_blank, returning the offset after it. */
static size_t dns_parse(struct dns_table *t, const char *text, size_t len, int stop_at_blank)
{
	size_t at = 0;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t next = nl ? end + 1 : len;
		size_t e = end;
		if (e > at && text[e - 1] == '\r')
			e--;
		if (e == at) {
			if (stop_at_blank)
				return next;
			at = next;
			continue;
		}
		if (text[at] == '#' || text[at] == ';') {
			at = next;
			continue;
		}
		size_t n = at;
		while (n < e && text[n] != ' ' && text[n] != '\t')
			n++;
		size_t v = n;
		while (v < e && (text[v] == ' ' || text[v] == '\t'))
			v++;
		size_t ve = e;
		while (ve > v && (text[ve - 1] == ' ' || text[ve - 1] == '\t'))
			ve--;
		t->lines = lib_xrealloc(t->lines, (t->count + 1) * sizeof *t->lines);
		t->lines[t->count].name = lib_xstrndup(text + at, n - at);
		t->lines[t->count].value = lib_xstrndup(text + v, ve - v);
		t->count++;
		at = next;
	}
	return len;
}

static void dns_load(struct dns_table *t, const char *path)
{
	char *data;
	size_t len;
	struct lib_err err;
	if (lib_read_file(path, 16 << 20, &data, &len, &err) < 0)
		die("%s", err.msg);
	dns_parse(t, data, len, 0);
	free(data);
}

static struct net_dns_answer *dns_answer(const struct dns_table *t, const char *name)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(name);
	a->qtype = NET_DNS_TXT;
	a->rcode = NET_DNS_NXDOMAIN;
	size_t nl = strlen(name);
	for (size_t i = 0; i < t->count; i++) {
		const char *n = t->lines[i].name;
		size_t l = strlen(n);
		if (l && n[l - 1] == '.')
			l--;
		if (l != nl || strncasecmp(n, name, l) != 0)
			continue;
		const char *v = t->lines[i].value;
		if (strcmp(v, "NXDOMAIN") == 0)
			return a;
		if (strcmp(v, "NODATA") == 0) {
			a->rcode = NET_DNS_NODATA;
			return a;
		}
		if (strncmp(v, "~~", 2) == 0) {
			a->rcode = NET_DNS_TEMPFAIL;
			a->why = lib_xstrdup(v);
			return a;
		}
		a->rcode = NET_DNS_ANSWER;
		a->records = lib_xcalloc(1, sizeof *a->records);
		a->records[0].text = lib_xstrdup(strcmp(v, "\"\"") == 0 ? "" : v);
		a->records[0].text_len = strlen(a->records[0].text);
		a->count = 1;
		return a;
	}
	return a;
}

static void print_signature(const char *file, size_t i, const struct auth_dkim_signature *s)
{
	printf("%s: sig %zu: %s d=%s s=%s a=%s c=%s/%s", file, i + 1, auth_dkim_result_str(s->result),
	       s->domain ? s->domain : "-", s->selector ? s->selector : "-",
	       s->algorithm ? s->algorithm : "-", auth_dkim_canon_str(s->header_canon),
	       auth_dkim_canon_str(s->body_canon));
	if (s->key_type && s->key_bits)
		printf(" key=%s/%u", s->key_type, s->key_bits);
	else if (s->key_type)
		printf(" key=%s", s->key_type);
	if (s->weak)
		printf(" weak");
	if (s->partial)
		printf(" partial");
	if (s->key_testing)
		printf(" testing");
	printf(": %s\n", s->reason ? s->reason : "-");
}

struct verify_args {
	struct dns_table dns;
	struct auth_dkim_verify_options opts;
	size_t chunk;
	int dns_in_message;
};

static void verify_one(struct verify_args *va, const char *file)
{
	char *data;
	size_t len;
	struct lib_err err;
	if (lib_read_file(file, 512u << 20, &data, &len, &err) < 0)
		die("%s", err.msg);
	struct dns_table local = va->dns;
	size_t start = 0;
	if (va->dns_in_message) {
		local.lines = NULL;
		local.count = 0;
		for (size_t i = 0; i < va->dns.count; i++) {
			local.lines = lib_xrealloc(local.lines, (local.count + 1) * sizeof *local.lines);
			local.lines[local.count++] = va->dns.lines[i];
		}
		start = dns_parse(&local, data, len, 1);
	}
	struct auth_dkim_verifier *v = auth_dkim_verifier_new(&va->opts);
	for (size_t at = start; at < len; at += va->chunk)
		auth_dkim_verifier_feed(v, data + at, len - at < va->chunk ? len - at : va->chunk);
	auth_dkim_verifier_finish(v);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dns_need need;
	while (auth_dkim_verify_step(v, cache, &need) == AUTH_NEED_DNS)
		auth_dns_cache_put(cache, dns_answer(&local, need.name));
	if (auth_dkim_verifier_error(v))
		printf("%s: error: %s\n", file, auth_dkim_verifier_error(v));
	size_t n = auth_dkim_verifier_count(v);
	if (n == 0 && !auth_dkim_verifier_error(v))
		printf("%s: none\n", file);
	for (size_t i = 0; i < n; i++)
		print_signature(file, i, auth_dkim_verifier_signature(v, i));
	if (auth_dkim_verifier_not_evaluated(v))
		printf("%s: %zu signatures not evaluated: too many signatures\n", file,
		       auth_dkim_verifier_not_evaluated(v));
	auth_dkim_verifier_free(v);
	auth_dns_cache_free(cache);
	if (va->dns_in_message) {
		for (size_t i = va->dns.count; i < local.count; i++) {
			free(local.lines[i].name);
			free(local.lines[i].value);
		}
		free(local.lines);
	}
	free(data);
}

static int cmd_verify(int argc, char **argv)
{
	struct verify_args va = { .chunk = 4096 };
	int i = 0;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--dns") == 0 && i + 1 < argc)
			dns_load(&va.dns, argv[++i]);
		else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc)
			va.opts.now = atoll(argv[++i]);
		else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc)
			va.chunk = (size_t)atoll(argv[++i]);
		else if (strcmp(argv[i], "--legacy") == 0)
			va.opts.legacy = 1;
		else if (strcmp(argv[i], "--dns-in-message") == 0)
			va.dns_in_message = 1;
		else
			die("verify: unknown option %s", argv[i]);
	}
	if (va.chunk == 0)
		die("verify: --chunk must be at least 1");
	if (i == argc)
		die("verify: no message given");
	for (; i < argc; i++)
		verify_one(&va, argv[i]);
	for (size_t k = 0; k < va.dns.count; k++) {
		free(va.dns.lines[k].name);
		free(va.dns.lines[k].value);
	}
	free(va.dns.lines);
	return 0;
}

static enum auth_dkim_algo parse_algo(const char *s)
{
	if (strcmp(s, "rsa-sha256") == 0)
		return AUTH_DKIM_RSA_SHA256;
	if (strcmp(s, "ed25519-sha256") == 0)
		return AUTH_DKIM_ED25519_SHA256;
	die("unknown algorithm %s (rsa-sha256 or ed25519-sha256)", s);
}

static struct auth_dkim_signing_key *load_seed(const char *path)
{
	char *data;
	size_t len;
	struct lib_err err;
	if (lib_read_file(path, 4096, &data, &len, &err) < 0)
		die("%s", err.msg);
	unsigned char seed[32];
	size_t n = 0;
	unsigned acc = 0, bits = 0;
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < len && data[i] != '='; i++) {
		const char *p = data[i] ? strchr(b64, data[i]) : NULL;
		if (!p)
			continue;
		acc = (acc << 6) | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n < sizeof seed)
				seed[n] = (unsigned char)(acc >> bits);
			n++;
		}
	}
	free(data);
	if (n != 32)
		die("%s: not the base64 of a 32-byte Ed25519 seed", path);
	struct auth_dkim_signing_key *key = auth_dkim_signing_key_from_ed25519_seed(seed, &err);
	if (!key)
		die("%s", err.msg);
	return key;
}

static char **split_headers(const char *list)
{
	size_t n = 1;
	for (const char *p = list; *p; p++)
		n += *p == ':';
	char **names = lib_xcalloc(n + 1, sizeof *names);
	size_t k = 0;
	const char *start = list;
	for (const char *p = list;; p++) {
		if (*p == ':' || *p == '\0') {
			names[k++] = lib_xstrndup(start, (size_t)(p - start));
			start = p + 1;
			if (!*p)
				break;
		}
	}
	return names;
}

static char *read_stdin(size_t *len)
{
	struct lib_buf b = LIB_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		lib_buf_append(&b, chunk, n);
	*len = b.len;
	return lib_buf_take(&b);
}

static int cmd_sign(int argc, char **argv)
{
	struct auth_dkim_sign_options o = { 0 };
	struct auth_dkim_signing_key *key = NULL;
	char **headers = NULL;
	int field_only = 0;
	enum auth_dkim_algo want = AUTH_DKIM_ALGO_UNKNOWN;
	struct lib_err err;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--field-only") == 0) {
			field_only = 1;
			continue;
		}
		if (!val)
			die("sign: %s needs a value", a);
		i++;
		if (strcmp(a, "--key") == 0) {
			if (!(key = auth_dkim_signing_key_load(val, &err)))
				die("%s", err.msg);
		} else if (strcmp(a, "--ed25519-seed") == 0) {
			key = load_seed(val);
		} else if (strcmp(a, "--domain") == 0) {
			o.domain = val;
		} else if (strcmp(a, "--selector") == 0) {
			o.selector = val;
		} else if (strcmp(a, "--identity") == 0) {
			o.identity = val;
		} else if (strcmp(a, "--headers") == 0) {
			headers = split_headers(val);
		} else if (strcmp(a, "--time") == 0) {
			o.timestamp = atoll(val);
		} else if (strcmp(a, "--expire") == 0) {
			o.expire_after = atoll(val);
		} else if (strcmp(a, "--algo") == 0) {
			want = parse_algo(val);
		} else {
			die("sign: unknown option %s", a);
		}
	}
	if (!key)
		die("sign: --key or --ed25519-seed is required");
	if (want && want != auth_dkim_signing_key_algo(key))
		die("sign: the key is not for %s", want == AUTH_DKIM_RSA_SHA256 ? "rsa-sha256"
										 : "ed25519-sha256");
	o.headers = (const char *const *)headers;
	size_t len;
	char *msg = read_stdin(&len);
	char *field;
	int rc = auth_dkim_sign(key, &o, msg, len, &field, &err);
	if (rc < 0) {
		fprintf(stderr, "dkim_tool: %s\n", err.msg);
	} else {
		fputs(field, stdout);
		if (!field_only)
			fwrite(msg, 1, len, stdout);
		free(field);
	}
	free(msg);
	for (size_t i = 0; headers && headers[i]; i++)
		free(headers[i]);
	free(headers);
	auth_dkim_signing_key_free(key);
	return rc < 0 ? 1 : 0;
}

static int cmd_keygen(int argc, char **argv)
{
	enum auth_dkim_algo algo = AUTH_DKIM_RSA_SHA256;
	unsigned bits = 0;
	const char *out = NULL, *domain = NULL, *selector = NULL;
	for (int i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--algo") == 0)
			algo = parse_algo(argv[i + 1]);
		else if (strcmp(argv[i], "--bits") == 0)
			bits = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--out") == 0)
			out = argv[i + 1];
		else if (strcmp(argv[i], "--domain") == 0)
			domain = argv[i + 1];
		else if (strcmp(argv[i], "--selector") == 0)
			selector = argv[i + 1];
		else
			die("keygen: unknown option %s", argv[i]);
	}
	if (!out || !domain || !selector)
		die("keygen: --out, --domain and --selector are required");
	char *txt;
	struct lib_err err;
	if (auth_dkim_keygen(algo, bits, out, &txt, &err) < 0) {
		fprintf(stderr, "dkim_tool: %s\n", err.msg);
		return 1;
	}
	char *zone = auth_dkim_zone_line(selector, domain, txt);
	printf("%s\n%s\n", txt, zone);
	free(zone);
	free(txt);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: dkim_tool verify|sign|keygen ...");
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 2, argv + 2);
	if (strcmp(argv[1], "sign") == 0)
		return cmd_sign(argc - 2, argv + 2);
	if (strcmp(argv[1], "keygen") == 0)
		return cmd_keygen(argc - 2, argv + 2);
	die("unknown command %s", argv[1]);
}
