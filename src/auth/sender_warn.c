/* sender_warn.c: what a verdict cannot say.  DMARC proves that mail from
 * "paypa1.com" comes from paypa1.com; it is the reader who must notice
 * that this is not PayPal.  These checks notice for them: the display name
 * against the address, the domain against the ones the user gets verified
 * mail from and against brands often imitated, and whether this sender
 * (or this signer) is new.  The comparisons use a "skeleton" of each name
 * (in the manner of Unicode TS #39's confusable skeletons, with a small
 * table of the letters phishers use: Cyrillic and Greek look-alikes of
 * Latin letters, accented letters, 0/1 for o/l, "rn" for "m"), and one
 * edit (Damerau: a letter changed, added, dropped or two swapped). */
#include "auth.h"

#include <stdlib.h>
#include <string.h>

struct auth_known {
	struct lib_strset *addresses;      /* "a" */
	struct lib_strset *dkim_domains;   /* "d" */
	struct lib_strset *correspondents; /* "c": organizational domains */
	struct lib_strset *labels;         /* their first labels, 5+ letters */
	/* Skeletons made once, not per message: the brands' (by index) and
	 * each correspondent's beside it, in the order they were learnt. */
	char **brand_skeletons;
	struct known_domain *domains;
	size_t ndomains;
};

struct known_domain {
	char *org;
	char *skeleton;
};

/* Brands phishing imitates most, with the domain their mail comes from. */
static const struct brand {
	const char *name;
	const char *domain;
} brands[] = {
	{ "paypal", "paypal.com" },       { "microsoft", "microsoft.com" },
	{ "office365", "microsoft.com" }, { "outlook", "outlook.com" },
	{ "apple", "apple.com" },         { "icloud", "icloud.com" },
	{ "amazon", "amazon.com" },       { "google", "google.com" },
	{ "gmail", "gmail.com" },         { "netflix", "netflix.com" },
	{ "facebook", "facebook.com" },   { "instagram", "instagram.com" },
	{ "linkedin", "linkedin.com" },   { "docusign", "docusign.net" },
	{ "dropbox", "dropbox.com" },     { "fedex", "fedex.com" },
	{ "dhl", "dhl.com" },             { "coinbase", "coinbase.com" },
	{ "binance", "binance.com" },     { "ebay", "ebay.com" },
	{ "adobe", "adobe.com" },         { "wellsfargo", "wellsfargo.com" },
	{ "bankofamerica", "bankofamerica.com" },
};
#define BRAND_COUNT (sizeof brands / sizeof brands[0])

/* --- Skeletons ------------------------------------------------------------- */

/* Code points that pass for a Latin letter (sorted by code point). */
static const struct confusable {
	uint32_t cp;
	char ascii;
} confusables[] = {
	{ 0x00E0, 'a' }, { 0x00E1, 'a' }, { 0x00E2, 'a' }, { 0x00E3, 'a' }, { 0x00E4, 'a' },
	{ 0x00E5, 'a' }, { 0x00E7, 'c' }, { 0x00E8, 'e' }, { 0x00E9, 'e' }, { 0x00EA, 'e' },
	{ 0x00EB, 'e' }, { 0x00EC, 'i' }, { 0x00ED, 'i' }, { 0x00EE, 'i' }, { 0x00EF, 'i' },
	{ 0x00F1, 'n' }, { 0x00F2, 'o' }, { 0x00F3, 'o' }, { 0x00F4, 'o' }, { 0x00F5, 'o' },
	{ 0x00F6, 'o' }, { 0x00F8, 'o' }, { 0x00F9, 'u' }, { 0x00FA, 'u' }, { 0x00FB, 'u' },
	{ 0x00FC, 'u' }, { 0x00FD, 'y' }, { 0x00FF, 'y' }, { 0x0131, 'i' }, { 0x0237, 'j' },
	{ 0x0251, 'a' }, { 0x0261, 'g' }, { 0x0269, 'i' }, { 0x03B1, 'a' }, { 0x03B3, 'y' },
	{ 0x03B9, 'i' }, { 0x03BA, 'k' }, { 0x03BD, 'v' }, { 0x03BF, 'o' }, { 0x03C1, 'p' },
	{ 0x03C4, 't' }, { 0x03C5, 'u' }, { 0x03C7, 'x' }, { 0x0430, 'a' }, { 0x0435, 'e' },
	{ 0x043A, 'k' }, { 0x043E, 'o' }, { 0x0440, 'p' }, { 0x0441, 'c' }, { 0x0443, 'y' },
	{ 0x0445, 'x' }, { 0x0455, 's' }, { 0x0456, 'i' }, { 0x0458, 'j' }, { 0x04BB, 'h' },
	{ 0x04CF, 'l' }, { 0x0501, 'd' }, { 0x051B, 'q' }, { 0x051D, 'w' },
};
#define CONFUSABLE_COUNT (sizeof confusables / sizeof confusables[0])

