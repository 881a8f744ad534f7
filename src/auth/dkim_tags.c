/* dkim_tags.c: the tag=value lists of DKIM (RFC 6376 3.2) and the
 * DKIM-Signature field built on them (RFC 6376 3.5).  Pure functions over
 * bytes: the fuzz target fuzz_dkim_sig drives them directly.
 *
 * RFC 6376 3.2:
 *   tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
 *   tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *   tag-name  =  ALPHA *ALNUMPUNC
 *   tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
 *   tval      =  1*VALCHAR
 *   VALCHAR   =  %x21-3A / %x3C-7E      ; EXCLAMATION to TILDE but ";"
 *   ALNUMPUNC =  ALPHA / DIGIT / "_"
 * Tags are case-sensitive, a duplicate tag makes the list invalid and
 * unknown tags are ignored by the users of the list.
 *
 * The ARC fields of RFC 8617 are tag-lists read here too: the
 * ARC-Message-Signature has DKIM's tags without v= and with the instance
 * i= (4.1.2); the ARC-Seal has a= b= cv= d= i= s= and t= (4.1.3):
 *   arc-cv = "none" / "fail" / "pass"
 *   instance = 1*DIGIT                  ; 1 to 50 (4.2.1)  Whitespace after
 * the last ";" is allowed (records in the wild end with "; "). */
#include "dkim_private.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_fws(const char *s, size_t len, size_t i)
{
	while (i < len && is_fws(s[i]))
		i++;
	return i;
}

/* Reads one tag-spec at *pos (after its leading FWS). */
static int parse_tag_spec(const char *text, size_t len, size_t *pos, struct auth_dkim_tag *tag,
			  struct lib_err *err)
{
	size_t i = *pos;
	if (!is_alpha(text[i]))
		return lib_err_set(err, "tag name expected at offset %zu", i);
	tag->name = text + i;
	while (i < len && (is_alpha(text[i]) || is_digit(text[i]) || text[i] == '_'))
		i++;
	tag->name_len = (size_t)(text + i - tag->name);
	i = skip_fws(text, len, i);
	if (i >= len || text[i] != '=')
		return lib_err_set(err, "missing \"=\" after tag %.*s", (int)tag->name_len, tag->name);
	tag->eq_end = ++i;
	i = skip_fws(text, len, i);
	tag->value = text + i;
	size_t value_end = i;
	for (; i < len && text[i] != ';'; i++) {
		unsigned char c = (unsigned char)text[i];
		if (is_fws((char)c))
			continue;
		if (c < 0x21 || c > 0x7E)
			return lib_err_set(err, "invalid byte 0x%02x in the value of %.*s=", c,
					   (int)tag->name_len, tag->name);
		value_end = i + 1;
	}
	tag->value_len = value_end - (size_t)(tag->value - text);
	tag->spec_end = i;
	*pos = i;
	return 0;
}

static int tag_name_is(const struct auth_dkim_tag *t, const char *name, size_t len)
{
	return t->name_len == len && memcmp(t->name, name, len) == 0;
}

int auth_dkim_tags_parse(const char *text, size_t len, struct auth_dkim_tag_list *out,
			 struct lib_err *err)
{
	out->count = 0;
	size_t i = 0;
	for (;;) {
		i = skip_fws(text, len, i);
		if (i >= len)
			return 0;
		struct auth_dkim_tag tag;
		if (parse_tag_spec(text, len, &i, &tag, err) < 0)
			return -1;
		for (size_t k = 0; k < out->count; k++)
			if (tag_name_is(&out->tags[k], tag.name, tag.name_len))
				return lib_err_set(err, "duplicate tag %.*s=", (int)tag.name_len,
						   tag.name);
		if (out->count == AUTH_DKIM_MAX_TAGS)
			return lib_err_set(err, "more than %d tags", AUTH_DKIM_MAX_TAGS);
		out->tags[out->count++] = tag;
		if (i >= len)
			return 0;
		i++; /* the ";" */
	}
}

