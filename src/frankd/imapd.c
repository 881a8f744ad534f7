/* imapd.c: one IMAP4rev1 session (RFC 3501) over a local user's Maildir
 * folders, with LITERAL+ (RFC 7888), SASL-IR (RFC 4959), UNSELECT (RFC
 * 3691) and IDLE (RFC 2177); the commands on a selected folder are in
 * imapd_fetch.c.  Commands are framed (literals too) before they are
 * parsed; LOGIN and AUTHENTICATE PLAIN only under TLS (STARTTLS on the
 * imap port, imaps from the first byte) unless "plaintext_auth loopback"
 * allows a client on 127.0.0.0/8 or ::1; the password is checked as for
 * SMTP AUTH.  Folders: INBOX is the Maildir, "A/B" is MAILDIR/.A.B
 * (Maildir++).  APPEND, COPY and CREATE are in imapd_append.c; MOVE,
 * DELETE, RENAME, SUBSCRIBE and the rest of the list are not
 * served yet: they are unknown commands. */
#include "imapd.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define IMAP_LINE_MAX 65536        /* a line: UID sets of a big folder */
/* A command with its literals: an APPEND has a message up to the limit. */
#define IMAP_COMMAND_MAX(conf) ((conf)->limits.message_size + 65536)
#define SASL_LINE_MAX 12288

void imapd_reply(struct imap_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	frankd_conn_vreply(&s->conn, fmt, ap);
	va_end(ap);
}

void imapd_send(struct imap_session *s, const struct lib_buf *data)
{
	bufferevent_write(s->conn.bev, data->data, data->len);
}

/* A tagged NO or BAD counts toward the error limit. */
static void tagged(struct imap_session *s, const char *tag, const char *status, const char *text)
{
	imapd_reply(s, "%s %s %s", tag, status, text);
	if (strcmp(status, "OK") != 0)
		s->errors++;
}

static void session_close(struct imap_session *s)
{
	s->state = IMAP_STATE_LOGOUT;
	frankd_conn_close(&s->conn);
}

static void deselect(struct imap_session *s)
{
	frankd_mailbox_release(&s->box);
	s->read_only = 0;
	s->state = IMAP_STATE_AUTH;
}

/* --- folders ------------------------------------------------------------------ */

static int name_part_ok(const char *p, size_t len)
{
	if (len == 0 || len > 200)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == '.' || p[i] == '/' || p[i] == 0x7f ||
		    p[i] == '%' || p[i] == '*')
			return 0;
	return 1;
}

char *imapd_folder_path(const char *maildir, const char *name)
{
	if (strcasecmp(name, "INBOX") == 0)
		return lib_xstrdup(maildir);
	struct lib_buf path = LIB_BUF_INIT;
	lib_buf_printf(&path, "%s/", maildir);
	const char *p = name;
	for (;;) {
		size_t len = strcspn(p, "/");
		if (!name_part_ok(p, len)) {
			lib_buf_release(&path);
			return NULL;
		}
		lib_buf_putc(&path, '.');
		lib_buf_append(&path, p, len);
		if (p[len] == '\0')
			return lib_buf_take(&path);
		p += len + 1;
	}
}

static int is_folder(const char *path)
{
	struct stat st;
	char *cur = lib_xasprintf("%s/cur", path);
	int ok = stat(cur, &st) == 0 && S_ISDIR(st.st_mode);
	free(cur);
	return ok;
}

/* RFC 3501 6.3.8: "*" matches anything, "%" anything but the separator;
 * fold: letters in any case (for INBOX). */
static int pattern_match(const char *pat, const char *name, int fold)
{
	if (*pat == '\0')
		return *name == '\0';
	if (*pat == '*' || *pat == '%') {
		for (const char *n = name;; n++) {
			if (pattern_match(pat + 1, n, fold))
				return 1;
			if (*n == '\0' || (*pat == '%' && *n == '/'))
				return 0;
		}
	}
	int same = fold ? *name && strncasecmp(pat, name, 1) == 0 : *pat == *name;
	return same && pattern_match(pat + 1, name + 1, fold);
}

