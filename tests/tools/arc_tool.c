/* arc_tool.c: drives the ARC validator of src/auth for the tests (and is
 * the draft of ARC's part of "frank verify").
 *
 *   arc_tool verify --zone FILE [--zone FILE...] [--now T] [--chunk N] MSG...
 *   arc_tool suite [--now T] CASES
 *
 * DNS comes from RFC 1035 zone files through the offline resolver of
 * src/net, as frank runs it: a name in no zone is NXDOMAIN.  Each key the
 * validator asks for is looked up and put in its cache, and the validator
 * runs again (restart on miss).  The message is fed to a DKIM verifier
 * carrying the validator, in chunks of --chunk bytes (default: whole).
 *
 * verify prints, for each MSG:
 *   MSG: arc=CV sets=N oldest-pass=K[ temporary]: REASON
 *   MSG: i=I seal=RESULT d=D s=S cv=CV ams=RESULT d=D s=S aar=AUTHSERV-ID
 *   MSG: i=I seal: REASON / ams: REASON
 *   MSG: dkim d=D: RESULT: REASON          one per DKIM signature, and when
 *   MSG: vouch d=D: TEXT                   it failed, what ARC says of it
 *
 * suite runs the cases of a file written by tests/tools/arc_suite_convert,
 * one per line, fields separated by tabs:
 *   ID  EXPECTED-CV  ZONE-FILE  MESSAGE-FILE  NOTE
 * and prints a TAP line for each ("ok N - ID: cv=... (NOTE)"), then
 * "# N cases, F failed".  Exit status 0 when all passed, 1 otherwise, 2
 * for bad usage or a file it cannot read. */
#include "auth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ZONES 8
#define MAX_RESTARTS (4 * AUTH_ARC_MAX_SETS + AUTH_DKIM_MAX_SIGNATURES + 4)

struct run_opts {
	const char *zones[MAX_ZONES];
	size_t zone_count;
	long long now;
	size_t chunk;
};