const char *auth_dkim_printable(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_fws((char)c)) {
			while (i + 1 < len && is_fws(s[i + 1]))
				i++;
			buf[o++] = ' ';
		} else {
			buf[o++] = c >= 0x21 && c <= 0x7E ? (char)c : '?';
		}
	}
	buf[o] = '\0';
	return buf;
}

const struct auth_dkim_tag *auth_dkim_tag_find(const struct auth_dkim_tag_list *list,
					       const char *name)
{
	size_t len = strlen(name);
	for (size_t k = 0; k < list->count; k++)
		if (tag_name_is(&list->tags[k], name, len))
			return &list->tags[k];
	return NULL;
}

/* ---- base64 ------------------------------------------------------------ */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int auth_dkim_base64_decode(const char *in, size_t len, unsigned char **out, size_t *out_len)
{
	unsigned char *buf = lib_xmalloc(len / 4 * 3 + 4);
	size_t n = 0, quads = 0, pad = 0;
	uint32_t acc = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (is_fws((char)c))
			continue;
		if (c == '=') {
			if (++pad > 2)
				goto bad;
			acc <<= 6;
		} else {
			int v = b64_value(c);
			if (v < 0 || pad)
				goto bad;
			acc = (acc << 6) | (uint32_t)v;
		}
		if (++quads % 4 == 0) {
			buf[n++] = (unsigned char)(acc >> 16);
			if (pad < 2)
				buf[n++] = (unsigned char)(acc >> 8);
			if (pad < 1)
				buf[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	if (quads % 4 != 0 || (pad && quads % 4 != 0))
		goto bad;
	buf[n] = 0;
	*out = buf;
	*out_len = n;
	return 0;
bad:
	free(buf);
	*out = NULL;
	*out_len = 0;
	return -1;
}

char *auth_dkim_base64_encode(const unsigned char *data, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = lib_xmalloc((len + 2) / 3 * 4 + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* ---- DKIM-Signature ------------------------------------------------------ */

/* RFC 6376 2.11 dkim-quoted-printable: "=" 2HEXDIG is a byte, FWS is
 * dropped, anything else stands for itself. */
static char *qp_decode(const char *s, size_t len)
{
	struct lib_buf out = LIB_BUF_INIT;
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		if (is_fws(s[i]))
			continue;
		if (s[i] != '=') {
			lib_buf_putc(&out, s[i]);
			continue;
		}
		const char *hi = i + 1 < len ? strchr(hex, s[i + 1]) : NULL;
		const char *lo = i + 2 < len ? strchr(hex, s[i + 2]) : NULL;
		if (!hi || !lo || !s[i + 1] || !s[i + 2]) {
			lib_buf_release(&out);
			return NULL;
		}
		unsigned char c = (unsigned char)((hi - hex) << 4 | (lo - hex));
		if (c < 0x20 || c == 0x7F) { /* no address holds control bytes */
			lib_buf_release(&out);
			return NULL;
		}
		lib_buf_putc(&out, (char)c);
		i += 2;
	}
	return lib_buf_take(&out);
}

/* 1*18DIGIT (RFC 6376 allows up to 12 or 76 digits; values that large are
 * beyond any message or clock, so refusing them loses nothing). */
static int parse_number(const struct auth_dkim_tag *t, long long *out)
{
	if (t->value_len == 0 || t->value_len > 18)
		return -1;
	long long v = 0;
	for (size_t i = 0; i < t->value_len; i++) {
		if (!is_digit(t->value[i]))
			return -1;
		v = v * 10 + (t->value[i] - '0');
	}
	*out = v;
	return 0;
}

/* A domain name or selector: dot-separated labels of letters, digits,
 * "-" and "_" (selectors and real names use "_"), no empty label. */
static int valid_name(const char *s, size_t len)
{
	if (len == 0 || len >= AUTH_DNS_NAME_MAX || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
			return 0;
		}
	}
	return 1;
}

static char *tag_strdup(const struct auth_dkim_tag *t)
{
	return lib_xstrndup(t->value, t->value_len);
}

/* The items of a colon-separated list, FWS around each dropped. */
static size_t split_list(const struct auth_dkim_tag *t, char ***items, size_t max)
{
	size_t count = 0;
	*items = NULL;
	size_t i = 0;
	while (i <= t->value_len && count < max) {
		size_t start = i;
		while (i < t->value_len && t->value[i] != ':')
			i++;
		size_t a = start, b = i;
		while (a < b && is_fws(t->value[a]))
			a++;
		while (b > a && is_fws(t->value[b - 1]))
			b--;
		*items = lib_xrealloc(*items, (count + 1) * sizeof **items);
		(*items)[count++] = lib_xstrndup(t->value + a, b - a);
		i++;
	}
	return count;
}

static void free_list(char **items, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(items[i]);
	free(items);
}

static int parse_algorithm(const struct auth_dkim_tag *t, struct auth_dkim_sig_tags *sig,
			   struct lib_err *err)
{
	sig->algorithm_name = tag_strdup(t);
	if (strcasecmp(sig->algorithm_name, "rsa-sha256") == 0)
		sig->algo = AUTH_DKIM_RSA_SHA256;
	else if (strcasecmp(sig->algorithm_name, "ed25519-sha256") == 0)
		sig->algo = AUTH_DKIM_ED25519_SHA256;
	else if (strcasecmp(sig->algorithm_name, "rsa-sha1") == 0)
		sig->algo = AUTH_DKIM_RSA_SHA1;
	else
		return lib_err_set(err, "unknown algorithm a=%s",
				   auth_dkim_printable(t->value, t->value_len, (char[64]){ 0 }, 64));
	return 0;
}

static int parse_canon_word(const char *s, size_t len, enum auth_dkim_canon *out)
{
	if (len == 6 && strncasecmp(s, "simple", 6) == 0)
		*out = AUTH_DKIM_SIMPLE;
	else if (len == 7 && strncasecmp(s, "relaxed", 7) == 0)
		*out = AUTH_DKIM_RELAXED;
	else
		return -1;
	return 0;
}

/* c= header[/body], each simple or relaxed; body defaults to simple. */
static int parse_canon(const struct auth_dkim_tag *t, struct auth_dkim_sig_tags *sig,
		       struct lib_err *err)
{
	const char *slash = memchr(t->value, '/', t->value_len);
	size_t head_len = slash ? (size_t)(slash - t->value) : t->value_len;
	if (parse_canon_word(t->value, head_len, &sig->header_canon) < 0 ||
	    (slash && parse_canon_word(slash + 1, t->value_len - head_len - 1,
				       &sig->body_canon) < 0))
		return lib_err_set(err, "unknown canonicalization c=%s",
				   auth_dkim_printable(t->value, t->value_len, (char[64]){ 0 }, 64));
	return 0;
}

static int parse_signed_headers(const struct auth_dkim_tag *t, struct auth_dkim_sig_tags *sig,
				struct lib_err *err)
{
	sig->header_count = split_list(t, &sig->headers, AUTH_DKIM_MAX_SIGNED_HEADERS + 1);
	if (sig->header_count > AUTH_DKIM_MAX_SIGNED_HEADERS)
		return lib_err_set(err, "h= names more than %d fields",
				   AUTH_DKIM_MAX_SIGNED_HEADERS);
	int from = 0;
	for (size_t i = 0; i < sig->header_count; i++) {
		const char *h = sig->headers[i];
		if (!*h)
			return lib_err_set(err, "empty field name in h=");
		for (const char *p = h; *p; p++)
			if ((unsigned char)*p < 33 || (unsigned char)*p > 126 || *p == ':')
				return lib_err_set(err, "invalid field name in h=");
		if (strcasecmp(h, "from") == 0)
			from = 1;
	}
	if (!from)
		return lib_err_set(err, "h= does not sign From (RFC 6376 5.4)");
	return 0;
}

/* i= must be in d= or a subdomain of it (RFC 6376 3.5). */
static int parse_identity(const struct auth_dkim_tag *t, struct auth_dkim_sig_tags *sig,
			  struct lib_err *err)
{
	sig->identity = qp_decode(t->value, t->value_len);
	if (!sig->identity)
		return lib_err_set(err, "i= is not valid quoted-printable");
	const char *at = strrchr(sig->identity, '@');
	if (!at)
		return lib_err_set(err, "i= has no \"@\"");
	const char *dom = at + 1;
	size_t dl = strlen(dom), sl = strlen(sig->domain);
	int inside = dl == sl ? strcasecmp(dom, sig->domain) == 0
			      : dl > sl && dom[dl - sl - 1] == '.' &&
					strcasecmp(dom + dl - sl, sig->domain) == 0;
	if (!inside)
		return lib_err_set(err, "i= domain %s is not within d=%s",
				   auth_dkim_printable(dom, strlen(dom), (char[128]){ 0 }, 128), sig->domain);
	return 0;
}

static int parse_query_methods(const struct auth_dkim_tag *t, struct lib_err *err)
{
	char **methods;
	size_t n = split_list(t, &methods, 32);
	int found = 0;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(methods[i], "dns/txt") == 0)
			found = 1;
	free_list(methods, n);
	if (!found)
		return lib_err_set(err, "q= does not offer dns/txt");
	return 0;
}

static int parse_b64_tag(const struct auth_dkim_tag *t, unsigned char **out, size_t *out_len,
			 struct lib_err *err)
{
	if (auth_dkim_base64_decode(t->value, t->value_len, out, out_len) < 0 || *out_len == 0)
		return lib_err_set(err, "%.*s= is not valid base64", (int)t->name_len, t->name);
	return 0;
}

/* The required tags, in the order a report reads best. */
static int require(const struct auth_dkim_tag_list *tags, const char *name,
		   const struct auth_dkim_tag **out, struct lib_err *err)
{
	*out = auth_dkim_tag_find(tags, name);
	if (!*out)
		return lib_err_set(err, "missing %s=", name);
	return 0;
}

static int parse_times(const struct auth_dkim_tag_list *tags, struct auth_dkim_sig_tags *sig,
		       struct lib_err *err)
{
	const struct auth_dkim_tag *t;
	if ((t = auth_dkim_tag_find(tags, "t")) && parse_number(t, &sig->timestamp) < 0)
		return lib_err_set(err, "t= is not a number");
	if ((t = auth_dkim_tag_find(tags, "x")) && parse_number(t, &sig->expiry) < 0)
		return lib_err_set(err, "x= is not a number");
	if (sig->timestamp >= 0 && sig->expiry >= 0 && sig->expiry < sig->timestamp)
		return lib_err_set(err, "x= is before t=");
	if ((t = auth_dkim_tag_find(tags, "l")) && parse_number(t, &sig->length) < 0)
		return lib_err_set(err, "l= is not a number");
	return 0;
}

/* The ARC instance tag (RFC 8617 4.2.1): i=, 1*DIGIT, 1 to 50. */
static int parse_instance(const struct auth_dkim_tag_list *tags, struct auth_dkim_sig_tags *sig,
			  struct lib_err *err)
{
	const struct auth_dkim_tag *t;
	long long n;
	if (require(tags, "i", &t, err) < 0)
		return -1;
	if (parse_number(t, &n) < 0 || n < 1 || n > AUTH_ARC_MAX_SETS)
		return lib_err_set(err, "i=%s is not an instance number from 1 to %d",
				   auth_dkim_printable(t->value, t->value_len, (char[32]){ 0 }, 32),
				   AUTH_ARC_MAX_SETS);
	sig->instance = (unsigned)n;
	return 0;
}

/* cv= of an ARC-Seal (RFC 8617 4.1.3): "none" / "fail" / "pass", which
 * as ABNF literals compare without case. */
static int parse_cv(const struct auth_dkim_tag_list *tags, struct auth_dkim_sig_tags *sig,
		    struct lib_err *err)
{
	static const enum auth_arc_cv values[] = { AUTH_ARC_NONE, AUTH_ARC_PASS, AUTH_ARC_FAIL };
	const struct auth_dkim_tag *t;
	if (require(tags, "cv", &t, err) < 0)
		return -1;
	for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
		const char *word = auth_arc_cv_str(values[k]);
		if (t->value_len == strlen(word) && strncasecmp(t->value, word, t->value_len) == 0) {
			sig->cv = values[k];
			return 0;
		}
	}
	return lib_err_set(err, "cv=%s is not none, pass or fail",
			   auth_dkim_printable(t->value, t->value_len, (char[32]){ 0 }, 32));
}

