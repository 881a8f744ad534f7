/* options.c: the option tables (NeoMutt's way: one row per option with its
 * type, default, checks and help) and setting options from text.  "set",
 * the defaults and the option list of frankrc(5) all come from these rows. */
#include "config_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define G(field) offsetof(struct config_globals, field)
#define A(field) offsetof(struct config_account, field)

static const char *const sort_values[] = { "date", "thread", NULL };

/* Letters, digits, '.', '-', '_': names of accounts and key maps, which
 * also become file names, so no '/'. */
int config_name_check(const char *value, struct lib_err *err)
{
	if (!*value)
		return lib_err_set(err, "empty name");
	for (const char *p = value; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			return lib_err_set(err, "bad name \"%s\" (letters, digits, '.', '-', '_')",
					   value);
	if (value[0] == '.')
		return lib_err_set(err, "bad name \"%s\" (it may not start with '.')", value);
	return 0;
}

/* RFC 5322 field-name = 1*ftext; ftext = %d33-57 / %d59-126 */
static int header_name_check(const char *value, struct lib_err *err)
{
	for (const char *p = value; *p; p++)
		if (*p < 33 || *p > 126 || *p == ':')
			return lib_err_set(err, "not a header name: %s", value);
	return 0;
}

static int host_check(const char *value, struct lib_err *err)
{
	for (const char *p = value; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == ':'))
			return lib_err_set(err, "not a host name or address: %s", value);
	return 0;
}

static const struct config_option global_options[] = {
	{ "default_account", CONFIG_OPT_STRING, G(default_account), NULL, "the first account",
	  NULL, 0, 0, 0, 0, config_name_check,
	  "The account frank opens, and sends with, unless told otherwise." },
	{ "mail_root", CONFIG_OPT_PATH, G(mail_root), "~/Mail", NULL, NULL, 0, 0, 0,
	  CONFIG_OPT_REQUIRED, NULL,
	  "The folder under which each account's mail is kept, one Maildir per folder, with "
	  "one notmuch index and the verdicts; frank opens it when no -f is given." },
	{ "editor", CONFIG_OPT_STRING, G(editor), NULL, "$VISUAL, else $EDITOR, else vi", NULL, 0,
	  0, 0, 0, NULL,
	  "The command that edits a message being written." },
	{ "sort", CONFIG_OPT_ENUM, G(sort), "date", NULL, sort_values, 0, 0, 0, 0, NULL,
	  "The order of the index when frank starts (o changes it)." },
	{ "sidebar_visible", CONFIG_OPT_BOOL, G(sidebar_visible), "no", NULL, NULL, 0, 0, 0, 0,
	  NULL, "Show the sidebar of accounts and folders when frank starts (B toggles it)." },
	{ "keymap", CONFIG_OPT_STRING, G(keymap), "default", NULL, NULL, 0, 0, 0,
	  CONFIG_OPT_REQUIRED, config_name_check,
	  "The key map laid over the default keys: NAME.keys from the keymaps folder, such as "
	  "vim; default adds nothing.  Your bind lines come after it." },
	{ "date_format", CONFIG_OPT_STRING, G(date_format), "%b %d", NULL, NULL, 0, 0, 0,
	  CONFIG_OPT_REQUIRED, NULL,
	  "The strftime(3) format of %d in index_format." },
	{ "index_format", CONFIG_OPT_STRING, G(index_format), NULL,
	  "%4C %Z %-2B%d  %-13.13L (%5c)%X %s, the sender's column 8 to 20 wide as the screen allows",
	  NULL, 0, 0, 0, 0, NULL,
	  "The line of each message in the index, mutt's way: %C number, %Z flags, %B badge, "
	  "%d date (date_format), %{FMT} date (strftime), %L or %n sender, %a address, "
	  "%s subject, %c size, %l lines, %X attachment mark, %?l?IF&ELSE? when set." },
	{ "pager_headers", CONFIG_OPT_LIST, G(pager_headers), "Date From To Cc Subject", NULL,
	  NULL, 0, 0, 0, 0, header_name_check,
	  "The headers the pager shows, in this order (not used yet: the pager shows these "
	  "five)." },
	{ "signature", CONFIG_OPT_PATH, G(signature), NULL, NULL, NULL, 0, 0, 0, 0, NULL,
	  "A file added to the end of new messages, unless the account has its own." },
	{ "timeout", CONFIG_OPT_NUMBER, G(timeout), "30", NULL, NULL, 1, 3600, 0, 0, NULL,
	  "Seconds to wait for a server before giving up (frank sync, frank send)." },
	{ "dns_zone_file", CONFIG_OPT_PATH, G(dns_zone_file), NULL, NULL, NULL, 0, 0, 0, 0, NULL,
	  "A zone file (RFC 1035 master file) whose records answer before DNS does when "
	  "messages are verified on arrival (frank sync, frank verify --account)." },
	{ "dns_offline", CONFIG_OPT_BOOL, G(dns_offline), "no", NULL, NULL, 0, 0, 0, 0, NULL,
	  "Answer every DNS query of verification from dns_zone_file alone, never the "
	  "network: a name it does not hold does not exist (the offline demo)." },
	{ "sync_on_start", CONFIG_OPT_BOOL, G(sync_on_start), "yes", NULL, NULL, 0, 0, 0, 0, NULL,
	  "When frank starts with accounts, sync them in the background (frank sync in a "
	  "child process; progress in the status line), as $ does." },
	{ "imap_idle", CONFIG_OPT_BOOL, G(imap_idle), "yes", NULL, NULL, 0, 0, 0, 0, NULL,
	  "While frank runs, keep each IMAP account's inbox current with IMAP IDLE (a frank "
	  "sync --idle child per account), so new mail appears without a key press." },
	{ "prefer_html", CONFIG_OPT_BOOL, G(prefer_html), "no", NULL, NULL, 0, 0, 0, 0, NULL,
	  "Show the HTML of a multipart/alternative message rather than its text/plain." },
	{ "mailcap_path", CONFIG_OPT_STRING, G(mailcap_path), "~/.mailcap:/etc/mailcap", NULL,
	  NULL, 0, 0, 0, 0, NULL,
	  "The mailcap files (RFC 1524), colon-separated, whose copiousoutput entries show "
	  "text/html and other parts as text (w3m -dump); empty: the built-in HTML renderer." },
	{ "url_command", CONFIG_OPT_STRING, G(url_command), "xdg-open", NULL, NULL, 0, 0, 0,
	  CONFIG_OPT_REQUIRED, NULL,
	  "The command that opens a URL picked from the URL list: words split at spaces, "
	  "the URL one more argument (or in place of %s), never through a shell." },
};

