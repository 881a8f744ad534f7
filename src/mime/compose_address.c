/* compose_address.c: address lists checked item by item before anything
 * is sent.  GMime's own list parser is forgiving (it drops an item it
 * cannot read, or takes "bob" for an address), which is right for
 * reading and wrong for sending: a recipient silently lost is mail that
 * never arrives.
 *
 * RFC 5322 3.4:
 *   address-list = (address *("," address)) / obs-addr-list
 *   address      = mailbox / group
 *   mailbox      = name-addr / addr-spec
 *   group        = display-name ":" [group-list] ";" [CFWS]
 * The list is split at commas outside quoted strings, comments, angle
 * brackets and groups; each item is then given to GMime alone. */
#include "compose_private.h"

#include <string.h>
#include <strings.h>

void compose_shown(const char *text, struct lib_buf *out)
{
	size_t len = strlen(text);
	struct lib_buf clean = LIB_BUF_INIT;
	lib_utf8_sanitize(text, len < COMPOSE_SHOWN ? len : COMPOSE_SHOWN, &clean);
	for (size_t i = 0; i < clean.len; i++)
		if (clean.data[i] == '\n' || clean.data[i] == '\t')
			clean.data[i] = ' ';
	lib_buf_append(out, clean.data ? clean.data : "", clean.len);
	if (len > COMPOSE_SHOWN)
		lib_buf_puts(out, "...");
	lib_buf_release(&clean);
}

static int item_error(const char *field, const char *what, const char *item, struct lib_err *err)
{
	struct lib_buf shown = LIB_BUF_INIT;
	compose_shown(item, &shown);
	lib_err_set(err, "%s: %s: %s", field, what, shown.data ? shown.data : "");
	lib_buf_release(&shown);
	return -1;
}

static int is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c >= 0x80;
}

/* domain = dot-atom (labels of letters, digits, '-'; UTF-8 for IDNs) or
 * an address literal in brackets. */
static int domain_ok(const char *d)
{
	size_t len = strlen(d);
	if (len >= 2 && d[0] == '[' && d[len - 1] == ']') {
		for (size_t i = 1; i + 1 < len; i++)
			if ((unsigned char)d[i] <= ' ' || d[i] == '[' || d[i] == ']' || d[i] == '\\')
				return 0;
		return len > 2;
	}
	size_t label = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || d[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (is_label_char((unsigned char)d[i])) {
			label++;
		} else {
			return 0;
		}
	}
	return 1;
}

int compose_addr_spec_ok(const char *addr)
{
	if (!addr)
		return 0;
	int quoted = 0;
	const char *at = NULL;
	for (const char *p = addr; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7F)
			return 0;
		if (c == '"') {
			quoted = !quoted;
		} else if (quoted) {
			if (c == '\\' && p[1])
				p++;
		} else if (c == ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '(' ||
			   c == ')' || c == '\\') {
			return 0;
		} else if (c == '@') {
			at = p;
		}
	}
	return !quoted && at && at != addr && domain_ok(at + 1);
}

char *compose_domain_of(const char *address)
{
	if (!address)
		return NULL;
	InternetAddressList *list = internet_address_list_parse(NULL, address);
	char *domain = NULL;
	if (list && internet_address_list_length(list) > 0) {
		InternetAddress *a = internet_address_list_get_address(list, 0);
		if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
			const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
			const char *at = addr ? strrchr(addr, '@') : NULL;
			if (at && at[1])
				domain = lib_xstrdup(at + 1);
		}
	}
	if (list)
		g_object_unref(list);
	return domain;
}

/* Scans s[0..len) for the next top-level delimiter in stops, skipping
 * quoted strings, comments and angle brackets; returns its index or len. */
static size_t scan_to(const char *s, size_t len, const char *stops)
{
	int quoted = 0, comment = 0, angle = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (quoted) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				quoted = 0;
		} else if (comment) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '(')
				comment++;
			else if (c == ')')
				comment--;
		} else if (c == '"') {
			quoted = 1;
		} else if (c == '(') {
			comment = 1;
		} else if (c == '<') {
			angle = 1;
		} else if (c == '>') {
			angle = 0;
		} else if (!angle && strchr(stops, c)) {
			return i;
		}
	}
	return len;
}

static char *trimmed(const char *s, size_t len)
{
	while (len && g_ascii_isspace(*s))
		s++, len--;
	while (len && g_ascii_isspace(s[len - 1]))
		len--;
	return lib_xstrndup(s, len);
}

static int check_items(const char *field, const char *s, size_t len, InternetAddressList *out,
		       int in_group, struct lib_err *err);

/* 1 when every '<' outside quotes and comments has its '>' (GMime reads
 * "Bob <bob@example.org" as if it were closed). */