static const char *special_use(const char *name)
{
	static const char *const uses[][2] = { { "Sent", "\\Sent" }, { "Drafts", "\\Drafts" },
					       { "Trash", "\\Trash" }, { "Junk", "\\Junk" },
					       { "Archive", "\\Archive" } };
	for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++)
		if (strcmp(name, uses[i][0]) == 0)
			return uses[i][1];
	return NULL;
}

static void list_one(struct imap_session *s, const char *verb, const char *name,
		     const char *pattern)
{
	if (!pattern_match(pattern, name, strcmp(name, "INBOX") == 0))
		return;
	struct lib_buf line = LIB_BUF_INIT;
	const char *use = special_use(name);
	lib_buf_printf(&line, "* %s (\\HasNoChildren%s%s) \"/\" ", verb, use ? " " : "",
		       use ? use : "");
	frankd_imap_string(&line, name, strlen(name));
	imapd_reply(s, "%s", line.data);
	lib_buf_release(&line);
}

/* LIST and LSUB: every folder is subscribed. */
static void do_list(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	const char *verb = frankd_imap_verb_str(cmd->verb);
	if (cmd->nargs != 2 || cmd->args[1].kind == FRANKD_IMAP_LPAREN ||
	    cmd->args[0].kind == FRANKD_IMAP_LPAREN) {
		tagged(s, cmd->tag, "BAD", "Syntax: LIST reference pattern");
		return;
	}
	const char *pattern = cmd->args[1].text;
	if (*pattern == '\0') { /* the separator and the root */
		imapd_reply(s, "* %s (\\Noselect) \"/\" \"\"", verb);
		tagged(s, cmd->tag, "OK", "LIST done");
		return;
	}
	list_one(s, verb, "INBOX", pattern);
	DIR *dir = opendir(s->maildir);
	struct dirent *de;
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] != '.' || !de->d_name[1] || de->d_name[1] == '.')
			continue;
		char *path = lib_xasprintf("%s/%s", s->maildir, de->d_name);
		char *name = lib_xstrdup(de->d_name + 1);
		for (char *p = name; *p; p++)
			if (*p == '.')
				*p = '/';
		if (is_folder(path))
			list_one(s, verb, name, pattern);
		free(name);
		free(path);
	}
	if (dir)
		closedir(dir);
	tagged(s, cmd->tag, "OK", cmd->verb == FRANKD_IMAP_LIST ? "LIST done" : "LSUB done");
}

static char *folder_arg(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	if (cmd->nargs < 1 || cmd->args[0].kind == FRANKD_IMAP_LPAREN ||
	    cmd->args[0].kind == FRANKD_IMAP_RPAREN) {
		tagged(s, cmd->tag, "BAD", "Missing folder name");
		return NULL;
	}
	char *path = imapd_folder_path(s->maildir, cmd->args[0].text);
	if (!path || !is_folder(path)) {
		free(path);
		tagged(s, cmd->tag, "NO", "[NONEXISTENT] No such folder");
		return NULL;
	}
	return path;
}