static const struct config_option account_options[] = {
	{ "realname", CONFIG_OPT_STRING, A(realname), NULL, "the name in from", NULL, 0, 0, 0, 0,
	  NULL, "Your name, as messages from this account show it." },
	{ "from", CONFIG_OPT_ADDRESS, A(from), NULL, NULL, NULL, 0, 0, 0, 0, NULL,
	  "Your address: local@domain, or Name <local@domain>.  Required." },
	{ "signature", CONFIG_OPT_PATH, A(signature), NULL, "the global signature", NULL, 0, 0, 0,
	  0, NULL, "A file added to the end of messages from this account." },
	{ "source", CONFIG_OPT_URL, A(source), NULL, NULL, NULL, 0, 0, CONFIG_SCHEMES_SOURCE, 0,
	  NULL,
	  "Where mail is read: imap://USER@HOST[:PORT][/FOLDER] (STARTTLS), imaps://... "
	  "(TLS), pop://USER@HOST[:PORT] (STARTTLS) or pops://... (TLS).  Required." },
	{ "smtp", CONFIG_OPT_URL, A(smtp), NULL, NULL, NULL, 0, 0, CONFIG_SCHEMES_SUBMISSION, 0,
	  NULL,
	  "Where mail is sent: smtp://[USER@]HOST[:PORT] (port 587, STARTTLS) or "
	  "smtps://[USER@]HOST[:PORT] (port 465, TLS); USER defaults to the source's." },
	{ "folder_inbox", CONFIG_OPT_STRING, A(folder_inbox), "INBOX", NULL, NULL, 0, 0, 0,
	  CONFIG_OPT_REQUIRED, NULL, "The server's folder of new mail." },
	{ "folder_sent", CONFIG_OPT_STRING, A(folder_sent), "Sent", NULL, NULL, 0, 0, 0,
	  CONFIG_OPT_REQUIRED, NULL, "The server's folder for copies of sent messages." },
	{ "folder_drafts", CONFIG_OPT_STRING, A(folder_drafts), "Drafts", NULL, NULL, 0, 0, 0,
	  CONFIG_OPT_REQUIRED, NULL, "The server's folder for messages being written." },
	{ "folder_trash", CONFIG_OPT_STRING, A(folder_trash), "Trash", NULL, NULL, 0, 0, 0,
	  CONFIG_OPT_REQUIRED, NULL, "The server's folder for deleted messages." },
	{ "tls_fingerprint", CONFIG_OPT_FINGERPRINT, A(tls_fingerprint), NULL, NULL, NULL, 0, 0,
	  0, 0, NULL,
	  "Pin the servers' certificate: its SHA-256 fingerprint as 32 hex pairs "
	  "(AB:CD:...), as openssl x509 -fingerprint -sha256 prints it." },
	{ "tls_ca_file", CONFIG_OPT_PATH, A(tls_ca_file), NULL, "the system's", NULL, 0, 0, 0, 0,
	  NULL, "A file of CA certificates (PEM) that verify the servers' certificates." },
	{ "passcmd", CONFIG_OPT_COMMAND, A(passcmd), NULL, NULL, NULL, 0, 0, 0, 0, NULL,
	  "A command whose first line of output is the password, run with /bin/sh -c, such as "
	  "pass show mail/work." },
	{ "password", CONFIG_OPT_SECRET, A(password), NULL, NULL, NULL, 0, 0, 0, 0, NULL,
	  "The password itself (an app password); refused unless only you can read the file.  "
	  "Without passcmd or password, frank asks once per run." },
	{ "allow_plaintext_loopback", CONFIG_OPT_BOOL, A(allow_plaintext_loopback), "no", NULL,
	  NULL, 0, 0, 0, 0, NULL,
	  "Allow logging in without TLS, only to 127.0.0.1, ::1 or localhost (tests, local "
	  "daemons)." },
	{ "leave_on_server", CONFIG_OPT_BOOL, A(leave_on_server), "yes", NULL, NULL, 0, 0, 0, 0,
	  NULL,
	  "POP3: leave messages on the server after fetching them; with no, each is deleted "
	  "there once its copy here is safely on disk." },
	{ "size_limit", CONFIG_OPT_NUMBER, A(size_limit_mb), "25", NULL, NULL, 1, 2048, 0, 0,
	  NULL,
	  "The largest message the account's server takes, in megabytes (25 is the common "
	  "provider limit): a bigger one is not sent, or, in the client, only once you say so." },
	{ "authserv_ids", CONFIG_OPT_LIST, A(authserv_ids), NULL, NULL, NULL, 0, 0, 0, 0, NULL,
	  "The authserv-ids of Authentication-Results headers to trust: your provider's (such "
	  "as mx.example.org); others are ignored." },
	{ "trusted_received_host", CONFIG_OPT_STRING, A(trusted_received_host), NULL, NULL, NULL,
	  0, 0, 0, 0, host_check,
	  "Your provider's boundary host: the Received header it adds gives the sending IP "
	  "that SPF checks." },
};