/* The tags each kind requires, in the order a report names them. */
static const char *const required_tags[][7] = {
	[AUTH_DKIM_SIG_DKIM] = { "a", "b", "bh", "d", "h", "s", NULL },
	[AUTH_DKIM_SIG_AMS] = { "a", "b", "bh", "d", "h", "s", NULL },
	[AUTH_DKIM_SIG_SEAL] = { "a", "b", "cv", "d", "s", NULL },
};

/* d= s= b=, which every kind has. */
static int parse_signer(const struct auth_dkim_tag_list *tags, struct auth_dkim_sig_tags *sig,
			struct lib_err *err)
{
	if (!valid_name(sig->domain, strlen(sig->domain)))
		return lib_err_set(err, "d= is not a domain name");
	if (!valid_name(sig->selector, strlen(sig->selector)))
		return lib_err_set(err, "s= is not a valid selector");
	const struct auth_dkim_tag *t = auth_dkim_tag_find(tags, "b");
	if (parse_b64_tag(t, &sig->b, &sig->b_len, err) < 0)
		return -1;
	sig->b_eq_end = t->eq_end;
	sig->b_spec_end = t->spec_end;
	sig->b_text = auth_dkim_base64_encode(sig->b, sig->b_len);
	return 0;
}

/* The rest of a signature over header fields and body: DKIM's and the
 * ARC-Message-Signature's. */