/* A validation and what it consulted. */
struct run {
	struct auth_dkim_verifier *verifier;
	struct auth_arc_validator *arc;
	struct auth_dns_cache *cache;
	const struct auth_arc_result *result;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "arc_tool: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static struct net_dns *open_dns(const struct run_opts *o)
{
	struct lib_err err;
	struct net_dns *dns = net_dns_new(NULL, &err);
	if (!dns)
		die("%s", err.msg);
	for (size_t i = 0; i < o->zone_count; i++)
		if (net_dns_load_zone_file(dns, o->zones[i], &err) < 0)
			die("%s", err.msg);
	return dns;
}

static void resolve(struct net_dns *dns, struct auth_dns_cache *cache, const struct auth_dns_need *need)
{
	struct lib_err err;
	struct net_dns_answer *a = net_dns_lookup(dns, need->name, need->type, &err);
	if (!a) {
		/* A name the resolver refuses is one no zone holds. */
		a = lib_xcalloc(1, sizeof *a);
		a->qname = lib_xstrdup(need->name);
		a->qtype = need->type;
		a->rcode = NET_DNS_NXDOMAIN;
	}
	auth_dns_cache_put(cache, a);
}

/* Validates msg[0..len); the caller releases the run. */
static void run_validation(struct run *r, struct net_dns *dns, const struct run_opts *o,
			   const char *msg, size_t len)
{
	struct auth_dkim_verify_options vo = { .now = o->now };
	r->verifier = auth_dkim_verifier_new(&vo);
	r->arc = auth_arc_validator_attach(r->verifier);
	if (!r->arc)
		die("auth_arc_validator_attach refused a new verifier");
	size_t chunk = o->chunk ? o->chunk : len ? len : 1;
	for (size_t at = 0; at < len; at += chunk)
		auth_dkim_verifier_feed(r->verifier, msg + at, len - at < chunk ? len - at : chunk);
	auth_dkim_verifier_finish(r->verifier);
	r->cache = auth_dns_cache_new();
	struct auth_dns_need need;
	int restarts = 0;
	while (auth_arc_validate_step(r->arc, r->cache, &need) == AUTH_NEED_DNS) {
		if (++restarts > MAX_RESTARTS)
			die("the validator asked for more than %d keys", MAX_RESTARTS);
		resolve(dns, r->cache, &need);
	}
	while (auth_dkim_verify_step(r->verifier, r->cache, &need) == AUTH_NEED_DNS)
		resolve(dns, r->cache, &need);
	r->result = auth_arc_validator_result(r->arc);
	if (!r->result)
		die("no result after AUTH_DONE");
}

static void run_release(struct run *r)
{
	auth_dkim_verifier_free(r->verifier); /* frees the validator too */
	auth_dns_cache_free(r->cache);
}

static char *read_file(const char *path, size_t *len)
{
	char *data;
	struct lib_err err;
	if (lib_read_file(path, 64 << 20, &data, len, &err) < 0)
		die("%s", err.msg);
	return data;
}

/* ---- verify ------------------------------------------------------------------- */

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

static void print_set(const char *file, const struct auth_arc_set *set)
{
	const struct auth_dkim_signature *as = set->seal, *ams = set->message_signature;
	printf("%s: i=%u seal=%s d=%s s=%s cv=%s ams=%s d=%s s=%s aar=%s\n", file, set->instance,
	       as ? auth_dkim_result_str(as->result) : "missing", or_dash(as ? as->domain : NULL),
	       or_dash(as ? as->selector : NULL), as ? auth_arc_cv_str(set->seal_cv) : "-",
	       ams ? auth_dkim_result_str(ams->result) : "missing",
	       or_dash(ams ? ams->domain : NULL), or_dash(ams ? ams->selector : NULL),
	       set->results ? set->results->authserv_id
			    : set->results_text ? "unreadable" : "missing");
	if (as)
		printf("%s: i=%u seal: %s\n", file, set->instance, as->reason);
	if (ams)
		printf("%s: i=%u ams: %s\n", file, set->instance, ams->reason);
	if (set->results_error)
		printf("%s: i=%u aar: %s\n", file, set->instance, set->results_error);
}

static void print_dkim(const char *file, const struct run *r)
{
	for (size_t i = 0; i < auth_dkim_verifier_count(r->verifier); i++) {
		const struct auth_dkim_signature *s = auth_dkim_verifier_signature(r->verifier, i);
		printf("%s: dkim d=%s: %s: %s\n", file, or_dash(s->domain),
		       auth_dkim_result_str(s->result), s->reason);
		if (s->result == AUTH_DKIM_PASS || !s->domain)
			continue;
		struct auth_arc_vouch vouch;
		auth_arc_vouch_find(r->result, s->domain, &vouch);
		char *text = auth_arc_vouch_text(&vouch);
		printf("%s: vouch d=%s: %s\n", file, s->domain, text);
		free(text);
	}
}

static void verify_one(struct net_dns *dns, const struct run_opts *o, const char *file)
{
	size_t len;
	char *msg = read_file(file, &len);
	struct run r;
	run_validation(&r, dns, o, msg, len);
	const struct auth_arc_result *res = r.result;
	printf("%s: arc=%s sets=%u oldest-pass=%u%s: %s\n", file, auth_arc_cv_str(res->cv),
	       res->count, res->oldest_pass, res->temporary ? " temporary" : "", res->reason);
	for (unsigned k = 0; k < res->count; k++)
		print_set(file, &res->sets[k]);
	print_dkim(file, &r);
	run_release(&r);
	free(msg);
}

/* ---- suite --------------------------------------------------------------------- */

struct suite_case {
	char *id, *expect, *zone, *message, *note;
};

static int split_case(char *line, struct suite_case *c)
{
	char *fields[5];
	size_t n = 0;
	for (char *save = NULL, *tok = strtok_r(line, "\t", &save); tok && n < 5;
	     tok = strtok_r(NULL, "\t", &save))
		fields[n++] = tok;
	if (n < 4)
		return -1;
	*c = (struct suite_case){ fields[0], fields[1], fields[2], fields[3], n == 5 ? fields[4] : "" };
	return 0;
}

static int run_case(const struct suite_case *c, int number, struct run_opts *o)
{
	o->zones[0] = c->zone;
	o->zone_count = 1;
	struct net_dns *dns = open_dns(o);
	size_t len;
	char *msg = read_file(c->message, &len);
	struct run r;
	run_validation(&r, dns, o, msg, len);
	const char *got = auth_arc_cv_str(r.result->cv);
	int ok = strcmp(got, c->expect) == 0;
	printf("%s %d - %s: cv=%s%s%s%s\n", ok ? "ok" : "not ok", number, c->id, got,
	       *c->note ? " (" : "", c->note, *c->note ? ")" : "");
	printf("#   %s\n", r.result->reason);
	if (!ok)
		printf("#   expected cv=%s\n", c->expect);
	run_release(&r);
	net_dns_free(dns);
	free(msg);
	return ok;
}

static int cmd_suite(struct run_opts *o, const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	int number = 0, failed = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct suite_case c;
		if (split_case(line, &c) < 0)
			die("%s: a line without its four fields", path);
		if (!run_case(&c, ++number, o))
			failed++;
	}
	printf("# %d cases, %d failed\n", number, failed);
	free(text);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: arc_tool verify --zone FILE [--now T] [--chunk N] MSG... | "
		    "arc_tool suite [--now T] CASES");
	struct run_opts o = { .now = 0 };
	int i = 2;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (i + 1 >= argc)
			die("%s needs a value", argv[i]);
		if (strcmp(argv[i], "--zone") == 0 && o.zone_count < MAX_ZONES)
			o.zones[o.zone_count++] = argv[i + 1];
		else if (strcmp(argv[i], "--now") == 0)
			o.now = atoll(argv[i + 1]);
		else if (strcmp(argv[i], "--chunk") == 0)
			o.chunk = (size_t)atol(argv[i + 1]);
		else
			die("unknown option %s", argv[i]);
	}
	if (i >= argc)
		die("nothing to read");
	if (strcmp(argv[1], "suite") == 0)
		return cmd_suite(&o, argv[i]);
	if (strcmp(argv[1], "verify") != 0)
		die("unknown command %s", argv[1]);
	struct net_dns *dns = open_dns(&o);
	for (; i < argc; i++)
		verify_one(dns, &o, argv[i]);
	net_dns_free(dns);
	return 0;
}
