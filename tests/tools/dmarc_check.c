/* dmarc_check.c: runs the shared DMARC test data (../shared/testdata/dmarc)
 * through src/auth and prints one TAP line per check.
 *
 *   dmarc_check psl TEST_PSL_TXT
 *       the Public Suffix List's own cases, against libpsl's built-in list,
 *       libpsl's latest (Debian's /usr/share/publicsuffix) and Debian's .dat
 *   dmarc_check opendmarc OPENDMARC_CASES_TSV PSL_DAT
 *       OpenDMARC's tables; rows where frank deliberately differs are in
 *       the deviations table below, asserting frank's own answer
 *   dmarc_check deviations
 *       the doc/rfc-deviations.md headings the deviations table cites
 *   dmarc_check cases FILE
 *       evaluation cases in the line format tests/tools/dmarc_cases.py
 *       writes (authheaders' cases, the RFC 9989 tree walk examples)
 *
 * DNS: a case lists its answers; every other query is answered NXDOMAIN,
 * as the sources say ("every other name queried has none"). */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEBIAN_PSL "/usr/share/publicsuffix/public_suffix_list.dat"

static int failures;

static void tap(int ok, const char *what, const char *detail)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok) {
		failures++;
		if (detail)
			printf("#   %s\n", detail);
	}
}

static char *read_all(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	struct lib_err err;
	if (lib_read_file(path, 16u << 20, &data, &len, &err) < 0) {
		printf("not ok - read %s: %s\n", path, err.msg);
		exit(1);
	}
	return data;
}

/* --- psl ---------------------------------------------------------------- */

/* "'text'" or "null" at *p; returns the text (new) or NULL for null. */
static char *psl_arg(const char **p)
{
	while (**p == ' ' || **p == ',')
		(*p)++;
	if (strncmp(*p, "null", 4) == 0) {
		*p += 4;
		return NULL;
	}
	if (**p != '\'')
		return NULL;
	const char *end = strchr(*p + 1, '\'');
	if (!end)
		return NULL;
	char *s = lib_xstrndup(*p + 1, (size_t)(end - *p - 1));
	*p = end + 1;
	return s;
}

static char *ascii_or_null(const char *s)
{
	struct lib_err err;
	return s ? auth_address_domain_to_ascii(s, strlen(s), &err) : NULL;
}

static char *org_of(const struct auth_dmarc_psl *psl, const char *input)
{
	char *ascii = ascii_or_null(input);
	char *org = ascii ? auth_dmarc_psl_org_domain(psl, ascii) : NULL;
	free(ascii);
	return org;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int run_psl(const char *path)
{
	struct lib_err err;
	struct auth_dmarc_psl *latest = auth_dmarc_psl_new(NULL, &err);
	struct auth_dmarc_psl *debian = auth_dmarc_psl_new(DEBIAN_PSL, &err);
	tap(latest != NULL, "libpsl's latest list loads", err.msg);
	tap(debian != NULL, "Debian's list " DEBIAN_PSL " loads (package publicsuffix)", err.msg);
	if (!latest || !debian)
		return 1;
	const struct { const char *name; const struct auth_dmarc_psl *psl; } lists[] = {
		{ "built-in", NULL }, { "latest", latest }, { "Debian .dat", debian },
	};
	char *text = read_all(path);
	int cases = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		const char *p = line;
		if (strncmp(p, "checkPublicSuffix(", 18) != 0)
			continue;
		p += 18;
		char *input = psl_arg(&p), *want = psl_arg(&p);
		char *want_ascii = ascii_or_null(want);
		char what[512], detail[512] = "";
		snprintf(what, sizeof what, "PSL %s -> %s", input ? input : "null", want ? want : "null");
		int ok = 1;
		for (size_t i = 0; i < 3; i++) {
			char *got = org_of(lists[i].psl, input);
			if (!same(got, want_ascii)) {
				ok = 0;
				snprintf(detail, sizeof detail, "%s list says %s", lists[i].name,
					 got ? got : "null");
			}
			free(got);
		}
		tap(ok, what, detail);
		cases++;
		free(input);
		free(want);
		free(want_ascii);
	}
	tap(cases == 78, "test_psl.txt has its 78 active cases", "a different count");
	free(text);
	auth_dmarc_psl_free(latest);
	auth_dmarc_psl_free(debian);
	return failures != 0;
}

