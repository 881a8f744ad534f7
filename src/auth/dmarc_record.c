/* dmarc_record.c: DMARC policy records (RFC 9989 4.7, 4.8), read strictly.
 *
 *   dmarc-record  = dmarc-version *(dmarc-sep dmarc-tag) [dmarc-sep]
 *   dmarc-version = "v" equals %s"DMARC1"
 *   dmarc-sep     = *WSP ";" *WSP
 *   equals        = *WSP "=" *WSP
 *   dmarc-tag     = 1*ALPHA equals 1*dmarc-value
 *   dmarc-value   = %x20-3A / %x3C-7E     ; printing characters but ";"
 *   dmarc-request = "none" / "quarantine" / "reject"      ; p, sp, np
 *   dmarc-yorn    = "y" / "n"                            ; t
 *   dmarc-psd     = "y" / "n" / "u"                      ; psd
 *   dmarc-rors    = "r" / "s"                            ; adkim, aspf
 *   dmarc-urilist = dmarc-uri *(*WSP "," *WSP dmarc-uri) ; rua, ruf
 *   dmarc-fo      = "0" / "1" / "d" / "s", ":"-separated ; fo
 *   pct           = 1*3DIGIT, 0 to 100 (RFC 7489 6.3; historic in RFC 9989)
 *
 * A text that does not begin with v=DMARC1 is not a DMARC record and is
 * ignored (4.7).  Unknown tags, and rf and ri (removed by RFC 9989), are
 * ignored.  A p, sp or np value that is not a policy follows 4.10.1 (p=none
 * when rua holds a URI, else DMARC does not apply).  Anything else that is
 * not the grammar -- a term without "=", a repeated tag, a bad value of
 * adkim, aspf, t, psd, pct or fo -- makes the record invalid (permerror),
 * where RFC 9989 4.8 would drop the term: doc/rfc-deviations.md argues why. */
#include "auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A term of the tag list, as spans into the text. */
struct term {
	const char *name, *value;
	size_t name_len, value_len;
};

static int value_is(const struct term *t, const char *word)
{
	return strlen(word) == t->value_len && strncasecmp(t->value, word, t->value_len) == 0;
}

static int name_is(const struct term *t, const char *word)
{
	return strlen(word) == t->name_len && strncasecmp(t->name, word, t->name_len) == 0;
}

/* "v" equals "DMARC1", then the end or a separator.  *rest: after it. */
static int read_version(const char *s, size_t len, size_t *rest)
{
	size_t i = 0;
	while (i < len && is_wsp(s[i]))
		i++;
	if (i == len || (s[i] != 'v' && s[i] != 'V'))
		return 0;
	i++;
	while (i < len && is_wsp(s[i]))
		i++;
	if (i == len || s[i] != '=')
		return 0;
	i++;
	while (i < len && is_wsp(s[i]))
		i++;
	if (len - i < 6 || memcmp(s + i, "DMARC1", 6) != 0)
		return 0;
	i += 6;
	size_t j = i;
	while (j < len && is_wsp(s[j]))
		j++;
	if (j < len && s[j] != ';')
		return 0;
	*rest = j;
	return 1;
}

/* Splits the term s[0..len) (between separators, WSP trimmed) into
 * name and value. */
static int split_term(const char *s, size_t len, struct term *t, struct lib_err *err)
{
	size_t i = 0;
	while (i < len && is_alpha(s[i]))
		i++;
	const char *eq = memchr(s, '=', len);
	if (!eq)
		return lib_err_set(err, "missing tag or value: \"%.*s\"", (int)(len > 60 ? 60 : len), s);
	if (i == 0)
		return lib_err_set(err, "tag name is not letters: \"%.*s\"", (int)(len > 60 ? 60 : len), s);
	t->name = s;
	t->name_len = i;
	while (i < len && is_wsp(s[i]))
		i++;
	if (s + i != eq)
		return lib_err_set(err, "tag name is not letters: \"%.*s\"", (int)(len > 60 ? 60 : len), s);
	i++;
	while (i < len && is_wsp(s[i]))
		i++;
	t->value = s + i;
	t->value_len = len - i;
	if (t->value_len == 0)
		return lib_err_set(err, "tag %.*s has no value", (int)t->name_len, t->name);
	for (size_t k = 0; k < t->value_len; k++) {
		unsigned char c = (unsigned char)t->value[k];
		if (c < 0x20 || c > 0x7E)
			return lib_err_set(err, "tag %.*s: byte 0x%02x is not a printing character",
					   (int)t->name_len, t->name, c);
	}
	return 0;
}

