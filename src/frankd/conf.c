/* conf.c: frankd.conf, read with the frankrc tokenizer (config_lines_parse:
 * quotes, escapes, # comments, $VAR, ~) and given meaning here.
 *
 *   file    = *( command / user-block )
 *   command = "hostname" NAME / "listen" ADDRESS PORT MODE
 *           / "certificate" PATH / "key" PATH / "queue" PATH
 *           / "passwords" PATH / "zone_file" PATH
 *           / "log" ("stderr" / "syslog") / "log_level" ("info" / "debug")
 *           / "domain" 1*NAME / "postmaster" USER
 *           / "recipient_delimiter" (CHAR / "none")
 *           / "dkim_key" DOMAIN SELECTOR PATH
 *           / "smarthost" HOST PORT *( "user" NAME / "password_file" PATH
 *             / "password_command" CMD / "ca_file" PATH )
 *           / "limit" NAME VALUE / "retry" NAME DURATION
 *           / "queue_scan" DURATION
 *           / "dns" ("offline" / "network") / "authserv_id" NAME
 *           / "dmarc_policy" ("follow" / "quarantine" / "none")
 *           / "relay_port" PORT / "relay_from" ADDRESS
 *           / "plaintext_auth" ("tls" / "loopback")
 *   user-block = "user" NAME "{" *( "maildir" PATH / "address" 1*ADDR
 *              / "send_as" 1*PATTERN ) "}"
 *   MODE = "smtp" / "submission" / "submissions" / "pop3" / "pop3s" / "imap"
 *        / "imaps"
 * Relative paths are taken from the folder of the file. */
#include "frankd_internal.h"

#include <arpa/inet.h>

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CONF_MAX_BYTES (1u << 20)

/* --- tables: the limits and the retry schedule ------------------------------ */

enum conf_unit { UNIT_COUNT, UNIT_BYTES, UNIT_SECONDS };

struct conf_number {
	const char *name;
	size_t offset; /* in struct frankd_conf */
	int is_size_t; /* else unsigned */
	enum conf_unit unit;
	unsigned long long min, max, fallback;
	const char *help;
};

#define LIMIT(field) offsetof(struct frankd_conf, limits.field)
#define RETRY(field) offsetof(struct frankd_conf, retry.field)

static const struct conf_number limits[] = {
	{ "message_size", LIMIT(message_size), 1, UNIT_BYTES, 1024, 1ull << 31, 25u << 20,
	  "largest message (SIZE), 552 beyond it" },
	{ "recipients", LIMIT(recipients), 1, UNIT_COUNT, 1, 100000, 100,
	  "recipients of one message, 452 beyond it" },
	{ "line_length", LIMIT(line_length), 1, UNIT_COUNT, 512, 65536, 2048,
	  "a command line without CRLF (AUTH lines may have 12288)" },
	{ "errors", LIMIT(errors), 0, UNIT_COUNT, 1, 1000, 10,
	  "error replies in a session before 421 and disconnect" },
	{ "connections", LIMIT(connections), 0, UNIT_COUNT, 1, 100000, 1000,
	  "sessions at once" },
	{ "connections_per_ip", LIMIT(connections_per_ip), 0, UNIT_COUNT, 1, 100000, 20,
	  "sessions at once from one address" },
	{ "timeout", LIMIT(timeout), 0, UNIT_SECONDS, 1, 86400, 300,
	  "silence before 421 and disconnect" },
	{ "imap_idle_timeout", LIMIT(imap_idle_timeout), 0, UNIT_SECONDS, 1, 86400, 1800,
	  "a logged-in IMAP session's silence before * BYE (RFC 3501 5.4)" },
	{ "imap_login_timeout", LIMIT(imap_login_timeout), 0, UNIT_SECONDS, 1, 86400, 60,
	  "an IMAP session's silence before login, before * BYE" },
	{ "auth_failures", LIMIT(auth_failures), 0, UNIT_COUNT, 1, 100000, 5,
	  "failed AUTHs per address and per user in auth_window before 454" },
	{ "auth_window", LIMIT(auth_window), 0, UNIT_SECONDS, 1, 86400 * 7, 900,
	  "the window failed AUTHs are counted in" },
	{ "drain_timeout", LIMIT(drain_timeout), 0, UNIT_SECONDS, 0, 86400, 30,
	  "on SIGTERM, how long sessions may go on" },
	{ "hops", LIMIT(hops), 0, UNIT_COUNT, 1, 1000, 50,
	  "Received fields before a message is refused as a loop (554)" },
	{ "workers", LIMIT(workers), 0, UNIT_COUNT, 1, 64, 4,
	  "threads for fsync and scrypt (the loop itself is one)" },
};

