/* imapd_args.c: the meaning of IMAP command arguments, from tokens: sequence
 * sets, flags, fetch attributes, search keys and dates (RFC 3501 9):
 *   sequence-set = (seq-number / seq-range) *("," sequence-set)
 *   seq-range    = seq-number ":" seq-number;  seq-number = nz-number / "*"
 *   flag         = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft"
 *                / flag-keyword;  flag-keyword = atom
 *   atom         = 1*<any CHAR except "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]">
 *   fetch-att    = "FLAGS" / "INTERNALDATE" / "RFC822.SIZE" / "UID" / "RFC822"
 *                / "RFC822.HEADER" / "RFC822.TEXT"
 *                / "BODY" [".PEEK"] "[" [section-text] "]" ["<" number "." nz-number ">"]
 *                / "ENVELOPE" / "BODY" / "BODYSTRUCTURE"   ; and ALL, FAST, FULL
 *   section      = "[" [section-spec] "]"
 *   section-spec = section-msgtext / (section-part ["." section-text])
 *   section-part = nz-number *("." nz-number)
 *   section-text = section-msgtext / "MIME"
 *   section-msgtext = "HEADER" / "TEXT" / "HEADER.FIELDS" [".NOT"] SP header-list
 *   header-list  = "(" header-fld-name *(SP header-fld-name) ")"
 *   date         = date-day "-" date-month "-" date-year
 *   date-time    = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
 * Pure functions. */
#include "frankd.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* --- sequence sets ---------------------------------------------------------- */