static void do_select(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	if (s->state == IMAP_STATE_SELECTED)
		deselect(s);
	char *path = folder_arg(s, cmd);
	struct lib_err err;
	if (!path)
		return;
	if (frankd_mailbox_load(path, &s->box, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "imap %lu: %s", s->conn.id, err.msg);
		tagged(s, cmd->tag, "NO", "[SERVERBUG] Cannot read the folder");
		free(path);
		return;
	}
	free(path);
	s->state = IMAP_STATE_SELECTED;
	s->read_only = cmd->verb == FRANKD_IMAP_EXAMINE;
	imapd_reply(s, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
	imapd_reply(s, "* OK [PERMANENTFLAGS (%s)] Flags",
		    s->read_only ? "" : "\\Answered \\Flagged \\Deleted \\Seen \\Draft");
	imapd_reply(s, "* %zu EXISTS", s->box.count);
	imapd_reply(s, "* 0 RECENT");
	for (size_t i = 0; i < s->box.count; i++)
		if (!(s->box.msgs[i].flags & FRANKD_FLAG_SEEN)) {
			imapd_reply(s, "* OK [UNSEEN %zu] First unseen", i + 1);
			break;
		}
	imapd_reply(s, "* OK [UIDVALIDITY %u] UIDs valid", s->box.uidvalidity);
	imapd_reply(s, "* OK [UIDNEXT %u] Predicted next UID", s->box.uidnext);
	imapd_reply(s, "%s OK [%s] %s done", cmd->tag, s->read_only ? "READ-ONLY" : "READ-WRITE",
		    frankd_imap_verb_str(cmd->verb));
}

static void do_status(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	if (cmd->nargs < 3 || cmd->args[1].kind != FRANKD_IMAP_LPAREN ||
	    cmd->args[cmd->nargs - 1].kind != FRANKD_IMAP_RPAREN) {
		tagged(s, cmd->tag, "BAD", "Syntax: STATUS folder (items)");
		return;
	}
	char *path = folder_arg(s, cmd);
	struct frankd_mailbox box;
	struct lib_err err;
	if (!path)
		return;
	int rc = frankd_mailbox_load(path, &box, &err);
	free(path);
	if (rc < 0) {
		tagged(s, cmd->tag, "NO", "[SERVERBUG] Cannot read the folder");
		return;
	}
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_puts(&line, "* STATUS ");
	frankd_imap_string(&line, cmd->args[0].text, cmd->args[0].len);
	lib_buf_puts(&line, " (");
	for (size_t i = 2; i + 1 < cmd->nargs; i++) {
		const char *item = cmd->args[i].text;
		size_t unseen = 0;
		for (size_t k = 0; k < box.count; k++)
			unseen += !(box.msgs[k].flags & FRANKD_FLAG_SEEN);
		unsigned long long v;
		if (strcasecmp(item, "MESSAGES") == 0)
			v = box.count;
		else if (strcasecmp(item, "RECENT") == 0)
			v = 0;
		else if (strcasecmp(item, "UIDNEXT") == 0)
			v = box.uidnext;
		else if (strcasecmp(item, "UIDVALIDITY") == 0)
			v = box.uidvalidity;
		else if (strcasecmp(item, "UNSEEN") == 0)
			v = unseen;
		else {
			rc = -1;
			break;
		}
		lib_buf_printf(&line, "%s%s %llu", i > 2 ? " " : "", item, v);
	}
	lib_buf_putc(&line, ')');
	if (rc == 0) {
		imapd_reply(s, "%s", line.data);
		tagged(s, cmd->tag, "OK", "STATUS done");
	} else {
		tagged(s, cmd->tag, "BAD", "Unknown STATUS item");
	}
	lib_buf_release(&line);
	frankd_mailbox_release(&box);
}

/* --- login ------------------------------------------------------------------------ */

static int plaintext_ok(const struct imap_session *s)
{
	const char *ip = s->conn.ip;
	return s->conn.tls || (s->conn.srv->conf->plaintext_loopback &&
			       (strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0));
}

static void do_capability(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	imapd_reply(s, "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR UIDPLUS UNSELECT IDLE%s%s",
		    s->state == IMAP_STATE_NOT_AUTH && !s->conn.tls && s->conn.srv->tls
			    ? " STARTTLS"
			    : "",
		    s->state != IMAP_STATE_NOT_AUTH ? ""
		    : plaintext_ok(s)		    ? " AUTH=PLAIN"
						    : " LOGINDISABLED");
	tagged(s, cmd->tag, "OK", "CAPABILITY done");
}

static void login_done(struct frankd_conn *c, enum frankd_auth_result r,
		       const struct frankd_auth_outcome *o)
{
	struct imap_session *s = (struct imap_session *)c;
	s->state = IMAP_STATE_NOT_AUTH;
	const struct frankd_user *u = r == FRANKD_AUTH_OK ? frankd_conf_user(c->srv->conf, o->user)
							  : NULL;
	if (u) {
		s->user = lib_xstrdup(u->name);
		s->maildir = lib_xstrdup(u->maildir);
		s->state = IMAP_STATE_AUTH;
		imapd_reply(s,
			    "%s OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR UIDPLUS UNSELECT IDLE] "
			    "Logged in",
			    s->tag);
	} else if (r == FRANKD_AUTH_FAIL || r == FRANKD_AUTH_OK) {
		tagged(s, s->tag, "NO", "[AUTHENTICATIONFAILED] Authentication failed");
	} else {
		tagged(s, s->tag, "NO", "[UNAVAILABLE] Try again later");
	}
}

/* The tagged reply goes to s->tag. */
static void login(struct imap_session *s, const char *user, const char *pw)
{
	s->state = IMAP_STATE_WAIT;
	frankd_conn_auth(&s->conn, user, pw, login_done);
}

static void do_login(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	if (!plaintext_ok(s)) {
		tagged(s, cmd->tag, "NO", "[PRIVACYREQUIRED] LOGIN only after STARTTLS");
		return;
	}
	if (cmd->nargs != 2 || cmd->args[0].kind == FRANKD_IMAP_LPAREN ||
	    cmd->args[1].kind == FRANKD_IMAP_LPAREN || strlen(cmd->args[1].text) != cmd->args[1].len) {
		tagged(s, cmd->tag, "BAD", "Syntax: LOGIN user password");
		return;
	}
	snprintf(s->tag, sizeof s->tag, "%s", cmd->tag);
	login(s, cmd->args[0].text, cmd->args[1].text);
}

static void sasl_plain(struct imap_session *s, const char *b64, size_t len)
{
	static char authzid[FRANKD_SMTP_AUTH_MAX + 1], authcid[FRANKD_SMTP_AUTH_MAX + 1],
		password[FRANKD_SMTP_AUTH_MAX + 1];
	s->state = IMAP_STATE_NOT_AUTH;
	if (len == 1 && b64[0] == '*')
		tagged(s, s->tag, "BAD", "AUTHENTICATE cancelled");
	else if (frankd_sasl_plain_decode(b64, len, authzid, authcid, password) < 0)
		tagged(s, s->tag, "BAD", "Cannot decode the PLAIN response");
	else if (authzid[0] && strcmp(authzid, authcid) != 0)
		tagged(s, s->tag, "NO", "[AUTHORIZATIONFAILED] Authorization identity not allowed");
	else
		login(s, authcid, password);
	lib_secure_zero(authzid, sizeof authzid);
	lib_secure_zero(authcid, sizeof authcid);
	lib_secure_zero(password, sizeof password);
}

static void do_authenticate(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	if (!plaintext_ok(s)) {
		tagged(s, cmd->tag, "NO", "[PRIVACYREQUIRED] AUTHENTICATE only after STARTTLS");
		return;
	}
	if (cmd->nargs < 1 || cmd->nargs > 2 || strcasecmp(cmd->args[0].text, "PLAIN") != 0) {
		tagged(s, cmd->tag, "NO", "Only AUTHENTICATE PLAIN");
		return;
	}
	snprintf(s->tag, sizeof s->tag, "%s", cmd->tag);
	if (cmd->nargs == 2) { /* SASL-IR */
		sasl_plain(s, cmd->args[1].text, cmd->args[1].len);
		return;
	}
	s->state = IMAP_STATE_SASL;
	imapd_reply(s, "+ ");
}

static void do_starttls(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	if (s->conn.tls || !s->conn.srv->tls) {
		tagged(s, cmd->tag, "BAD", s->conn.tls ? "TLS already active" : "TLS not available");
		return;
	}
	tagged(s, cmd->tag, "OK", "Begin TLS negotiation now");
	frankd_conn_starttls(&s->conn);
}

/* --- the rest ----------------------------------------------------------------------- */

static void on_idle_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct imap_session *s = arg;
	if (s->state == IMAP_STATE_IDLE)
		imapd_refresh(s);
}