static int parse_message_tags(const struct auth_dkim_tag_list *tags, enum auth_dkim_sig_kind kind,
			      struct auth_dkim_sig_tags *sig, struct lib_err *err)
{
	const struct auth_dkim_tag *t;
	if (parse_b64_tag(auth_dkim_tag_find(tags, "bh"), &sig->bh, &sig->bh_len, err) < 0)
		return -1;
	size_t want = sig->algo == AUTH_DKIM_RSA_SHA1 ? 20 : 32;
	if (sig->bh_len != want)
		return lib_err_set(err, "bh= has %zu bytes, %s needs %zu", sig->bh_len,
				   auth_dkim_algo_str(sig->algo), want);
	if ((t = auth_dkim_tag_find(tags, "c")) && parse_canon(t, sig, err) < 0)
		return -1;
	if (parse_signed_headers(auth_dkim_tag_find(tags, "h"), sig, err) < 0)
		return -1;
	if (kind == AUTH_DKIM_SIG_DKIM && (t = auth_dkim_tag_find(tags, "i"))) {
		if (parse_identity(t, sig, err) < 0)
			return -1;
	} else {
		sig->identity = lib_xasprintf("@%s", sig->domain);
	}
	if ((t = auth_dkim_tag_find(tags, "q")) && parse_query_methods(t, err) < 0)
		return -1;
	return parse_times(tags, sig, err);
}

