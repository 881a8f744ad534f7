/* spf_suite.c: runs SPF suite cases (written by tests/tools/spf-suite-convert)
 * against auth_spf_check() and prints TAP, one line per case.
 *
 * Usage: spf_suite CASES-FILE
 *
 * The file's zone is the whole DNS of the cases that follow it: a query
 * for a name it does not hold is NXDOMAIN, for a name it holds without
 * records of the type NODATA; "timeout" and "tempfail-label" make TEMPFAIL;
 * a CNAME is followed as a resolver would (a loop is TEMPFAIL).  Each case
 * starts from an empty auth_dns_cache and answers the evaluator's queries
 * one by one, restarting it, as frankd does with real DNS.  Exit status 0
 * when every case passed, 1 otherwise, 2 for a file it cannot read. */
#include "auth.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FIELDS 16
#define MAX_RESTARTS 2000 /* far above what the RFC 7208 limits allow */
#define MAX_CNAME_HOPS 8

struct rr {
	char *name; /* lowercase, no final dot */
	enum net_dns_type type;
	char *data;
	size_t data_len;
	unsigned pref;
};

struct zone {
	struct rr *rrs;
	size_t count, cap;
	char **names;     /* names that exist, lowercase */
	size_t name_count, name_cap;
	struct rr *timeouts; /* (name, type) pairs that time out; data unused */
	size_t timeout_count, timeout_cap;
	char *tempfail_label;
};

struct field {
	char *key;
	char *value;
	size_t len;
};

struct line {
	char *word;
	struct field fields[MAX_FIELDS];
	size_t count;
};

static int failures;
static int cases;

/* --------------------------------------------------------------------- */
/* The case file                                                         */
/* --------------------------------------------------------------------- */

/* Decodes \xHH escapes in place; returns the length. */
static size_t unescape(char *s)
{
	size_t o = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] == 'x' && isxdigit((unsigned char)s[i + 2]) &&
		    isxdigit((unsigned char)s[i + 3])) {
			char hex[3] = { s[i + 2], s[i + 3], 0 };
			s[o++] = (char)strtoul(hex, NULL, 16);
			i += 3;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	return o;
}

static int split_line(char *text, struct line *l)
{
	memset(l, 0, sizeof *l);
	char *save = NULL;
	l->word = strtok_r(text, " ", &save);
	for (char *tok; (tok = strtok_r(NULL, " ", &save));) {
		char *eq = strchr(tok, '=');
		if (!eq || l->count == MAX_FIELDS)
			return -1;
		*eq = '\0';
		l->fields[l->count].key = tok;
		l->fields[l->count].value = eq + 1;
		l->fields[l->count].len = unescape(eq + 1);
		l->count++;
	}
	return l->word ? 0 : -1;
}

static const struct field *field(const struct line *l, const char *key)
{
	for (size_t k = 0; k < l->count; k++)
		if (strcmp(l->fields[k].key, key) == 0)
			return &l->fields[k];
	return NULL;
}

static const char *value(const struct line *l, const char *key)
{
	const struct field *f = field(l, key);
	return f ? f->value : NULL;
}

static int type_of(const char *s, enum net_dns_type *t)
{
	static const struct { const char *name; enum net_dns_type type; } types[] = {
		{ "A", NET_DNS_A }, { "AAAA", NET_DNS_AAAA }, { "MX", NET_DNS_MX },
		{ "PTR", NET_DNS_PTR }, { "TXT", NET_DNS_TXT }, { "CNAME", NET_DNS_CNAME },
	};
	for (size_t k = 0; s && k < sizeof types / sizeof types[0]; k++) {
		if (strcmp(s, types[k].name) == 0) {
			*t = types[k].type;
			return 0;
		}
	}
	return -1;
}

/* --------------------------------------------------------------------- */
/* The zone                                                              */
/* --------------------------------------------------------------------- */