static int angles_closed(const char *item)
{
	int quoted = 0, comment = 0, angle = 0, pairs = 0;
	for (const char *p = item; *p; p++) {
		if ((quoted || comment) && *p == '\\' && p[1])
			p++;
		else if (quoted)
			quoted = *p != '"';
		else if (comment)
			comment += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		else if (*p == '"')
			quoted = 1;
		else if (*p == '(')
			comment = 1;
		else if (*p == '<' && (angle || pairs++))
			return 0;
		else if (*p == '<')
			angle = 1;
		else if (*p == '>' && !angle)
			return 0;
		else if (*p == '>')
			angle = 0;
	}
	return !angle && !quoted;
}

/* One mailbox item, given to GMime alone. */
static int check_mailbox(const char *field, const char *item, InternetAddressList *out,
			 struct lib_err *err)
{
	if (!angles_closed(item))
		return item_error(field, "not an address", item, err);
	InternetAddressList *one = internet_address_list_parse(NULL, item);
	int ok = one && internet_address_list_length(one) == 1 &&
		 INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(one, 0));
	if (ok) {
		InternetAddress *a = internet_address_list_get_address(one, 0);
		ok = compose_addr_spec_ok(
			internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
		if (ok) {
			internet_address_set_charset(a, "utf-8");
			internet_address_list_add(out, a);
		}
	}
	if (one)
		g_object_unref(one);
	return ok ? 0 : item_error(field, "not an address", item, err);
}

/* "name: members;" with its members checked one by one. */
static int check_group(const char *field, const char *item, size_t colon, InternetAddressList *out,
		       struct lib_err *err)
{
	size_t len = strlen(item);
	if (len == 0 || item[len - 1] != ';')
		return item_error(field, "a group without its closing ';'", item, err);
	char *name_raw = trimmed(item, colon);
	char *name = g_mime_utils_header_decode_phrase(NULL, name_raw);
	free(name_raw);
	InternetAddress *group = internet_address_group_new(name);
	g_free(name);
	internet_address_set_charset(group, "utf-8");
	InternetAddressList *members = internet_address_group_get_members(INTERNET_ADDRESS_GROUP(group));
	int rc = check_items(field, item + colon + 1, len - colon - 2, members, 1, err);
	if (rc == 0)
		internet_address_list_add(out, group);
	g_object_unref(group);
	return rc;
}

static int check_items(const char *field, const char *s, size_t len, InternetAddressList *out,
		       int in_group, struct lib_err *err)
{
	size_t pos = 0;
	while (pos <= len) {
		/* A ':' before the next ',' starts a group, which runs to its ';'. */
		size_t comma = pos + scan_to(s + pos, len - pos, ",");
		size_t colon = pos + scan_to(s + pos, comma - pos, ":");
		size_t end = comma;
		if (colon < comma) {
			if (in_group)
				return item_error(field, "a group inside a group", s + pos, err);
			size_t semi = colon + scan_to(s + colon, len - colon, ";");
			if (semi == len)
				end = len;
			else
				end = semi + 1 + scan_to(s + semi + 1, len - semi - 1, ",");
		}
		char *item = trimmed(s + pos, end - pos);
		int rc = 0;
		if (*item && colon < comma)
			rc = check_group(field, item, scan_to(item, strlen(item), ":"), out, err);
		else if (*item)
			rc = check_mailbox(field, item, out, err);
		free(item);
		if (rc < 0)
			return -1;
		pos = end + 1;
	}
	return 0;
}

int compose_address_list_check(const char *field, const char *value,
			       InternetAddressList **out, struct lib_err *err)
{
	*out = internet_address_list_new();
	if (!value)
		return 0;
	/* Unfold: a line break in a header value is folding whitespace. */
	char *flat = lib_xstrdup(value);
	for (char *p = flat; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	int rc = check_items(field, flat, strlen(flat), *out, 0, err);
	free(flat);
	if (rc < 0) {
		g_object_unref(*out);
		*out = NULL;
	}
	return rc;
}

static void add_unique(const char *addr, char ***addrs, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if (strcasecmp((*addrs)[i], addr) == 0)
			return;
	*addrs = lib_xrealloc(*addrs, (*n + 1) * sizeof **addrs);
	(*addrs)[(*n)++] = lib_xstrdup(addr);
}

void compose_list_addresses(InternetAddressList *list, char ***addrs, size_t *n)
{
	int count = list ? internet_address_list_length(list) : 0;
	for (int i = 0; i < count; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(a))
			compose_list_addresses(
				internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), addrs, n);
		else
			add_unique(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
				   addrs, n);
	}
}
