/* outbox_send.c: a draft sent: prepared, submitted over SMTP, filed in
 * Sent, and only then removed; and the list of Sent copies the server
 * has yet to receive by IMAP APPEND. */
#include "outbox_private.h"

#include "config.h"
#include "mime.h"
#include "net.h"
#include "proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PENDING_FILE ".frank-append-pending"

void store_send_report_release(struct store_send_report *report)
{
	if (report->outcome) {
		smtp_outcome_release(report->outcome);
		free(report->outcome);
	}
	free(report->draft_path);
	free(report->sent_path);
	free(report->subject);
	memset(report, 0, sizeof *report);
}

/* --- the to-append list -------------------------------------------------- */

static char *pending_file(const char *mail_root, const struct config_account *acct)
{
	return lib_xasprintf("%s/%s/%s", mail_root, acct->name, PENDING_FILE);
}

int store_sent_to_append(const char *mail_root, const struct config_account *acct,
			 char ***paths, size_t *count, struct lib_err *err)
{
	*paths = NULL;
	*count = 0;
	char *file = pending_file(mail_root, acct);
	char *data = NULL;
	size_t len = 0;
	int rc = 0;
	if (access(file, F_OK) == 0)
		rc = lib_read_file(file, 16u * 1024 * 1024, &data, &len, err);
	for (char *line = data, *next; rc == 0 && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		*paths = lib_xrealloc(*paths, (*count + 1) * sizeof **paths);
		(*paths)[(*count)++] = lib_xstrdup(line);
		if (!next)
			break;
	}
	free(data);
	free(file);
	return rc;
}

