/* dsn.c: delivery status notifications (RFC 3464, in the multipart/report
 * of RFC 6522): the bounce frankd sends to the envelope sender when
 * recipients failed for good, and the warning when they are still being
 * tried after retry.warn.
 *
 *   multipart/report; report-type=delivery-status
 *     text/plain                 what happened, in words
 *     message/delivery-status    per-message fields, then per recipient:
 *                                Final-Recipient, Action, Status,
 *                                Diagnostic-Code, Last-Attempt-Date
 *     text/rfc822-headers        the header section of the original
 *
 * The notification itself goes out with the null reverse-path, so it can
 * never cause another (RFC 5321 4.5.5); the runner sends none for a
 * message whose sender is null. */
#include "frankd_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void frankd_dsn_status(const char *text, const char *fallback, char *out, size_t size)
{
	/* status-code = class "." subject "." detail (RFC 3463), class 2, 4
	 * or 5, subject and detail 1-3 digits */
	for (const char *p = text; p && *p; p++) {
		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.' ||
		    (p > text && !isspace((unsigned char)p[-1])))
			continue;
		const char *q = p + 2;
		size_t a = 0, b = 0;
		while (isdigit((unsigned char)q[a]) && a < 4)
			a++;
		if (a < 1 || a > 3 || q[a] != '.')
			continue;
		const char *r = q + a + 1;
		while (isdigit((unsigned char)r[b]) && b < 4)
			b++;
		if (b < 1 || b > 3 || (r[b] && !isspace((unsigned char)r[b])))
			continue;
		snprintf(out, size, "%.*s", (int)(r + b - p), p);
		return;
	}
	snprintf(out, size, "%s", fallback);
}

static void human_part(const struct frankd_conf *conf, const struct frankd_envelope *env,
		       const int *mark, enum frankd_dsn_kind kind, struct lib_buf *out)
{
	lib_buf_puts(out, "Content-Type: text/plain; charset=utf-8\r\n"
			  "Content-Description: Notification\r\n\r\n");
	lib_buf_printf(out, "This is frankd at %s.\r\n\r\n", conf->hostname);
	if (kind == FRANKD_DSN_FAILED)
		lib_buf_puts(out, "Your message could not be delivered to the recipients below.\r\n"
				  "This is a permanent error; it will not be tried again.\r\n\r\n");
	else
		lib_buf_puts(out, "Your message has not been delivered yet to the recipients below.\r\n"
				  "It is still being tried; you need not send it again.\r\n\r\n");
	for (size_t i = 0; i < env->nrcpts; i++)
		if (mark[i])
			lib_buf_printf(out, "<%s>: %s\r\n", env->rcpts[i].address,
				       env->rcpts[i].last_error ? env->rcpts[i].last_error
								: "no reason recorded");
}

/* Remote-MTA and Diagnostic-Code from an error text: the relay writes
 * "HOST[IP] said to STAGE: REPLY"; a bare reply ("550 ...") is SMTP's; any
 * other text is frankd's own. */
static void diagnostic(const char *error, struct lib_buf *out)
{
	const char *said = strstr(error, " said to ");
	const char *reply = said ? strstr(said, ": ") : NULL;
	if (reply && isdigit((unsigned char)reply[2])) {
		size_t host = strcspn(error, "[ ");
		lib_buf_printf(out, "Remote-MTA: dns; %.*s\r\nDiagnostic-Code: smtp; %s\r\n",
			       (int)host, error, reply + 2);
	} else {
		lib_buf_printf(out, "Diagnostic-Code: %s; %s\r\n",
			       isdigit((unsigned char)error[0]) ? "smtp" : "x-frankd", error);
	}
}

static void status_part(const struct frankd_conf *conf, const struct frankd_envelope *env,
			const int *mark, enum frankd_dsn_kind kind, time_t now,
			struct lib_buf *out)
{
	char date[64];
	lib_buf_puts(out, "Content-Type: message/delivery-status\r\n\r\n");
	frankd_rfc5322_date((time_t)env->created, date, sizeof date);
	lib_buf_printf(out, "Reporting-MTA: dns; %s\r\nX-Frankd-Queue-ID: %s\r\n", conf->hostname,
		       env->id);
	if (*env->sender)
		lib_buf_printf(out, "X-Original-Envelope-Sender: rfc822; %s\r\n", env->sender);
	lib_buf_printf(out, "Arrival-Date: %s\r\n", date);
	frankd_rfc5322_date(now, date, sizeof date);
	for (size_t i = 0; i < env->nrcpts; i++) {
		if (!mark[i])
			continue;
		const struct frankd_rcpt *r = &env->rcpts[i];
		char status[16];
		frankd_dsn_status(r->last_error, kind == FRANKD_DSN_FAILED ? "5.0.0" : "4.0.0",
				  status, sizeof status);
		int expired = r->last_error &&
			      strncmp(r->last_error, FRANKD_GAVE_UP, strlen(FRANKD_GAVE_UP)) == 0;
		if (kind == FRANKD_DSN_FAILED && (status[0] != '5' || expired))
			snprintf(status, sizeof status, "5.4.7"); /* expired (RFC 3463) */
		lib_buf_printf(out, "\r\nFinal-Recipient: rfc822; %s\r\nAction: %s\r\nStatus: %s\r\n",
			       r->address, kind == FRANKD_DSN_FAILED ? "failed" : "delayed", status);
		if (r->last_error)
			diagnostic(r->last_error, out);
		lib_buf_printf(out, "Last-Attempt-Date: %s\r\n", date);
		if (kind == FRANKD_DSN_DELAYED) {
			frankd_rfc5322_date((time_t)(env->created + conf->retry.give_up), date,
					    sizeof date);
			lib_buf_printf(out, "Will-Retry-Until: %s\r\n", date);
			frankd_rfc5322_date(now, date, sizeof date);
		}
	}
}

void frankd_dsn_build(const struct frankd_conf *conf, const struct frankd_envelope *env,
		      const int *mark, enum frankd_dsn_kind kind, const char *headers,
		      size_t headers_len, time_t now, struct lib_buf *out)
{
	char boundary[320];
	snprintf(boundary, sizeof boundary, "%s/%lld/%s", env->id, (long long)now, conf->hostname);
	lib_buf_printf(out, "From: Mail Delivery System <MAILER-DAEMON@%s>\r\n", conf->hostname);
	lib_buf_printf(out, "To: <%s>\r\n", env->sender);
	lib_buf_printf(out, "Subject: %s\r\n", kind == FRANKD_DSN_FAILED
						       ? "Undelivered Mail Returned to Sender"
						       : "Delayed Mail (still being retried)");
	frankd_date_format(now, out);
	frankd_message_id_format(conf->hostname, out);
	lib_buf_printf(out, "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
			    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
			    "\tboundary=\"%s\"\r\n\r\n"
			    "This is a MIME-encapsulated message.\r\n\r\n--%s\r\n",
		       boundary, boundary);
	human_part(conf, env, mark, kind, out);
	lib_buf_printf(out, "\r\n--%s\r\n", boundary);
	status_part(conf, env, mark, kind, now, out);
	lib_buf_printf(out, "\r\n--%s\r\nContent-Type: text/rfc822-headers\r\n\r\n", boundary);
	lib_buf_append(out, headers, headers_len);
	if (headers_len && headers[headers_len - 1] != '\n')
		lib_buf_puts(out, "\r\n");
	lib_buf_printf(out, "\r\n--%s--\r\n", boundary);
}
