/* cli.c: frankd's commands besides the daemon: passwd (app passwords),
 * queue (list, flush, delete) and sendmail (inject a message). */
#include "frankd_internal.h"

#include "mime.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* --- passwd ------------------------------------------------------------------ */

/* Holds PATH.lock while the password file is read, changed and written, so
 * that two frankd passwd at once do not lose an entry. */
static int lock_passwords(const char *path, struct lib_err *err)
{
	char *lock = lib_xasprintf("%s.lock", path);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (fd < 0 || fcntl(fd, F_SETLKW, &fl) < 0) {
		lib_err_set(err, "%s: %s", lock, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(lock);
	return fd;
}

static int passwd_usage(void)
{
	fprintf(stderr, "usage: frankd passwd add USER [--label LABEL]\n"
			"       frankd passwd list USER\n"
			"       frankd passwd revoke USER LABEL\n");
	return 2;
}

static int passwd_list(const struct frankd_passwords *pw, const char *user)
{
	size_t n = 0;
	for (size_t i = 0; i < pw->count; i++) {
		const struct frankd_app_password *e = &pw->items[i];
		if (strcmp(e->user, user) != 0)
			continue;
		char when[64];
		frankd_rfc5322_date((time_t)e->created, when, sizeof when);
		printf("%-16s created %s (scrypt ln=%u r=%u p=%u)\n", e->label, when, e->log2_n, e->r,
		       e->p);
		n++;
	}
	if (!n)
		printf("%s has no app passwords\n", user);
	return 0;
}

static int passwd_change(const struct frankd_conf *conf, struct frankd_passwords *pw, int add,
			 const char *user, const char *label, struct lib_err *err)
{
	if (!add)
		return frankd_passwords_revoke(pw, user, label, err) < 0 ||
				       frankd_passwords_save(conf->password_file, pw, err) < 0
			       ? -1
			       : 0;
	char *password = NULL;
	if (frankd_passwords_add(pw, user, label, 0, &password, err) < 0)
		return -1;
	if (frankd_passwords_save(conf->password_file, pw, err) < 0) {
		frankd_password_free(password);
		return -1;
	}
	const char *made = pw->items[pw->count - 1].label;
	fprintf(stderr, "frankd: app password for %s, label %s (shown once; only its scrypt hash "
			"is kept in %s):\n",
		user, made, conf->password_file);
	printf("%s\n", password);
	fflush(stdout);
	frankd_password_free(password);
	return 0;
}

int frankd_cmd_passwd(const struct frankd_conf *conf, int argc, char **argv)
{
	if (argc < 3)
		return passwd_usage();
	const char *verb = argv[1], *user = argv[2], *label = NULL;
	int add = strcmp(verb, "add") == 0, list = strcmp(verb, "list") == 0,
	    revoke = strcmp(verb, "revoke") == 0;
	if (add && argc == 5 && strcmp(argv[3], "--label") == 0)
		label = argv[4];
	else if (revoke && argc == 4)
		label = argv[3];
	else if (!((add || list) && argc == 3))
		return passwd_usage();
	if (!frankd_conf_user(conf, user)) {
		fprintf(stderr, "frankd: no user %s in %s\n", user, conf->file);
		return 1;
	}
	struct lib_err err;
	int lock = list ? -2 : lock_passwords(conf->password_file, &err);
	struct frankd_passwords pw = { NULL, 0 };
	int rc = lock == -1 ? -1 : frankd_passwords_load(conf->password_file, &pw, &err);
	if (rc == 0)
		rc = list ? passwd_list(&pw, user)
			  : passwd_change(conf, &pw, add, user, label, &err);
	if (rc == 0 && revoke)
		fprintf(stderr, "frankd: revoked %s's password %s\n", user, label);
	if (rc < 0)
		fprintf(stderr, "frankd: %s\n", err.msg);
	frankd_passwords_release(&pw);
	if (lock >= 0)
		close(lock);
	return rc < 0 ? 1 : 0;
}

/* --- queue --------------------------------------------------------------------- */

static void duration(long long seconds, char *out, size_t size)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds < 120)
		snprintf(out, size, "%llds", seconds);
	else if (seconds < 7200)
		snprintf(out, size, "%lldm", seconds / 60);
	else if (seconds < 172800)
		snprintf(out, size, "%lldh", seconds / 3600);
	else
		snprintf(out, size, "%lldd", seconds / 86400);
}