static int confusable_cmp(const void *key, const void *elem)
{
	uint32_t cp = *(const uint32_t *)key, other = ((const struct confusable *)elem)->cp;
	return cp < other ? -1 : cp > other;
}

/* One code point's look: a lowercase ASCII letter, or 0 when it has none
 * (then the code point stands for itself). */
static char look_of(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return (char)(cp - 'A' + 'a');
	if (cp == '0')
		return 'o';
	if (cp == '1')
		return 'l';
	if (cp < 0x80)
		return (char)cp;
	const struct confusable *c =
		bsearch(&cp, confusables, CONFUSABLE_COUNT, sizeof *confusables, confusable_cmp);
	return c ? c->ascii : 0;
}

/* The skeleton of n code points: their looks, "rn" read as "m" and "vv"
 * as "w".  Caller frees. */
static char *skeleton_of(const uint32_t *cps, size_t n)
{
	struct lib_buf out = LIB_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		char c = look_of(cps[i]);
		char next = i + 1 < n ? look_of(cps[i + 1]) : 0;
		if ((c == 'r' && next == 'n') || (c == 'v' && next == 'v')) {
			lib_buf_putc(&out, c == 'r' ? 'm' : 'w');
			i++;
		} else if (c) {
			lib_buf_putc(&out, c);
		} else {
			lib_buf_printf(&out, "<U+%04X>", (unsigned)cps[i]);
		}
	}
	return lib_buf_take(&out);
}

/* The skeleton of an ASCII domain (its A-labels decoded first). */
static char *domain_skeleton(const char *domain)
{
	uint32_t cps[256];
	int n = auth_domain_code_points(domain, cps, 256);
	if (n < 0)
		return lib_xstrdup(domain);
	return skeleton_of(cps, (size_t)n);
}

/* The skeleton of UTF-8 text (a display name). */
static char *text_skeleton(const char *text)
{
	size_t len = strlen(text), n = 0;
	uint32_t *cps = lib_xcalloc(len + 1, sizeof *cps);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = lib_utf8_decode((const unsigned char *)text + i, len - i, &cp);
		cps[n++] = k ? cp : 0xFFFD;
		i += k ? k : 1;
	}
	char *s = skeleton_of(cps, n);
	free(cps);
	return s;
}

/* 1 when a and b differ by exactly one edit: a letter changed, added or
 * dropped, or two neighbours swapped. */
static int one_edit_apart(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la < lb) {
		const char *t = a;
		a = b;
		b = t;
		size_t tl = la;
		la = lb;
		lb = tl;
	}
	if (la - lb > 1)
		return 0;
	size_t i = 0;
	while (i < lb && a[i] == b[i])
		i++;
	if (i == la)
		return 0; /* equal */
	if (la > lb)
		return strcmp(a + i + 1, b + i) == 0;
	if (strcmp(a + i + 1, b + i + 1) == 0)
		return 1;
	return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && strcmp(a + i + 2, b + i + 2) == 0;
}