static char *zone_name(const char *s)
{
	char *n = lib_xstrdup(s);
	for (char *p = n; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	size_t len = strlen(n);
	if (len && n[len - 1] == '.')
		n[len - 1] = '\0';
	return n;
}

static void zone_clear(struct zone *z)
{
	for (size_t k = 0; k < z->count; k++) {
		free(z->rrs[k].name);
		free(z->rrs[k].data);
	}
	for (size_t k = 0; k < z->name_count; k++)
		free(z->names[k]);
	for (size_t k = 0; k < z->timeout_count; k++)
		free(z->timeouts[k].name);
	free(z->rrs);
	free(z->names);
	free(z->timeouts);
	free(z->tempfail_label);
	memset(z, 0, sizeof *z);
}

static struct rr *rr_append(struct rr **v, size_t *count, size_t *cap)
{
	if (*count == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = lib_xrealloc(*v, *cap * sizeof **v);
	}
	struct rr *r = &(*v)[(*count)++];
	memset(r, 0, sizeof *r);
	return r;
}

static void zone_add_name(struct zone *z, const char *name)
{
	if (z->name_count == z->name_cap) {
		z->name_cap = z->name_cap ? z->name_cap * 2 : 16;
		z->names = lib_xrealloc(z->names, z->name_cap * sizeof *z->names);
	}
	z->names[z->name_count++] = zone_name(name);
}

static int zone_directive(struct zone *z, const struct line *l)
{
	const char *name = value(l, "name");
	enum net_dns_type type;
	if (strcmp(l->word, "zone-clear") == 0) {
		zone_clear(z);
	} else if (strcmp(l->word, "tempfail-label") == 0 && value(l, "label")) {
		free(z->tempfail_label);
		z->tempfail_label = zone_name(value(l, "label"));
	} else if (strcmp(l->word, "exists") == 0 && name) {
		zone_add_name(z, name);
	} else if (strcmp(l->word, "timeout") == 0 && name &&
		   type_of(value(l, "type"), &type) == 0) {
		struct rr *r = rr_append(&z->timeouts, &z->timeout_count, &z->timeout_cap);
		r->name = zone_name(name);
		r->type = type;
	} else if (strcmp(l->word, "rr") == 0 && name && field(l, "data") &&
		   type_of(value(l, "type"), &type) == 0) {
		const struct field *data = field(l, "data");
		struct rr *r = rr_append(&z->rrs, &z->count, &z->cap);
		r->name = zone_name(name);
		r->type = type;
		r->data = lib_xmalloc(data->len + 1);
		memcpy(r->data, data->value, data->len + 1);
		r->data_len = data->len;
		r->pref = value(l, "pref") ? (unsigned)strtoul(value(l, "pref"), NULL, 10) : 0;
	} else {
		return -1;
	}
	return 0;
}

static int zone_has_name(const struct zone *z, const char *name)
{
	for (size_t k = 0; k < z->name_count; k++)
		if (strcmp(z->names[k], name) == 0)
			return 1;
	for (size_t k = 0; k < z->count; k++)
		if (strcmp(z->rrs[k].name, name) == 0)
			return 1;
	return 0;
}

static int zone_times_out(const struct zone *z, const char *name, enum net_dns_type type)
{
	for (size_t k = 0; k < z->timeout_count; k++)
		if (z->timeouts[k].type == type && strcmp(z->timeouts[k].name, name) == 0)
			return 1;
	if (!z->tempfail_label)
		return 0;
	size_t n = strlen(z->tempfail_label);
	for (const char *p = name; (p = strstr(p, z->tempfail_label)); p++)
		if ((p == name || p[-1] == '.') && (p[n] == '\0' || p[n] == '.'))
			return 1;
	return 0;
}

static const struct rr *zone_find(const struct zone *z, const char *name, enum net_dns_type type,
				  size_t from)
{
	for (size_t k = from; k < z->count; k++)
		if (z->rrs[k].type == type && strcmp(z->rrs[k].name, name) == 0)
			return &z->rrs[k];
	return NULL;
}

static void add_record(struct net_dns_answer *a, const struct rr *r)
{
	a->records = lib_xrealloc(a->records, (a->count + 1) * sizeof *a->records);
	struct net_dns_record *out = &a->records[a->count++];
	memset(out, 0, sizeof *out);
	out->text = lib_xmalloc(r->data_len + 1);
	memcpy(out->text, r->data, r->data_len + 1);
	out->text_len = r->data_len;
	out->preference = r->pref;
	out->ttl = 300;
	if (r->type == NET_DNS_A && inet_pton(AF_INET, r->data, out->addr) == 1)
		out->addr_len = 4;
	if (r->type == NET_DNS_AAAA && inet_pton(AF_INET6, r->data, out->addr) == 1)
		out->addr_len = 16;
	if ((r->type == NET_DNS_MX || r->type == NET_DNS_PTR || r->type == NET_DNS_CNAME) &&
	    out->text_len && out->text[out->text_len - 1] == '.')
		out->text[--out->text_len] = '\0';
}

static int by_preference(const void *x, const void *y)
{
	const struct net_dns_record *a = x, *b = y;
	return a->preference < b->preference ? -1 : a->preference > b->preference;
}

static struct net_dns_answer *new_answer(const char *qname, enum net_dns_type type,
					 enum net_dns_rcode rcode, const char *why)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(qname);
	a->qtype = type;
	a->rcode = rcode;
	a->from_zone = 1;
	a->why = why ? lib_xstrdup(why) : NULL;
	return a;
}