/* --- a DNS table for the cases -------------------------------------------- */

struct dns_entry {
	char *name;
	enum net_dns_type type;
	enum net_dns_rcode rcode;
	char *data;
};

struct dns_table {
	struct dns_entry *e;
	size_t count;
};

static void dns_table_add(struct dns_table *t, const char *name, enum net_dns_type type,
			  enum net_dns_rcode rcode, const char *data)
{
	t->e = lib_xrealloc(t->e, (t->count + 1) * sizeof *t->e);
	t->e[t->count++] = (struct dns_entry){ lib_xstrdup(name), type, rcode,
					       data ? lib_xstrdup(data) : NULL };
}

static void dns_table_release(struct dns_table *t)
{
	for (size_t i = 0; i < t->count; i++) {
		free(t->e[i].name);
		free(t->e[i].data);
	}
	free(t->e);
	t->e = NULL;
	t->count = 0;
}

/* The answer to need from the table, NXDOMAIN when it is not there. */
static struct net_dns_answer *dns_answer(const struct dns_table *t, const struct auth_dns_need *need)
{
	struct net_dns_answer *a = lib_xcalloc(1, sizeof *a);
	a->qname = lib_xstrdup(need->name);
	a->qtype = need->type;
	a->rcode = NET_DNS_NXDOMAIN;
	for (size_t i = 0; i < t->count; i++) {
		const struct dns_entry *e = &t->e[i];
		if (e->type != need->type || strcasecmp(e->name, need->name) != 0)
			continue;
		a->rcode = e->rcode;
		if (e->rcode == NET_DNS_ANSWER) {
			a->records = lib_xrealloc(a->records, (a->count + 1) * sizeof *a->records);
			struct net_dns_record *r = &a->records[a->count++];
			memset(r, 0, sizeof *r);
			r->text = lib_xstrdup(e->data ? e->data : "");
			r->text_len = strlen(r->text);
		}
	}
	return a;
}

/* --- opendmarc ------------------------------------------------------------- */

/* Rows where frank answers otherwise, on purpose: table, first column,
 * frank's answer, and the doc/rfc-deviations.md heading that argues it. */
static const struct deviation {
	const char *table, *key, *frank, *doc;
} deviations[] = {
	{ "alignment", ".mac.com.", "not-aligned", "OpenDMARC strips dots around a domain" },
	{ "alignment", "....mac.com....", "not-aligned", "OpenDMARC strips dots around a domain" },
	{ "record", "v=DMARC1; p=n;", "NO_REQUIRED_P", "Policy values are whole words" },
	{ "record", "v=DMARC1; p=bob;", "NO_REQUIRED_P", "A bad p, sp or np value: RFC 9989 4.10.1" },
	{ "record", "v=DMARC1; p=none; sp=bob;", "NO_REQUIRED_P",
	  "A bad p, sp or np value: RFC 9989 4.10.1" },
	{ "record", "v=DMARC1; p=none; rf=bob;", "OK", "rf and ri are ignored" },
	{ "record", "v=DMARC1; p=none; ri=bob;", "OK", "rf and ri are ignored" },
	{ "record", "v=DMARC1; p=none; rf=000000000000000000000000000000000", "OK",
	  "rf and ri are ignored" },
	{ "fromdomain", "\"Johnson, Joe <joe@joe.com>\" joe@joe.com",
	  "error: a display name needs its address in <>", "A From field is read as RFC 5322" },
	{ "fromdomain", "<<<><joe@joe.com>>>", "error: unexpected '<' after '<'",
	  "A From field is read as RFC 5322" },
	{ "fromdomain", "Joe Johnson <joe@joe.com>, ace@ace.com", "2 mailboxes",
	  "Several From mailboxes are a permerror" },
	{ "fromdomain", "joe@joe.com, ace@ace.com", "2 mailboxes",
	  "Several From mailboxes are a permerror" },
	{ "fromdomain", "\"( bob@bob.com)\" joe@joe.com",
	  "error: a display name needs its address in <>", "A From field is read as RFC 5322" },
};
#define DEVIATIONS (sizeof deviations / sizeof deviations[0])

static const struct deviation *deviation_for(const char *table, const char *key)
{
	for (size_t i = 0; i < DEVIATIONS; i++)
		if (strcmp(deviations[i].table, table) == 0 && strcmp(deviations[i].key, key) == 0)
			return &deviations[i];
	return NULL;
}