static void do_idle(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	snprintf(s->tag, sizeof s->tag, "%s", cmd->tag);
	s->resume = s->state;
	s->state = IMAP_STATE_IDLE;
	imapd_reply(s, "+ idling");
	if (s->resume == IMAP_STATE_SELECTED) {
		imapd_refresh(s);
		/* A delivery shows within a second (frankd writes the Maildir,
		 * but other programs may too: a look every half second). */
		struct timeval half = { 0, 500000 };
		if (!s->idle_timer)
			s->idle_timer = event_new(s->conn.srv->base, -1, EV_PERSIST, on_idle_tick, s);
		event_add(s->idle_timer, &half);
	}
}

static void idle_line(struct imap_session *s, const char *line, size_t len)
{
	if (s->idle_timer)
		event_del(s->idle_timer);
	s->state = s->resume;
	if (len == 4 && strncasecmp(line, "DONE", 4) == 0)
		tagged(s, s->tag, "OK", "IDLE done");
	else
		tagged(s, s->tag, "BAD", "Expected DONE");
}

/* EXPUNGE, and UID EXPUNGE set (UIDPLUS). */
static void do_expunge(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	struct frankd_imap_seqset set;
	if (cmd->uid && (cmd->nargs != 1 || cmd->args[0].kind != FRANKD_IMAP_ATOM ||
			 frankd_imap_seqset_parse(cmd->args[0].text, &set) < 0)) {
		tagged(s, cmd->tag, "BAD", "Syntax: UID EXPUNGE set");
		return;
	}
	imapd_expunge(s, 1, cmd->uid ? &set : NULL);
	if (cmd->uid)
		frankd_imap_seqset_release(&set);
	tagged(s, cmd->tag, "OK", cmd->uid ? "UID EXPUNGE done" : "EXPUNGE done");
}