/* Rewrites the list as lines (tmp file, fsync, rename). */
static int pending_write(const char *file, char **paths, size_t count, struct lib_err *err)
{
	char *tmp = lib_xasprintf("%s.tmp", file);
	FILE *f = fopen(tmp, "w");
	int rc = -1;
	if (!f) {
		lib_err_set(err, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < count; i++)
		fprintf(f, "%s\n", paths[i]);
	int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
	if (fclose(f) != 0 || bad || rename(tmp, file) != 0) {
		lib_err_set(err, "%s: %s", file, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

static void free_paths(char **paths, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
}

static int pending_add(const char *mail_root, const struct config_account *acct,
		       const char *path, struct lib_err *err)
{
	char **paths;
	size_t count;
	if (store_sent_to_append(mail_root, acct, &paths, &count, err) < 0)
		return -1;
	paths = lib_xrealloc(paths, (count + 1) * sizeof *paths);
	paths[count++] = lib_xstrdup(path);
	char *file = pending_file(mail_root, acct);
	int rc = pending_write(file, paths, count, err);
	free(file);
	free_paths(paths, count);
	return rc;
}

int store_sent_appended(const char *mail_root, const struct config_account *acct,
			const char *path, struct lib_err *err)
{
	char **paths;
	size_t count;
	if (store_sent_to_append(mail_root, acct, &paths, &count, err) < 0)
		return -1;
	size_t keep = 0;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(paths[i], path) == 0)
			free(paths[i]);
		else
			paths[keep++] = paths[i];
	}
	char *file = pending_file(mail_root, acct);
	int rc = keep == count ? 0 : pending_write(file, paths, keep, err);
	free(file);
	free_paths(paths, keep);
	return rc;
}

/* --- submission ---------------------------------------------------------- */

/* The EHLO name: this host's name when it is a domain, else "localhost"
 * (submission servers take either; a bare word may be refused). */
static void helo_name(char *buf, size_t size)
{
	if (gethostname(buf, size - 1) != 0 || !strchr(buf, '.'))
		snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
	for (char *p = buf; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			snprintf(buf, size, "localhost");
}

static int account_password(const struct config_account *acct, const struct store_send_opts *o,
			    char **password, struct lib_err *err)
{
	int rc = config_account_password(acct, password, err);
	if (rc != CONFIG_PASSWORD_PROMPT)
		return rc;
	if (!o->hooks.ask_password)
		return lib_err_set(err, "account %s: no password (set passcmd or password)",
				   acct->name);
	return o->hooks.ask_password(o->hooks.ctx, acct, password, err);
}

/* One SMTP session for the prepared message; fills report->outcome. */
static int submit(const struct config_account *acct, const struct store_send_opts *o,
		  const struct mime_outgoing *msg, struct store_send_report *report,
		  struct lib_err *err)
{
	const struct config_url *url = &acct->smtp;
	if (url->scheme == CONFIG_SCHEME_NONE)
		return lib_err_set(err, "account %s has no smtp server (set smtp = "
					"smtp://USER@HOST)",
				   acct->name);
	char *password = NULL;
	if (account_password(acct, o, &password, err) < 0)
		return -1;
	struct net_tls_policy tls = { acct->tls_ca_file,
				      acct->tls_fingerprint.set ? acct->tls_fingerprint.sha256 : NULL };
	char port[16], helo[256];
	snprintf(port, sizeof port, "%d", url->port);
	helo_name(helo, sizeof helo);
	int timeout_ms = (int)((o->timeout_s > 0 ? o->timeout_s : 60) * 1000);
	struct smtp_opts so = {
		.host = url->host,
		.port = port,
		.implicit_tls = url->implicit_tls,
		.tls = &tls,
		.user = url->user ? url->user : acct->source.user,
		.password = password,
		.allow_plaintext_loopback = acct->allow_plaintext_loopback,
		.helo_name = helo,
		.conn = { timeout_ms, timeout_ms, 0, NULL },
	};
	struct smtp_client *client;
	int rc = smtp_client_open(&client, &so, err);
	config_password_free(password);
	if (rc < 0)
		return -1;
	report->outcome = lib_xcalloc(1, sizeof *report->outcome);
	rc = smtp_client_send(client, msg->sender, (const char *const *)msg->rcpts, msg->nrcpts,
			      msg->wire, msg->wire_len, report->outcome, err);
	smtp_client_free(client);
	return rc;
}

/* After a 2xx: the record copy in Sent, the draft removed, the copy
 * appended on the server or listed for that.  Failures here are
 * warnings: the message has gone. */
static void file_sent(const struct config_account *acct, const struct store_send_opts *o,
		      const struct mime_outgoing *msg, struct store_send_report *report)
{
	struct lib_err why;
	char *sent_dir = store_account_folder(o->mail_root, acct, acct->folder_sent);
	int rc = outbox_maildir_write(sent_dir, msg->record, msg->record_len, "S",
				      &report->sent_path, &why);
	free(sent_dir);
	if (rc < 0) {
		/* The draft stays: it is the only copy left of what was sent. */
		lib_err_set(&report->warning,
			    "sent, but the copy for %s was not written (%s); the draft is kept",
			    acct->folder_sent, why.msg);
		return;
	}
	if (store_draft_remove(report->draft_path, &why) < 0)
		lib_err_set(&report->warning, "sent, but %s", why.msg);
	else {
		free(report->draft_path);
		report->draft_path = NULL;
	}
	report->append = -1;
	if (o->server_saves_sent)
		return;
	report->append = 1;
	if (o->hooks.append_sent && o->hooks.append_sent(o->hooks.ctx, acct, acct->folder_sent,
							 msg->record, msg->record_len, &why) == 0)
		return;
	report->append = 0;
	if (pending_add(o->mail_root, acct, report->sent_path, &why) < 0 && !report->warning.msg[0])
		lib_err_set(&report->warning, "sent, but the Sent copy is not listed for the server: %s",
			    why.msg);
}

int store_send_draft(const struct config_account *acct, const char *draft_path,
		     const struct store_send_opts *opts, struct store_send_report *report,
		     struct lib_err *err)
{
	memset(report, 0, sizeof *report);
	report->draft_path = lib_xstrdup(draft_path);
	report->append = -1;
	char *data;
	size_t len;
	if (lib_read_file(draft_path, MIME_MAX_MESSAGE_SIZE, &data, &len, err) < 0)
		return -1;
	char *from = store_account_from(acct);
	struct mime_outgoing_opts mo = { from, opts->user_agent, 0 };
	struct mime_outgoing msg;
	int rc = mime_outgoing_prepare(data, len, &mo, &msg, err);
	free(from);
	free(data);
	if (rc < 0)
		return -1;
	report->subject = lib_xstrdup(msg.subject);
	report->nrcpts = msg.nrcpts;
	struct lib_err warn;
	size_t limit = opts->size_limit ? opts->size_limit
			 : acct->size_limit_mb > 0 ? (size_t)acct->size_limit_mb * 1024 * 1024 : 0;
	if (mime_size_over(msg.wire_len, limit, &warn) &&
	    !(opts->hooks.confirm_size && opts->hooks.confirm_size(opts->hooks.ctx, warn.msg))) {
		lib_err_set(err, "%s: not sent", warn.msg);
		rc = -1;
	}
	if (rc == 0)
		rc = submit(acct, opts, &msg, report, err);
	if (rc == 0) {
		report->sent = 1;
		file_sent(acct, opts, &msg, report);
	}
	mime_outgoing_release(&msg);
	return rc;
}