/* --- What the user's mail has shown ---------------------------------------- */

struct auth_known *auth_known_new(void)
{
	struct auth_known *k = lib_xcalloc(1, sizeof *k);
	k->addresses = lib_strset_new();
	k->dkim_domains = lib_strset_new();
	k->correspondents = lib_strset_new();
	k->labels = lib_strset_new();
	k->brand_skeletons = lib_xcalloc(BRAND_COUNT, sizeof *k->brand_skeletons);
	for (size_t i = 0; i < BRAND_COUNT; i++)
		k->brand_skeletons[i] = domain_skeleton(brands[i].domain);
	return k;
}

void auth_known_free(struct auth_known *k)
{
	if (!k)
		return;
	lib_strset_free(k->addresses);
	lib_strset_free(k->dkim_domains);
	lib_strset_free(k->correspondents);
	lib_strset_free(k->labels);
	for (size_t i = 0; i < BRAND_COUNT; i++)
		free(k->brand_skeletons[i]);
	free(k->brand_skeletons);
	for (size_t i = 0; i < k->ndomains; i++) {
		free(k->domains[i].org);
		free(k->domains[i].skeleton);
	}
	free(k->domains);
	free(k);
}

size_t auth_known_count(const struct auth_known *k)
{
	return lib_strset_count(k->addresses) + lib_strset_count(k->dkim_domains) +
	       lib_strset_count(k->correspondents);
}

/* ASCII-lowercased copy. */
static char *lower_copy(const char *s)
{
	char *c = lib_xstrdup(s);
	for (char *p = c; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return c;
}

/* The organizational domain of domain (ASCII, lowercase): by the PSL, or
 * the domain itself when the PSL has none.  Caller frees. */
static char *org_of(const struct auth_dmarc_psl *psl, const char *domain)
{
	char *lower = lower_copy(domain);
	char *org = auth_dmarc_psl_org_domain(psl, lower);
	if (org) {
		free(lower);
		return org;
	}
	return lower;
}

static void add_org(struct auth_known *k, const char *org)
{
	if (!lib_strset_add(k->correspondents, org))
		return;
	k->domains = lib_xrealloc(k->domains, (k->ndomains + 1) * sizeof *k->domains);
	k->domains[k->ndomains].org = lib_xstrdup(org);
	k->domains[k->ndomains++].skeleton = domain_skeleton(org);
	const char *dot = strchr(org, '.');
	size_t n = dot ? (size_t)(dot - org) : strlen(org);
	if (n >= 5) {
		char *label = lib_xstrndup(org, n);
		lib_strset_add(k->labels, label);
		free(label);
	}
}

void auth_known_add_correspondent(struct auth_known *k, const struct auth_dmarc_psl *psl,
				  const char *domain)
{
	char *org = org_of(psl, domain);
	add_org(k, org);
	free(org);
}

static void format_set(const struct lib_strset *set, char tag, struct lib_buf *out)
{
	size_t pos = 0;
	const char *s;
	while ((s = lib_strset_next(set, &pos)))
		lib_buf_printf(out, "%c %s\n", tag, s);
}

void auth_known_format(const struct auth_known *k, struct lib_buf *out)
{
	format_set(k->addresses, 'a', out);
	format_set(k->dkim_domains, 'd', out);
	format_set(k->correspondents, 'c', out);
}

/* An entry as saved: 1..320 bytes of valid UTF-8 with no space or
 * control character (it goes into warnings people read). */
static int entry_ok(const char *s, size_t len)
{
	if (len == 0 || len > 320)
		return 0;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = lib_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (k == 0 || cp <= ' ' || (cp >= 0x7F && cp <= 0x9F))
			return 0;
		i += k;
	}
	return 1;
}