static void do_simple(struct imap_session *s, const struct frankd_imap_cmd *cmd)
{
	switch (cmd->verb) {
	case FRANKD_IMAP_NOOP:
	case FRANKD_IMAP_CHECK:
		if (s->state == IMAP_STATE_SELECTED)
			imapd_refresh(s);
		tagged(s, cmd->tag, "OK", cmd->verb == FRANKD_IMAP_NOOP ? "NOOP done" : "CHECK done");
		break;
	case FRANKD_IMAP_LOGOUT:
		imapd_reply(s, "* BYE frankd logging out");
		tagged(s, cmd->tag, "OK", "LOGOUT done");
		session_close(s);
		break;
	case FRANKD_IMAP_CLOSE:
	case FRANKD_IMAP_UNSELECT:
		if (cmd->verb == FRANKD_IMAP_CLOSE && !s->read_only)
			imapd_expunge(s, 0, NULL);
		deselect(s);
		tagged(s, cmd->tag, "OK", cmd->verb == FRANKD_IMAP_CLOSE ? "CLOSE done" : "UNSELECT done");
		break;
	case FRANKD_IMAP_EXPUNGE:
		if (s->read_only) {
			tagged(s, cmd->tag, "NO", "[READ-ONLY] Folder is read-only");
			break;
		}
		do_expunge(s, cmd);
		break;
	default:
		tagged(s, cmd->tag, "BAD", "Unknown command");
	}
}

#define NOT_AUTH (1u << IMAP_STATE_NOT_AUTH)
#define AUTH (1u << IMAP_STATE_AUTH)
#define SELECTED (1u << IMAP_STATE_SELECTED)
#define ANY (NOT_AUTH | AUTH | SELECTED)

