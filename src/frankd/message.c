/* message.c: what frankd reads in and adds to a message's header section:
 * a streaming scan for Date, Message-ID and Received (RFC 5322 3.6; RFC
 * 6409 8.2, 8.3 let a submission server add the first two), the Received
 * field (RFC 5321 4.4), and the addresses of To/Cc/Bcc for sendmail -t.
 *
 *   field      = field-name ":" unstructured CRLF  ; folded lines start
 *   field-name = 1*ftext ; ftext = %d33-57 / %d59-126  ; with WSP
 *   The header section ends at the first empty line; a line that is no
 *   field (no colon after a name) ends it too, as readers take it. */
#include "frankd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

void frankd_header_scan_init(struct frankd_header_scan *hs)
{
	memset(hs, 0, sizeof *hs);
	hs->at_line_start = 1;
}

static void field_named(struct frankd_header_scan *hs)
{
	hs->name[hs->name_len] = '\0';
	if (strcasecmp(hs->name, "Date") == 0)
		hs->has_date = 1;
	else if (strcasecmp(hs->name, "Message-ID") == 0)
		hs->has_message_id = 1;
	else if (strcasecmp(hs->name, "Received") == 0)
		hs->received++;
}

static void scan_byte(struct frankd_header_scan *hs, char c)
{
	if (hs->at_line_start) {
		hs->at_line_start = 0;
		if (c == '\r' || c == '\n') { /* the empty line */
			hs->in_body = 1;
			return;
		}
		if (c == ' ' || c == '\t')
			return; /* a folded line goes on the field before */
		hs->in_name = 1;
		hs->name_len = 0;
	}
	if (c == '\n') {
		if (hs->in_name) /* a line without a colon: no field */
			hs->in_body = 1;
		hs->at_line_start = 1;
		return;
	}
	if (!hs->in_name)
		return;
	if (c == ':') {
		hs->in_name = 0;
		field_named(hs);
	} else if ((unsigned char)c < 33 || (unsigned char)c > 126) {
		if (c != ' ' && c != '\t' && c != '\r') /* "Subject :" is obsolete but a field */
			hs->in_body = 1;
	} else if (hs->name_len < FRANKD_HEADER_NAME_MAX) {
		hs->name[hs->name_len++] = c;
	}
}

void frankd_header_scan_feed(struct frankd_header_scan *hs, const char *data, size_t len)
{
	for (size_t i = 0; i < len && !hs->in_body; i++)
		scan_byte(hs, data[i]);
}

void frankd_rfc5322_date(time_t when, char *out, size_t size)
{
	struct tm tm;
	localtime_r(&when, &tm);
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char zone[8];
	strftime(zone, sizeof zone, "%z", &tm); /* numeric: no locale in it */
	snprintf(out, size, "%s, %d %s %d %02d:%02d:%02d %s", days[tm.tm_wday % 7], tm.tm_mday,
		 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 zone);
}

void frankd_date_format(time_t when, struct lib_buf *out)
{
	char date[64];
	frankd_rfc5322_date(when, date, sizeof date);
	lib_buf_printf(out, "Date: %s\r\n", date);
}

void frankd_message_id_format(const char *hostname, struct lib_buf *out)
{
	unsigned char rnd[12];
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		memset(rnd, 0, sizeof rnd); /* the time below still differs */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	lib_buf_printf(out, "Message-ID: <%llx.%09ld.", (unsigned long long)ts.tv_sec, ts.tv_nsec);
	for (size_t i = 0; i < sizeof rnd; i++)
		lib_buf_printf(out, "%02x", rnd[i]);
	lib_buf_printf(out, "@%s>\r\n", hostname);
}

void frankd_received_format(const struct frankd_received *r, struct lib_buf *out)
{
	char date[64];
	frankd_rfc5322_date(r->when, date, sizeof date);
	if (r->client_ip)
		lib_buf_printf(out, "Received: from %s ([%s])\r\n", r->helo ? r->helo : "unknown",
			       r->client_ip);
	else
		lib_buf_puts(out, "Received: from localhost (local injection)\r\n");
	if (r->tls)
		lib_buf_printf(out, "\t(using %s)\r\n", r->tls);
	lib_buf_printf(out, "\tby %s (frankd) with %s id %s", r->hostname, r->protocol, r->id);
	if (r->for_rcpt)
		lib_buf_printf(out, "\r\n\tfor <%s>", r->for_rcpt);
	lib_buf_printf(out, ";\r\n\t%s\r\n", date);
}

