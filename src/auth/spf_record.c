/* spf_record.c: the SPF record parser, a pure function over bytes.
 *
 * RFC 7208 section 12 (terms; macro-strings are in spf_macro.c):
 *
 *   record           = version terms *SP
 *   version          = "v=spf1"
 *
 *   terms            = *( 1*SP ( directive / modifier ) )
 *
 *   directive        = [ qualifier ] mechanism
 *   qualifier        = "+" / "-" / "?" / "~"
 *   mechanism        = ( all / include
 *                      / a / mx / ptr / ip4 / ip6 / exists )
 *
 *   all              = "all"
 *   include          = "include"  ":" domain-spec
 *   a                = "a"      [ ":" domain-spec ] [ dual-cidr-length ]
 *   mx               = "mx"     [ ":" domain-spec ] [ dual-cidr-length ]
 *   ptr              = "ptr"    [ ":" domain-spec ]
 *   ip4              = "ip4"      ":" ip4-network   [ ip4-cidr-length ]
 *   ip6              = "ip6"      ":" ip6-network   [ ip6-cidr-length ]
 *   exists           = "exists"   ":" domain-spec
 *
 *   modifier         = redirect / explanation / unknown-modifier
 *   redirect         = "redirect" "=" domain-spec
 *   explanation      = "exp" "=" domain-spec
 *   unknown-modifier = name "=" macro-string
 *                      ; where name is not any known modifier
 *
 *   ip4-cidr-length  = "/" ("0" / %x31-39 0*1DIGIT) ; value range 0-32
 *   ip6-cidr-length  = "/" ("0" / %x31-39 0*2DIGIT) ; value range 0-128
 *   dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
 *
 *   ip4-network      = qnum "." qnum "." qnum "." qnum
 *   qnum             = DIGIT                 ; 0-9
 *                      / %x31-39 DIGIT       ; 10-99
 *                      / "1" 2DIGIT          ; 100-199
 *                      / "2" %x30-34 DIGIT   ; 200-249
 *                      / "25" %x30-35        ; 250-255
 *   ip6-network      = <as per Section 2.2 of [RFC4291]>
 *
 *   name             = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
 *
 * A term is a modifier when a name is followed by "=" (4.6.1), so
 * "redirect:x" is an unknown mechanism, and a known modifier with a bad
 * domain-spec is an error, not an unknown modifier (the suite's reading).
 * Names are case-insensitive; "exp" and "redirect" may appear once (6). */
#include "spf_private.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SHOWN_MAX 60 /* bytes of a term quoted in an error message */

static const struct {
	const char *name;
	enum auth_spf_term_kind kind;
} mechanisms[] = {
	{ "all", AUTH_SPF_ALL },
	{ "include", AUTH_SPF_INCLUDE },
	{ "a", AUTH_SPF_A },
	{ "mx", AUTH_SPF_MX },
	{ "ptr", AUTH_SPF_PTR },
	{ "ip4", AUTH_SPF_IP4 },
	{ "ip6", AUTH_SPF_IP6 },
	{ "exists", AUTH_SPF_EXISTS },
};

int auth_spf_is_record(const char *text, size_t len)
{
	return len >= 6 && strncasecmp(text, "v=spf1", 6) == 0 && (len == 6 || text[6] == ' ');
}