/* --- values ---------------------------------------------------------------- */

static int parse_policy(const struct term *t, enum auth_dmarc_policy *p)
{
	if (value_is(t, "none"))
		*p = AUTH_DMARC_POLICY_NONE;
	else if (value_is(t, "quarantine"))
		*p = AUTH_DMARC_POLICY_QUARANTINE;
	else if (value_is(t, "reject"))
		*p = AUTH_DMARC_POLICY_REJECT;
	else
		return -1;
	return 0;
}

/* One of the single letters in choices; its index in *out. */
static int parse_letter(const struct term *t, const char *choices, int *out)
{
	for (int i = 0; choices[i]; i++) {
		char word[2] = { choices[i], '\0' };
		if (value_is(t, word)) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static int parse_pct(const struct term *t, int *pct)
{
	if (t->value_len > 3)
		return -1;
	int v = 0;
	for (size_t i = 0; i < t->value_len; i++) {
		if (t->value[i] < '0' || t->value[i] > '9')
			return -1;
		v = v * 10 + (t->value[i] - '0');
	}
	if (v > 100)
		return -1;
	*pct = v;
	return 0;
}

/* fo: ":"-separated 0, 1, d, s (4.7), WSP allowed around the colons. */
static int parse_fo(const struct term *t)
{
	size_t i = 0;
	for (;;) {
		while (i < t->value_len && is_wsp(t->value[i]))
			i++;
		if (i == t->value_len || !strchr("01dsDS", t->value[i]))
			return -1;
		i++;
		while (i < t->value_len && is_wsp(t->value[i]))
			i++;
		if (i == t->value_len)
			return 0;
		if (t->value[i++] != ':')
			return -1;
	}
}

/* A URI as 4.8's dmarc-uri needs it: scheme ":" something, no spaces,
 * and the obsolete "!size" suffix allowed.  Only the shape is checked;
 * a scheme frank does not report to is still a valid URI. */
static int uri_shaped(const char *s, size_t len)
{
	size_t i = 0;
	if (len == 0 || !is_alpha(s[0]))
		return 0;
	while (i < len && (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || strchr("+-.", s[i])))
		i++;
	if (i == len || s[i] != ':' || i + 1 == len)
		return 0;
	for (i++; i < len; i++)
		if (is_wsp(s[i]))
			return 0;
	return 1;
}

static int urilist_has_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t start = i;
		while (i < len && s[i] != ',')
			i++;
		size_t a = start, b = i;
		while (a < b && is_wsp(s[a]))
			a++;
		while (b > a && is_wsp(s[b - 1]))
			b--;
		if (uri_shaped(s + a, b - a))
			return 1;
		i++;
	}
	return 0;
}

/* --- tags ------------------------------------------------------------------ */

enum tag { TAG_V, TAG_P, TAG_SP, TAG_NP, TAG_ADKIM, TAG_ASPF, TAG_PSD, TAG_T, TAG_PCT,
	   TAG_RUA, TAG_RUF, TAG_FO };
static const char *const known_tags[] = {
	"v", "p", "sp", "np", "adkim", "aspf", "psd", "t", "pct", "rua", "ruf", "fo",
};
#define KNOWN_TAGS (sizeof known_tags / sizeof known_tags[0])

static int tag_index(const struct term *t)
{
	for (size_t i = 0; i < KNOWN_TAGS; i++)
		if (name_is(t, known_tags[i]))
			return (int)i;
	return -1;
}

static int bad_value(const struct term *t, struct lib_err *err)
{
	return lib_err_set(err, "invalid value for %.*s: \"%.*s\"", (int)t->name_len, t->name,
			   (int)(t->value_len > 60 ? 60 : t->value_len), t->value);
}

/* p, sp, np: a bad value is not an error here (see settle_policy). */
static int apply_policy_tag(const struct term *t, enum auth_dmarc_policy *value, int *has,
			    int *bad)
{
	if (parse_policy(t, value) == 0)
		*has = 1;
	else
		*bad = 1;
	return 0;
}