static int seq_number(const char **p, uint32_t *out)
{
	if (**p == '*') {
		(*p)++;
		*out = FRANKD_IMAP_STAR;
		return 0;
	}
	if (**p < '1' || **p > '9')
		return -1;
	uint64_t v = 0;
	while (isdigit((unsigned char)**p)) {
		v = v * 10 + (uint64_t)(*(*p)++ - '0');
		if (v >= FRANKD_IMAP_STAR)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int frankd_imap_seqset_parse(const char *text, struct frankd_imap_seqset *set)
{
	memset(set, 0, sizeof *set);
	const char *p = text;
	for (;;) {
		struct frankd_imap_range r;
		if (seq_number(&p, &r.first) < 0)
			break;
		r.last = r.first;
		if (*p == ':') {
			p++;
			if (seq_number(&p, &r.last) < 0)
				break;
		}
		if (set->count == 1024)
			break; /* bounded: a client can ask for ranges */
		set->ranges = lib_xrealloc(set->ranges, (set->count + 1) * sizeof *set->ranges);
		set->ranges[set->count++] = r;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			break;
	}
	frankd_imap_seqset_release(set);
	return -1;
}

void frankd_imap_seqset_release(struct frankd_imap_seqset *set)
{
	free(set->ranges);
	set->ranges = NULL;
	set->count = 0;
}

int frankd_imap_seqset_has(const struct frankd_imap_seqset *set, uint32_t n, uint32_t star)
{
	for (size_t i = 0; i < set->count; i++) {
		uint32_t a = set->ranges[i].first == FRANKD_IMAP_STAR ? star : set->ranges[i].first;
		uint32_t b = set->ranges[i].last == FRANKD_IMAP_STAR ? star : set->ranges[i].last;
		if ((a <= n && n <= b) || (b <= n && n <= a))
			return 1;
	}
	return 0;
}

/* --- flags ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	unsigned bit;
} flag_names[] = {
	{ "\\Answered", FRANKD_FLAG_ANSWERED }, { "\\Flagged", FRANKD_FLAG_FLAGGED },
	{ "\\Deleted", FRANKD_FLAG_DELETED },   { "\\Seen", FRANKD_FLAG_SEEN },
	{ "\\Draft", FRANKD_FLAG_DRAFT },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int frankd_imap_flags_parse(const struct frankd_imap_token *tokens, size_t n, unsigned *flags)
{
	*flags = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < COUNT(flag_names) && (tokens[i].kind != FRANKD_IMAP_ATOM ||
						 strcasecmp(tokens[i].text, flag_names[k].name) != 0))
			k++;
		if (k == COUNT(flag_names))
			return -1;
		*flags |= flag_names[k].bit;
	}
	return 0;
}

static int keyword_ok(const char *s, size_t len)
{
	if (len == 0 || len > 100 || strlen(s) != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || strchr("(){%*\"\\]", s[i]))
			return 0;
	return 1;
}

int frankd_imap_flag_list_parse(const struct frankd_imap_token *tokens, size_t n,
				unsigned *flags, struct frankd_imap_names *keywords)
{
	*flags = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned bit;
		const struct frankd_imap_token *t = &tokens[i];
		if (frankd_imap_flags_parse(t, 1, &bit) == 0)
			*flags |= bit;
		else if (t->kind != FRANKD_IMAP_ATOM || !keyword_ok(t->text, t->len))
			return -1;
		else if (frankd_imap_names_add(keywords, t->text) < 0)
			return -1;
	}
	return 0;
}

void frankd_imap_flags_format(unsigned flags, struct lib_buf *out)
{
	const char *sep = "";
	for (size_t k = 0; k < COUNT(flag_names); k++)
		if (flags & flag_names[k].bit) {
			lib_buf_printf(out, "%s%s", sep, flag_names[k].name);
			sep = " ";
		}
}

/* --- fetch attributes ---------------------------------------------------------------- */

/* "<0.100>" at p: 0 with the partial set, or -1. */
static int partial_parse(const char *p, struct frankd_imap_section *sec)
{
	unsigned long long off = 0, count = 0;
	int n = 0;
	if (*p == '\0')
		return 0;
	if (sscanf(p, "<%10llu.%10llu>%n", &off, &count, &n) != 2 || p[n] != '\0' || count == 0 ||
	    off > UINT32_MAX || count > UINT32_MAX || !isdigit((unsigned char)p[1]))
		return -1;
	sec->partial = 1;
	sec->offset = (uint32_t)off;
	sec->count = (uint32_t)count;
	return 0;
}

/* "HEADER.FIELDS (A B)" or "HEADER.FIELDS.NOT (A B)": the kind and the
 * names as " A B ". */
static int fields_parse(const char *p, size_t len, struct frankd_imap_section *sec)
{
	size_t k;
	if (len > 18 && strncasecmp(p, "HEADER.FIELDS.NOT (", 19) == 0)
		k = 19, sec->kind = FRANKD_SECTION_FIELDS_NOT;
	else if (len > 14 && strncasecmp(p, "HEADER.FIELDS (", 15) == 0)
		k = 15, sec->kind = FRANKD_SECTION_FIELDS;
	else
		return -1;
	if (p[len - 1] != ')' || len - k - 1 == 0 || len - k + 1 >= sizeof sec->fields)
		return -1;
	sec->fields[0] = ' ';
	for (size_t i = k; i < len - 1; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 ? c != ' ' : c >= 0x7f || c == ':' || c == '(' || c == ')' || c == '"')
			return -1;
		sec->fields[i - k + 1] = (char)c;
	}
	sec->fields[len - k] = ' ';
	sec->fields[len - k + 1] = '\0';
	return 0;
}

/* "1.2." or "1.2]" at *p (up to close): the numbers into sec, *p after
 * them and their final dot.  0 (with none: *p unmoved), or -1. */
static int part_numbers(const char **p, const char *close, struct frankd_imap_section *sec)
{
	const char *q = *p;
	while (q < close && *q >= '1' && *q <= '9') {
		unsigned long v = 0;
		while (q < close && isdigit((unsigned char)*q)) {
			v = v * 10 + (unsigned long)(*q++ - '0');
			if (v > UINT32_MAX)
				return -1;
		}
		if (sec->nparts == FRANKD_IMAP_PART_DEPTH)
			return -1;
		sec->part[sec->nparts++] = (uint32_t)v;
		if (q == close)
			break;
		if (*q++ != '.' || q == close)
			return -1;
	}
	*p = q;
	return 0;
}

static int section_parse(const char *atom, struct frankd_imap_fetch *f, const char **error)
{
	struct frankd_imap_section sec;
	memset(&sec, 0, sizeof sec);
	const char *p;
	if (strncasecmp(atom, "BODY.PEEK[", 10) == 0)
		p = atom + 10, sec.peek = 1;
	else if (strncasecmp(atom, "BODY[", 5) == 0)
		p = atom + 5;
	else
		return *error = "Unknown fetch attribute", -1;
	const char *close = strchr(p, ']');
	if (!close)
		return *error = "Bad section", -1;
	const char *spec = p;
	if (part_numbers(&spec, close, &sec) < 0)
		return *error = "Bad section part number", -1;
	size_t len = (size_t)(close - spec);
	if (len == 0)
		sec.kind = FRANKD_SECTION_ALL;
	else if (len == 6 && strncasecmp(spec, "HEADER", 6) == 0)
		sec.kind = FRANKD_SECTION_HEADER;
	else if (len == 4 && strncasecmp(spec, "TEXT", 4) == 0)
		sec.kind = FRANKD_SECTION_TEXT;
	else if (len == 4 && sec.nparts && strncasecmp(spec, "MIME", 4) == 0)
		sec.kind = FRANKD_SECTION_MIME;
	else if (fields_parse(spec, len, &sec) < 0)
		return *error = "Bad section: [1.2], [1.2.MIME], [HEADER], [TEXT] or "
				"[HEADER.FIELDS (...)] expected",
		       -1;
	if (partial_parse(close + 1, &sec) < 0)
		return *error = "Bad partial", -1;
	len = (size_t)(close - p);
	/* the name as asked ("BODY.PEEK[" answers as "BODY[") */
	int n = snprintf(sec.name, sizeof sec.name, "BODY[%.*s]", (int)len, p);
	if (sec.partial && n > 0 && (size_t)n < sizeof sec.name)
		snprintf(sec.name + n, sizeof sec.name - (size_t)n, "<%u>", sec.offset);
	if (f->nsections == FRANKD_IMAP_SECTIONS_MAX)
		return *error = "Too many sections", -1;
	f->sections[f->nsections++] = sec;
	return 0;
}

static int rfc822_item(const char *atom, struct frankd_imap_fetch *f)
{
	static const struct {
		const char *name;
		enum frankd_imap_section_kind kind;
		int peek;
	} items[] = {
		{ "RFC822", FRANKD_SECTION_ALL, 0 },
		{ "RFC822.HEADER", FRANKD_SECTION_HEADER, 1 },
		{ "RFC822.TEXT", FRANKD_SECTION_TEXT, 0 },
	};
	for (size_t i = 0; i < COUNT(items); i++) {
		if (strcasecmp(atom, items[i].name) != 0 || f->nsections == FRANKD_IMAP_SECTIONS_MAX)
			continue;
		struct frankd_imap_section *sec = &f->sections[f->nsections++];
		memset(sec, 0, sizeof *sec);
		snprintf(sec->name, sizeof sec->name, "%s", items[i].name);
		sec->kind = items[i].kind;
		sec->peek = items[i].peek;
		return 1;
	}
	return 0;
}

static int fetch_item(const struct frankd_imap_token *t, struct frankd_imap_fetch *f,
		      const char **error)
{
	static const struct {
		const char *name;
		unsigned bits;
	} simple[] = {
		{ "UID", FRANKD_FETCH_UID },
		{ "FLAGS", FRANKD_FETCH_FLAGS },
		{ "INTERNALDATE", FRANKD_FETCH_INTERNALDATE },
		{ "RFC822.SIZE", FRANKD_FETCH_RFC822_SIZE },
		{ "FAST", FRANKD_FETCH_FLAGS | FRANKD_FETCH_INTERNALDATE | FRANKD_FETCH_RFC822_SIZE },
		{ "ALL", FRANKD_FETCH_FLAGS | FRANKD_FETCH_INTERNALDATE | FRANKD_FETCH_RFC822_SIZE |
				 FRANKD_FETCH_ENVELOPE },
		{ "FULL", FRANKD_FETCH_FLAGS | FRANKD_FETCH_INTERNALDATE | FRANKD_FETCH_RFC822_SIZE |
				  FRANKD_FETCH_ENVELOPE | FRANKD_FETCH_BODY },
		{ "ENVELOPE", FRANKD_FETCH_ENVELOPE },
		{ "BODY", FRANKD_FETCH_BODY },
		{ "BODYSTRUCTURE", FRANKD_FETCH_BODYSTRUCTURE },
		{ "MODSEQ", FRANKD_FETCH_MODSEQ }, /* RFC 7162 3.1.4.1 */
	};
	if (t->kind != FRANKD_IMAP_ATOM)
		return *error = "Bad fetch attribute", -1;
	for (size_t i = 0; i < COUNT(simple); i++)
		if (strcasecmp(t->text, simple[i].name) == 0) {
			f->items |= simple[i].bits;
			return 0;
		}
	if (rfc822_item(t->text, f))
		return 0;
	return section_parse(t->text, f, error);
}

int frankd_imap_fetch_parse(const struct frankd_imap_token *tokens, size_t n,
			    struct frankd_imap_fetch *fetch, const char **error)
{
	memset(fetch, 0, sizeof *fetch);
	if (n == 1)
		return fetch_item(&tokens[0], fetch, error);
	if (n < 3 || tokens[0].kind != FRANKD_IMAP_LPAREN || tokens[n - 1].kind != FRANKD_IMAP_RPAREN)
		return *error = "Bad fetch attributes", -1;
	for (size_t i = 1; i + 1 < n; i++)
		if (fetch_item(&tokens[i], fetch, error) < 0)
			return -1;
	return 0;
}

/* --- header fields -------------------------------------------------------------------- */

/* 1 when the field name (len bytes) is among fields (" A B "). */
static int listed(const char *fields, const char *name, size_t len)
{
	for (const char *f = fields; (f = strchr(f, ' ')) && f[1]; f++)
		if (strncasecmp(f + 1, name, len) == 0 && f[1 + len] == ' ')
			return 1;
	return 0;
}

void frankd_imap_header_fields(const char *header, size_t len, const char *fields, int want,
			       struct lib_buf *out)
{
	const char *end = header + len;
	for (const char *p = header; p < end;) {
		const char *next = frankd_imap_field_end(p, end);
		const char *colon = memchr(p, ':', (size_t)(next - p));
		if (colon && colon > p && listed(fields, p, (size_t)(colon - p)) == want)
			lib_buf_append(out, p, (size_t)(next - p));
		p = next;
		if (next - header >= 2 && strncmp(next - 2, "\r\n", 2) == 0 && next < end &&
		    (*next == '\r' || *next == '\n'))
			break; /* the blank line */
	}
	lib_buf_append(out, "\r\n", 2);
}

/* --- dates ------------------------------------------------------------------------------ */

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

int frankd_imap_date_parse(const char *text, long long *day)
{
	unsigned d, y;
	char mon[4];
	int n = 0;
	if (sscanf(text, "%2u-%3[A-Za-z]-%4u%n", &d, mon, &y, &n) != 3 || text[n] != '\0' ||
	    d < 1 || d > 31 || y < 1900 || strlen(mon) != 3)
		return -1;
	for (unsigned m = 0; m < 12; m++)
		if (strcasecmp(mon, months[m]) == 0) {
			*day = days_from_civil(y, m + 1, d);
			return 0;
		}
	return -1;
}

int frankd_imap_datetime_parse(const char *text, long long *when)
{
	unsigned h, mi, sec, zone;
	char date[16], sign;
	int n = 0;
	while (*text == ' ')
		text++;
	if (sscanf(text, "%11[A-Za-z0-9-] %2u:%2u:%2u %c%4u%n", date, &h, &mi, &sec, &sign, &zone,
		   &n) != 6 || text[n] != '\0' || h > 23 || mi > 59 ||
	    sec > 60 || (sign != '+' && sign != '-') || zone % 100 > 59 || zone > 2359)
		return -1;
	long long day;
	if (frankd_imap_date_parse(date, &day) < 0)
		return -1;
	long long offset = (long long)(zone / 100 * 60 + zone % 100) * 60;
	*when = day * 86400 + h * 3600 + mi * 60 + sec - (sign == '+' ? offset : -offset);
	return 0;
}

void frankd_imap_datetime_format(long long when, char out[32])
{
	time_t t = (time_t)when;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 32, "%02d-%s-%04d %02d:%02d:%02d +0000", tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