static void print_entry(const struct frankd_envelope *env, time_t now)
{
	char age[32];
	duration(now - env->created, age, sizeof age);
	printf("%s %6s %8zu <%s>%s%s\n", env->id, age, env->size, env->sender,
	       env->auth_user ? " user " : "", env->auth_user ? env->auth_user : "");
	for (size_t i = 0; i < env->nrcpts; i++) {
		const struct frankd_rcpt *r = &env->rcpts[i];
		char next[48] = "";
		if (r->status == FRANKD_RCPT_PENDING || r->status == FRANKD_RCPT_DEFERRED) {
			char in[32];
			duration(r->next_try - now, in, sizeof in);
			snprintf(next, sizeof next, ", next try %s%s",
				 r->next_try <= now ? "now" : "in ", r->next_try <= now ? "" : in);
		}
		printf("    <%s> %s (%s, %u tr%s%s)%s%s\n", r->address,
		       frankd_rcpt_status_str(r->status), frankd_route_str(r->route), r->attempts,
		       r->attempts == 1 ? "y" : "ies", next, r->last_error ? ": " : "",
		       r->last_error ? r->last_error : "");
	}
}

static int queue_list(const struct frankd_conf *conf)
{
	struct lib_err err;
	struct frankd_queue *q = frankd_queue_open(conf->queue_dir, &err);
	char **ids = NULL;
	size_t n = 0;
	if (!q || frankd_queue_list(q, &ids, &n, &err) < 0) {
		fprintf(stderr, "frankd: %s\n", err.msg);
		frankd_queue_close(q);
		return 1;
	}
	time_t now = time(NULL);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		struct frankd_envelope env;
		int rc = frankd_queue_load(q, ids[i], &env, &err);
		if (rc == 0) {
			if (!shown++)
				printf("%-20s %6s %8s %s\n", "ID", "AGE", "SIZE", "SENDER");
			print_entry(&env, now);
			frankd_envelope_release(&env);
		} else if (rc < 0) { /* 1: delivered since the listing */
			fprintf(stderr, "frankd: %s\n", err.msg);
		}
		free(ids[i]);
	}
	free(ids);
	if (!shown)
		printf("the queue is empty\n");
	else
		printf("%zu message%s\n", shown, shown == 1 ? "" : "s");
	frankd_queue_close(q);
	return 0;
}

/* Without a daemon, frankd queue delete works on the files itself, holding
 * the queue's lock so that no daemon starts meanwhile. */
static int queue_delete_offline(const struct frankd_conf *conf, const char *id)
{
	struct lib_err err;
	struct frankd_queue *q = frankd_queue_open(conf->queue_dir, &err);
	int rc = q && frankd_queue_lock(q, &err) == 0 && frankd_queue_remove(q, id, &err) == 0;
	if (rc)
		printf("deleted %s\n", id);
	else
		fprintf(stderr, "frankd: %s\n", err.msg);
	frankd_queue_close(q);
	return rc ? 0 : 1;
}

static int queue_control(const struct frankd_conf *conf, const char *command, const char *id)
{
	char reply[512];
	struct lib_err err;
	int rc = frankd_control_send(conf->queue_dir, command, reply, sizeof reply, &err);
	if (rc < 0) {
		fprintf(stderr, "frankd: %s\n", err.msg);
		return 1;
	}
	if (rc == 1 && id)
		return queue_delete_offline(conf, id);
	if (rc == 1) {
		fprintf(stderr, "frankd: no frankd is running on %s; its queue is tried when it "
				"starts\n",
			conf->queue_dir);
		return 1;
	}
	int ok = strncmp(reply, "ok", 2) == 0;
	fprintf(ok ? stdout : stderr, "%s%s\n", ok ? "" : "frankd: ", reply);
	return ok ? 0 : 1;
}