void auth_known_parse(struct auth_known *k, const struct auth_dmarc_psl *psl, const char *text,
		      size_t len)
{
	(void)psl; /* entries are saved already reduced */
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *line = text + i;
		size_t n = end - i;
		if (n > 2 && line[1] == ' ' && entry_ok(line + 2, n - 2)) {
			char *value = lib_xstrndup(line + 2, n - 2);
			if (line[0] == 'a')
				lib_strset_add(k->addresses, value);
			else if (line[0] == 'd')
				lib_strset_add(k->dkim_domains, value);
			else if (line[0] == 'c')
				add_org(k, value);
			free(value);
		}
		i = end + 1;
	}
}

/* --- Warnings -------------------------------------------------------------- */

const char *auth_warning_kind_str(enum auth_warning_kind kind)
{
	switch (kind) {
	case AUTH_WARN_DISPLAY_NAME: return "display-name";
	case AUTH_WARN_LOOKALIKE: return "lookalike";
	case AUTH_WARN_FIRST_SENDER: return "first-sender";
	case AUTH_WARN_FIRST_SIGNER: return "first-signer";
	}
	return "?";
}

static void warn(struct auth_warnings *w, enum auth_warning_kind kind, char *text)
{
	if (w->count == AUTH_WARNINGS_MAX) {
		free(text);
		return;
	}
	w->kind[w->count] = kind;
	w->text[w->count++] = text;
}

void auth_warnings_release(struct auth_warnings *w)
{
	for (size_t i = 0; i < w->count; i++)
		free(w->text[i]);
	w->count = 0;
}

/* What the checks share: the sender as seen and as it is. */
struct sender {
	const char *name;    /* display name, may be "" */
	const char *address; /* as written */
	char *addr_lower;
	char *domain;        /* A-label, lowercase */
	char *org;           /* its organizational domain */
};

static int sender_init(struct sender *s, const struct auth_message_verdict *vd,
		       const struct auth_dmarc_psl *psl)
{
	memset(s, 0, sizeof *s);
	if (!vd->from_address)
		return -1;
	const char *at = strrchr(vd->from_address, '@');
	if (!at || !at[1])
		return -1;
	s->domain = auth_address_domain_to_ascii(at + 1, strlen(at + 1), NULL);
	if (!s->domain)
		return -1;
	s->name = vd->from_name ? vd->from_name : "";
	s->address = vd->from_address;
	s->addr_lower = lower_copy(vd->from_address);
	s->org = org_of(psl, s->domain);
	return 0;
}

static void sender_release(struct sender *s)
{
	free(s->addr_lower);
	free(s->domain);
	free(s->org);
}

static int domain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* A token of the (lowercased) display name that names a domain: an
 * address's domain (after '@') or a bare name whose last label is a
 * listed public suffix.  Copies it into out and returns 1 for the first
 * whose organizational domain is not the sender's. */
static int claimed_domain(const struct sender *s, const char *lower,
			  const struct auth_dmarc_psl *psl, char **out)
{
	for (const char *p = lower; *p;) {
		if (!domain_char(*p)) {
			p++;
			continue;
		}
		const char *start = p;
		while (domain_char(*p))
			p++;
		int after_at = start > lower && start[-1] == '@';
		while (start < p && (*start == '.' || *start == '-'))
			start++;
		const char *end = p;
		while (end > start && (end[-1] == '.' || end[-1] == '-'))
			end--;
		char *tok = lib_xstrndup(start, (size_t)(end - start));
		const char *last = strrchr(tok, '.');
		int named = last && (after_at || auth_dmarc_psl_is_listed_suffix(psl, last + 1));
		char *org = named ? org_of(psl, tok) : NULL;
		if (org && strcmp(org, s->org) != 0 && strchr(org, '.')) {
			free(org);
			*out = tok;
			return 1;
		}
		free(org);
		free(tok);
	}
	return 0;
}