/* The rest of an ARC-Seal.  It signs the ARC sets, which h= cannot name
 * (RFC 8617 4.1.3): one with h= is not a seal a validator can check. */
static int parse_seal_tags(const struct auth_dkim_tag_list *tags, struct auth_dkim_sig_tags *sig,
			   struct lib_err *err)
{
	const struct auth_dkim_tag *t;
	if (auth_dkim_tag_find(tags, "h"))
		return lib_err_set(err, "h= is not allowed in an ARC-Seal");
	sig->identity = lib_xasprintf("@%s", sig->domain);
	if ((t = auth_dkim_tag_find(tags, "t")) && parse_number(t, &sig->timestamp) < 0)
		return lib_err_set(err, "t= is not a number");
	return parse_cv(tags, sig, err);
}

static int parse_fields(const struct auth_dkim_tag_list *tags, enum auth_dkim_sig_kind kind,
			struct auth_dkim_sig_tags *sig, struct lib_err *err)
{
	const struct auth_dkim_tag *t;
	if ((t = auth_dkim_tag_find(tags, "d")))
		sig->domain = tag_strdup(t);
	if ((t = auth_dkim_tag_find(tags, "s")))
		sig->selector = tag_strdup(t);
	if (kind != AUTH_DKIM_SIG_DKIM && parse_instance(tags, sig, err) < 0)
		return -1;
	if ((t = auth_dkim_tag_find(tags, "a")) && parse_algorithm(t, sig, err) < 0)
		return -1;
	if (kind == AUTH_DKIM_SIG_DKIM) {
		if (require(tags, "v", &t, err) < 0)
			return -1;
		if (t->value_len != 1 || t->value[0] != '1')
			return lib_err_set(err, "unsupported version v=%s",
					   auth_dkim_printable(t->value, t->value_len, (char[64]){ 0 }, 64));
	}
	for (const char *const *name = required_tags[kind]; *name; name++)
		if (require(tags, *name, &t, err) < 0)
			return -1;
	if (parse_signer(tags, sig, err) < 0)
		return -1;
	if (kind == AUTH_DKIM_SIG_SEAL)
		return parse_seal_tags(tags, sig, err);
	return parse_message_tags(tags, kind, sig, err);
}