/* The term as an error message may quote it: printable, and short. */
static void shown(const char *s, size_t n, char out[SHOWN_MAX + 4])
{
	size_t k = 0;
	for (; k < n && k < SHOWN_MAX; k++)
		out[k] = isprint((unsigned char)s[k]) ? s[k] : '?';
	if (k < n) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* A CIDR length: decimal without leading zeros, at most max. */
static int parse_cidr(const char *s, size_t n, unsigned max, unsigned *out)
{
	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	unsigned v = 0;
	for (size_t k = 0; k < n; k++) {
		if (!isdigit((unsigned char)s[k]))
			return -1;
		v = v * 10 + (unsigned)(s[k] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* ip4-network: four qnums, no leading zeros, nothing else. */
static int parse_ip4(const char *s, size_t n, unsigned char addr[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part && (i >= n || s[i++] != '.'))
			return -1;
		size_t start = i;
		while (i < n && isdigit((unsigned char)s[i]) && i - start < 4)
			i++;
		unsigned v;
		if (parse_cidr(s + start, i - start, 255, &v) < 0)
			return -1;
		addr[part] = (unsigned char)v;
	}
	return i == n ? 0 : -1;
}

static int parse_ip6(const char *s, size_t n, unsigned char addr[16])
{
	char text[64];
	if (n == 0 || n >= sizeof text || memchr(s, '/', n))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	return inet_pton(AF_INET6, text, addr) == 1 ? 0 : -1;
}

/* Finds a dual-cidr-length at the end of s[0..n) and sets *end to where it
 * starts (n when there is none). */
static int split_dual_cidr(const char *s, size_t n, size_t *end, struct auth_spf_term *t)
{
	size_t e = n, d = n;
	while (d > 0 && isdigit((unsigned char)s[d - 1]))
		d--;
	if (d < e && d >= 2 && s[d - 1] == '/' && s[d - 2] == '/') {
		if (parse_cidr(s + d, e - d, 128, &t->cidr6) < 0)
			return -1;
		e = d - 2;
	}
	d = e;
	while (d > 0 && isdigit((unsigned char)s[d - 1]))
		d--;
	if (d < e && d >= 1 && s[d - 1] == '/' && !(d >= 2 && s[d - 2] == '/')) {
		if (parse_cidr(s + d, e - d, 32, &t->cidr4) < 0)
			return -1;
		e = d - 1;
	}
	*end = e;
	return 0;
}

static void set_domain_spec(struct auth_spf_term *t, const char *s, size_t n)
{
	t->domain_spec = lib_xstrndup(s, n);
}

/* a and mx: [ ":" domain-spec ] [ dual-cidr-length ] */
static int parse_host_args(struct auth_spf_term *t, const char *rest, size_t n, const char *what,
			   struct lib_err *err)
{
	size_t end;
	if (n == 0)
		return 0;
	if (rest[0] == '/') {
		if (split_dual_cidr(rest, n, &end, t) < 0 || end != 0)
			return lib_err_set(err, "invalid CIDR length in '%s'", what);
		return 0;
	}
	if (rest[0] != ':')
		return lib_err_set(err, "unexpected '%c' in '%s'", rest[0], what);
	if (split_dual_cidr(rest + 1, n - 1, &end, t) < 0)
		return lib_err_set(err, "invalid CIDR length in '%s'", what);
	if (spf_domain_spec_check(rest + 1, end, what, err) < 0)
		return -1;
	set_domain_spec(t, rest + 1, end);
	return 0;
}

/* include, exists (required) and ptr (optional): ":" domain-spec */
static int parse_target(struct auth_spf_term *t, const char *rest, size_t n, int required,
			const char *what, struct lib_err *err)
{
	if (n == 0 && !required)
		return 0;
	if (n == 0 || rest[0] != ':')
		return lib_err_set(err, required ? "'%s' needs ':' and a domain"
				   : "'%s' takes only ':' and a domain", what);
	if (spf_domain_spec_check(rest + 1, n - 1, what, err) < 0)
		return -1;
	set_domain_spec(t, rest + 1, n - 1);
	return 0;
}

/* ip4 and ip6: ":" network [ "/" length ] */
static int parse_network(struct auth_spf_term *t, const char *rest, size_t n, const char *what,
			 struct lib_err *err)
{
	int v6 = t->kind == AUTH_SPF_IP6;
	if (n < 2 || rest[0] != ':')
		return lib_err_set(err, "'%s' needs ':' and an %s network", what,
				   v6 ? "IPv6" : "IPv4");
	const char *net = rest + 1;
	const char *slash = memchr(net, '/', n - 1);
	size_t net_len = slash ? (size_t)(slash - net) : n - 1;
	int bad = v6 ? parse_ip6(net, net_len, t->addr) : parse_ip4(net, net_len, t->addr);
	if (bad)
		return lib_err_set(err, "invalid %s address in '%s'", v6 ? "IPv6" : "IPv4", what);
	if (slash && parse_cidr(slash + 1, n - 1 - net_len - 1, v6 ? 128 : 32,
				v6 ? &t->cidr6 : &t->cidr4) < 0)
		return lib_err_set(err, "invalid CIDR length in '%s'", what);
	return 0;
}

static int parse_modifier(struct auth_spf_term *t, const char *name, size_t name_len,
			  const char *value, size_t value_len, const char *what,
			  struct lib_err *err)
{
	if (name_len == 8 && strncasecmp(name, "redirect", 8) == 0)
		t->kind = AUTH_SPF_REDIRECT;
	else if (name_len == 3 && strncasecmp(name, "exp", 3) == 0)
		t->kind = AUTH_SPF_EXP;
	else
		t->kind = AUTH_SPF_UNKNOWN_MODIFIER;
	if (t->kind != AUTH_SPF_UNKNOWN_MODIFIER) {
		if (spf_domain_spec_check(value, value_len, what, err) < 0)
			return -1;
	} else {
		struct spf_macro_info info;
		struct lib_err why;
		if (spf_macro_scan(value, value_len, AUTH_SPF_MACRO_EXPLAIN, &info, &why) < 0)
			return lib_err_set(err, "'%s': %s", what, why.msg);
		t->name = lib_xstrndup(name, name_len);
	}
	set_domain_spec(t, value, value_len);
	return 0;
}

static int parse_mechanism(struct auth_spf_term *t, const char *name, size_t name_len,
			   const char *rest, size_t n, const char *what, struct lib_err *err)
{
	size_t k = 0, count = sizeof mechanisms / sizeof mechanisms[0];
	while (k < count && !(strlen(mechanisms[k].name) == name_len &&
			      strncasecmp(mechanisms[k].name, name, name_len) == 0))
		k++;
	if (name_len == 0)
		return lib_err_set(err, "'%s' is neither a mechanism nor a modifier", what);
	if (k == count) {
		char nm[SHOWN_MAX + 4];
		shown(name, name_len, nm);
		return lib_err_set(err, "unknown mechanism '%s'", nm);
	}
	t->kind = mechanisms[k].kind;
	switch (t->kind) {
	case AUTH_SPF_ALL:
		return n == 0 ? 0 : lib_err_set(err, "'all' takes nothing after it: '%s'", what);
	case AUTH_SPF_INCLUDE:
	case AUTH_SPF_EXISTS:
		return parse_target(t, rest, n, 1, what, err);
	case AUTH_SPF_PTR:
		return parse_target(t, rest, n, 0, what, err);
	case AUTH_SPF_A:
	case AUTH_SPF_MX:
		return parse_host_args(t, rest, n, what, err);
	case AUTH_SPF_IP4:
	case AUTH_SPF_IP6:
		return parse_network(t, rest, n, what, err);
	default:
		return lib_err_set(err, "unknown mechanism in '%s'", what);
	}
}

static void term_release(struct auth_spf_term *t)
{
	free(t->text);
	free(t->name);
	free(t->domain_spec);
}

/* One term, s[0..n) (no spaces). */
static int parse_term(const char *s, size_t n, struct auth_spf_term *t, struct lib_err *err)
{
	char what[SHOWN_MAX + 4];
	shown(s, n, what);
	memset(t, 0, sizeof *t);
	t->cidr4 = 32;
	t->cidr6 = 128;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c < 0x21 || c > 0x7E)
			return lib_err_set(err, "character 0x%02x in '%s'", c, what);
	}
	size_t p = 0;
	if (strchr("+-~?", s[0]))
		t->qualifier = s[p++];
	size_t name_end = p;
	while (name_end < n && is_name_char(s[name_end]))
		name_end++;
	int rc;
	if (!t->qualifier && name_end < n && s[name_end] == '=' && name_end > 0 &&
	    isalpha((unsigned char)s[0]))
		rc = parse_modifier(t, s, name_end, s + name_end + 1, n - name_end - 1, what, err);
	else
		rc = parse_mechanism(t, s + p, name_end - p, s + name_end, n - name_end, what, err);
	if (rc < 0) {
		term_release(t);
		return -1;
	}
	if (t->kind < AUTH_SPF_REDIRECT && !t->qualifier)
		t->qualifier = '+';
	t->text = lib_xstrndup(s, n);
	return 0;
}

void auth_spf_record_release(struct auth_spf_record *record)
{
	if (!record)
		return;
	for (size_t k = 0; k < record->count; k++)
		term_release(&record->terms[k]);
	free(record->terms);
	memset(record, 0, sizeof *record);
}

/* Points redirect and exp at their terms; each may appear once. */
static int find_modifiers(struct auth_spf_record *r, struct lib_err *err)
{
	for (size_t k = 0; k < r->count; k++) {
		const struct auth_spf_term *t = &r->terms[k];
		const struct auth_spf_term **slot = t->kind == AUTH_SPF_REDIRECT ? &r->redirect
			: t->kind == AUTH_SPF_EXP ? &r->exp : NULL;
		if (!slot)
			continue;
		if (*slot)
			return lib_err_set(err, "'%s' appears twice",
					   t->kind == AUTH_SPF_REDIRECT ? "redirect" : "exp");
		*slot = t;
	}
	return 0;
}

int auth_spf_record_parse(const char *text, size_t len, struct auth_spf_record *record,
			  struct lib_err *err)
{
	memset(record, 0, sizeof *record);
	if (!auth_spf_is_record(text, len))
		return lib_err_set(err, "not an SPF record: it does not start with 'v=spf1'");
	if (len > SPF_RECORD_MAX)
		return lib_err_set(err, "the record is %zu bytes long, more than %d", len,
				   SPF_RECORD_MAX);
	size_t cap = 0, i = 6;
	while (i < len) {
		if (text[i] == ' ') {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && text[i] != ' ')
			i++;
		if (record->count == cap) {
			cap = cap ? cap * 2 : 8;
			record->terms = lib_xrealloc(record->terms, cap * sizeof *record->terms);
		}
		if (parse_term(text + start, i - start, &record->terms[record->count], err) < 0) {
			auth_spf_record_release(record);
			return -1;
		}
		record->count++;
	}
	if (find_modifiers(record, err) < 0) {
		auth_spf_record_release(record);
		return -1;
	}
	return 0;
}