static const struct conf_number retries[] = {
	{ "first", RETRY(first), 0, UNIT_SECONDS, 1, 86400, 300, "wait before the first retry" },
	{ "max", RETRY(max), 0, UNIT_SECONDS, 1, 86400 * 7, 3600,
	  "longest wait between tries (the wait doubles up to it)" },
	{ "give_up", RETRY(give_up), 0, UNIT_SECONDS, 1, 86400 * 60, 5 * 86400,
	  "age at which a message bounces" },
	{ "warn", RETRY(warn), 0, UNIT_SECONDS, 1, 86400 * 60, 4 * 3600,
	  "age at which the sender is warned of the delay" },
};

#define COUNT(a) (sizeof a / sizeof a[0])

static void number_store(struct frankd_conf *conf, const struct conf_number *n,
			 unsigned long long v)
{
	char *at = (char *)conf + n->offset;
	if (n->is_size_t)
		*(size_t *)(void *)at = (size_t)v;
	else
		*(unsigned *)(void *)at = (unsigned)v;
}

/* "25M", "10k", "300", "5m", "4h", "5d": a number with its unit's suffix. */
static int number_parse(const struct conf_number *n, const char *text, unsigned long long *out,
			struct lib_err *err)
{
	if (!isdigit((unsigned char)text[0]))
		return lib_err_set(err, "%s: not a number: %s", n->name, text);
	errno = 0;
	char *end;
	unsigned long long v = strtoull(text, &end, 10), mult = 1;
	if (n->unit == UNIT_BYTES && *end && !end[1])
		mult = *end == 'k' || *end == 'K' ? 1024ull
		     : *end == 'M'               ? 1024ull * 1024
		     : *end == 'G'               ? 1024ull * 1024 * 1024
						 : 0;
	else if (n->unit == UNIT_SECONDS && *end && !end[1])
		mult = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;
	else if (*end)
		mult = 0;
	if (errno || mult == 0 || v > ULLONG_MAX / mult)
		return lib_err_set(err, "%s: bad value %s%s", n->name, text,
				   n->unit == UNIT_BYTES     ? " (a number, with k, M or G)"
				   : n->unit == UNIT_SECONDS ? " (seconds, or with s, m, h or d)"
							     : "");
	v *= mult;
	if (v < n->min || v > n->max)
		return lib_err_set(err, "%s: %s is out of range (%llu to %llu)", n->name, text,
				   n->min, n->max);
	*out = v;
	return 0;
}

static int number_set(struct frankd_conf *conf, const struct conf_number *table, size_t count,
		      const char *what, char **words, struct lib_err *err)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(table[i].name, words[1]) != 0)
			continue;
		unsigned long long v;
		if (number_parse(&table[i], words[2], &v, err) < 0)
			return -1;
		number_store(conf, &table[i], v);
		return 0;
	}
	struct lib_buf names = LIB_BUF_INIT;
	for (size_t i = 0; i < count; i++)
		lib_buf_printf(&names, "%s%s", i ? ", " : "", table[i].name);
	lib_err_set(err, "unknown %s %s (one of: %s)", what, words[1], names.data);
	lib_buf_release(&names);
	return -1;
}

/* --- the conf ---------------------------------------------------------------- */

const char *frankd_mode_str(enum frankd_listen_mode mode)
{
	switch (mode) {
	case FRANKD_MODE_SMTP: return "smtp";
	case FRANKD_MODE_SUBMISSION: return "submission";
	case FRANKD_MODE_SUBMISSIONS: return "submissions";
	case FRANKD_MODE_POP3: return "pop3";
	case FRANKD_MODE_POP3S: return "pop3s";
	case FRANKD_MODE_IMAP: return "imap";
	case FRANKD_MODE_IMAPS: return "imaps";
	}
	return "?";
}