#define NGLOBAL (sizeof global_options / sizeof global_options[0])
#define NACCOUNT (sizeof account_options / sizeof account_options[0])

static const struct config_option *table(int account, size_t *n)
{
	*n = account ? NACCOUNT : NGLOBAL;
	return account ? account_options : global_options;
}

const struct config_option *config_option_find(int account, const char *name)
{
	size_t n;
	const struct config_option *t = table(account, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

size_t config_option_global_index(const struct config_option *o)
{
	if (o >= global_options && o < global_options + NGLOBAL)
		return (size_t)(o - global_options);
	return (size_t)-1;
}

size_t config_option_global_count(void)
{
	return NGLOBAL;
}

#define SLOT(o, base, type) ((type *)(void *)((char *)(base) + (o)->offset))

void config_secret_free(char *s)
{
	if (s)
		lib_secure_zero(s, strlen(s));
	free(s);
}

void config_buf_wipe(struct lib_buf *b)
{
	if (b->data)
		lib_secure_zero(b->data, b->cap);
	lib_buf_release(b);
}

static void list_release(struct config_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

/* Frees what an option holds and leaves it empty (0, NULL). */
static void clear(const struct config_option *o, void *base)
{
	switch (o->type) {
	case CONFIG_OPT_BOOL:
	case CONFIG_OPT_ENUM: *SLOT(o, base, int) = 0; break;
	case CONFIG_OPT_NUMBER: *SLOT(o, base, long) = 0; break;
	case CONFIG_OPT_STRING:
	case CONFIG_OPT_PATH:
	case CONFIG_OPT_COMMAND:
		free(*SLOT(o, base, char *));
		*SLOT(o, base, char *) = NULL;
		break;
	case CONFIG_OPT_SECRET:
		config_secret_free(*SLOT(o, base, char *));
		*SLOT(o, base, char *) = NULL;
		break;
	case CONFIG_OPT_ADDRESS: config_address_release(SLOT(o, base, struct config_address)); break;
	case CONFIG_OPT_URL: config_url_release(SLOT(o, base, struct config_url)); break;
	case CONFIG_OPT_FINGERPRINT:
		memset(SLOT(o, base, struct config_fingerprint), 0, sizeof(struct config_fingerprint));
		break;
	case CONFIG_OPT_LIST: list_release(SLOT(o, base, struct config_list)); break;
	}
}

static int parse_bool(const char *text, int *value)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(text, yes[i]) == 0)
			return *value = 1, 0;
		if (strcasecmp(text, no[i]) == 0)
			return *value = 0, 0;
	}
	return -1;
}