int frankd_cmd_queue(const struct frankd_conf *conf, int argc, char **argv)
{
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0))
		return queue_list(conf);
	if (argc == 2 && strcmp(argv[1], "flush") == 0)
		return queue_control(conf, "flush", NULL);
	if (argc == 3 && strcmp(argv[1], "delete") == 0) {
		if (!frankd_queue_id_valid(argv[2])) {
			fprintf(stderr, "frankd: %s is not a queue id\n", argv[2]);
			return 1;
		}
		char *command = lib_xasprintf("delete %s", argv[2]);
		int rc = queue_control(conf, command, argv[2]);
		free(command);
		return rc;
	}
	fprintf(stderr, "usage: frankd queue [list] | flush | delete ID\n");
	return 2;
}

/* --- sendmail ------------------------------------------------------------------ */

struct sendmail_opts {
	int from_headers; /* -t */
	int dot_ends;     /* without -i: a "." line ends the input */
	const char *sender;
	char **rcpts;
	size_t nrcpts;
};

/* Standard input into msg with CRLF line endings. */
static int read_input(const struct sendmail_opts *o, size_t max, struct lib_buf *msg,
		      struct lib_err *err)
{
	char line[8192];
	int at_start = 1;
	while (fgets(line, sizeof line, stdin)) {
		size_t n = strlen(line);
		int whole = n && line[n - 1] == '\n';
		if (whole)
			line[--n] = '\0';
		if (whole && n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (o->dot_ends && at_start && whole && strcmp(line, ".") == 0)
			break;
		lib_buf_append(msg, line, n);
		if (whole)
			lib_buf_puts(msg, "\r\n");
		at_start = whole;
		if (msg->len > max)
			return lib_err_set(err, "the message is larger than limit message_size (%zu)",
					   max);
	}
	if (ferror(stdin))
		return lib_err_set(err, "reading standard input: %s", strerror(errno));
	return 0;
}

/* The length of the header section of msg (up to and with its empty line). */
static size_t header_length(const struct lib_buf *msg)
{
	const char *p = msg->data ? msg->data : "";
	if (strncmp(p, "\r\n", 2) == 0)
		return 2;
	const char *end = strstr(p, "\r\n\r\n");
	return end ? (size_t)(end - p) + 4 : msg->len;
}

/* -t: recipients from To, Cc and Bcc; Bcc lines leave the message. */
static int recipients_from_headers(struct sendmail_opts *o, struct lib_buf *msg,
				   struct lib_err *err)
{
	size_t hlen = header_length(msg);
	struct lib_buf kept = LIB_BUF_INIT;
	const char *p = msg->data, *end = msg->data + hlen;
	int rc = 0;
	while (p < end && rc == 0) {
		/* one field: its first line and the folded lines after it */
		const char *f = p;
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl + 1 : end;
		} while (p < end && (*p == ' ' || *p == '\t'));
		size_t flen = (size_t)(p - f);
		const char *colon = memchr(f, ':', flen);
		size_t nlen = colon ? (size_t)(colon - f) : 0;
		int to = nlen == 2 && strncasecmp(f, "To", 2) == 0;
		int cc = nlen == 2 && strncasecmp(f, "Cc", 2) == 0;
		int bcc = nlen == 3 && strncasecmp(f, "Bcc", 3) == 0;
		if (to || cc || bcc)
			rc = frankd_address_list_parse(colon + 1, flen - nlen - 1, &o->rcpts,
						       &o->nrcpts, err);
		if (!bcc)
			lib_buf_append(&kept, f, flen);
	}
	lib_buf_append(&kept, msg->data + hlen, msg->len - hlen);
	lib_buf_release(msg);
	*msg = kept;
	return rc;
}

static int sendmail_usage(void)
{
	fprintf(stderr, "usage: frankd sendmail [-t] [-i] [-f SENDER] [RECIPIENT...]\n");
	return 2;
}