/* --- address lists (RFC 5322 3.4) ------------------------------------------
 *
 *   address-list = address *("," address)
 *   address      = mailbox / group
 *   mailbox      = name-addr / addr-spec
 *   name-addr    = [display-name] "<" addr-spec ">"
 *   group        = display-name ":" [mailbox-list] ";"
 * Comments (nested parentheses) and quoted strings are skipped; of each
 * mailbox the part in angle brackets is taken, else the whole word. */

#define FRANKD_ADDRESS_LIST_MAX 1000

struct alist {
	char ***addrs;
	size_t *n;
	struct lib_buf cur;  /* the mailbox's text outside brackets */
	struct lib_buf angle;
	int has_angle;
};

static void trim_into(const char *s, size_t len, struct lib_buf *out)
{
	while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
		       s[len - 1] == '\n'))
		len--;
	lib_buf_append(out, s, len);
}

/* The mailbox seen so far ends (at ",", ";" or the end). */
static int alist_flush(struct alist *a, struct lib_err *err)
{
	struct lib_buf addr = LIB_BUF_INIT;
	if (a->has_angle)
		trim_into(a->angle.data ? a->angle.data : "", a->angle.len, &addr);
	else
		trim_into(a->cur.data ? a->cur.data : "", a->cur.len, &addr);
	lib_buf_reset(&a->cur);
	lib_buf_reset(&a->angle);
	a->has_angle = 0;
	if (addr.len == 0) {
		lib_buf_release(&addr);
		return 0;
	}
	if (memchr(addr.data, '\0', addr.len)) {
		lib_buf_release(&addr);
		return lib_err_set(err, "NUL byte in an address");
	}
	if (*a->n >= FRANKD_ADDRESS_LIST_MAX) {
		lib_buf_release(&addr);
		return lib_err_set(err, "more than %d addresses", FRANKD_ADDRESS_LIST_MAX);
	}
	*a->addrs = lib_xrealloc(*a->addrs, (*a->n + 1) * sizeof **a->addrs);
	(*a->addrs)[(*a->n)++] = lib_buf_take(&addr);
	return 0;
}

/* Skips a comment at s[*i] == '('; -1 when it is not closed. */
static int skip_comment(const char *s, size_t len, size_t *i)
{
	int depth = 0;
	for (; *i < len; (*i)++) {
		if (s[*i] == '\\' && *i + 1 < len)
			(*i)++;
		else if (s[*i] == '(')
			depth++;
		else if (s[*i] == ')' && --depth == 0)
			return 0;
	}
	return -1;
}

/* Copies a quoted string at s[*i] == '"' into out, quotes kept. */
static int copy_quoted(const char *s, size_t len, size_t *i, struct lib_buf *out)
{
	lib_buf_putc(out, '"');
	for ((*i)++; *i < len; (*i)++) {
		if (s[*i] == '\\' && *i + 1 < len) {
			lib_buf_append(out, s + *i, 2);
			(*i)++;
		} else if (s[*i] == '"') {
			lib_buf_putc(out, '"');
			return 0;
		} else {
			lib_buf_putc(out, s[*i]);
		}
	}
	return -1;
}

static int alist_char(struct alist *a, const char *s, size_t len, size_t *i, int *in_angle,
		      struct lib_err *err)
{
	struct lib_buf *dst = *in_angle ? &a->angle : &a->cur;
	char c = s[*i];
	if (c == '(')
		return skip_comment(s, len, i) < 0 ? lib_err_set(err, "unclosed comment") : 0;
	if (c == '"')
		return copy_quoted(s, len, i, dst) < 0 ? lib_err_set(err, "unclosed quote") : 0;
	if (c == '<' && !*in_angle) {
		*in_angle = 1;
		a->has_angle = 1;
		lib_buf_reset(&a->angle);
		return 0;
	}
	if (c == '>' && *in_angle) {
		*in_angle = 0;
		return 0;
	}
	if (*in_angle) {
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			lib_buf_putc(dst, c);
		return 0;
	}
	if (c == ':') { /* a group's display name ends */
		lib_buf_reset(&a->cur);
		return 0;
	}
	if (c == ',' || c == ';')
		return alist_flush(a, err);
	lib_buf_putc(dst, c);
	return 0;
}

int frankd_address_list_parse(const char *value, size_t len, char ***addrs, size_t *n,
			      struct lib_err *err)
{
	struct alist a = { addrs, n, LIB_BUF_INIT, LIB_BUF_INIT, 0 };
	int in_angle = 0, rc = 0;
	for (size_t i = 0; i < len && rc == 0; i++)
		rc = alist_char(&a, value, len, &i, &in_angle, err);
	if (rc == 0 && in_angle)
		rc = lib_err_set(err, "unclosed <");
	if (rc == 0)
		rc = alist_flush(&a, err);
	lib_buf_release(&a.cur);
	lib_buf_release(&a.angle);
	return rc;
}