static int set_number(const struct config_option *o, void *base, const char *text,
		      struct lib_err *err)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	const char *digits = text + (text[0] == '-');
	if (*digits < '0' || *digits > '9' || *end || errno)
		return lib_err_set(err, "%s: not a number: %s", o->name, text);
	if (v < o->min || v > o->max)
		return lib_err_set(err, "%s: %ld is out of range (%ld to %ld)", o->name, v, o->min,
				   o->max);
	*SLOT(o, base, long) = v;
	return 0;
}

static int set_enum(const struct config_option *o, void *base, const char *text,
		    struct lib_err *err)
{
	for (int i = 0; o->values[i]; i++) {
		if (strcmp(o->values[i], text) == 0) {
			*SLOT(o, base, int) = i;
			return 0;
		}
	}
	struct lib_buf names = LIB_BUF_INIT;
	for (int i = 0; o->values[i]; i++)
		lib_buf_printf(&names, "%s%s", i ? ", " : "", o->values[i]);
	lib_err_set(err, "%s: unknown value %s (values: %s)", o->name, text, names.data);
	lib_buf_release(&names);
	return -1;
}

static int set_list(const struct config_option *o, void *base, const char *text,
		    struct lib_err *err)
{
	struct config_list l = { NULL, 0 };
	for (const char *p = text; *p;) {
		p += strspn(p, ", \t");
		size_t n = strcspn(p, ", \t");
		if (!n)
			break;
		char *item = lib_xstrndup(p, n);
		struct lib_err e;
		if (o->check && o->check(item, &e) < 0) {
			free(item);
			list_release(&l);
			return lib_err_set(err, "%s: %s", o->name, e.msg);
		}
		l.items = lib_xrealloc(l.items, (l.count + 1) * sizeof *l.items);
		l.items[l.count++] = item;
		p += n;
	}
	list_release(SLOT(o, base, struct config_list));
	*SLOT(o, base, struct config_list) = l;
	return 0;
}

/* Types whose value is a string kept as written. */
static int set_string(const struct config_option *o, void *base, const char *text,
		      struct lib_err *err)
{
	struct lib_err e;
	if (*text && o->check && o->check(text, &e) < 0)
		return lib_err_set(err, "%s: %s", o->name, e.msg);
	clear(o, base);
	*SLOT(o, base, char *) = *text ? lib_xstrdup(text) : NULL;
	return 0;
}

/* Types that parse their text into a structure. */
static int set_structured(const struct config_option *o, void *base, const char *text,
			  struct lib_err *err)
{
	struct lib_err e;
	int rc = 0;
	if (!*text) {
		clear(o, base);
		return 0;
	}
	if (o->type == CONFIG_OPT_ADDRESS)
		rc = config_address_parse(text, SLOT(o, base, struct config_address), &e);
	else if (o->type == CONFIG_OPT_URL)
		rc = config_url_parse(text, o->schemes, SLOT(o, base, struct config_url), &e);
	else
		rc = config_fingerprint_parse(text, SLOT(o, base, struct config_fingerprint), &e);
	if (rc < 0)
		return lib_err_set(err, "%s: %s", o->name, e.msg);
	return 0;
}

