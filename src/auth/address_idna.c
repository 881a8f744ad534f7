/* address_idna.c: domain names as DMARC compares them (RFC 9989 5.3.1:
 * "If the domain is a U-label, the domain MUST be converted to an
 * A-label").  Lowercasing (with NFKC) is libpsl's psl_str_to_utf8lower;
 * the Punycode encoder (RFC 3492 6.3) is ours, because libidn2 is not a
 * dependency of frank and the encoder is forty lines.  No IDNA2008
 * validity checks beyond that: a name that is not registrable simply has
 * no DMARC record, so it cannot be made to pass. */
#include "auth.h"

#include <libpsl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DOMAIN_MAX 253
#define LABEL_MAX 63

/* RFC 3492 5: the parameters of Punycode. */
enum {
	PC_BASE = 36,
	PC_TMIN = 1,
	PC_TMAX = 26,
	PC_SKEW = 38,
	PC_DAMP = 700,
	PC_INITIAL_BIAS = 72,
	PC_INITIAL_N = 128,
};

static uint32_t adapt(uint32_t delta, uint32_t numpoints, int firsttime)
{
	delta = firsttime ? delta / PC_DAMP : delta / 2;
	delta += delta / numpoints;
	uint32_t k = 0;
	while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
		delta /= PC_BASE - PC_TMIN;
		k += PC_BASE;
	}
	return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static char digit(uint32_t d)
{
	return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* Encodes cps[0..n) (one label) as Punycode into out.  Returns -1 when the
 * result would exceed LABEL_MAX octets with its "xn--" prefix. */
static int punycode_encode(const uint32_t *cps, size_t n, struct lib_buf *out)
{
	size_t start = out->len, basic = 0;
	for (size_t i = 0; i < n; i++)
		if (cps[i] < 0x80) {
			lib_buf_putc(out, (char)cps[i]);
			basic++;
		}
	if (basic)
		lib_buf_putc(out, '-');
	uint32_t code = PC_INITIAL_N, bias = PC_INITIAL_BIAS;
	uint64_t delta = 0;
	for (size_t h = basic; h < n;) {
		uint32_t m = UINT32_MAX;
		for (size_t i = 0; i < n; i++)
			if (cps[i] >= code && cps[i] < m)
				m = cps[i];
		delta += (uint64_t)(m - code) * (h + 1);
		code = m;
		for (size_t i = 0; i < n; i++) {
			if (cps[i] < code)
				delta++;
			if (cps[i] != code)
				continue;
			uint64_t q = delta;
			for (uint32_t k = PC_BASE;; k += PC_BASE) {
				uint32_t t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
				if (q < t)
					break;
				lib_buf_putc(out, digit(t + (uint32_t)((q - t) % (PC_BASE - t))));
				q = (q - t) / (PC_BASE - t);
			}
			lib_buf_putc(out, digit((uint32_t)q));
			bias = adapt((uint32_t)delta, (uint32_t)h + 1, h == basic);
			delta = 0;
			h++;
			if (out->len - start > LABEL_MAX - 4)
				return -1;
		}
		delta++;
		code++;
	}
	return out->len - start > LABEL_MAX - 4 ? -1 : 0;
}

/* The label s[0..len) (lowercase UTF-8) as ASCII: itself or "xn--"... */
static int label_to_ascii(const char *s, size_t len, struct lib_buf *out, struct lib_err *err)
{
	uint32_t cps[DOMAIN_MAX + 1];
	size_t n = 0;
	int ascii = 1;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = lib_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (k == 0)
			return lib_err_set(err, "not UTF-8");
		if (n == DOMAIN_MAX)
			return lib_err_set(err, "label too long");
		if (cp >= 0x80)
			ascii = 0;
		cps[n++] = cp;
		i += k;
	}
	if (ascii) {
		lib_buf_append(out, s, len);
		return 0;
	}
	lib_buf_puts(out, "xn--");
	if (punycode_encode(cps, n, out) < 0)
		return lib_err_set(err, "label longer than %d octets", LABEL_MAX);
	return 0;
}

/* UTS 46 maps these full stops to '.': U+3002, U+FF0E, U+FF61. */
static size_t dot_variant(const char *s, size_t len)
{
	static const char *const dots[] = { "\xE3\x80\x82", "\xEF\xBC\x8E", "\xEF\xBD\xA1" };
	for (size_t i = 0; i < 3; i++)
		if (len >= 3 && memcmp(s, dots[i], 3) == 0)
			return 3;
	return 0;
}