/* What a resolver over the zone answers for (qname, type). */
static struct net_dns_answer *zone_answer(const struct zone *z, const char *qname,
					  enum net_dns_type type)
{
	char *name = zone_name(qname);
	struct net_dns_answer *a = NULL;
	for (int hop = 0; hop <= MAX_CNAME_HOPS && !a; hop++) {
		if (zone_times_out(z, name, type)) {
			a = new_answer(qname, type, NET_DNS_TEMPFAIL, "timed out (test zone)");
		} else if (zone_find(z, name, type, 0)) {
			a = new_answer(qname, type, NET_DNS_ANSWER, NULL);
			for (const struct rr *r = zone_find(z, name, type, 0); r;
			     r = zone_find(z, name, type, (size_t)(r - z->rrs) + 1))
				add_record(a, r);
			if (type == NET_DNS_MX)
				qsort(a->records, a->count, sizeof *a->records, by_preference);
		} else if (type != NET_DNS_CNAME && zone_find(z, name, NET_DNS_CNAME, 0)) {
			char *next = zone_name(zone_find(z, name, NET_DNS_CNAME, 0)->data);
			free(name);
			name = next;
		} else {
			a = new_answer(qname, type, zone_has_name(z, name) ? NET_DNS_NODATA
				       : NET_DNS_NXDOMAIN, NULL);
		}
	}
	if (!a)
		a = new_answer(qname, type, NET_DNS_TEMPFAIL, "CNAME loop (test zone)");
	free(name);
	return a;
}

/* --------------------------------------------------------------------- */
/* Cases                                                                 */
/* --------------------------------------------------------------------- */

typedef enum auth_step (*spf_fn)(const struct auth_spf_request *, const struct auth_dns_cache *,
				 struct auth_spf_result *, struct auth_dns_need *);

/* Runs one check to the end, answering its queries from the zone.  Returns
 * -1 with *why set when the evaluator misbehaves. */
static int evaluate(spf_fn fn, const struct auth_spf_request *req, const struct zone *z,
		    struct auth_dns_cache *cache, struct auth_spf_result *res, const char **why)
{
	struct auth_dns_need need;
	for (int round = 0; round < MAX_RESTARTS; round++) {
		memset(&need, 0, sizeof need);
		if (fn(req, cache, res, &need) == AUTH_DONE)
			return res->reason ? 0 : (*why = "a result without a reason", -1);
		if (auth_dns_cache_get(cache, need.name, need.type)) {
			*why = "it asked again for an answer already in the cache";
			return -1;
		}
		auth_dns_cache_put(cache, zone_answer(z, need.name, need.type));
	}
	*why = "it did not finish within the restart bound";
	return -1;
}

