/* values.c: option values with a structure: server URLs, addresses,
 * certificate fingerprints. */
#include "config_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	enum config_scheme scheme;
	const char *name;
	int port;
	int implicit_tls;
} schemes[] = {
	{ CONFIG_SCHEME_IMAP, "imap", 143, 0 },
	{ CONFIG_SCHEME_IMAPS, "imaps", 993, 1 },
	{ CONFIG_SCHEME_POP, "pop", 110, 0 },
	{ CONFIG_SCHEME_POPS, "pops", 995, 1 },
	{ CONFIG_SCHEME_SMTP, "smtp", 587, 0 },
	{ CONFIG_SCHEME_SMTPS, "smtps", 465, 1 },
};

#define NSCHEMES (sizeof schemes / sizeof schemes[0])

const char *config_scheme_name(enum config_scheme scheme)
{
	for (size_t i = 0; i < NSCHEMES; i++)
		if (schemes[i].scheme == scheme)
			return schemes[i].name;
	return "";
}

/* "imap, imaps, pop, pops" for a message. */
static void scheme_list(unsigned allowed, char *buf, size_t size)
{
	struct lib_buf b = LIB_BUF_INIT;
	for (size_t i = 0; i < NSCHEMES; i++)
		if (allowed & CONFIG_SCHEME_BIT(schemes[i].scheme))
			lib_buf_printf(&b, "%s%s://", b.len ? ", " : "", schemes[i].name);
	snprintf(buf, size, "%s", b.data ? b.data : "");
	lib_buf_release(&b);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3986: unreserved / sub-delims, the characters a user name or host
 * may hold unencoded (and '@' in a user name, as mutt allows). */
static int url_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (unsigned char)c >= 0x80 || strchr("-._~!$&'()*+,;=", c) != NULL;
}

/* Percent-decodes s[0..len) into a new string; refuses control characters
 * in the result, and characters outside url_char (and extra) unencoded. */
static char *url_decode(const char *s, size_t len, const char *extra, const char *what,
			struct lib_err *err)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "");
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				lib_buf_release(&b);
				lib_err_set(err, "bad %%-escape in the %s", what);
				return NULL;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
			if ((unsigned char)c < 0x20 || c == 0x7F) {
				lib_buf_release(&b);
				lib_err_set(err, "control character in the %s", what);
				return NULL;
			}
		} else if (!url_char(c) && !(extra && strchr(extra, c))) {
			lib_buf_release(&b);
			lib_err_set(err, "character '%c' not allowed in the %s (write it %%%02X)", c,
				    what, (unsigned char)c);
			return NULL;
		}
		lib_buf_putc(&b, c);
	}
	return lib_buf_take(&b);
}

static int parse_port(const char *s, size_t len, int *port, struct lib_err *err)
{
	long v = 0;
	if (len == 0 || len > 5)
		return lib_err_set(err, "bad port: %.*s", (int)(len > 16 ? 16 : len), s);
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return lib_err_set(err, "bad port: %.*s", (int)len, s);
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return lib_err_set(err, "port out of range (1-65535): %ld", v);
	*port = (int)v;
	return 0;
}

/* host [":" port], where host is a name or "[" IPv6 "]". */
static int parse_hostport(const char *s, size_t len, struct config_url *u, struct lib_err *err)
{
	const char *port = NULL;
	size_t hlen = len;
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return lib_err_set(err, "missing ] after the IPv6 address");
		char addr[64];
		size_t alen = (size_t)(close - s - 1);
		struct in6_addr a6;
		if (alen == 0 || alen >= sizeof addr)
			return lib_err_set(err, "bad IPv6 address");
		memcpy(addr, s + 1, alen);
		addr[alen] = '\0';
		if (inet_pton(AF_INET6, addr, &a6) != 1)
			return lib_err_set(err, "bad IPv6 address: %s", addr);
		u->host = lib_xstrdup(addr);
		const char *rest = close + 1;
		size_t rlen = len - (size_t)(rest - s);
		if (rlen && rest[0] != ':') {
			free(u->host);
			u->host = NULL;
			return lib_err_set(err, "unexpected text after the IPv6 address");
		}
		if (rlen)
			port = rest + 1;
		hlen = 0;
	} else {
		const char *colon = memchr(s, ':', len);
		if (colon) {
			hlen = (size_t)(colon - s);
			port = colon + 1;
		}
		if (hlen == 0)
			return lib_err_set(err, "no host");
		for (size_t i = 0; i < hlen; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.' ||
			      s[i] == '_'))
				return lib_err_set(err, "bad character in host name: '%c'", s[i]);
		u->host = lib_xstrndup(s, hlen);
	}
	if (port && parse_port(port, len - (size_t)(port - s), &u->port, err) < 0) {
		free(u->host);
		u->host = NULL;
		return -1;
	}
	return 0;
}

/* RFC 3986 (and RFC 5092 for IMAP, RFC 2384 for POP), the part frank takes:
 *   url       = scheme "://" [ user "@" ] host [ ":" port ] [ "/" folder ]
 *   user      = 1*( unreserved / pct-encoded / sub-delims / "@" )
 *   host      = "[" IPv6address "]" / 1*( ALPHA / DIGIT / "-" / "." / "_" )
 *   port      = 1*5DIGIT                 ; 1-65535
 * The last "@" ends the user, so alice@example.org@host works as mutt's
 * does; a ":" in the user would be a password and is refused. */