struct frankd_conf *frankd_conf_new(void)
{
	struct frankd_conf *conf = lib_xcalloc(1, sizeof *conf);
	for (size_t i = 0; i < COUNT(limits); i++)
		number_store(conf, &limits[i], limits[i].fallback);
	for (size_t i = 0; i < COUNT(retries); i++)
		number_store(conf, &retries[i], retries[i].fallback);
	conf->recipient_delimiter = '+';
	conf->queue_scan = 60;
	conf->mta.relay_port = lib_xstrdup("25");
	return conf;
}

static void free_strings(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void user_release(struct frankd_user *u)
{
	free(u->name);
	free(u->maildir);
	free_strings(u->addresses, u->naddresses);
	free_strings(u->send_as, u->nsend_as);
}

void frankd_conf_free(struct frankd_conf *conf)
{
	if (!conf)
		return;
	free(conf->file);
	free(conf->hostname);
	for (size_t i = 0; i < conf->nlistens; i++) {
		free(conf->listens[i].address);
		free(conf->listens[i].port);
	}
	free(conf->listens);
	free(conf->certificate);
	free(conf->key);
	free(conf->queue_dir);
	free(conf->password_file);
	free(conf->zone_file);
	free(conf->postmaster);
	free_strings(conf->domains, conf->ndomains);
	for (size_t i = 0; i < conf->nusers; i++)
		user_release(&conf->users[i]);
	free(conf->users);
	for (size_t i = 0; i < conf->ndkim_keys; i++) {
		free(conf->dkim_keys[i].domain);
		free(conf->dkim_keys[i].selector);
		free(conf->dkim_keys[i].key_file);
	}
	free(conf->dkim_keys);
	free(conf->smarthost.host);
	free(conf->smarthost.port);
	free(conf->smarthost.user);
	free(conf->smarthost.password_file);
	free(conf->smarthost.password_command);
	free(conf->mta.authserv_id);
	free(conf->mta.relay_port);
	free(conf->mta.relay_from);
	free(conf->mta.smarthost_ca_file);
	free(conf);
}

const struct frankd_user *frankd_conf_user(const struct frankd_conf *conf, const char *name)
{
	for (size_t i = 0; name && i < conf->nusers; i++)
		if (strcmp(conf->users[i].name, name) == 0)
			return &conf->users[i];
	return NULL;
}

int frankd_conf_is_local_domain(const struct frankd_conf *conf, const char *domain)
{
	for (size_t i = 0; i < conf->ndomains; i++)
		if (strcasecmp(conf->domains[i], domain) == 0)
			return 1;
	return 0;
}

/* --- commands ------------------------------------------------------------------ */

struct conf_parser {
	struct frankd_conf *conf;
	const char *base_dir;
	struct frankd_user *user; /* the block being read */
	int user_line;
};

static char *path_value(const struct conf_parser *ps, const char *path)
{
	if (path[0] == '/' || !ps->base_dir)
		return lib_xstrdup(path);
	return lib_xasprintf("%s/%s", ps->base_dir, path);
}

static void set_string(char **dst, char *value)
{
	free(*dst);
	*dst = value;
}

/* A domain name: letters, digits, hyphens, dots; lowercased copy. */
static char *domain_value(const char *text, struct lib_err *err)
{
	size_t n = strlen(text);
	if (n == 0 || n > 253 || text[0] == '.' || text[n - 1] == '.' || strstr(text, "..")) {
		lib_err_set(err, "not a domain name: %s", text);
		return NULL;
	}
	char *d = lib_xstrdup(text);
	for (char *p = d; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.') {
			lib_err_set(err, "not a domain name: %s", text);
			free(d);
			return NULL;
		}
		*p = (char)tolower((unsigned char)*p);
	}
	return d;
}