static int sendmail_options(struct sendmail_opts *o, int argc, char **argv, int *rc)
{
	int i = 1;
	o->dot_ends = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "-t") == 0) {
			o->from_headers = 1;
		} else if (strcmp(a, "-i") == 0 || strcmp(a, "-oi") == 0) {
			o->dot_ends = 0;
		} else if (strcmp(a, "-f") == 0 && i + 1 < argc) {
			o->sender = argv[++i];
		} else if (strncmp(a, "-f", 2) == 0 && a[2]) {
			o->sender = a + 2;
		} else if (strcmp(a, "-F") == 0 && i + 1 < argc) {
			i++; /* a full name: the message's From says it */
		} else {
			*rc = sendmail_usage();
			return -1;
		}
	}
	for (; i < argc; i++) {
		o->rcpts = lib_xrealloc(o->rcpts, (o->nrcpts + 1) * sizeof *o->rcpts);
		o->rcpts[o->nrcpts++] = lib_xstrdup(argv[i]);
	}
	return 0;
}

/* The sender when -f is not given: the invoking user's first address when
 * frankd knows the user, else LOGIN@hostname. */
static char *default_sender(const struct frankd_conf *conf)
{
	struct passwd *pwd = getpwuid(getuid());
	const char *login = pwd ? pwd->pw_name : "nobody";
	const struct frankd_user *u = frankd_conf_user(conf, login);
	if (u && u->naddresses)
		return lib_xstrdup(u->addresses[0]);
	return lib_xasprintf("%s@%s", login, conf->hostname);
}

/* address as MAIL or RCPT would take it (without <>): 0, or -1 with err. */
static int check_address(const char *verb, const char *address, int may_be_null,
			 struct lib_err *err)
{
	if (may_be_null && !*address)
		return 0;
	char *line = lib_xasprintf("%s:<%s>", verb, address);
	struct frankd_smtp_cmd cmd;
	const char *reply;
	int rc = frankd_smtp_parse(line, strlen(line), &cmd, &reply);
	free(line);
	if (rc < 0 || strcmp(cmd.address, address) != 0)
		return lib_err_set(err, "<%s>: not an address", address);
	return 0;
}

static int build_envelope(const struct frankd_conf *conf, const struct sendmail_opts *o,
			  struct frankd_envelope *env, struct lib_err *err)
{
	frankd_envelope_init(env);
	if (check_address("MAIL FROM", o->sender, 1, err) < 0)
		return -1;
	env->sender = lib_xstrdup(o->sender);
	env->client = lib_xstrdup("local");
	for (size_t i = 0; i < o->nrcpts; i++) {
		if (check_address("RCPT TO", o->rcpts[i], 0, err) < 0)
			return -1;
		struct frankd_route route;
		frankd_route(conf, o->rcpts[i], &route);
		if (route.kind == FRANKD_ROUTE_NO_USER)
			return lib_err_set(err, "<%s>: no such local user", o->rcpts[i]);
		int twice = 0;
		for (size_t j = 0; j < env->nrcpts && !twice; j++)
			twice = strcasecmp(env->rcpts[j].address, o->rcpts[i]) == 0;
		if (!twice)
			frankd_envelope_add_rcpt(env, o->rcpts[i], route.kind);
	}
	if (!env->nrcpts)
		return lib_err_set(err, "no recipients (give them, or -t to take To, Cc and Bcc)");
	if (env->nrcpts > conf->limits.recipients)
		return lib_err_set(err, "more than %zu recipients (limit recipients)",
				   conf->limits.recipients);
	return 0;
}

/* Writes msg into the queue with the same durability as a session's. */

/* RFC 6376 5.3, as submission does (session.c): an 8-bit message frankd
 * signs is made 7-bit first, so a next hop without 8BITMIME never needs
 * a conversion that breaks the signature.  One that cannot be (a header
 * that is not ASCII) is signed as it is. */
static void sendmail_make_7bit(struct frankd_envelope *env, struct lib_buf *msg)
{
	struct lib_buf seven = LIB_BUF_INIT;
	struct lib_err err;
	if (mime_message_to_7bit(msg->data, msg->len, &seven, &err) < 0) {
		fprintf(stderr, "frankd: sendmail: signed in its 8-bit form: %s\n", err.msg);
	} else {
		lib_buf_reset(msg);
		lib_buf_append(msg, seven.data, seven.len);
		env->body_8bit = 0;
	}
	lib_buf_release(&seven);
}