static const struct {
	enum frankd_imap_verb verb;
	unsigned states;
	void (*run)(struct imap_session *s, const struct frankd_imap_cmd *cmd);
} commands[] = {
	{ FRANKD_IMAP_CAPABILITY, ANY, do_capability },
	{ FRANKD_IMAP_NOOP, ANY, do_simple },
	{ FRANKD_IMAP_LOGOUT, ANY, do_simple },
	{ FRANKD_IMAP_STARTTLS, NOT_AUTH, do_starttls },
	{ FRANKD_IMAP_LOGIN, NOT_AUTH, do_login },
	{ FRANKD_IMAP_AUTHENTICATE, NOT_AUTH, do_authenticate },
	{ FRANKD_IMAP_SELECT, AUTH | SELECTED, do_select },
	{ FRANKD_IMAP_EXAMINE, AUTH | SELECTED, do_select },
	{ FRANKD_IMAP_LIST, AUTH | SELECTED, do_list },
	{ FRANKD_IMAP_LSUB, AUTH | SELECTED, do_list },
	{ FRANKD_IMAP_STATUS, AUTH | SELECTED, do_status },
	{ FRANKD_IMAP_IDLE, AUTH | SELECTED, do_idle },
	{ FRANKD_IMAP_CHECK, SELECTED, do_simple },
	{ FRANKD_IMAP_CLOSE, SELECTED, do_simple },
	{ FRANKD_IMAP_UNSELECT, SELECTED, do_simple },
	{ FRANKD_IMAP_EXPUNGE, SELECTED, do_simple },
	{ FRANKD_IMAP_SEARCH, SELECTED, imapd_search },
	{ FRANKD_IMAP_FETCH, SELECTED, imapd_fetch },
	{ FRANKD_IMAP_STORE, SELECTED, imapd_store },
	{ FRANKD_IMAP_APPEND, AUTH | SELECTED, imapd_append },
	{ FRANKD_IMAP_COPY, SELECTED, imapd_copy },
	{ FRANKD_IMAP_CREATE, AUTH | SELECTED, imapd_create },
};

static void command(struct imap_session *s, const char *data, size_t len)
{
	struct frankd_imap_cmd cmd;
	const char *error = NULL;
	int rc = frankd_imap_parse(data, len, &cmd, &error);
	/* Never a password in the log. */
	int secret = rc == 0 && (cmd.verb == FRANKD_IMAP_LOGIN || cmd.verb == FRANKD_IMAP_AUTHENTICATE);
	frankd_log(FRANKD_LOG_DEBUG, "imap %lu: C: %.*s%s", s->conn.id,
		   secret ? (int)strlen(cmd.tag) + 1 + (int)strlen(frankd_imap_verb_str(cmd.verb))
			  : (int)(len > 200 ? 200 : len),
		   data, secret ? " ****" : "");
	if (rc < 0) {
		tagged(s, cmd.tag[0] ? cmd.tag : "*", "BAD", error);
	} else {
		size_t i = 0;
		while (i < sizeof commands / sizeof commands[0] && commands[i].verb != cmd.verb)
			i++;
		if (i == sizeof commands / sizeof commands[0])
			tagged(s, cmd.tag, "BAD", "Unknown command");
		else if (!(commands[i].states & (1u << s->state)))
			tagged(s, cmd.tag, "BAD", "Command not valid in this state");
		else
			commands[i].run(s, &cmd);
	}
	frankd_imap_cmd_release(&cmd);
	if (s->errors >= s->conn.srv->conf->limits.errors && s->state != IMAP_STATE_LOGOUT) {
		imapd_reply(s, "* BYE Too many errors");
		session_close(s);
	}
}

/* --- reading ------------------------------------------------------------------------ */