/* OpenDMARC's alignment check: DKIM d=domain passing, From at against,
 * a record there with adkim=mode, the RFC 7489 (PSL) method. */
static char *od_alignment(char **col, const struct auth_dmarc_psl *psl)
{
	char from[600], record[64];
	snprintf(from, sizeof from, "x@%s", col[2]);
	snprintf(record, sizeof record, "v=DMARC1; p=none; adkim=%c", col[3][0]);
	const char *froms[] = { from };
	struct auth_dmarc_dkim dkim = { "pass", col[1], NULL };
	struct auth_dmarc_input in = { froms, 1, { NULL, NULL, 0 }, &dkim, 1, AUTH_DMARC_PSL, psl };
	char txtname[600];
	snprintf(txtname, sizeof txtname, "_dmarc.%s", col[2]);
	struct dns_table t = { NULL, 0 };
	dns_table_add(&t, txtname, NET_DNS_TXT, NET_DNS_ANSWER, record);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dmarc_verdict *v = NULL;
	struct auth_dns_need need;
	for (int i = 0; i < 64 && auth_dmarc_evaluate(&in, cache, &v, &need) == AUTH_NEED_DNS; i++)
		auth_dns_cache_put(cache, dns_answer(&t, &need));
	char *answer = lib_xstrdup(v && v->dkim_count && v->dkim[0].aligned ? "aligned"
									 : "not-aligned");
	auth_dmarc_verdict_free(v);
	auth_dns_cache_free(cache);
	dns_table_release(&t);
	return answer;
}

static char *od_record(char **col)
{
	struct auth_dmarc_record rec;
	struct lib_err err;
	enum auth_dmarc_record_status st = auth_dmarc_record_parse(col[1], strlen(col[1]), &rec, &err);
	const char *answer = st == AUTH_DMARC_RECORD_NOT_DMARC ? (*col[1] ? "BAD_VERSION" : "EMPTY")
			     : st == AUTH_DMARC_RECORD_INVALID ? "BAD_VALUE"
			     : !rec.usable			 ? "NO_REQUIRED_P"
							 : "OK";
	auth_dmarc_record_release(&rec);
	return lib_xstrdup(answer);
}

static char *od_fromdomain(char **col)
{
	struct auth_address_list list;
	struct lib_err err;
	if (auth_address_parse(col[1], strlen(col[1]), &list, &err) < 0)
		return lib_xasprintf("error: %s", err.msg);
	char *answer = list.count == 1 ? lib_xstrdup(list.domains[0])
				       : lib_xasprintf("%zu mailboxes", list.count);
	auth_address_list_release(&list);
	return answer;
}