/* An address as RCPT would take it: local@domain, domain lowercased. */
static char *address_value(const char *text, int pattern, struct lib_err *err)
{
	if (pattern && strncmp(text, "*@", 2) == 0) {
		char *d = domain_value(text + 2, err);
		char *out = d ? lib_xasprintf("*@%s", d) : NULL;
		free(d);
		return out;
	}
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_printf(&line, "RCPT TO:<%s>", text);
	struct frankd_smtp_cmd cmd;
	const char *reply;
	int rc = frankd_smtp_parse(line.data, line.len, &cmd, &reply);
	lib_buf_release(&line);
	if (rc < 0 || !strchr(cmd.address, '@') || cmd.address[0] == '"' ||
	    strchr(cmd.address, '[')) {
		lib_err_set(err, "not an address (local@domain): %s", text);
		return NULL;
	}
	char *out = lib_xstrdup(cmd.address);
	for (char *p = strrchr(out, '@'); *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static void push(char ***list, size_t *n, char *value)
{
	*list = lib_xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = value;
}

static int cmd_listen(struct conf_parser *ps, char **w, struct lib_err *err)
{
	enum frankd_listen_mode mode;
	if (strcmp(w[3], "smtp") == 0)
		mode = FRANKD_MODE_SMTP;
	else if (strcmp(w[3], "submission") == 0)
		mode = FRANKD_MODE_SUBMISSION;
	else if (strcmp(w[3], "submissions") == 0)
		mode = FRANKD_MODE_SUBMISSIONS;
	else if (strcmp(w[3], "pop3") == 0)
		mode = FRANKD_MODE_POP3;
	else if (strcmp(w[3], "pop3s") == 0)
		mode = FRANKD_MODE_POP3S;
	else if (strcmp(w[3], "imap") == 0)
		mode = FRANKD_MODE_IMAP;
	else if (strcmp(w[3], "imaps") == 0)
		mode = FRANKD_MODE_IMAPS;
	else
		return lib_err_set(err, "listen: mode %s is not smtp, submission, submissions, "
					"pop3, pop3s, imap or imaps",
				   w[3]);
	char *end;
	long port = strtol(w[2], &end, 10);
	if (!isdigit((unsigned char)w[2][0]) || *end || port < 0 || port > 65535)
		return lib_err_set(err, "listen: bad port %s", w[2]);
	struct frankd_conf *c = ps->conf;
	c->listens = lib_xrealloc(c->listens, (c->nlistens + 1) * sizeof *c->listens);
	c->listens[c->nlistens++] = (struct frankd_listen){ lib_xstrdup(w[1]), lib_xstrdup(w[2]),
							    mode };
	return 0;
}

static int cmd_domain(struct conf_parser *ps, char **w, size_t n, struct lib_err *err)
{
	for (size_t i = 1; i < n; i++) {
		char *d = domain_value(w[i], err);
		if (!d)
			return -1;
		if (frankd_conf_is_local_domain(ps->conf, d)) {
			free(d);
			continue;
		}
		push(&ps->conf->domains, &ps->conf->ndomains, d);
	}
	return 0;
}

static int cmd_dkim_key(struct conf_parser *ps, char **w, struct lib_err *err)
{
	char *d = domain_value(w[1], err);
	if (!d)
		return -1;
	struct frankd_conf *c = ps->conf;
	c->dkim_keys = lib_xrealloc(c->dkim_keys, (c->ndkim_keys + 1) * sizeof *c->dkim_keys);
	c->dkim_keys[c->ndkim_keys++] = (struct frankd_dkim_key){ d, lib_xstrdup(w[2]),
								  path_value(ps, w[3]) };
	return 0;
}

static int cmd_smarthost(struct conf_parser *ps, char **w, size_t n, struct lib_err *err)
{
	struct frankd_smarthost *s = &ps->conf->smarthost;
	if (n % 2 != 1)
		return lib_err_set(err, "usage: smarthost HOST PORT [user NAME] [password_file PATH | "
					"password_command CMD] [ca_file PATH]");
	set_string(&s->host, lib_xstrdup(w[1]));
	set_string(&s->port, lib_xstrdup(w[2]));
	for (size_t i = 3; i + 1 < n; i += 2) {
		if (strcmp(w[i], "user") == 0)
			set_string(&s->user, lib_xstrdup(w[i + 1]));
		else if (strcmp(w[i], "password_file") == 0)
			set_string(&s->password_file, path_value(ps, w[i + 1]));
		else if (strcmp(w[i], "password_command") == 0)
			set_string(&s->password_command, lib_xstrdup(w[i + 1]));
		else if (strcmp(w[i], "ca_file") == 0)
			set_string(&ps->conf->mta.smarthost_ca_file, path_value(ps, w[i + 1]));
		else
			return lib_err_set(err, "smarthost: unknown option %s (user, password_file, "
						"password_command, ca_file)", w[i]);
	}
	if (s->password_file && s->password_command)
		return lib_err_set(err, "smarthost: password_file and password_command: give one");
	if ((s->password_file || s->password_command) && !s->user)
		return lib_err_set(err, "smarthost: a password needs a user");
	return 0;
}

static int cmd_user(struct conf_parser *ps, char **w, int line, struct lib_err *err)
{
	if (strcmp(w[2], "{") != 0)
		return lib_err_set(err, "usage: user NAME {");
	for (const char *p = w[1]; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return lib_err_set(err, "user %s: bad name (letters, digits, '.', '-', '_')",
					   w[1]);
	if (frankd_conf_user(ps->conf, w[1]))
		return lib_err_set(err, "user %s is defined twice", w[1]);
	struct frankd_conf *c = ps->conf;
	c->users = lib_xrealloc(c->users, (c->nusers + 1) * sizeof *c->users);
	ps->user = &c->users[c->nusers++];
	memset(ps->user, 0, sizeof *ps->user);
	ps->user->name = lib_xstrdup(w[1]);
	ps->user_line = line;
	return 0;
}

static int user_command(struct conf_parser *ps, char **w, size_t n, struct lib_err *err)
{
	struct frankd_user *u = ps->user;
	if (strcmp(w[0], "}") == 0) {
		if (n != 1)
			return lib_err_set(err, "nothing may follow }");
		if (!u->maildir)
			return lib_err_set(err, "user %s has no maildir", u->name);
		ps->user = NULL;
		return 0;
	}
	if (strcmp(w[0], "maildir") == 0 && n == 2) {
		set_string(&u->maildir, path_value(ps, w[1]));
		return 0;
	}
	int is_address = strcmp(w[0], "address") == 0;
	if ((is_address || strcmp(w[0], "send_as") == 0) && n >= 2) {
		for (size_t i = 1; i < n; i++) {
			char *a = address_value(w[i], !is_address, err);
			if (!a)
				return -1;
			if (is_address)
				push(&u->addresses, &u->naddresses, a);
			else
				push(&u->send_as, &u->nsend_as, a);
		}
		return 0;
	}
	if (strcmp(w[0], "user") == 0)
		return lib_err_set(err, "user blocks do not nest (user %s has no closing })",
				   u->name);
	return lib_err_set(err, "in a user block: maildir PATH, address ADDRESS..., "
				"send_as PATTERN... or }");
}

static int choice(const char *value, const char *a, const char *b, int *out)
{
	if (strcmp(value, a) == 0)
		*out = 0;
	else if (strcmp(value, b) == 0)
		*out = 1;
	else
		return -1;
	return 0;
}

/* One-word settings: name, the field, 1 for a path. */
static const struct {
	const char *name;
	size_t offset;
	int path;
} strings[] = {
	{ "certificate", offsetof(struct frankd_conf, certificate), 1 },
	{ "key", offsetof(struct frankd_conf, key), 1 },
	{ "queue", offsetof(struct frankd_conf, queue_dir), 1 },
	{ "passwords", offsetof(struct frankd_conf, password_file), 1 },
	{ "zone_file", offsetof(struct frankd_conf, zone_file), 1 },
	{ "postmaster", offsetof(struct frankd_conf, postmaster), 0 },
	{ "authserv_id", offsetof(struct frankd_conf, mta.authserv_id), 0 },
};

/* The relay's one-word settings: 1 when w is not one of them. */
static int cmd_mta(struct conf_parser *ps, char **w, struct lib_err *err)
{
	struct frankd_mta_conf *m = &ps->conf->mta;
	if (strcmp(w[0], "dns") == 0)
		return choice(w[1], "offline", "network", &m->dns_network) < 0
			       ? lib_err_set(err, "dns: offline or network, not %s", w[1])
			       : 0;
	if (strcmp(w[0], "dmarc_policy") == 0) {
		static const char *const names[] = { "follow", "quarantine", "none" };
		for (size_t i = 0; i < COUNT(names); i++)
			if (strcmp(w[1], names[i]) == 0) {
				m->dmarc = (enum frankd_dmarc_action)i;
				return 0;
			}
		return lib_err_set(err, "dmarc_policy: follow, quarantine or none, not %s", w[1]);
	}
	if (strcmp(w[0], "relay_from") == 0) {
		unsigned char buf[16];
		if (inet_pton(AF_INET, w[1], buf) != 1 && inet_pton(AF_INET6, w[1], buf) != 1)
			return lib_err_set(err, "relay_from: not an IPv4 or IPv6 address: %s", w[1]);
		set_string(&m->relay_from, lib_xstrdup(w[1]));
		return 0;
	}
	if (strcmp(w[0], "relay_port") == 0) {
		char *end;
		unsigned long port = strtoul(w[1], &end, 10);
		if (*end || !isdigit((unsigned char)w[1][0]) || port == 0 || port > 65535)
			return lib_err_set(err, "relay_port: not a port: %s", w[1]);
		set_string(&m->relay_port, lib_xstrdup(w[1]));
		return 0;
	}
	return 1;
}

static int cmd_single(struct conf_parser *ps, char **w, struct lib_err *err)
{
	struct frankd_conf *c = ps->conf;
	for (size_t i = 0; i < COUNT(strings); i++) {
		if (strcmp(w[0], strings[i].name) != 0)
			continue;
		char **dst = (char **)(void *)((char *)c + strings[i].offset);
		set_string(dst, strings[i].path ? path_value(ps, w[1]) : lib_xstrdup(w[1]));
		return 0;
	}
	if (strcmp(w[0], "hostname") == 0) {
		char *h = domain_value(w[1], err);
		if (!h)
			return -1;
		set_string(&c->hostname, h);
		return 0;
	}
	if (strcmp(w[0], "log") == 0)
		return choice(w[1], "stderr", "syslog", &c->log_syslog) < 0
			       ? lib_err_set(err, "log: stderr or syslog, not %s", w[1])
			       : 0;
	if (strcmp(w[0], "plaintext_auth") == 0)
		return choice(w[1], "tls", "loopback", &c->plaintext_loopback) < 0
			       ? lib_err_set(err, "plaintext_auth: tls or loopback, not %s", w[1])
			       : 0;
	if (strcmp(w[0], "log_level") == 0)
		return choice(w[1], "info", "debug", &c->log_debug) < 0
			       ? lib_err_set(err, "log_level: info or debug, not %s", w[1])
			       : 0;
	if (strcmp(w[0], "recipient_delimiter") == 0) {
		if (strcmp(w[1], "none") == 0)
			c->recipient_delimiter = '\0';
		else if (strlen(w[1]) == 1 && strchr("+-_=", w[1][0]))
			c->recipient_delimiter = w[1][0];
		else
			return lib_err_set(err, "recipient_delimiter: one of + - _ = or none");
		return 0;
	}
	if (strcmp(w[0], "queue_scan") == 0) {
		static const struct conf_number scan = { "queue_scan", 0, 0, UNIT_SECONDS, 1, 86400,
							 60, "" };
		unsigned long long v;
		if (number_parse(&scan, w[1], &v, err) < 0)
			return -1;
		c->queue_scan = (unsigned)v;
		return 0;
	}
	return cmd_mta(ps, w, err);
}

static int command(struct conf_parser *ps, const struct config_line *l, struct lib_err *err)
{
	char **w = l->words;
	size_t n = l->count;
	if (ps->user)
		return user_command(ps, w, n, err);
	if (n == 2) {
		int rc = cmd_single(ps, w, err);
		if (rc <= 0)
			return rc;
	}
	if (strcmp(w[0], "listen") == 0 && n == 4)
		return cmd_listen(ps, w, err);
	if (strcmp(w[0], "domain") == 0 && n >= 2)
		return cmd_domain(ps, w, n, err);
	if (strcmp(w[0], "dkim_key") == 0 && n == 4)
		return cmd_dkim_key(ps, w, err);
	if (strcmp(w[0], "smarthost") == 0 && n >= 3)
		return cmd_smarthost(ps, w, n, err);
	if (strcmp(w[0], "limit") == 0 && n == 3)
		return number_set(ps->conf, limits, COUNT(limits), "limit", w, err);
	if (strcmp(w[0], "retry") == 0 && n == 3)
		return number_set(ps->conf, retries, COUNT(retries), "retry setting", w, err);
	if (strcmp(w[0], "user") == 0 && n == 3)
		return cmd_user(ps, w, l->line, err);
	static const char *const usage[][2] = {
		{ "listen", "listen ADDRESS PORT smtp|submission|submissions|pop3|pop3s|imap|imaps" },
		{ "domain", "domain NAME..." },
		{ "dkim_key", "dkim_key DOMAIN SELECTOR KEYFILE" },
		{ "smarthost", "smarthost HOST PORT [user NAME] [password_file PATH | password_command CMD]" },
		{ "limit", "limit NAME VALUE" },
		{ "retry", "retry NAME DURATION" },
		{ "user", "user NAME {" },
		{ "dns", "dns offline|network" },
		{ "dmarc_policy", "dmarc_policy follow|quarantine|none" },
		{ "relay_port", "relay_port PORT" },
		{ "relay_from", "relay_from ADDRESS" },
	};
	for (size_t i = 0; i < COUNT(usage); i++)
		if (strcmp(w[0], usage[i][0]) == 0)
			return lib_err_set(err, "usage: %s", usage[i][1]);
	for (size_t i = 0; i < COUNT(strings); i++)
		if (strcmp(w[0], strings[i].name) == 0)
			return lib_err_set(err, "usage: %s VALUE", w[0]);
	if (strcmp(w[0], "}") == 0)
		return lib_err_set(err, "} without a block");
	return lib_err_set(err, "unknown command: %s", w[0]);
}

static const char *host_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

int frankd_conf_parse(struct frankd_conf *conf, const char *file, const char *base_dir,
		      const char *text, size_t len, struct lib_err *err)
{
	struct config_host host = { host_getenv, NULL, NULL };
	struct config_lines lines;
	if (config_lines_parse(file, text, len, &host, &lines, err) < 0)
		return -1;
	set_string(&conf->file, lib_xstrdup(file));
	struct conf_parser ps = { conf, base_dir, NULL, 0 };
	struct lib_err e;
	int rc = 0;
	for (size_t i = 0; i < lines.count && rc == 0; i++)
		if (command(&ps, &lines.lines[i], &e) < 0)
			rc = lib_err_set(err, "%s:%d: %s", file, lines.lines[i].line, e.msg);
	if (rc == 0 && ps.user)
		rc = lib_err_set(err, "%s:%d: user %s has no closing }", file, ps.user_line,
				 ps.user->name);
	config_lines_release(&lines);
	return rc;
}

/* --- the whole ------------------------------------------------------------------ */

/* By mode (enum frankd_listen_mode): SMTP, submission(s), POP3(s), IMAP(s). */
static void default_listens(struct frankd_conf *conf, int is_root)
{
	static const char *const root_ports[] = { "25", "587", "465", "110", "995", "143", "993" };
	static const char *const user_ports[] = { "2525", "2587", "2465", "2110",
						  "2995", "2143", "2993" };
	enum { NPORTS = sizeof root_ports / sizeof root_ports[0] };
	conf->listens = lib_xcalloc(NPORTS, sizeof *conf->listens);
	for (int i = 0; i < NPORTS; i++)
		conf->listens[i] = (struct frankd_listen){
			lib_xstrdup("*"), lib_xstrdup(is_root ? root_ports[i] : user_ports[i]),
			(enum frankd_listen_mode)i };
	conf->nlistens = NPORTS;
}

static int check_addresses(const struct frankd_conf *conf, struct lib_err *err)
{
	for (size_t i = 0; i < conf->nusers; i++) {
		const struct frankd_user *u = &conf->users[i];
		for (size_t j = 0; j < u->naddresses; j++) {
			const char *a = u->addresses[j];
			if (!frankd_conf_is_local_domain(conf, frankd_address_domain(a)))
				return lib_err_set(err, "user %s: %s is not in a local domain "
							"(add: domain %s)",
						   u->name, a, frankd_address_domain(a));
			for (size_t k = 0; k < i; k++)
				for (size_t m = 0; m < conf->users[k].naddresses; m++)
					if (strcasecmp(conf->users[k].addresses[m], a) == 0)
						return lib_err_set(err, "%s belongs to users %s and %s",
								   a, conf->users[k].name, u->name);
		}
	}
	return 0;
}

int frankd_conf_finish(struct frankd_conf *conf, const char *base_dir, int is_root,
		       struct lib_err *err)
{
	const char *file = conf->file ? conf->file : "frankd.conf";
	const char *dir = base_dir ? base_dir : ".";
	if (!conf->hostname) {
		char host[256] = "";
		if (gethostname(host, sizeof host - 1) < 0 || !host[0])
			strcpy(host, "localhost");
		conf->hostname = lib_xstrdup(host);
	}
	if (!conf->nlistens)
		default_listens(conf, is_root);
	if (!conf->certificate && !conf->key) {
		conf->certificate = lib_xasprintf("%s/frankd.crt", dir);
		conf->key = lib_xasprintf("%s/frankd.key", dir);
	}
	if (!conf->certificate || !conf->key)
		return lib_err_set(err, "%s: certificate and key go together (give both or none)",
				   file);
	if (!conf->password_file)
		conf->password_file = lib_xasprintf("%s/passwords", dir);
	if (!conf->queue_dir)
		conf->queue_dir = is_root ? lib_xstrdup("/var/spool/frankd")
					  : lib_xasprintf("%s/queue", dir);
	if (!conf->postmaster && conf->nusers)
		conf->postmaster = lib_xstrdup(conf->users[0].name);
	if (conf->postmaster && !frankd_conf_user(conf, conf->postmaster))
		return lib_err_set(err, "%s: postmaster: there is no user %s", file,
				   conf->postmaster);
	struct lib_err e;
	if (check_addresses(conf, &e) < 0)
		return lib_err_set(err, "%s: %s", file, e.msg);
	return 0;
}

struct frankd_conf *frankd_conf_load(const char *path, int is_root, struct lib_err *err)
{
	char *text = NULL, *dir = frankd_dirname(path), *real = realpath(dir, NULL);
	size_t len = 0;
	struct frankd_conf *conf = frankd_conf_new();
	const char *base = real ? real : dir;
	int rc = lib_read_file(path, CONF_MAX_BYTES, &text, &len, err);
	if (rc == 0)
		rc = frankd_conf_parse(conf, path, base, text, len, err);
	if (rc == 0)
		rc = frankd_conf_finish(conf, base, is_root, err);
	if (text)
		lib_secure_zero(text, len);
	free(text);
	free(dir);
	free(real);
	if (rc < 0) {
		frankd_conf_free(conf);
		return NULL;
	}
	return conf;
}

/* --- the tables, for frankd(8) and "frankd --help-config" ------------------------ */

static void describe(const struct conf_number *n, const char *prefix, struct lib_buf *out)
{
	char value[32];
	unsigned long long v = n->fallback;
	if (n->unit == UNIT_BYTES && v % (1024 * 1024) == 0)
		snprintf(value, sizeof value, "%lluM", v / (1024 * 1024));
	else if (n->unit == UNIT_SECONDS && v % 86400 == 0 && v)
		snprintf(value, sizeof value, "%llud", v / 86400);
	else if (n->unit == UNIT_SECONDS && v % 3600 == 0 && v)
		snprintf(value, sizeof value, "%lluh", v / 3600);
	else if (n->unit == UNIT_SECONDS && v % 60 == 0 && v)
		snprintf(value, sizeof value, "%llum", v / 60);
	else if (n->unit == UNIT_SECONDS)
		snprintf(value, sizeof value, "%llus", v);
	else
		snprintf(value, sizeof value, "%llu", v);
	lib_buf_printf(out, "%s %s %s\t%s\n", prefix, n->name, value, n->help);
}

void frankd_conf_describe(struct lib_buf *out)
{
	for (size_t i = 0; i < COUNT(limits); i++)
		describe(&limits[i], "limit", out);
	for (size_t i = 0; i < COUNT(retries); i++)
		describe(&retries[i], "retry", out);
}