static int expected(const char *list, const char *got)
{
	size_t n = strlen(got);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, got, n) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static void report(const char *id, int ok, const struct line *l, const struct auth_spf_result *res,
		   const char *problem)
{
	cases++;
	if (!ok)
		failures++;
	printf("%s %d - %s: %s", ok ? "ok" : "not ok", cases, id, auth_spf_code_str(res->code));
	if (value(l, "rfc"))
		printf(" (the suite expects %s; RFC 7208 %s: %s)", value(l, "suite"),
		       value(l, "rfc"), value(l, "why") ? value(l, "why") : "");
	printf("\n");
	if (ok)
		return;
	const char *exp = value(l, "explanation");
	printf("#   expected %s%s%s, got %s\n", value(l, "expect"), exp ? " with explanation " : "",
	       exp ? exp : "", auth_spf_code_str(res->code));
	if (problem)
		printf("#   %s\n", problem);
	printf("#   reason: %s\n", res->reason ? res->reason : "(none)");
	if (res->explanation)
		printf("#   explanation: %s\n", res->explanation);
}

static void run_case(const struct line *l, const struct zone *z)
{
	const char *id = value(l, "id"), *mode = value(l, "mode");
	const char *want_exp = value(l, "explanation");
	struct auth_spf_request req = {
		.ip = value(l, "ip"), .helo = value(l, "helo"), .mail_from = value(l, "from"),
		.receiver = value(l, "receiver"), .now = 1700000000,
	};
	struct auth_spf_result res;
	const char *problem = NULL;
	struct auth_dns_cache *cache = auth_dns_cache_new();
	memset(&res, 0, sizeof res);
	int rc = 0;
	if (mode && strcmp(mode, "helo-first") == 0) {
		rc = evaluate(auth_spf_check_helo, &req, z, cache, &res, &problem);
		if (rc == 0 && res.code == AUTH_SPF_PASS) {
			auth_spf_result_release(&res);
			rc = evaluate(auth_spf_check, &req, z, cache, &res, &problem);
		}
	} else {
		rc = evaluate(auth_spf_check, &req, z, cache, &res, &problem);
	}
	int ok = rc == 0 && expected(value(l, "expect"), auth_spf_code_str(res.code));
	if (ok && want_exp) {
		if (strcmp(want_exp, "DEFAULT") == 0)
			ok = res.explanation == NULL;
		else
			ok = res.explanation && strcmp(res.explanation, want_exp) == 0;
		if (!ok)
			problem = "the explanation differs";
	}
	report(id ? id : "?", ok, l, &res, problem);
	auth_spf_result_release(&res);
	auth_dns_cache_free(cache);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: spf_suite CASES-FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	struct zone z;
	memset(&z, 0, sizeof z);
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, bad = 0;
	while ((n = getline(&text, &cap, f)) > 0) {
		lineno++;
		if (text[n - 1] == '\n')
			text[n - 1] = '\0';
		struct line l;
		if (text[0] == '#' || text[0] == '\0')
			continue;
		if (split_line(text, &l) < 0) {
			bad = 1;
		} else if (strcmp(l.word, "test") == 0) {
			if (!value(&l, "id") || !value(&l, "ip") || !value(&l, "expect"))
				bad = 1;
			else
				run_case(&l, &z);
		} else if (strcmp(l.word, "scenario") == 0) {
			printf("# %s\n", value(&l, "name") ? value(&l, "name") : "");
		} else if (zone_directive(&z, &l) < 0) {
			bad = 1;
		}
		if (bad) {
			printf("not ok %d - %s:%d: a line this tool cannot read\n", ++cases, argv[1],
			       lineno);
			failures++;
			break;
		}
	}
	free(text);
	fclose(f);
	zone_clear(&z);
	printf("# %d cases, %d failed\n", cases, failures);
	return failures ? 1 : 0;
}