/* Splits line at tabs into col[0..8); returns the count. */
static size_t split_tabs(char *line, char **col, size_t max)
{
	size_t n = 0;
	while (n < max) {
		col[n++] = line;
		char *tab = strchr(line, '\t');
		if (!tab)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

static void od_row(char **col, size_t n, const struct auth_dmarc_psl *psl)
{
	const char *table = col[0];
	char *got = NULL;
	const char *want = NULL;
	if (strcmp(table, "alignment") == 0 && n >= 5) {
		got = od_alignment(col, psl), want = col[4];
	} else if (strcmp(table, "orgdomain") == 0 && n >= 3) {
		got = auth_dmarc_psl_org_domain(psl, col[1]), want = col[2];
	} else if (strcmp(table, "record") == 0 && n >= 3) {
		got = od_record(col), want = col[2];
	} else if (strcmp(table, "fromdomain") == 0 && n >= 3) {
		got = od_fromdomain(col), want = col[2];
	} else {
		tap(0, "opendmarc row has the columns of its table", table);
		return;
	}
	const struct deviation *dev = deviation_for(table, col[1]);
	char what[600], detail[600];
	if (dev)
		snprintf(what, sizeof what, "opendmarc %s \"%s\": frank says %s (OpenDMARC: %s; "
			 "rfc-deviations.md: %s)", table, col[1], dev->frank, want, dev->doc);
	else
		snprintf(what, sizeof what, "opendmarc %s \"%s\" -> %s", table, col[1], want);
	snprintf(detail, sizeof detail, "frank says %s", got ? got : "(null)");
	tap(same(got, dev ? dev->frank : want), what, detail);
	free(got);
}

static int run_opendmarc(const char *path, const char *psl_path)
{
	struct lib_err err;
	struct auth_dmarc_psl *psl = auth_dmarc_psl_new(psl_path, &err);
	tap(psl != NULL, "OpenDMARC's PSL snapshot loads", err.msg);
	if (!psl)
		return 1;
	char *text = read_all(path);
	size_t rows = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *col[8] = { 0 };
		size_t n = split_tabs(line, col, 8);
		od_row(col, n, psl);
		rows++;
	}
	tap(rows == 45, "opendmarc-cases.tsv has its 45 rows", "a different count");
	free(text);
	auth_dmarc_psl_free(psl);
	return failures != 0;
}

static int list_deviations(void)
{
	for (size_t i = 0; i < DEVIATIONS; i++)
		printf("%s\n", deviations[i].doc);
	return 0;
}

/* --- cases ----------------------------------------------------------------- */

#define MAX_ITEMS 16

struct test_case {
	char *id;
	enum auth_dmarc_method method;
	char *authserv;
	char *from[MAX_ITEMS];
	size_t from_count;
	char *prev;
	int no_dmarc;
	struct auth_dmarc_spf spf;
	struct auth_dmarc_dkim dkim[MAX_ITEMS];
	char *dkim_i[MAX_ITEMS];
	size_t dkim_count;
	struct dns_table dns;
	char *expect[64];  /* "key\tvalue" */
	size_t expect_count;
	char *owned[256];  /* strings the inputs point into */
	size_t owned_count;
};

static char *own(struct test_case *tc, const char *s)
{
	char *copy = lib_xstrdup(s);
	if (tc->owned_count < 256)
		tc->owned[tc->owned_count++] = copy;
	return copy;
}

static void case_release(struct test_case *tc)
{
	free(tc->id);
	free(tc->authserv);
	free(tc->prev);
	for (size_t i = 0; i < tc->from_count; i++)
		free(tc->from[i]);
	for (size_t i = 0; i < tc->expect_count; i++)
		free(tc->expect[i]);
	for (size_t i = 0; i < tc->owned_count; i++)
		free(tc->owned[i]);
	dns_table_release(&tc->dns);
	memset(tc, 0, sizeof *tc);
}

/* %XX escapes, as dmarc_cases.py writes bytes that would break a line. */
static char *unescape(const char *s)
{
	struct lib_buf b = LIB_BUF_INIT;
	for (; *s; s++) {
		unsigned hi, lo;
		if (s[0] == '%' && s[1] && s[2] && sscanf(s + 1, "%1x%1x", &hi, &lo) == 2) {
			lib_buf_putc(&b, (char)(hi * 16 + lo));
			s += 2;
		} else {
			lib_buf_putc(&b, *s);
		}
	}
	return lib_buf_take(&b);
}

static const char *dash_null(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

static void add_dkim(struct test_case *tc, const char *result, const char *d, const char *i,
		     const char *s)
{
	if (tc->dkim_count == MAX_ITEMS)
		return;
	tc->dkim[tc->dkim_count] = (struct auth_dmarc_dkim){ own(tc, result), d ? own(tc, d) : NULL,
							     s ? own(tc, s) : NULL };
	tc->dkim_i[tc->dkim_count++] = i ? own(tc, i) : NULL;
}

static const char *prop_of(const struct auth_authres_result *r, const char *ptype,
			   const char *property)
{
	for (size_t i = 0; i < r->prop_count; i++)
		if (strcmp(r->props[i].ptype, ptype) == 0 && strcmp(r->props[i].property, property) == 0)
			return r->props[i].value;
	return NULL;
}

/* The SPF and DKIM results of an Authentication-Results field fed in as
 * already known (authheaders' "prev"), read with our own parser. */
static int take_prev(struct test_case *tc)
{
	const char *v = strchr(tc->prev, ':');
	struct lib_err err = { "" };
	struct auth_authres *ar = v ? auth_authres_parse(v + 1, strlen(v + 1), &err) : NULL;
	if (!ar) {
		tap(0, "prev Authentication-Results parses", err.msg);
		return -1;
	}
	for (size_t i = 0; i < ar->count; i++) {
		const struct auth_authres_result *r = &ar->results[i];
		if (strcmp(r->method, "dkim") == 0)
			add_dkim(tc, r->result, prop_of(r, "header", "d"), prop_of(r, "header", "i"), NULL);
		if (strcmp(r->method, "spf") == 0) {
			const char *mf = prop_of(r, "smtp", "mailfrom");
			tc->spf = (struct auth_dmarc_spf){ own(tc, r->result), mf ? own(tc, mf) : NULL, 0 };
		}
	}
	auth_authres_free(ar);
	return 0;
}

static enum net_dns_type type_of(const char *s)
{
	return strcmp(s, "A") == 0 ? NET_DNS_A : strcmp(s, "AAAA") == 0 ? NET_DNS_AAAA
					       : strcmp(s, "MX") == 0   ? NET_DNS_MX
									 : NET_DNS_TXT;
}

static enum net_dns_rcode rcode_of(const char *s)
{
	return strcmp(s, "answer") == 0 ? NET_DNS_ANSWER : strcmp(s, "nodata") == 0 ? NET_DNS_NODATA
					  : strcmp(s, "tempfail") == 0 ? NET_DNS_TEMPFAIL
								       : NET_DNS_NXDOMAIN;
}

/* One line of a case; returns 1 at "end". */
static int case_line(struct test_case *tc, char *line)
{
	char *col[8] = { 0 };
	size_t n = split_tabs(line, col, 8);
	const char *key = col[0];
	if (strcmp(key, "end") == 0)
		return 1;
	if (strcmp(key, "case") == 0 && n >= 2)
		tc->id = lib_xstrdup(col[1]);
	else if (strcmp(key, "method") == 0 && n >= 2)
		tc->method = strcmp(col[1], "psl") == 0 ? AUTH_DMARC_PSL : AUTH_DMARC_TREEWALK;
	else if (strcmp(key, "authserv") == 0 && n >= 2)
		tc->authserv = lib_xstrdup(col[1]);
	else if (strcmp(key, "from") == 0 && n >= 2 && tc->from_count < MAX_ITEMS)
		tc->from[tc->from_count++] = unescape(col[1]);
	else if (strcmp(key, "prev") == 0 && n >= 2)
		tc->prev = lib_xstrdup(col[1]);
	else if (strcmp(key, "dmarc") == 0 && n >= 2)
		tc->no_dmarc = strcmp(col[1], "no") == 0;
	else if (strcmp(key, "spf") == 0 && n >= 4)
		tc->spf = (struct auth_dmarc_spf){ own(tc, col[1]), own(tc, col[2]),
						   strcmp(col[3], "helo") == 0 };
	else if (strcmp(key, "dkim") == 0 && n >= 5)
		add_dkim(tc, col[1], col[2], dash_null(col[3]), dash_null(col[4]));
	else if (strcmp(key, "dns") == 0 && n >= 4)
		dns_table_add(&tc->dns, col[1], type_of(col[2]), rcode_of(col[3]),
			      n >= 5 ? col[4] : NULL);
	else if (strcmp(key, "expect") == 0 && n >= 3 && tc->expect_count < 64)
		tc->expect[tc->expect_count++] = lib_xasprintf("%s\t%s", col[1], col[2]);
	else
		tap(0, "case line is understood", key);
	return 0;
}

/* Evaluation with the case's DNS; restarts on every miss, as callers do. */
static struct auth_dmarc_verdict *run_dmarc(const struct test_case *tc, int *restarts)
{
	const char *froms[MAX_ITEMS];
	for (size_t i = 0; i < tc->from_count; i++)
		froms[i] = tc->from[i];
	struct auth_dmarc_input in = { froms, tc->from_count, tc->spf, tc->dkim, tc->dkim_count,
				       tc->method, NULL };
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dmarc_verdict *v = NULL;
	struct auth_dns_need need;
	*restarts = 0;
	while (auth_dmarc_evaluate(&in, cache, &v, &need) == AUTH_NEED_DNS && *restarts < 200) {
		auth_dns_cache_put(cache, dns_answer(&tc->dns, &need));
		(*restarts)++;
	}
	auth_dns_cache_free(cache);
	return v;
}

static char *format_authres(const struct test_case *tc, const struct auth_dmarc_verdict *v)
{
	struct auth_authres *ar = auth_authres_new(tc->authserv ? tc->authserv : "frank.test");
	if (tc->spf.result)
		auth_authres_add_spf(ar, tc->spf.result, tc->spf.domain, tc->spf.helo, NULL);
	for (size_t i = 0; i < tc->dkim_count; i++)
		auth_authres_add_dkim(ar, tc->dkim[i].result, tc->dkim[i].domain, tc->dkim_i[i],
				      tc->dkim[i].selector, NULL, NULL);
	if (v)
		auth_authres_add_dmarc(ar, v);
	char *s = auth_authres_format(ar, 0);
	auth_authres_free(ar);
	return s;
}

/* --- comparing Authentication-Results fields --------------------------------- */

static struct auth_authres *parse_field(const char *field, struct lib_err *err)
{
	const char *colon = strchr(field, ':');
	if (!colon) {
		lib_err_set(err, "no field name");
		return NULL;
	}
	return auth_authres_parse(colon + 1, strlen(colon + 1), err);
}

/* Whether frank's resinfo r has what the expected one w says about one
 * property.  authheaders writes "header.from=none" when there is no From
 * domain and "policy.dmarc=none" when no policy applies: frank leaves
 * those properties out. */
static int prop_like(const struct auth_authres_result *w, const struct auth_authres_result *r,
		     const struct auth_authres_prop *p, char *why, size_t size)
{
	const char *got = prop_of(r, p->ptype, p->property);
	int placeholder = strcasecmp(p->value, "none") == 0 &&
			  ((strcmp(p->ptype, "header") == 0 && strcmp(p->property, "from") == 0) ||
			   strcmp(p->ptype, "policy") == 0);
	int decided = strcmp(w->result, "pass") == 0 || strcmp(w->result, "fail") == 0;
	if (strcmp(p->ptype, "policy") == 0 && !decided)
		placeholder = 1;
	if (placeholder && !got)
		return 1;
	if (got && strcasecmp(got, p->value) == 0)
		return 1;
	snprintf(why, size, "%s: %s.%s is %s, not %s", w->method, p->ptype, p->property,
		 got ? got : "absent", p->value);
	return 0;
}

static int authres_like(const char *want, const char *got, char *why, size_t size)
{
	struct lib_err err = { "" };
	struct auth_authres *w = parse_field(want, &err), *g = w ? parse_field(got, &err) : NULL;
	int ok = w && g && w->count == g->count;
	if (!w || !g)
		snprintf(why, size, "does not parse: %s", err.msg);
	else if (!ok)
		snprintf(why, size, "%zu results, not %zu: %s", g->count, w->count, got);
	for (size_t i = 0; ok && i < w->count; i++) {
		const struct auth_authres_result *wr = &w->results[i], *gr = &g->results[i];
		if (strcmp(wr->method, gr->method) != 0 || strcmp(wr->result, gr->result) != 0) {
			snprintf(why, size, "result %zu is %s=%s, not %s=%s (%s)", i + 1, gr->method,
				 gr->result, wr->method, wr->result, got);
			ok = 0;
		}
		for (size_t k = 0; ok && k < wr->prop_count; k++)
			ok = prop_like(wr, gr, &wr->props[k], why, size);
	}
	auth_authres_free(w);
	auth_authres_free(g);
	return ok;
}

/* --- checking a case --------------------------------------------------------- */

static char *join(char *const *names, size_t count)
{
	struct lib_buf b = LIB_BUF_INIT;
	for (size_t i = 0; i < count; i++)
		lib_buf_printf(&b, "%s%s", i ? " " : "", names[i]);
	return lib_buf_take(&b);
}

/* "DOMAIN ORG" or "DOMAIN q1 q2...": the standalone tree walk of DOMAIN. */
static char *walk_answer(const struct test_case *tc, const char *value, int queries)
{
	char domain[300];
	snprintf(domain, sizeof domain, "%.*s", (int)strcspn(value, " "), value);
	struct auth_dns_cache *cache = auth_dns_cache_new();
	struct auth_dmarc_walk walk;
	struct auth_dns_need need;
	char *temperror = NULL;
	for (int i = 0; i < 64 && auth_dmarc_walk_org_domain(domain, cache, &walk, &temperror,
								  &need) == AUTH_NEED_DNS; i++)
		auth_dns_cache_put(cache, dns_answer(&tc->dns, &need));
	char *list = join(walk.queried, walk.query_count);
	char *answer = lib_xasprintf("%s %s", domain,
				     queries ? list : walk.org_domain ? walk.org_domain : "-");
	free(list);
	free(temperror);
	auth_dmarc_walk_release(&walk);
	auth_dns_cache_free(cache);
	return answer;
}

static const char *yes_no(int b)
{
	return b ? "yes" : "no";
}

/* What frank says for an expectation key. */
static char *actual(const struct test_case *tc, const struct auth_dmarc_verdict *v,
		    const char *key, const char *want)
{
	if (strcmp(key, "org") == 0 || strcmp(key, "org-queries") == 0)
		return walk_answer(tc, want, strcmp(key, "org-queries") == 0);
	if (strcmp(key, "authres-exact") == 0 || strcmp(key, "authres-like") == 0)
		return format_authres(tc, v);
	if (!v)
		return lib_xstrdup("(no DMARC evaluation)");
	if (strcmp(key, "result") == 0)
		return lib_xstrdup(auth_dmarc_result_str(v->result));
	if (strcmp(key, "header-from") == 0)
		return lib_xstrdup(v->author_domain ? v->author_domain : "-");
	if (strcmp(key, "policy") == 0)
		return lib_xstrdup(v->has_policy ? auth_dmarc_policy_str(v->policy) : "-");
	if (strcmp(key, "policy-domain") == 0)
		return lib_xstrdup(v->policy_domain ? v->policy_domain : "-");
	if (strcmp(key, "author-queries") == 0)
		return join(v->author_walk.queried, v->author_walk.query_count);
	if (strcmp(key, "spf-aligned") == 0)
		return lib_xstrdup(yes_no(v->spf.aligned));
	if (strcmp(key, "dkim-aligned") == 0)
		return lib_xstrdup(yes_no(v->dkim_count && v->dkim[0].aligned));
	if (strcmp(key, "reason") == 0 || strcmp(key, "reason-contains") == 0)
		return lib_xstrdup(v->reason ? v->reason : "");
	return lib_xasprintf("(unknown expectation %s)", key);
}

static void check_expect(const struct test_case *tc, const struct auth_dmarc_verdict *v,
			 const char *line)
{
	const char *tab = strchr(line, '\t');
	char key[64];
	snprintf(key, sizeof key, "%.*s", (int)(tab - line), line);
	const char *want = tab + 1;
	char *got = actual(tc, v, key, want);
	char what[1200], why[1200];
	snprintf(what, sizeof what, "%s: %s %s", tc->id, key, want);
	snprintf(why, sizeof why, "frank says: %s", got);
	int ok;
	if (strcmp(key, "authres-like") == 0)
		ok = authres_like(want, got, why, sizeof why);
	else if (strcmp(key, "reason-contains") == 0)
		ok = strstr(got, want) != NULL;
	else
		ok = strcmp(got, want) == 0;
	tap(ok, what, why);
	free(got);
}

static void run_case(struct test_case *tc)
{
	if (tc->prev && take_prev(tc) < 0)
		return;
	int restarts = 0;
	int evaluate = !tc->no_dmarc && tc->from_count > 0;
	struct auth_dmarc_verdict *v = evaluate ? run_dmarc(tc, &restarts) : NULL;
	if (evaluate) {
		char what[300];
		snprintf(what, sizeof what, "%s: the evaluation ends after %d DNS answers", tc->id,
			 restarts);
		tap(v != NULL, what, "it kept asking");
	}
	for (size_t i = 0; i < tc->expect_count; i++)
		check_expect(tc, v, tc->expect[i]);
	auth_dmarc_verdict_free(v);
}

static int run_cases(const char *path)
{
	char *text = read_all(path);
	struct test_case tc;
	memset(&tc, 0, sizeof tc);
	size_t count = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!case_line(&tc, line))
			continue;
		run_case(&tc);
		case_release(&tc);
		count++;
	}
	char what[200];
	snprintf(what, sizeof what, "%s holds cases (%zu)", path, count);
	tap(count > 0, what, "none");
	free(text);
	return failures != 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "psl") == 0)
		return run_psl(argv[2]);
	if (argc == 4 && strcmp(argv[1], "opendmarc") == 0)
		return run_opendmarc(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "deviations") == 0)
		return list_deviations();
	if (argc == 3 && strcmp(argv[1], "cases") == 0)
		return run_cases(argv[2]);
	fprintf(stderr, "usage: dmarc_check psl FILE | opendmarc TSV PSL | deviations | cases FILE\n");
	return 2;
}