int auth_dkim_sig_parse_kind(enum auth_dkim_sig_kind kind, const char *value, size_t len,
			     struct auth_dkim_sig_tags *sig, struct lib_err *err)
{
	memset(sig, 0, sizeof *sig);
	sig->length = sig->timestamp = sig->expiry = -1;
	struct auth_dkim_tag_list *tags = lib_xmalloc(sizeof *tags);
	int rc = auth_dkim_tags_parse(value, len, tags, err);
	if (rc == 0)
		rc = parse_fields(tags, kind, sig, err);
	free(tags);
	return rc;
}

int auth_dkim_sig_parse(const char *value, size_t len, struct auth_dkim_sig_tags *sig,
			struct lib_err *err)
{
	return auth_dkim_sig_parse_kind(AUTH_DKIM_SIG_DKIM, value, len, sig, err);
}

void auth_dkim_sig_tags_release(struct auth_dkim_sig_tags *sig)
{
	free(sig->algorithm_name);
	free(sig->domain);
	free(sig->selector);
	free(sig->identity);
	free_list(sig->headers, sig->header_count);
	free(sig->b);
	free(sig->b_text);
	free(sig->bh);
	memset(sig, 0, sizeof *sig);
	sig->length = sig->timestamp = sig->expiry = -1;
}

const char *auth_dkim_algo_str(enum auth_dkim_algo algo)
{
	switch (algo) {
	case AUTH_DKIM_RSA_SHA1: return "rsa-sha1";
	case AUTH_DKIM_RSA_SHA256: return "rsa-sha256";
	case AUTH_DKIM_ED25519_SHA256: return "ed25519-sha256";
	case AUTH_DKIM_ALGO_UNKNOWN: break;
	}
	return "unknown";
}

const char *auth_dkim_canon_str(enum auth_dkim_canon canon)
{
	return canon == AUTH_DKIM_RELAXED ? "relaxed" : "simple";
}

const char *auth_dkim_result_str(enum auth_dkim_result result)
{
	switch (result) {
	case AUTH_DKIM_NONE: return "none";
	case AUTH_DKIM_PASS: return "pass";
	case AUTH_DKIM_FAIL: return "fail";
	case AUTH_DKIM_NEUTRAL: return "neutral";
	case AUTH_DKIM_POLICY: return "policy";
	case AUTH_DKIM_TEMPERROR: return "temperror";
	case AUTH_DKIM_PERMERROR: return "permerror";
	}
	return "?";
}