/* The brand or correspondent a word of the name stands for, as the
 * domain its mail would come from; NULL when none. */
static const char *named_party(const char *word, const struct auth_known *k, char **owned)
{
	for (size_t i = 0; i < BRAND_COUNT; i++)
		if (strcmp(word, brands[i].name) == 0)
			return brands[i].domain;
	if (strlen(word) < 5 || !lib_strset_has(k->labels, word))
		return NULL;
	size_t pos = 0, n = strlen(word);
	const char *c;
	while ((c = lib_strset_next(k->correspondents, &pos)))
		if (strncmp(c, word, n) == 0 && c[n] == '.') {
			*owned = lib_xstrdup(c);
			return *owned;
		}
	return NULL;
}

/* The words of the name's skeleton (runs of letters and digits) and,
 * last, all of them joined ("Pay Pal" is "paypal"). */
static size_t name_words(const char *skeleton, char **words, size_t max)
{
	size_t n = 0;
	struct lib_buf joined = LIB_BUF_INIT;
	for (const char *p = skeleton; *p && n + 1 < max;) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
			p++;
			continue;
		}
		const char *start = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			p++;
		words[n++] = lib_xstrndup(start, (size_t)(p - start));
		lib_buf_append(&joined, start, (size_t)(p - start));
	}
	words[n++] = lib_buf_take(&joined);
	return n;
}

/* 1 when the sender is the party: its organizational domain, or the
 * party's name under another suffix ("paypal.de"); "paypal-help.com" is
 * not. */
static int sender_is(const struct sender *s, const char *party_domain, const char *word)
{
	size_t n = strlen(word);
	return strcmp(s->org, party_domain) == 0 || (strncmp(s->org, word, n) == 0 && s->org[n] == '.');
}

static void display_name_check(const struct sender *s, const struct auth_known *k,
			       const struct auth_dmarc_psl *psl, struct auth_warnings *w)
{
	if (!*s->name)
		return;
	char *lower = lower_copy(s->name);
	char *claimed = NULL;
	if (claimed_domain(s, lower, psl, &claimed)) {
		warn(w, AUTH_WARN_DISPLAY_NAME,
		     lib_xasprintf("The name shown, \"%s\", names %s, but the mail is from %s.",
				   s->name, claimed, s->address));
		free(claimed);
		free(lower);
		return;
	}
	free(lower);
	char *skel = text_skeleton(s->name);
	char *words[32];
	size_t n = name_words(skel, words, 32);
	int done = 0;
	for (size_t i = 0; i < n; i++) {
		char *owned = NULL;
		const char *party = done ? NULL : named_party(words[i], k, &owned);
		if (party && !sender_is(s, party, words[i])) {
			warn(w, AUTH_WARN_DISPLAY_NAME,
			     lib_xasprintf("The name shown, \"%s\", suggests %s, but the mail "
					   "comes from %s, not from %s.",
					   s->name, party, s->org, party));
			done = 1;
		}
		free(owned);
		free(words[i]);
	}
	free(skel);
}

static void lookalike_warn(const struct sender *s, const char *like, int homograph, int brand,
			   struct auth_warnings *w)
{
	char *shown = auth_domain_to_unicode(s->org);
	const char *whose = brand ? "a name often imitated" : "a domain you get verified mail from";
	char *text;
	if (homograph && strcmp(shown, s->org) != 0)
		text = lib_xasprintf("The sender's domain %s (%s) looks like %s, %s, but is "
				     "another domain: some of its letters only look the same.",
				     shown, s->org, like, whose);
	else if (homograph)
		text = lib_xasprintf("The sender's domain %s looks like %s, %s, but is another "
				     "domain.", s->org, like, whose);
	else
		text = lib_xasprintf("The sender's domain %s is one letter away from %s, %s.",
				     s->org, like, whose);
	warn(w, AUTH_WARN_LOOKALIKE, text);
	free(shown);
}