/* A line in the SASL or IDLE states. */
static int read_plain_line(struct imap_session *s, struct evbuffer *in)
{
	char *line;
	size_t len;
	enum frankd_conn_line r = frankd_conn_read_line(&s->conn, in, SASL_LINE_MAX, &line, &len);
	if (r == FRANKD_CONN_LINE_MORE)
		return 0;
	if (r == FRANKD_CONN_LINE_TOO_LONG) {
		s->state = s->state == IMAP_STATE_IDLE ? s->resume : IMAP_STATE_NOT_AUTH;
		tagged(s, s->tag, "BAD", "Line too long");
		return 1;
	}
	if (s->state == IMAP_STATE_SASL)
		sasl_plain(s, line, len);
	else
		idle_line(s, line, len);
	lib_secure_zero(line, len);
	free(line);
	return 1;
}

static int session_read(struct frankd_conn *c, struct evbuffer *in)
{
	struct imap_session *s = (struct imap_session *)c;
	if (s->state == IMAP_STATE_SASL || s->state == IMAP_STATE_IDLE)
		return read_plain_line(s, in);
	if (s->state == IMAP_STATE_WAIT)
		return 0;
	size_t avail = evbuffer_get_length(in), used = 0;
	const char *data = (const char *)evbuffer_pullup(in, (ev_ssize_t)avail);
	enum frankd_imap_frame_status st = frankd_imap_frame_feed(&s->framer, data, avail, &used);
	lib_buf_append(&s->command, data, used);
	evbuffer_drain(in, used);
	if (st == FRANKD_IMAP_FRAME_MORE)
		return evbuffer_get_length(in) > 0;
	if (st == FRANKD_IMAP_FRAME_CONTINUE) {
		imapd_reply(s, "+ Ready for literal data");
		return 1;
	}
	if (st == FRANKD_IMAP_FRAME_TOO_LONG) {
		frankd_log(FRANKD_LOG_INFO, "imap %lu: command too long from %s", c->id, c->ip);
		imapd_reply(s, "* BYE Command too long");
		session_close(s);
		return 0;
	}
	struct bufferevent *before = c->bev;
	command(s, s->command.data, s->command.len);
	lib_secure_zero(s->command.data, s->command.len);
	lib_buf_reset(&s->command);
	frankd_imap_framer_init(&s->framer, IMAP_LINE_MAX, IMAP_COMMAND_MAX(c->srv->conf));
	return c->bev == before;
}

static void session_timeout(struct frankd_conn *c)
{
	imapd_reply((struct imap_session *)c, "* BYE Autologout: idle for too long");
	session_close((struct imap_session *)c);
}

static void session_shutdown(struct frankd_conn *c)
{
	imapd_reply((struct imap_session *)c, "* BYE Server shutting down");
	session_close((struct imap_session *)c);
}

static void session_free(struct frankd_conn *c)
{
	struct imap_session *s = (struct imap_session *)c;
	frankd_log(FRANKD_LOG_INFO, "imap %lu: disconnect from %s", c->id, c->ip);
	if (s->idle_timer)
		event_free(s->idle_timer);
	frankd_mailbox_release(&s->box);
	lib_secure_zero(s->command.data, s->command.len);
	lib_buf_release(&s->command);
	free(s->user);
	free(s->maildir);
	free(s);
}

static const struct frankd_conn_ops imap_ops = {
	"imap", session_read, session_timeout, session_shutdown, session_free,
};

void frankd_imap_start(struct frankd_server *srv, int fd, const char *ip,
		       enum frankd_listen_mode mode)
{
	struct imap_session *s = lib_xcalloc(1, sizeof *s);
	frankd_imap_framer_init(&s->framer, IMAP_LINE_MAX, IMAP_COMMAND_MAX(srv->conf));
	if (frankd_conn_open(&s->conn, &imap_ops, srv, fd, ip, mode) != 0) {
		imapd_reply(s, "* BYE Too many connections, try again later");
		session_close(s);
	} else {
		imapd_reply(s, "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR UIDPLUS UNSELECT IDLE%s] %s "
			       "IMAP frankd ready",
			    s->conn.tls ? "" : " STARTTLS", srv->conf->hostname);
	}
}
