/* check_report.c: the rows of a check, their score, and the two ways of
 * printing them (auth.h, "Domain checks").  Every row goes through
 * auth_check_add, which makes its text safe once, so both printers can
 * copy it as it is. */
#include "check_private.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* One line of text fit for a terminal and for JSON: valid UTF-8 with
 * every control character as U+FFFD (lib_utf8_sanitize) but TAB and LF,
 * which become spaces; cut after CHECK_SHOWN_MAX * 2 bytes at a
 * character boundary. */
static char *one_line(const char *s, size_t len)
{
	struct lib_buf clean = LIB_BUF_INIT;
	lib_utf8_sanitize(s, len, &clean);
	size_t n = clean.len, max = CHECK_SHOWN_MAX * 2;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)clean.data[n] & 0xC0) == 0x80)
			n--;
	}
	char *out = lib_xmalloc(n + 4);
	for (size_t i = 0; i < n; i++)
		out[i] = clean.data[i] == '\n' || clean.data[i] == '\t' ? ' ' : clean.data[i];
	strcpy(out + n, n < clean.len ? "..." : "");
	lib_buf_release(&clean);
	return out;
}

struct auth_check_report *auth_check_report_new(const char *domain)
{
	struct auth_check_report *r = lib_xcalloc(1, sizeof *r);
	r->domain = one_line(domain ? domain : "", domain ? strlen(domain) : 0);
	return r;
}

void auth_check_report_free(struct auth_check_report *report)
{
	if (!report)
		return;
	for (size_t i = 0; i < report->count; i++) {
		free(report->items[i].text);
		free(report->items[i].fix);
	}
	free(report->items);
	free(report->domain);
	free(report);
}

void auth_check_add(struct auth_check_report *report, enum auth_check_rule rule,
		    const char *fix, const char *fmt, ...)
{
	const struct auth_check_rule_info *info = auth_check_rule_get(rule);
	if (!info)
		return;
	struct lib_buf b = LIB_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	lib_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	report->items = lib_xrealloc(report->items, (report->count + 1) * sizeof *report->items);
	struct auth_check_item *it = &report->items[report->count++];
	it->rule = rule;
	it->check = info->check;
	it->status = info->status;
	it->points = info->points;
	it->text = one_line(b.data ? b.data : "", b.len);
	it->fix = fix ? one_line(fix, strlen(fix)) : NULL;
	lib_buf_release(&b);
}

unsigned auth_check_score(const struct auth_check_report *report)
{
	unsigned lost = 0;
	for (size_t i = 0; i < report->count && lost < AUTH_CHECK_MAX_POINTS; i++)
		lost += report->items[i].points;
	return lost >= AUTH_CHECK_MAX_POINTS ? 0 : AUTH_CHECK_MAX_POINTS - lost;
}

/* Tenths as a number: "8", "7.5". */
static void put_tenths(struct lib_buf *b, unsigned tenths)
{
	if (tenths % 10)
		lib_buf_printf(b, "%u.%u", tenths / 10, tenths % 10);
	else
		lib_buf_printf(b, "%u", tenths / 10);
}

char *auth_check_report_text(const struct auth_check_report *report)
{
	struct lib_buf b = LIB_BUF_INIT;
	for (size_t i = 0; i < report->count; i++) {
		const struct auth_check_item *it = &report->items[i];
		lib_buf_printf(&b, "%-4s  %-6s  %s", auth_check_status_str(it->status), it->check,
			       it->text);
		if (it->points) {
			lib_buf_puts(&b, " (-");
			put_tenths(&b, it->points);
			lib_buf_putc(&b, ')');
		}
		lib_buf_putc(&b, '\n');
		if (it->fix)
			lib_buf_printf(&b, "%14sfix: %s\n", "", it->fix);
	}
	lib_buf_puts(&b, "score: ");
	put_tenths(&b, auth_check_score(report));
	lib_buf_printf(&b, "/10 for %s\n", report->domain);
	return lib_buf_take(&b);
}

/* A JSON string (RFC 8259 7).  Row text and the domain are valid UTF-8
 * without control characters already (one_line); escaping them anyway
 * keeps the output valid whatever a later caller adds. */
static void json_string(struct lib_buf *b, const char *s)
{
	if (!s) {
		lib_buf_puts(b, "null");
		return;
	}
	lib_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			lib_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7F)
			lib_buf_printf(b, "\\u%04x", *p);
		else
			lib_buf_putc(b, (char)*p);
	}
	lib_buf_putc(b, '"');
}

char *auth_check_report_json(const struct auth_check_report *report)
{
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "{\"domain\":");
	json_string(&b, report->domain);
	lib_buf_puts(&b, ",\"score\":");
	put_tenths(&b, auth_check_score(report));
	lib_buf_puts(&b, ",\"max\":10,\"checks\":[");
	for (size_t i = 0; i < report->count; i++) {
		const struct auth_check_item *it = &report->items[i];
		lib_buf_puts(&b, i ? ",{\"check\":" : "{\"check\":");
		json_string(&b, it->check);
		lib_buf_puts(&b, ",\"rule\":");
		json_string(&b, auth_check_rule_get(it->rule)->name);
		lib_buf_puts(&b, ",\"status\":");
		json_string(&b, auth_check_status_str(it->status));
		lib_buf_puts(&b, it->points ? ",\"points\":-" : ",\"points\":");
		put_tenths(&b, it->points);
		lib_buf_puts(&b, ",\"text\":");
		json_string(&b, it->text);
		lib_buf_puts(&b, ",\"fix\":");
		json_string(&b, it->fix);
		lib_buf_putc(&b, '}');
	}
	lib_buf_puts(&b, "]}\n");
	return lib_buf_take(&b);
}