/* Compares the sender with one domain (and its skeleton): 1 when it
 * imitates it. */
static int imitates(const struct sender *s, const char *skel, const char *other,
		    const char *other_skel, int *homograph)
{
	if (strcmp(s->org, other) == 0)
		return 0;
	*homograph = strcmp(skel, other_skel) == 0;
	return *homograph || (strlen(other) >= 6 && one_edit_apart(s->org, other));
}

static void lookalike_check(const struct sender *s, const struct auth_known *k,
			    struct auth_warnings *w)
{
	if (lib_strset_has(k->correspondents, s->org))
		return;
	char *skel = domain_skeleton(s->org);
	int homograph = 0, found = 0;
	for (size_t i = 0; i < BRAND_COUNT && !found; i++)
		if (imitates(s, skel, brands[i].domain, k->brand_skeletons[i], &homograph)) {
			lookalike_warn(s, brands[i].domain, homograph, 1, w);
			found = 1;
		}
	for (size_t i = 0; i < k->ndomains && !found; i++) {
		const struct known_domain *d = &k->domains[i];
		if (imitates(s, skel, d->org, d->skeleton, &homograph)) {
			lookalike_warn(s, d->org, homograph, 0, w);
			found = 1;
		}
	}
	free(skel);
}

/* A passing signature whose d= can be kept (one word, as the saved form
 * needs). */
static int dkim_passed(const struct auth_message_dkim *d)
{
	return d->sig && d->sig->result == AUTH_DKIM_PASS && d->sig->domain &&
	       entry_ok(d->sig->domain, strlen(d->sig->domain));
}

static void first_contact_check(const struct sender *s, const struct auth_message_verdict *vd,
				const struct auth_known *k, struct auth_warnings *w)
{
	if (!lib_strset_has(k->addresses, s->addr_lower)) {
		warn(w, AUTH_WARN_FIRST_SENDER,
		     lib_xasprintf("This is the first mail from %s.", s->address));
		return;
	}
	for (size_t i = 0; i < vd->dkim_count; i++) {
		if (!dkim_passed(&vd->dkim[i]))
			continue;
		char *d = lower_copy(vd->dkim[i].sig->domain);
		if (!lib_strset_has(k->dkim_domains, d)) {
			warn(w, AUTH_WARN_FIRST_SIGNER,
			     lib_xasprintf("Mail from %s was never signed by %s before.", s->address,
					   d));
			free(d);
			return;
		}
		free(d);
	}
}

void auth_sender_warnings(const struct auth_message_verdict *vd, const struct auth_known *k,
			  const struct auth_dmarc_psl *psl, struct auth_warnings *out)
{
	out->count = 0;
	struct sender s;
	if (sender_init(&s, vd, psl) < 0)
		return;
	display_name_check(&s, k, psl, out);
	lookalike_check(&s, k, out);
	first_contact_check(&s, vd, k, out);
	sender_release(&s);
}

void auth_known_learn(struct auth_known *k, const struct auth_message_verdict *vd,
		      const struct auth_warnings *w, const struct auth_dmarc_psl *psl)
{
	struct sender s;
	if (sender_init(&s, vd, psl) < 0)
		return;
	lib_strset_add(k->addresses, s.addr_lower);
	for (size_t i = 0; i < vd->dkim_count; i++)
		if (dkim_passed(&vd->dkim[i])) {
			char *d = lower_copy(vd->dkim[i].sig->domain);
			lib_strset_add(k->dkim_domains, d);
			free(d);
		}
	int suspicious = 0;
	for (size_t i = 0; w && i < w->count; i++)
		suspicious |= w->kind[i] == AUTH_WARN_DISPLAY_NAME || w->kind[i] == AUTH_WARN_LOOKALIKE;
	if (vd->badge == AUTH_BADGE_VERIFIED && !suspicious)
		add_org(k, s.org);
	sender_release(&s);
}