int config_url_parse(const char *text, unsigned allowed, struct config_url *url,
		     struct lib_err *err)
{
	char names[64];
	scheme_list(allowed, names, sizeof names);
	const char *sep = strstr(text, "://");
	size_t i;
	for (i = 0; sep && i < NSCHEMES; i++)
		if (strlen(schemes[i].name) == (size_t)(sep - text) &&
		    strncasecmp(text, schemes[i].name, (size_t)(sep - text)) == 0)
			break;
	if (!sep || i == NSCHEMES || !(allowed & CONFIG_SCHEME_BIT(schemes[i].scheme)))
		return lib_err_set(err, "unsupported URL %s (%s)", text, names);
	struct config_url u = { schemes[i].scheme, NULL, NULL, schemes[i].port, NULL,
				schemes[i].implicit_tls };
	const char *auth = sep + 3;
	size_t alen = strcspn(auth, "/?#");
	if (auth[alen] == '?' || auth[alen] == '#')
		return lib_err_set(err, "a URL query or fragment is not supported: %s", text);
	const char *at = NULL;
	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p;
	if (at) {
		if (memchr(auth, ':', (size_t)(at - auth)))
			return lib_err_set(err, "a password in the URL is not accepted (use passcmd)");
		if (at == auth)
			return lib_err_set(err, "empty user name in %s", text);
		u.user = url_decode(auth, (size_t)(at - auth), "@", "user name", err);
		if (!u.user)
			return -1;
	}
	const char *hp = at ? at + 1 : auth;
	if (parse_hostport(hp, (size_t)(auth + alen - hp), &u, err) < 0) {
		config_url_release(&u);
		return -1;
	}
	const char *path = auth + alen;
	if (*path == '/')
		path++;
	if (strchr(path, '?') || strchr(path, '#')) {
		config_url_release(&u);
		return lib_err_set(err, "a URL query or fragment is not supported: %s", text);
	}
	if (*path && u.scheme != CONFIG_SCHEME_IMAP && u.scheme != CONFIG_SCHEME_IMAPS) {
		config_url_release(&u);
		return lib_err_set(err, "a %s:// URL has no folder: %s", schemes[i].name, text);
	}
	if (*path && !(u.folder = url_decode(path, strlen(path), "/:@", "folder", err))) {
		config_url_release(&u);
		return -1;
	}
	config_url_release(url);
	*url = u;
	return 0;
}

void config_url_release(struct config_url *url)
{
	free(url->user);
	free(url->host);
	free(url->folder);
	memset(url, 0, sizeof *url);
}

int config_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

/* RFC 5322 addr-spec, loosely: local "@" domain, where local is printable
 * (no space, no specials but ".") and domain is dot-separated labels of
 * letters, digits and "-" (or UTF-8, for internationalized names). */
static int addr_spec_check(const char *s, size_t len, struct lib_err *err)
{
	const char *at = NULL;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '@')
			at = s + i;
	if (!at || at == s || at == s + len - 1)
		return lib_err_set(err, "not an address (local@domain): %.*s", (int)len, s);
	for (const char *p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>()[]\\,;:@\"", *p))
			return lib_err_set(err, "bad character '%c' in address %.*s", *p, (int)len,
					   s);
	size_t label = 0;
	for (const char *p = at + 1; p < s + len; p++) {
		int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			 (*p >= '0' && *p <= '9') || *p == '-' || (unsigned char)*p >= 0x80;
		if (*p == '.' && label > 0) {
			label = 0;
			continue;
		}
		if (!ok)
			return lib_err_set(err, "bad domain in address %.*s", (int)len, s);
		label++;
	}
	if (label == 0)
		return lib_err_set(err, "bad domain in address %.*s", (int)len, s);
	return 0;
}

/* address = addr-spec / [ display-name ] "<" addr-spec ">" */
int config_address_parse(const char *text, struct config_address *addr, struct lib_err *err)
{
	const char *lt = strchr(text, '<');
	struct config_address a = { NULL, NULL };
	if (!lt) {
		size_t len = strlen(text);
		if (addr_spec_check(text, len, err) < 0)
			return -1;
		a.address = lib_xstrdup(text);
	} else {
		const char *gt = strchr(lt, '>');
		if (!gt || gt[1] != '\0')
			return lib_err_set(err, "unbalanced <> in address: %s", text);
		if (addr_spec_check(lt + 1, (size_t)(gt - lt - 1), err) < 0)
			return -1;
		a.address = lib_xstrndup(lt + 1, (size_t)(gt - lt - 1));
		const char *n = text, *e = lt;
		while (n < e && (*n == ' ' || *n == '\t'))
			n++;
		while (e > n && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e - n >= 2 && *n == '"' && e[-1] == '"')
			n++, e--;
		if (e > n)
			a.name = lib_xstrndup(n, (size_t)(e - n));
	}
	config_address_release(addr);
	*addr = a;
	return 0;
}

void config_address_release(struct config_address *addr)
{
	free(addr->name);
	free(addr->address);
	addr->name = addr->address = NULL;
}

int config_fingerprint_parse(const char *text, struct config_fingerprint *fp,
			     struct lib_err *err)
{
	struct config_fingerprint f = { 1, { 0 } };
	const char *p = text;
	int colons = strchr(text, ':') != NULL;
	for (size_t i = 0; i < sizeof f.sha256; i++) {
		if (i > 0 && colons && *p++ != ':')
			break;
		int hi = hex_value(p[0]), lo = hi >= 0 ? hex_value(p[1]) : -1;
		if (hi < 0 || lo < 0)
			break;
		f.sha256[i] = (unsigned char)(hi * 16 + lo);
		p += 2;
		if (i + 1 == sizeof f.sha256 && *p == '\0') {
			*fp = f;
			return 0;
		}
	}
	return lib_err_set(err, "not a SHA-256 fingerprint (32 hex pairs, AB:CD:...): %s", text);
}