int config_option_set(const struct config_option *o, void *base, const char *text,
		      struct lib_err *err)
{
	if (!*text && (o->flags & CONFIG_OPT_REQUIRED))
		return lib_err_set(err, "%s cannot be empty", o->name);
	switch (o->type) {
	case CONFIG_OPT_BOOL: {
		int v;
		if (parse_bool(text, &v) < 0)
			return lib_err_set(err, "%s: not a boolean: %s (yes or no)", o->name, text);
		*SLOT(o, base, int) = v;
		return 0;
	}
	case CONFIG_OPT_NUMBER: return set_number(o, base, text, err);
	case CONFIG_OPT_ENUM: return set_enum(o, base, text, err);
	case CONFIG_OPT_LIST: return set_list(o, base, text, err);
	case CONFIG_OPT_STRING:
	case CONFIG_OPT_PATH:
	case CONFIG_OPT_COMMAND:
	case CONFIG_OPT_SECRET: return set_string(o, base, text, err);
	case CONFIG_OPT_ADDRESS:
	case CONFIG_OPT_URL:
	case CONFIG_OPT_FINGERPRINT: return set_structured(o, base, text, err);
	}
	return lib_err_set(err, "%s: unknown option type", o->name);
}

int config_option_set_bool(const struct config_option *o, void *base, int value,
			   struct lib_err *err)
{
	if (o->type != CONFIG_OPT_BOOL)
		return lib_err_set(err, "%s is not a boolean (set %s = VALUE)", o->name, o->name);
	*SLOT(o, base, int) = value;
	return 0;
}

int config_option_toggle(const struct config_option *o, void *base, struct lib_err *err)
{
	if (o->type != CONFIG_OPT_BOOL)
		return lib_err_set(err, "%s is not a boolean (set %s = VALUE)", o->name, o->name);
	*SLOT(o, base, int) = !*SLOT(o, base, int);
	return 0;
}

int config_option_unset(const struct config_option *o, void *base, struct lib_err *err)
{
	if (o->type == CONFIG_OPT_BOOL)
		return config_option_set_bool(o, base, 0, err);
	if (o->type == CONFIG_OPT_NUMBER || o->type == CONFIG_OPT_ENUM)
		return lib_err_set(err, "%s cannot be unset (reset %s restores its default)",
				   o->name, o->name);
	return config_option_set(o, base, "", err);
}

void config_option_reset(const struct config_option *o, void *base)
{
	clear(o, base);
	if (o->fallback && config_option_set(o, base, o->fallback, NULL) < 0)
		abort(); /* a default the table's own checks refuse: a bug in the table */
}

void config_options_init(int account, void *base)
{
	size_t n;
	const struct config_option *t = table(account, &n);
	for (size_t i = 0; i < n; i++)
		config_option_reset(&t[i], base);
}

void config_options_release(int account, void *base)
{
	size_t n;
	const struct config_option *t = table(account, &n);
	for (size_t i = 0; i < n; i++)
		clear(&t[i], base);
}

void config_options_expand_home(int account, void *base, const char *home)
{
	size_t n;
	const struct config_option *t = table(account, &n);
	for (size_t i = 0; i < n; i++) {
		char **value = SLOT(&t[i], base, char *);
		if (t[i].type != CONFIG_OPT_PATH || !*value || strncmp(*value, "~/", 2) != 0)
			continue;
		char *full = lib_xasprintf("%s%s", home, *value + 1);
		free(*value);
		*value = full;
	}
}

/* --- The table as documentation -------------------------------------------- */

static const char *type_name(enum config_opt_type type)
{
	switch (type) {
	case CONFIG_OPT_BOOL: return "boolean";
	case CONFIG_OPT_NUMBER: return "number";
	case CONFIG_OPT_STRING: return "string";
	case CONFIG_OPT_PATH: return "path";
	case CONFIG_OPT_ENUM: return "enumeration";
	case CONFIG_OPT_ADDRESS: return "address";
	case CONFIG_OPT_URL: return "URL";
	case CONFIG_OPT_FINGERPRINT: return "fingerprint";
	case CONFIG_OPT_COMMAND: return "command";
	case CONFIG_OPT_SECRET: return "password";
	case CONFIG_OPT_LIST: return "list";
	}
	return "";
}

size_t config_option_count(void)
{
	return NGLOBAL + NACCOUNT;
}

void config_option_info(size_t i, struct config_option_info *info)
{
	int account = i >= NGLOBAL;
	const struct config_option *o = account ? &account_options[i - NGLOBAL]
						: &global_options[i];
	info->name = o->name;
	info->type = type_name(o->type);
	info->fallback = o->doc_fallback ? o->doc_fallback : o->fallback ? o->fallback : "";
	info->values = o->values;
	info->help = o->help;
	info->account = account;
}