/* Lowercase UTF-8 of domain[0..len), with ASCII dots for the variants. */
static char *lower_utf8(const char *domain, size_t len, struct lib_err *err)
{
	int ascii = 1;
	for (size_t i = 0; i < len; i++) {
		if (domain[i] == '\0')
			return lib_err_set(err, "NUL in the name"), NULL;
		if ((unsigned char)domain[i] >= 0x80)
			ascii = 0;
	}
	if (ascii) {
		char *s = lib_xstrndup(domain, len);
		for (char *p = s; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		return s;
	}
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = lib_utf8_decode((const unsigned char *)domain + i, len - i, &cp);
		if (k == 0)
			return lib_err_set(err, "not UTF-8"), NULL;
		i += k;
	}
	char *in = lib_xstrndup(domain, len);
	char *lower = NULL;
	psl_error_t rc = psl_str_to_utf8lower(in, "utf-8", NULL, &lower);
	free(in);
	if (rc != PSL_SUCCESS || !lower)
		return lib_err_set(err, "not UTF-8"), NULL;
	struct lib_buf b = LIB_BUF_INIT;
	size_t n = strlen(lower);
	for (size_t i = 0; i < n;) {
		size_t k = dot_variant(lower + i, n - i);
		if (k) {
			lib_buf_putc(&b, '.');
			i += k;
		} else {
			lib_buf_putc(&b, lower[i++]);
		}
	}
	psl_free_string(lower);
	return lib_buf_take(&b);
}

static int ldh_label(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

char *auth_address_domain_to_ascii(const char *domain, size_t len, struct lib_err *err)
{
	if (len > 4 * DOMAIN_MAX)
		return lib_err_set(err, "name too long"), NULL;
	char *lower = lower_utf8(domain, len, err);
	if (!lower)
		return NULL;
	struct lib_buf out = LIB_BUF_INIT;
	const char *p = lower;
	int rc = 0;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		size_t at = out.len;
		if (n == 0) {
			rc = lib_err_set(err, "empty label");
			break;
		}
		if (label_to_ascii(p, n, &out, err) < 0) {
			rc = -1;
			break;
		}
		if (out.len - at > LABEL_MAX || !ldh_label(out.data + at, out.len - at)) {
			rc = lib_err_set(err, out.len - at > LABEL_MAX ? "label longer than 63 octets"
					 : "a label holds other than letters, digits and '-'");
			break;
		}
		if (!dot)
			break;
		lib_buf_putc(&out, '.');
		p = dot + 1;
	}
	free(lower);
	if (rc == 0 && out.len > DOMAIN_MAX)
		rc = lib_err_set(err, "name longer than %d octets", DOMAIN_MAX);
	if (rc < 0) {
		lib_buf_release(&out);
		return NULL;
	}
	return lib_buf_take(&out);
}

/* --- A-labels back to U-labels, for people and for lookalike checks ------- */

static int digit_value(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '0' && c <= '9')
		return c - '0' + 26;
	return -1;
}

/* RFC 3492 6.2: decodes the Punycode s[0..len) (after "xn--") into cps.
 * Returns the number of code points, or -1 when it is not Punycode. */
static long punycode_decode(const char *s, size_t len, uint32_t *cps, size_t max)
{
	size_t basic = 0, n = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '-')
			basic = i;
	for (size_t i = 0; i < basic; i++) {
		if ((unsigned char)s[i] >= 0x80 || n == max)
			return -1;
		cps[n++] = (unsigned char)s[i];
	}
	uint32_t code = PC_INITIAL_N, bias = PC_INITIAL_BIAS;
	uint64_t i = 0;
	for (size_t in = basic ? basic + 1 : 0; in < len;) {
		uint64_t old = i, w = 1;
		for (uint32_t k = PC_BASE;; k += PC_BASE) {
			int d = in < len ? digit_value(s[in++]) : -1;
			if (d < 0)
				return -1;
			i += (uint64_t)d * w;
			uint32_t t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
			if ((uint32_t)d < t)
				break;
			w *= PC_BASE - t;
			if (i > 0x10FFFF * (uint64_t)(max + 1) || w > 0x10FFFF * (uint64_t)(max + 1))
				return -1;
		}
		bias = adapt((uint32_t)(i - old), (uint32_t)n + 1, old == 0);
		code += (uint32_t)(i / (n + 1));
		i %= n + 1;
		if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) || n == max)
			return -1;
		memmove(cps + i + 1, cps + i, (n - i) * sizeof *cps);
		cps[i++] = code;
		n++;
	}
	return (long)n;
}

static void put_utf8(struct lib_buf *out, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	lib_buf_append(out, b, n);
}

int auth_domain_code_points(const char *domain, uint32_t *cps, size_t max)
{
	size_t n = 0, len = strlen(domain);
	for (size_t i = 0; i <= len;) {
		size_t end = i;
		while (end < len && domain[end] != '.')
			end++;
		const char *label = domain + i;
		size_t llen = end - i;
		if (llen > 4 && strncasecmp(label, "xn--", 4) == 0) {
			long k = punycode_decode(label + 4, llen - 4, cps + n, max - n);
			if (k < 0)
				return -1;
			n += (size_t)k;
		} else {
			for (size_t j = 0; j < llen; j++) {
				if (n == max)
					return -1;
				cps[n++] = (unsigned char)label[j];
			}
		}
		if (end < len) {
			if (n == max)
				return -1;
			cps[n++] = '.';
		}
		i = end + 1;
	}
	return (int)n;
}

char *auth_domain_to_unicode(const char *domain)
{
	uint32_t cps[DOMAIN_MAX + 1];
	int n = auth_domain_code_points(domain, cps, DOMAIN_MAX + 1);
	if (n < 0)
		return lib_xstrdup(domain);
	struct lib_buf out = LIB_BUF_INIT;
	for (int i = 0; i < n; i++)
		put_utf8(&out, cps[i]);
	return lib_buf_take(&out);
}