static int apply_tag(struct auth_dmarc_record *rec, enum tag tag, const struct term *t,
		     struct lib_err *err)
{
	int letter = 0;
	switch (tag) {
	case TAG_V: return 0;
	case TAG_P: return apply_policy_tag(t, &rec->p, &rec->has_p, &rec->bad_p);
	case TAG_SP: return apply_policy_tag(t, &rec->sp, &rec->has_sp, &rec->bad_sp);
	case TAG_NP: return apply_policy_tag(t, &rec->np, &rec->has_np, &rec->bad_np);
	case TAG_ADKIM:
	case TAG_ASPF:
		if (parse_letter(t, "rs", &letter) < 0)
			return bad_value(t, err);
		*(tag == TAG_ADKIM ? &rec->adkim : &rec->aspf) = (enum auth_dmarc_align_mode)letter;
		return 0;
	case TAG_PSD:
		if (parse_letter(t, "uyn", &letter) < 0)
			return bad_value(t, err);
		rec->psd = (enum auth_dmarc_psd)letter;
		return 0;
	case TAG_T:
		if (parse_letter(t, "ny", &letter) < 0)
			return bad_value(t, err);
		rec->testing = letter;
		return 0;
	case TAG_PCT:
		if (parse_pct(t, &rec->pct) < 0)
			return bad_value(t, err);
		rec->has_pct = 1;
		return 0;
	case TAG_RUA:
		rec->rua = lib_xstrndup(t->value, t->value_len);
		rec->rua_has_valid_uri = urilist_has_valid(t->value, t->value_len);
		return 0;
	case TAG_RUF:
		rec->ruf = lib_xstrndup(t->value, t->value_len);
		return 0;
	case TAG_FO:
		if (parse_fo(t) < 0)
			return bad_value(t, err);
		rec->fo = lib_xstrndup(t->value, t->value_len);
		return 0;
	}
	return 0;
}

/* RFC 9989 4.10.1: a record without a valid p, or with an invalid sp or
 * np, acts as p=none when rua has a valid URI; else DMARC does not apply. */
static void settle_policy(struct auth_dmarc_record *rec)
{
	if (rec->has_p && !rec->bad_sp && !rec->bad_np) {
		rec->usable = 1;
		return;
	}
	rec->usable = rec->rua_has_valid_uri;
	if (rec->usable) {
		rec->p_defaulted = 1;
		rec->p = AUTH_DMARC_POLICY_NONE;
		rec->has_sp = rec->has_np = 0;
	}
}

static int parse_tags(const char *s, size_t len, struct auth_dmarc_record *rec,
		      struct lib_err *err)
{
	unsigned seen = 1; /* bit i: known_tags[i] was written; v came first */
	size_t i = 0;
	while (i < len) {
		i++; /* the ';' */
		while (i < len && is_wsp(s[i]))
			i++;
		size_t start = i;
		while (i < len && s[i] != ';')
			i++;
		size_t end = i;
		while (end > start && is_wsp(s[end - 1]))
			end--;
		if (end == start)
			continue; /* ";;" or a final ";" */
		struct term t;
		if (split_term(s + start, end - start, &t, err) < 0)
			return -1;
		int tag = tag_index(&t);
		if (tag < 0)
			continue;
		if (seen & (1u << tag))
			return lib_err_set(err, "tag %s appears twice", known_tags[tag]);
		seen |= 1u << tag;
		if (apply_tag(rec, (enum tag)tag, &t, err) < 0)
			return -1;
	}
	return 0;
}

enum auth_dmarc_record_status auth_dmarc_record_parse(const char *text, size_t len,
						      struct auth_dmarc_record *rec,
						      struct lib_err *err)
{
	memset(rec, 0, sizeof *rec);
	rec->pct = 100;
	size_t rest = 0;
	if (!read_version(text, len, &rest)) {
		lib_err_set(err, "does not begin with v=DMARC1");
		return AUTH_DMARC_RECORD_NOT_DMARC;
	}
	if (parse_tags(text + rest, len - rest, rec, err) < 0) {
		auth_dmarc_record_release(rec);
		return AUTH_DMARC_RECORD_INVALID;
	}
	settle_policy(rec);
	return AUTH_DMARC_RECORD_OK;
}

void auth_dmarc_record_release(struct auth_dmarc_record *rec)
{
	if (!rec)
		return;
	free(rec->rua);
	free(rec->ruf);
	free(rec->fo);
	memset(rec, 0, sizeof *rec);
	rec->pct = 100;
}

const char *auth_dmarc_policy_str(enum auth_dmarc_policy policy)
{
	switch (policy) {
	case AUTH_DMARC_POLICY_NONE: return "none";
	case AUTH_DMARC_POLICY_QUARANTINE: return "quarantine";
	case AUTH_DMARC_POLICY_REJECT: return "reject";
	}
	return "?";
}

const char *auth_dmarc_align_mode_str(enum auth_dmarc_align_mode mode)
{
	return mode == AUTH_DMARC_STRICT ? "strict" : "relaxed";
}