static int queue_message(const struct frankd_conf *conf, struct frankd_envelope *env,
			 struct lib_buf *msg, struct lib_err *err)
{
	struct frankd_queue *q = frankd_queue_open(conf->queue_dir, err);
	struct frankd_queue_writer *w = q ? frankd_queue_writer_new(q, err) : NULL;
	if (!w) {
		frankd_queue_close(q);
		return -1;
	}
	struct frankd_header_scan hs;
	frankd_header_scan_init(&hs);
	frankd_header_scan_feed(&hs, msg->data, msg->len);
	time_t now = time(NULL);
	env->created = (long long)now;
	for (size_t i = 0; i < msg->len; i++)
		if ((unsigned char)msg->data[i] >= 0x80)
			env->body_8bit = 1;
	struct frankd_received r = { .hostname = conf->hostname,
				     .protocol = "local",
				     .id = frankd_queue_writer_id(w),
				     .for_rcpt = env->nrcpts == 1 ? env->rcpts[0].address : NULL,
				     .when = now };
	frankd_received_format(&r, &env->headers);
	if (!hs.has_message_id)
		frankd_message_id_format(conf->hostname, &env->headers);
	if (!hs.has_date)
		frankd_date_format(now, &env->headers);
	/* the invoking user may write the queue: as trusted as an AUTH */
	char *signature = NULL;
	struct lib_err sign_err;
	int rc_sign = frankd_dkim_sign_message(conf, env->sender, &env->headers, msg->data,
					       msg->len, &signature, &sign_err);
	if (signature && env->body_8bit) { /* as submission does: sign the 7-bit form */
		free(signature);
		signature = NULL;
		sendmail_make_7bit(env, msg);
		rc_sign = frankd_dkim_sign_message(conf, env->sender, &env->headers, msg->data,
						   msg->len, &signature, &sign_err);
	}
	if (rc_sign < 0)
		fprintf(stderr, "frankd: sendmail: not signed: %s\n", sign_err.msg);
	if (signature)
		frankd_envelope_prepend_header(env, signature);
	free(signature);
	int rc = frankd_queue_writer_write(w, msg->data, msg->len, err);
	if (rc == 0)
		rc = frankd_queue_writer_commit(w, env, err);
	frankd_queue_writer_free(w);
	frankd_queue_close(q);
	return rc;
}

static void tell_daemon(const struct frankd_conf *conf, const char *id)
{
	char reply[256];
	struct lib_err err;
	int rc = frankd_control_send(conf->queue_dir, "kick", reply, sizeof reply, &err);
	if (rc == 1)
		fprintf(stderr, "frankd: queued %s; frankd is not running, it goes when frankd "
				"starts\n",
			id);
	else if (rc < 0)
		fprintf(stderr, "frankd: queued %s; telling frankd failed: %s\n", id, err.msg);
}

int frankd_cmd_sendmail(const struct frankd_conf *conf, int argc, char **argv)
{
	struct sendmail_opts o = { 0 };
	int rc = 0;
	if (sendmail_options(&o, argc, argv, &rc) < 0)
		return rc;
	struct lib_buf msg = LIB_BUF_INIT;
	struct lib_err err;
	struct frankd_envelope env;
	char *sender = o.sender ? NULL : default_sender(conf);
	if (!o.sender)
		o.sender = sender;
	frankd_envelope_init(&env);
	rc = read_input(&o, conf->limits.message_size, &msg, &err);
	if (rc == 0 && o.from_headers)
		rc = recipients_from_headers(&o, &msg, &err);
	if (rc == 0)
		rc = build_envelope(conf, &o, &env, &err);
	if (rc == 0)
		rc = queue_message(conf, &env, &msg, &err);
	if (rc == 0)
		tell_daemon(conf, env.id);
	else
		fprintf(stderr, "frankd: sendmail: %s\n", err.msg);
	frankd_envelope_release(&env);
	lib_buf_release(&msg);
	for (size_t i = 0; i < o.nrcpts; i++)
		free(o.rcpts[i]);
	free(o.rcpts);
	free(sender);
	return rc < 0 ? 1 : 0;
}
