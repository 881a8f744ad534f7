/* test_config_rc.c: unit tests of the frankrc language (src/config): words
 * and quoting, options from their table, accounts, bind/macro/color, the
 * values with a structure (URLs, addresses, fingerprints), a table of
 * malformed files each with its exact "file:line: message", and passwords
 * from real shell commands. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* --- a host with a fixed environment and files in memory -------------------- */

static const char *const fake_env[][2] = {
	{ "HOME", "/home/alice" },
	{ "USER", "alice" },
	{ "MAILHOST", "imap.example.org" },
	{ "EMPTY", "" },
	{ "VISUAL", "" },
	{ "EDITOR", "nano" },
	{ "WITH_ESC", "a\033b" },
};

static const char *fake_getenv(void *ctx, const char *name)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof fake_env / sizeof fake_env[0]; i++)
		if (strcmp(fake_env[i][0], name) == 0)
			return fake_env[i][1];
	return NULL;
}

static const char *const fake_files[][2] = {
	{ "colors.rc", "color normal white black\ncolor status red default\n" },
	{ "bad.rc", "# line 1\nset foo = 1\n" },
	{ "public.rc", "account p {\nset from = p@example.org\nset source = imap://p@h\n"
		       "set password = secret\n}\n" },
};

static int fake_source(void *ctx, struct config *cfg, const char *from, int line,
		       const char *path, struct lib_err *err);

static const struct config_host fake_host = { fake_getenv, fake_source, NULL };

/* public.rc is the one file others can read. */
static int fake_source(void *ctx, struct config *cfg, const char *from, int line,
		       const char *path, struct lib_err *err)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof fake_files / sizeof fake_files[0]; i++)
		if (strcmp(fake_files[i][0], path) == 0)
			return config_parse(cfg, path, strcmp(path, "public.rc") != 0,
					    fake_files[i][1], strlen(fake_files[i][1]), &fake_host,
					    err);
	return lib_err_set(err, "%s:%d: source %s: No such file or directory", from, line, path);
}

/* Parses text as a private file t.rc, then config_finish.  Returns the
 * config, or NULL with err set. */
static struct config *parse(const char *text, size_t len, int private, struct lib_err *err)
{
	struct config *cfg = config_new();
	if (config_parse(cfg, "t.rc", private, text, len, &fake_host, err) < 0 ||
	    config_finish(cfg, &fake_host, err) < 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

static struct config *parse_ok(const char *text)
{
	struct lib_err err = { "" };
	struct config *cfg = parse(text, strlen(text), 1, &err);
	if (!cfg)
		fail_msg("refused: %s", err.msg);
	return cfg;
}

/* --- defaults and the option table -------------------------------------- */

static void defaults_are_the_documented_ones(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("");
	assert_string_equal(cfg->opt.mail_root, "/home/alice/Mail");
	assert_string_equal(cfg->opt.editor, "nano"); /* VISUAL is empty */
	assert_int_equal(cfg->opt.sort, CONFIG_SORT_DATE);
	assert_int_equal(cfg->opt.sidebar_visible, 0);
	assert_string_equal(cfg->opt.keymap, "default");
	assert_string_equal(cfg->opt.date_format, "%b %d");
	assert_int_equal(cfg->opt.pager_headers.count, 5);
	assert_string_equal(cfg->opt.pager_headers.items[4], "Subject");
	assert_null(cfg->opt.signature);
	assert_int_equal(cfg->opt.timeout, 30);
	assert_null(cfg->opt.dns_zone_file);
	assert_null(cfg->opt.default_account);
	assert_int_equal(cfg->naccounts, 0);
	assert_null(config_default_account(cfg));
	config_free(cfg);
}

/* Without ~ expansion (config_new alone), mail_root is as the table has it. */
static void defaults_without_a_host(void **state)
{
	(void)state;
	struct config *cfg = config_new();
	struct lib_err err;
	assert_int_equal(config_finish(cfg, NULL, &err), 0);
	assert_string_equal(cfg->opt.mail_root, "~/Mail");
	assert_string_equal(cfg->opt.editor, "vi");
	config_free(cfg);
}

static void option_table_is_complete(void **state)
{
	(void)state;
	size_t n = config_option_count(), accounts = 0;
	assert_true(n >= 25);
	for (size_t i = 0; i < n; i++) {
		struct config_option_info info;
		config_option_info(i, &info);
		if (!info.name || !*info.name || !info.type || !*info.type || !info.help ||
		    strlen(info.help) < 10 || !info.fallback)
			fail_msg("row %zu (%s) is incomplete", i, info.name ? info.name : "?");
		/* Globals first, then account options. */
		if (accounts && !info.account)
			fail_msg("row %zu (%s): a global option after account ones", i, info.name);
		accounts += info.account;
		for (size_t j = 0; j < i; j++) {
			struct config_option_info other;
			config_option_info(j, &other);
			if (strcmp(other.name, info.name) == 0 && other.account == info.account)
				fail_msg("option %s is in the table twice", info.name);
		}
	}
	assert_int_equal(accounts, 18);
}

/* Every option can be set to its documented default value, in its place. */
static void every_documented_default_is_a_valid_value(void **state)
{
	(void)state;
	for (size_t i = 0; i < config_option_count(); i++) {
		struct config_option_info info;
		config_option_info(i, &info);
		int prose = strchr(info.fallback, ' ') && strcmp(info.name, "pager_headers") != 0 &&
			    strcmp(info.name, "date_format") != 0;
		if (!*info.fallback || prose)
			continue; /* none, or words such as "the first account" */
		char *text = info.account
				     ? lib_xasprintf("account a {\nset from = a@b.c\nset source = "
						     "imap://u@h\nset %s = \"%s\"\n}\n",
						     info.name, info.fallback)
				     : lib_xasprintf("set %s = \"%s\"\n", info.name, info.fallback);
		struct lib_err err = { "" };
		struct config *cfg = parse(text, strlen(text), 1, &err);
		if (!cfg)
			fail_msg("%s = %s: %s", info.name, info.fallback, err.msg);
		config_free(cfg);
		free(text);
	}
}

/* --- words: quoting, escapes, expansion, comments, continuation ------------ */

struct word_case {
	const char *line;  /* a date_format value */
	const char *value; /* what the option holds */
};

static const struct word_case words[] = {
	{ "set date_format = plain", "plain" },
	{ "set date_format = \"two words\"", "two words" },
	{ "set date_format = 'single $HOME \\n'", "single $HOME \\n" },
	{ "set date_format = \"a \\\"quoted\\\" b\"", "a \"quoted\" b" },
	{ "set date_format = \"back\\\\slash\"", "back\\slash" },
	{ "set date_format = \"tab\\there\"", "tab\there" },
	{ "set date_format = joined\"quoted part\"'single'", "joinedquoted partsingle" },
	{ "set date_format = escaped\\ space", "escaped space" },
	{ "set date_format = \\#not-a-comment", "#not-a-comment" },
	{ "set date_format = a#b", "a#b" },
	{ "set date_format = x # a comment", "x" },
	{ "set date_format=no-blanks", "no-blanks" },
	{ "set date_format= \"after\"", "after" },
	{ "set date_format =\"=\"", "=" },
	{ "set date_format = $USER", "alice" },
	{ "set date_format = \"${USER}s mail\"", "alices mail" },
	{ "set date_format = \"$USER@$MAILHOST\"", "alice@imap.example.org" },
	{ "set date_format = x$EMPTY.y", "x.y" },
	{ "set date_format = \"costs $5, ends in $\"", "costs $5, ends in $" },
	{ "set date_format = \\$USER", "$USER" },
	{ "set date_format = ~", "/home/alice" },
	{ "set date_format = ~/Mail", "/home/alice/Mail" },
	{ "set date_format = \"~/quoted\"", "~/quoted" },
	{ "set date_format = ~alice/x", "~alice/x" },
	{ "set date_format = a~/b", "a~/b" },
	{ "set date_format = \"%a, %d %b\"", "%a, %d %b" },
	{ "set date_format = caf\xC3\xA9", "caf\xC3\xA9" },
	{ "\t  set   date_format   =   spaced   ", "spaced" },
	{ "set date_format = con\\\ntinued", "continued" },
	{ "set date_format = \\\n  next-line", "next-line" },
	{ "set date_format = crlf\r", "crlf" },
	{ "set date_format = \"\\\\\"\\\n", "\\" },
};

static void words_quote_escape_and_expand(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		struct lib_err err = { "" };
		struct config *cfg = parse(words[i].line, strlen(words[i].line), 1, &err);
		if (!cfg)
			fail_msg("case %zu (%s): refused: %s", i, words[i].line, err.msg);
		if (strcmp(cfg->opt.date_format, words[i].value) != 0)
			fail_msg("case %zu (%s): value [%s], want [%s]", i, words[i].line,
				 cfg->opt.date_format, words[i].value);
		config_free(cfg);
	}
}

/* A continued line counts from its first line; the next from its own. */
static void continued_lines_keep_line_numbers(void **state)
{
	(void)state;
	const char *text = "set sort = \\\n  date\nbind index \\\n j \\\n next-entry\n\n"
			   "bind pager k previous-line\n";
	struct config *cfg = parse_ok(text);
	assert_int_equal(cfg->keys.count, 2);
	assert_int_equal(cfg->keys.bindings[0].line, 3);
	assert_int_equal(cfg->keys.bindings[1].line, 7);
	config_free(cfg);
}

/* --- set, unset, toggle, reset ------------------------------------------------ */

static void set_forms_of_mutt(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("set sidebar_visible\n");
	assert_int_equal(cfg->opt.sidebar_visible, 1);
	config_free(cfg);
	cfg = parse_ok("set sidebar_visible\nset nosidebar_visible\n");
	assert_int_equal(cfg->opt.sidebar_visible, 0);
	config_free(cfg);
	cfg = parse_ok("set invsidebar_visible\n");
	assert_int_equal(cfg->opt.sidebar_visible, 1);
	config_free(cfg);
	cfg = parse_ok("toggle sidebar_visible\ntoggle sidebar_visible\ntoggle sidebar_visible\n");
	assert_int_equal(cfg->opt.sidebar_visible, 1);
	config_free(cfg);
	cfg = parse_ok("set sidebar_visible = yes\nunset sidebar_visible\n");
	assert_int_equal(cfg->opt.sidebar_visible, 0);
	config_free(cfg);
	cfg = parse_ok("set sidebar_visible=ON timeout=90 sort=thread\n");
	assert_int_equal(cfg->opt.sidebar_visible, 1);
	assert_int_equal(cfg->opt.timeout, 90);
	assert_int_equal(cfg->opt.sort, CONFIG_SORT_THREAD);
	config_free(cfg);
	cfg = parse_ok("set timeout = 5 sort = thread\nreset timeout sort\n");
	assert_int_equal(cfg->opt.timeout, 30);
	assert_int_equal(cfg->opt.sort, CONFIG_SORT_DATE);
	config_free(cfg);
	cfg = parse_ok("set mail_root = /m\nreset mail_root\nset signature = \"~/quoted\"\n"
		       "set date_format = \"~/quoted\"\n");
	assert_string_equal(cfg->opt.mail_root, "/home/alice/Mail");
	assert_string_equal(cfg->opt.signature, "/home/alice/quoted"); /* a path */
	assert_string_equal(cfg->opt.date_format, "~/quoted");	       /* not a path */
	config_free(cfg);
	cfg = parse_ok("set signature = ~/sig\nunset signature\nset dns_zone_file = \"\"\n");
	assert_null(cfg->opt.signature);
	assert_null(cfg->opt.dns_zone_file);
	config_free(cfg);
	cfg = parse_ok("set pager_headers = \"From, Subject X-Mailer\"\n");
	assert_int_equal(cfg->opt.pager_headers.count, 3);
	assert_string_equal(cfg->opt.pager_headers.items[2], "X-Mailer");
	config_free(cfg);
	cfg = parse_ok("set editor = \"vim +/^$\"\n");
	assert_string_equal(cfg->opt.editor, "vim +/^$");
	config_free(cfg);
}

static void later_set_wins_and_origin_is_kept(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("set mail_root = /a\n\nset mail_root = /b\n");
	assert_string_equal(cfg->opt.mail_root, "/b");
	size_t row = 0;
	struct config_option_info info;
	for (; row < config_option_count(); row++) {
		config_option_info(row, &info);
		if (strcmp(info.name, "mail_root") == 0)
			break;
	}
	assert_string_equal(cfg->opt_origin[row].file, "t.rc");
	assert_int_equal(cfg->opt_origin[row].line, 3);
	config_free(cfg);
}

/* --- accounts -------------------------------------------------------------------- */

static const char two_accounts[] =
	"account work {\n"
	"  set realname = \"Alice Example\"\n"
	"  set from = alice@example.org\n"
	"  set source = imaps://alice%40example.org@imap.example.org\n"
	"  set smtp = smtp://alice%40example.org@smtp.example.org:587\n"
	"  set passcmd = \"pass show mail/work\"\n"
	"  set folder_sent = \"Sent Items\"\n"
	"  set tls_fingerprint = "
	"3b:5f:1c:0e:9a:7d:42:88:61:f0:23:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:"
	"ef:01:23\n"
	"  set tls_ca_file = ~/ca.pem\n"
	"  set authserv_ids = \"mx.example.org, mx2.example.org\"\n"
	"  set trusted_received_host = mx.example.org\n"
	"  set signature = ~/sig.work\n"
	"}\n"
	"account home {\n"
	"  set from = \"Alice Home <alice@home.example>\"\n"
	"  set source = pop://alice@[::1]:1110\n"
	"  set password = app-password\n"
	"  set allow_plaintext_loopback\n"
	"}\n"
	"set default_account = home\n";

static void accounts_hold_their_settings(void **state)
{
	(void)state;
	struct config *cfg = parse_ok(two_accounts);
	assert_int_equal(cfg->naccounts, 2);
	const struct config_account *w = config_account_find(cfg, "work");
	assert_non_null(w);
	assert_string_equal(w->file, "t.rc");
	assert_int_equal(w->line, 1);
	assert_string_equal(w->realname, "Alice Example");
	assert_string_equal(w->from.address, "alice@example.org");
	assert_null(w->from.name);
	assert_int_equal(w->source.scheme, CONFIG_SCHEME_IMAPS);
	assert_string_equal(w->source.user, "alice@example.org");
	assert_string_equal(w->source.host, "imap.example.org");
	assert_int_equal(w->source.port, 993);
	assert_int_equal(w->source.implicit_tls, 1);
	assert_int_equal(w->smtp.scheme, CONFIG_SCHEME_SMTP);
	assert_int_equal(w->smtp.port, 587);
	assert_int_equal(w->smtp.implicit_tls, 0);
	assert_string_equal(w->passcmd, "pass show mail/work");
	assert_null(w->password);
	assert_string_equal(w->folder_inbox, "INBOX");
	assert_string_equal(w->folder_sent, "Sent Items");
	assert_string_equal(w->folder_drafts, "Drafts");
	assert_string_equal(w->folder_trash, "Trash");
	assert_int_equal(w->tls_fingerprint.set, 1);
	assert_int_equal(w->tls_fingerprint.sha256[0], 0x3B);
	assert_int_equal(w->tls_fingerprint.sha256[31], 0x23);
	assert_string_equal(w->tls_ca_file, "/home/alice/ca.pem");
	assert_int_equal(w->authserv_ids.count, 2);
	assert_string_equal(w->authserv_ids.items[1], "mx2.example.org");
	assert_string_equal(w->trusted_received_host, "mx.example.org");
	assert_string_equal(w->signature, "/home/alice/sig.work");
	assert_int_equal(w->allow_plaintext_loopback, 0);

	const struct config_account *h = config_account_find(cfg, "home");
	assert_non_null(h);
	assert_int_equal(h->line, 14);
	assert_string_equal(h->realname, "Alice Home"); /* from the display name */
	assert_string_equal(h->from.address, "alice@home.example");
	assert_int_equal(h->source.scheme, CONFIG_SCHEME_POP);
	assert_string_equal(h->source.host, "::1");
	assert_int_equal(h->source.port, 1110);
	assert_string_equal(h->password, "app-password");
	assert_int_equal(h->smtp.scheme, CONFIG_SCHEME_NONE);
	assert_int_equal(h->allow_plaintext_loopback, 1);
	assert_int_equal(h->tls_fingerprint.set, 0);
	assert_ptr_equal(config_default_account(cfg), h);
	assert_null(config_account_find(cfg, "nope"));
	config_free(cfg);
}

static void first_account_is_the_default(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("account b {\nset from=b@x.org\nset source=imap://b@x.org\n}\n"
				      "account a {\nset from=a@x.org\nset source=imap://a@x.org\n}\n");
	assert_string_equal(config_default_account(cfg)->name, "b");
	config_free(cfg);
}

/* --- bind, macro, color, source -------------------------------------------------- */

static void bindings_macros_and_colors(void **state)
{
	(void)state;
	const char *text = "bind index,pager \\Cn next-entry\n"
			   "macro index x \"<first-entry>\\e\" \"go to the top\"\n"
			   "macro pager,index <f5> 'abc'\n"
			   "color indicator brightwhite color17\n"
			   "color index red default \"~N ~f alice\"\n"
			   "color header BrightRed Default \"^(From|Subject):\"\n"
			   "source colors.rc\n";
	struct config *cfg = parse_ok(text);
	assert_int_equal(cfg->keys.count, 2);
	assert_string_equal(cfg->keys.bindings[1].menu, "pager");
	assert_int_equal(cfg->keys.bindings[1].key, 14);
	assert_string_equal(cfg->keys.bindings[1].source, "t.rc");
	assert_int_equal(cfg->nmacros, 3);
	assert_string_equal(cfg->macros[0].keys, "<first-entry>\\e");
	assert_string_equal(cfg->macros[0].description, "go to the top");
	assert_int_equal(cfg->macros[1].key, CONFIG_KEY_F0 + 5);
	assert_string_equal(cfg->macros[2].menu, "index");
	assert_null(cfg->macros[2].description);
	assert_int_equal(cfg->macros[2].line, 3);
	assert_int_equal(cfg->ncolors, 5);
	assert_int_equal(cfg->colors[0].object, CONFIG_COLOR_INDICATOR);
	assert_int_equal(cfg->colors[0].fg, 15);
	assert_int_equal(cfg->colors[0].bg, 17);
	assert_string_equal(cfg->colors[1].pattern, "~N ~f alice");
	assert_int_equal(cfg->colors[2].fg, 9);
	assert_int_equal(cfg->colors[2].bg, CONFIG_COLOR_DEFAULT);
	/* The sourced file's lines, with its own name. */
	assert_int_equal(cfg->colors[4].object, CONFIG_COLOR_STATUS);
	assert_string_equal(cfg->colors[4].source, "colors.rc");
	assert_int_equal(cfg->colors[4].line, 2);
	assert_string_equal(config_color_object_name(CONFIG_COLOR_HDRDEFAULT), "hdrdefault");
	config_free(cfg);
}

/* Repetitions are bounded by the copies regcomp would make, not refused. */
static void color_patterns_within_bounds(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("color body red default \"[+{]+ (ab){2,15}x+\"\n"
				      "color header red default \"\\\\+\\\\{[[:alpha:]]{1,4}+\"\n");
	assert_int_equal(cfg->ncolors, 2);
	assert_string_equal(cfg->colors[0].pattern, "[+{]+ (ab){2,15}x+");
	assert_string_equal(cfg->colors[1].pattern, "\\+\\{[[:alpha:]]{1,4}+");
	config_free(cfg);
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "color body red default ");
	for (int i = 0; i < 257; i++)
		lib_buf_putc(&b, 'a');
	struct lib_err err = { "" };
	assert_null(parse(b.data, b.len, 1, &err));
	assert_string_equal(err.msg, "t.rc:1: pattern too long (limit 256)");
	lib_buf_release(&b);
}

/* --- malformed files: each error with its file:line ------------------------------ */

struct error_case {
	const char *name;
	const char *text;
	size_t len;
	int private;
	const char *msg;
};

#define TXT(s) s, sizeof s - 1
#define ACCT(body) "account a {\nset from = a@example.org\nset source = imap://u@h\n" body "}\n"

static const struct error_case error_cases[] = {
	{ "unknown option", TXT("set foo = 1\n"), 1, "t.rc:1: unknown option: foo" },
	{ "unknown command", TXT("# mutt's\nmailboxes =INBOX\n"), 1,
	  "t.rc:2: unknown command: mailboxes" },
	{ "not a number", TXT("\n\nset timeout = abc\n"), 1, "t.rc:3: timeout: not a number: abc" },
	{ "number out of range", TXT("set timeout = 0\n"), 1,
	  "t.rc:1: timeout: 0 is out of range (1 to 3600)" },
	{ "number overflow", TXT("set timeout = 99999999999999999999\n"), 1,
	  "t.rc:1: timeout: not a number: 99999999999999999999" },
	{ "bad enumeration value", TXT("set sort = random\n"), 1,
	  "t.rc:1: sort: unknown value random (values: date, thread)" },
	{ "bad boolean", TXT("set sidebar_visible = maybe\n"), 1,
	  "t.rc:1: sidebar_visible: not a boolean: maybe (yes or no)" },
	{ "set without a value", TXT("set mail_root\n"), 1,
	  "t.rc:1: mail_root is not a boolean (set mail_root = VALUE)" },
	{ "set noNAME of a string", TXT("set nomail_root\n"), 1,
	  "t.rc:1: mail_root is not a boolean (set mail_root = VALUE)" },
	{ "= without a value", TXT("set mail_root =\n"), 1,
	  "t.rc:1: set mail_root = needs a value (\"\" for none)" },
	{ "required option emptied", TXT("set mail_root = \"\"\n"), 1,
	  "t.rc:1: mail_root cannot be empty" },
	{ "required option unset", TXT("unset keymap\n"), 1, "t.rc:1: keymap cannot be empty" },
	{ "unset of a number", TXT("unset timeout\n"), 1,
	  "t.rc:1: timeout cannot be unset (reset timeout restores its default)" },
	{ "toggle of a string", TXT("toggle editor\n"), 1,
	  "t.rc:1: editor is not a boolean (set editor = VALUE)" },
	{ "set alone", TXT("set\n"), 1, "t.rc:1: usage: set NAME = VALUE ..." },
	{ "unset with a value", TXT("unset sidebar_visible = yes\n"), 1,
	  "t.rc:1: unset sidebar_visible takes no value" },
	{ "noNAME with a value", TXT("set nosidebar_visible = yes\n"), 1,
	  "t.rc:1: set nosidebar_visible takes no value" },
	{ "account option outside", TXT("set realname = Bob\n"), 1,
	  "t.rc:1: realname is an account option (set it in an account NAME { ... } block)" },
	{ "global option inside", TXT("account a {\n  set mail_root = x\n}\n"), 1,
	  "t.rc:2: mail_root is not an account option (set it outside the account block)" },
	{ "account without source", TXT("account a {\n  set from = a@example.org\n}\n"), 1,
	  "t.rc:1: account a has no source (set source = imaps://USER@HOST)" },
	{ "account without from", TXT("# c\naccount a {\n  set source = imaps://u@h\n}\n"), 1,
	  "t.rc:2: account a has no from address (set from = you@example.org)" },
	{ "source without user", TXT("account a {\nset from = a@b.c\nset source = imaps://h\n}\n"),
	  1, "t.rc:1: account a: source needs a user (imaps://USER@h)" },
	{ "password and passcmd", TXT(ACCT("set password = x\nset passcmd = y\n")), 1,
	  "t.rc:1: account a sets both password and passcmd; keep one" },
	{ "password in a public file", TXT(ACCT("set password = app-secret\n")), 0,
	  "t.rc:4: password refused: t.rc can be read by group or others "
	  "(chmod 600 t.rc, or use passcmd)" },
	{ "password in a public sourced file", TXT("\nsource public.rc\n"), 1,
	  "public.rc:4: password refused: public.rc can be read by group or others "
	  "(chmod 600 public.rc, or use passcmd)" },
	{ "unclosed account", TXT("set sort = date\naccount a {\nset from = a@b.c\n"), 1,
	  "t.rc:2: account a has no closing }" },
	{ "} alone", TXT("}\n"), 1, "t.rc:1: } without an account block" },
	{ "text after }", TXT(ACCT("} x\n")), 1, "t.rc:4: nothing may follow } on its line" },
	{ "nested account", TXT("account a {\naccount b {\n"), 1,
	  "t.rc:2: account blocks do not nest (account a, line 1, has no closing })" },
	{ "account without {", TXT("account a\n"), 1, "t.rc:1: usage: account NAME {" },
	{ "bad account name", TXT("account a/b {\n"), 1,
	  "t.rc:1: account a/b: bad name (letters, digits, '.', '-', '_')" },
	{ "account twice", TXT(ACCT("") "\n" ACCT("")), 1,
	  "t.rc:6: account a is defined twice (first at t.rc:1)" },
	{ "bind in an account", TXT("account a {\nbind index j next-entry\n"), 1,
	  "t.rc:2: bind is not allowed in an account block (only set, unset, toggle, reset and })" },
	{ "source URL of a wrong scheme", TXT(ACCT("set source = ftp://u@h\n")), 1,
	  "t.rc:4: source: unsupported URL ftp://u@h (imap://, imaps://, pop://, pops://)" },
	{ "smtp URL of a wrong scheme", TXT(ACCT("set smtp = imaps://u@h\n")), 1,
	  "t.rc:4: smtp: unsupported URL imaps://u@h (smtp://, smtps://)" },
	{ "password in a URL", TXT(ACCT("set source = imaps://u:pw@h\n")), 1,
	  "t.rc:4: source: a password in the URL is not accepted (use passcmd)" },
	{ "port out of range", TXT(ACCT("set source = imaps://u@h:70000\n")), 1,
	  "t.rc:4: source: port out of range (1-65535): 70000" },
	{ "folder in a pop URL", TXT(ACCT("set source = pops://u@h/INBOX\n")), 1,
	  "t.rc:4: source: a pops:// URL has no folder: pops://u@h/INBOX" },
	{ "bad address", TXT(ACCT("set from = alice\n")), 1,
	  "t.rc:4: from: not an address (local@domain): alice" },
	{ "bad fingerprint", TXT(ACCT("set tls_fingerprint = AB:CD\n")), 1,
	  "t.rc:4: tls_fingerprint: not a SHA-256 fingerprint (32 hex pairs, AB:CD:...): AB:CD" },
	{ "bad host", TXT(ACCT("set trusted_received_host = \"mx example\"\n")), 1,
	  "t.rc:4: trusted_received_host: not a host name or address: mx example" },
	{ "bad header name", TXT("set pager_headers = \"From Sub:ject\"\n"), 1,
	  "t.rc:1: pager_headers: not a header name: Sub:ject" },
	{ "keymap with a path", TXT("set keymap = ../x\n"), 1,
	  "t.rc:1: keymap: bad name \"../x\" (letters, digits, '.', '-', '_')" },
	{ "unterminated double quote", TXT("set editor = \"vi\nset sort = date\n"), 1,
	  "t.rc:1: unterminated quote" },
	{ "unterminated single quote", TXT("\nset editor = 'vi\n"), 1,
	  "t.rc:2: unterminated quote" },
	{ "unset variable", TXT("set mail_root = $NO_SUCH_VAR/Mail\n"), 1,
	  "t.rc:1: environment variable NO_SUCH_VAR is not set" },
	{ "unclosed ${", TXT("set mail_root = ${HOME\n"), 1, "t.rc:1: missing } after ${HOME" },
	{ "bad ${ name", TXT("set mail_root = ${1}\n"), 1, "t.rc:1: bad variable name after ${" },
	{ "backticks", TXT("set editor = `which vi`\n"), 1,
	  "t.rc:1: backticks (command substitution) are not supported; use passcmd to run a "
	  "command" },
	{ "control escape in a value", TXT("set editor = \"vi\\e\"\n"), 1,
	  "t.rc:1: control character in a value (\\e is for keys and macros)" },
	{ "raw control character", TXT("set editor = \"v\x01i\"\n"), 1,
	  "t.rc:1: control character in a value" },
	{ "control character from a variable", TXT("set editor = $WITH_ESC\n"), 1,
	  "t.rc:1: control character in a value" },
	{ "bind too short", TXT("bind index j\n"), 1, "t.rc:1: usage: bind MENU KEY FUNCTION" },
	{ "bind unknown menu", TXT("bind pagr j next-entry\n"), 1,
	  "t.rc:1: unknown menu: pagr (menus: index, pager, attach, "
	  "compose, verify, url, generic)" },
	{ "bind trailing comma", TXT("bind index, j next-entry\n"), 1,
	  "t.rc:1: bad menu list: index," },
	{ "bind bad key", TXT("bind index <nosuch> next-entry\n"), 1,
	  "t.rc:1: unknown key name: <nosuch>" },
	{ "macro too short", TXT("macro index x\n"), 1,
	  "t.rc:1: usage: macro MENU KEY SEQUENCE [DESCRIPTION]" },
	{ "macro with a raw control key", TXT("macro index x \"a\x1b\"\n"), 1,
	  "t.rc:1: write control keys in a macro as \\Cx, ^x or <name>" },
	{ "color too short", TXT("color index red\n"), 1, "t.rc:1: usage: color OBJECT FG BG [PATTERN]" },
	{ "color unknown object", TXT("color bogus red blue\n"), 1,
	  "t.rc:1: unknown color object: bogus" },
	{ "color unknown color", TXT("color normal red purple\n"), 1,
	  "t.rc:1: unknown color: purple (default, black, red, green, yellow, blue, magenta, cyan, "
	  "white, brightRED..., color0-color255)" },
	{ "color256", TXT("color normal color256 default\n"), 1,
	  "t.rc:1: unknown color: color256 (default, black, red, green, yellow, blue, magenta, "
	  "cyan, white, brightRED..., color0-color255)" },
	{ "color with a stray pattern", TXT("color normal red blue x\n"), 1,
	  "t.rc:1: color normal takes no pattern" },
	{ "color without its pattern", TXT("color body red blue\n"), 1,
	  "t.rc:1: color body needs a pattern" },
	{ "color bad regex", TXT("color header red blue \"((\"\n"), 1,
	  "t.rc:1: bad regular expression \"((\": Unmatched ( or \\(" },
	{ "color huge repetition", TXT("color body red blue \"a{1000}\"\n"), 1,
	  "t.rc:1: pattern too complex: its repetitions multiply past 256 copies" },
	{ "color nested repetitions", TXT("color body red blue \"(a{2,20}){20}\"\n"), 1,
	  "t.rc:1: pattern too complex: its repetitions multiply past 256 copies" },
	{ "color stacked +", TXT("color body red blue \"a+++++++++\"\n"), 1,
	  "t.rc:1: pattern too complex: its repetitions multiply past 256 copies" },
	{ "source without a file", TXT("source\n"), 1, "t.rc:1: usage: source FILE" },
	{ "source of a missing file", TXT("\nsource missing.rc\n"), 1,
	  "t.rc:2: source missing.rc: No such file or directory" },
	{ "error in a sourced file", TXT("source bad.rc\n"), 1, "bad.rc:2: unknown option: foo" },
	{ "source in an account", TXT("account a {\nsource colors.rc\n"), 1,
	  "t.rc:2: source is not allowed in an account block (only set, unset, toggle, reset "
	  "and })" },
	{ "unknown default_account", TXT(ACCT("") "\nset default_account = nope\n"), 1,
	  "t.rc:6: default_account: there is no account nope" },
	{ "NUL byte", TXT("set sort = date\nset\0 sort = date\n"), 1, "t.rc:2: NUL byte in line" },
};

static void error_case(void **state)
{
	const struct error_case *c = *state;
	struct lib_err err = { "" };
	struct config *cfg = parse(c->text, c->len, c->private, &err);
	config_free(cfg);
	if (cfg)
		fail_msg("%s: accepted", c->name);
	if (strcmp(err.msg, c->msg) != 0)
		fail_msg("%s: message\n  \"%s\", want\n  \"%s\"", c->name, err.msg, c->msg);
}

static void over_long_lines_fail(void **state)
{
	(void)state;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_puts(&b, "set sort = date\n# ");
	for (int i = 0; i < 1023; i++)
		lib_buf_putc(&b, 'x');
	lib_buf_puts(&b, "\n");
	struct lib_err err = { "" };
	assert_null(parse(b.data, b.len, 1, &err));
	assert_string_equal(err.msg, "t.rc:2: line too long (limit 1024)");
	/* Five lines of 1000 bytes joined by backslashes pass 4096. */
	lib_buf_reset(&b);
	lib_buf_puts(&b, "\n\nset date_format = ");
	for (int line = 0; line < 5; line++) {
		for (int i = 0; i < 999; i++)
			lib_buf_putc(&b, 'x');
		lib_buf_puts(&b, "\\\n");
	}
	assert_null(parse(b.data, b.len, 1, &err));
	assert_string_equal(err.msg, "t.rc:3: continued line too long (limit 4096)");
	lib_buf_release(&b);
}

/* Without a host, source is refused and every variable is unset. */
static void no_host_no_source_no_variables(void **state)
{
	(void)state;
	struct config *cfg = config_new();
	struct lib_err err = { "" };
	const char *a = "source x.rc\n", *b = "set mail_root = $HOME\n", *c = "set mail_root = ~/M\n";
	assert_int_equal(config_parse(cfg, "n.rc", 1, a, strlen(a), NULL, &err), -1);
	assert_string_equal(err.msg, "n.rc:1: source is not available here");
	assert_int_equal(config_parse(cfg, "n.rc", 1, b, strlen(b), NULL, &err), -1);
	assert_string_equal(err.msg, "n.rc:1: environment variable HOME is not set");
	assert_int_equal(config_parse(cfg, "n.rc", 1, c, strlen(c), NULL, &err), -1);
	assert_string_equal(err.msg, "n.rc:1: environment variable HOME is not set (for ~)");
	config_free(cfg);
}

/* --- URLs, addresses, fingerprints ------------------------------------------------ */

struct url_case {
	const char *text;
	enum config_scheme scheme;
	const char *user, *host;
	int port;
	const char *folder;
	int implicit_tls;
};

static const struct url_case good_urls[] = {
	{ "imap://alice@imap.example.org", CONFIG_SCHEME_IMAP, "alice", "imap.example.org", 143,
	  NULL, 0 },
	{ "imaps://alice@imap.example.org", CONFIG_SCHEME_IMAPS, "alice", "imap.example.org", 993,
	  NULL, 1 },
	{ "pop://bob@pop.example.org", CONFIG_SCHEME_POP, "bob", "pop.example.org", 110, NULL, 0 },
	{ "pops://bob@pop.example.org:1995", CONFIG_SCHEME_POPS, "bob", "pop.example.org", 1995,
	  NULL, 1 },
	{ "smtp://bob@smtp.example.org:587", CONFIG_SCHEME_SMTP, "bob", "smtp.example.org", 587,
	  NULL, 0 },
	{ "smtps://smtp.example.org", CONFIG_SCHEME_SMTPS, NULL, "smtp.example.org", 465, NULL, 1 },
	{ "IMAPS://a@H", CONFIG_SCHEME_IMAPS, "a", "H", 993, NULL, 1 },
	{ "imaps://alice%40example.org@imap.example.org", CONFIG_SCHEME_IMAPS, "alice@example.org",
	  "imap.example.org", 993, NULL, 1 },
	{ "imaps://alice@example.org@imap.example.org", CONFIG_SCHEME_IMAPS, "alice@example.org",
	  "imap.example.org", 993, NULL, 1 },
	{ "imap://u@127.0.0.1:1143/", CONFIG_SCHEME_IMAP, "u", "127.0.0.1", 1143, NULL, 0 },
	{ "imap://u@h/Lists/frank%20dev", CONFIG_SCHEME_IMAP, "u", "h", 143, "Lists/frank dev", 0 },
	{ "imaps://u@[2001:db8::1]:9993", CONFIG_SCHEME_IMAPS, "u", "2001:db8::1", 9993, NULL, 1 },
	{ "pop://u@[::1]", CONFIG_SCHEME_POP, "u", "::1", 110, NULL, 0 },
	{ "imaps://first.last+tag@h", CONFIG_SCHEME_IMAPS, "first.last+tag", "h", 993, NULL, 1 },
};

static void urls_that_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_urls / sizeof good_urls[0]; i++) {
		const struct url_case *c = &good_urls[i];
		struct config_url u = { 0 };
		struct lib_err err = { "" };
		if (config_url_parse(c->text, CONFIG_SCHEMES_SOURCE | CONFIG_SCHEMES_SUBMISSION, &u,
				     &err) < 0)
			fail_msg("%s: refused: %s", c->text, err.msg);
		if (u.scheme != c->scheme || u.port != c->port || u.implicit_tls != c->implicit_tls ||
		    strcmp(u.host, c->host) != 0 || (c->user == NULL) != (u.user == NULL) ||
		    (c->user && strcmp(u.user, c->user) != 0) ||
		    (c->folder == NULL) != (u.folder == NULL) ||
		    (c->folder && strcmp(u.folder, c->folder) != 0))
			fail_msg("%s: got %s user=%s host=%s port=%d folder=%s", c->text,
				 config_scheme_name(u.scheme), u.user ? u.user : "-", u.host, u.port,
				 u.folder ? u.folder : "-");
		config_url_release(&u);
	}
}

struct bad_case {
	const char *text;
	const char *msg;
};

static const struct bad_case bad_urls[] = {
	{ "imap.example.org", "unsupported URL imap.example.org (imap://, imaps://, pop://, pops://)" },
	{ "http://h", "unsupported URL http://h (imap://, imaps://, pop://, pops://)" },
	{ "imaps://", "no host" },
	{ "imaps://u@", "no host" },
	{ "imaps://@h", "empty user name in imaps://@h" },
	{ "imaps://u@h:", "bad port: " },
	{ "imaps://u@h:0", "port out of range (1-65535): 0" },
	{ "imaps://u@h:12x", "bad port: 12x" },
	{ "imaps://u@h:123456", "bad port: 123456" },
	{ "imaps://u@h?x=1", "a URL query or fragment is not supported: imaps://u@h?x=1" },
	{ "imaps://u@h/INBOX#x", "a URL query or fragment is not supported: imaps://u@h/INBOX#x" },
	{ "imaps://u@bad host", "bad character in host name: ' '" },
	{ "imaps://u@[::1", "missing ] after the IPv6 address" },
	{ "imaps://u@[zz::1]", "bad IPv6 address: zz::1" },
	{ "imaps://u@[::1]x", "unexpected text after the IPv6 address" },
	{ "imaps://u%4@h", "bad %-escape in the user name" },
	{ "imaps://u%0a@h", "control character in the user name" },
	{ "imaps://u space@h", "character ' ' not allowed in the user name (write it %20)" },
	{ "imaps://u:secret@h", "a password in the URL is not accepted (use passcmd)" },
	{ "pop://u@h/x", "a pop:// URL has no folder: pop://u@h/x" },
};

static void urls_that_do_not(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
		struct config_url u = { 0 };
		struct lib_err err = { "" };
		if (config_url_parse(bad_urls[i].text, CONFIG_SCHEMES_SOURCE, &u, &err) == 0)
			fail_msg("%s: accepted", bad_urls[i].text);
		if (strcmp(err.msg, bad_urls[i].msg) != 0)
			fail_msg("%s: message \"%s\", want \"%s\"", bad_urls[i].text, err.msg,
				 bad_urls[i].msg);
		assert_null(u.host);
	}
}

static void addresses(void **state)
{
	(void)state;
	static const struct {
		const char *text, *name, *address;
	} good[] = {
		{ "alice@example.org", NULL, "alice@example.org" },
		{ "Alice <alice@example.org>", "Alice", "alice@example.org" },
		{ "\"Example, Alice\" <a.b+c@mail.example.org>", "Example, Alice",
		  "a.b+c@mail.example.org" },
		{ "<alice@example.org>", NULL, "alice@example.org" },
		{ "j\xC3\xB6rg@b\xC3\xBC" "cher.example", NULL, "j\xC3\xB6rg@b\xC3\xBC" "cher.example" },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct config_address a = { NULL, NULL };
		struct lib_err err = { "" };
		if (config_address_parse(good[i].text, &a, &err) < 0)
			fail_msg("%s: refused: %s", good[i].text, err.msg);
		assert_string_equal(a.address, good[i].address);
		if (good[i].name)
			assert_string_equal(a.name, good[i].name);
		else
			assert_null(a.name);
		config_address_release(&a);
	}
	static const struct bad_case bad[] = {
		{ "alice", "not an address (local@domain): alice" },
		{ "@example.org", "not an address (local@domain): @example.org" },
		{ "alice@", "not an address (local@domain): alice@" },
		{ "al ice@example.org", "bad character ' ' in address al ice@example.org" },
		{ "alice@exa_mple.org", "bad domain in address alice@exa_mple.org" },
		{ "alice@example..org", "bad domain in address alice@example..org" },
		{ "alice@example.org.", "bad domain in address alice@example.org." },
		{ "Alice <alice@example.org", "unbalanced <> in address: Alice <alice@example.org" },
		{ "Alice <alice@example.org> x", "unbalanced <> in address: Alice <alice@example.org> x" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct config_address a = { NULL, NULL };
		struct lib_err err = { "" };
		if (config_address_parse(bad[i].text, &a, &err) == 0)
			fail_msg("%s: accepted", bad[i].text);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("%s: message \"%s\", want \"%s\"", bad[i].text, err.msg, bad[i].msg);
	}
}

static void fingerprints(void **state)
{
	(void)state;
	const char *colons = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
			     "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff";
	const char *plain = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff";
	struct config_fingerprint a = { 0, { 0 } }, b = { 0, { 0 } };
	struct lib_err err = { "" };
	assert_int_equal(config_fingerprint_parse(colons, &a, &err), 0);
	assert_int_equal(config_fingerprint_parse(plain, &b, &err), 0);
	assert_int_equal(a.set, 1);
	assert_memory_equal(a.sha256, b.sha256, 32);
	assert_int_equal(a.sha256[10], 0xAA);
	assert_int_equal(a.sha256[31], 0xFF);
	static const char *const bad[] = {
		"", "00", "00:11", /* too short */
		"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
		"AA:BB:CC:DD:EE:FF:00", /* 33 bytes: SHA-256 is 32 */
		"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
		"AA:BB:CC:DD:EE:FG",
		"00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddee", /* SHA-1 length */
		"00:112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct config_fingerprint f = { 0, { 0 } };
		if (config_fingerprint_parse(bad[i], &f, &err) == 0)
			fail_msg("%s: accepted", bad[i]);
		assert_int_equal(f.set, 0);
	}
}

static void loopback_hosts(void **state)
{
	(void)state;
	assert_true(config_host_is_loopback("localhost"));
	assert_true(config_host_is_loopback("LocalHost"));
	assert_true(config_host_is_loopback("127.0.0.1"));
	assert_true(config_host_is_loopback("127.1.2.3"));
	assert_true(config_host_is_loopback("::1"));
	assert_false(config_host_is_loopback("128.0.0.1"));
	assert_false(config_host_is_loopback("::2"));
	assert_false(config_host_is_loopback("localhost.example.org"));
	assert_false(config_host_is_loopback("10.0.0.1"));
}

/* --- passwords, from real commands ------------------------------------------------- */

static void account_with(struct config_account *a, const char *passcmd, const char *password)
{
	memset(a, 0, sizeof *a);
	a->name = (char *)"acct";
	a->passcmd = (char *)passcmd;
	a->password = (char *)password;
}

static void passcmd_first_line_is_the_password(void **state)
{
	(void)state;
	struct config_account a;
	char *pw = NULL;
	struct lib_err err = { "" };
	account_with(&a, "printf 'secret\\nsecond\\n'", NULL);
	assert_int_equal(config_account_password(&a, &pw, &err), CONFIG_PASSWORD_FOUND);
	assert_string_equal(pw, "secret");
	config_password_free(pw);
	/* CRLF and no final newline. */
	account_with(&a, "printf 'pass word\\r\\n'", NULL);
	assert_int_equal(config_account_password(&a, &pw, &err), CONFIG_PASSWORD_FOUND);
	assert_string_equal(pw, "pass word");
	config_password_free(pw);
	account_with(&a, "printf 'no-newline'", NULL);
	assert_int_equal(config_account_password(&a, &pw, &err), CONFIG_PASSWORD_FOUND);
	assert_string_equal(pw, "no-newline");
	config_password_free(pw);
	/* A lot of output after the first line is drained, not a hang. */
	account_with(&a, "echo first; yes | head -c 1000000", NULL);
	assert_int_equal(config_account_password(&a, &pw, &err), CONFIG_PASSWORD_FOUND);
	assert_string_equal(pw, "first");
	config_password_free(pw);
}

static void passcmd_failures_name_the_account(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "false", "account acct: passcmd failed (exit status 1)" },
		{ "echo leaked-secret; exit 3", "account acct: passcmd failed (exit status 3)" },
		{ "printf ''", "account acct: passcmd printed no password" },
		{ "printf '\\nsecond\\n'", "account acct: passcmd printed no password" },
		{ "kill -9 $$", "account acct: passcmd was killed by signal 9" },
		{ "head -c 5000 /dev/zero | tr '\\0' x", "account acct: passcmd printed a line too "
							  "long for a password" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config_account a;
		char *pw = (char *)"untouched";
		struct lib_err err = { "" };
		account_with(&a, cases[i].text, NULL);
		if (config_account_password(&a, &pw, &err) != -1)
			fail_msg("%s: succeeded", cases[i].text);
		assert_null(pw);
		if (strcmp(err.msg, cases[i].msg) != 0)
			fail_msg("%s: message \"%s\", want \"%s\"", cases[i].text, err.msg,
				 cases[i].msg);
	}
}

static void password_from_config_or_prompt(void **state)
{
	(void)state;
	struct config_account a;
	char *pw = NULL;
	struct lib_err err = { "" };
	account_with(&a, NULL, "app-password");
	assert_int_equal(config_account_password(&a, &pw, &err), CONFIG_PASSWORD_FOUND);
	assert_string_equal(pw, "app-password");
	config_password_free(pw);
	account_with(&a, NULL, NULL);
	assert_int_equal(config_account_password(&a, &pw, &err), CONFIG_PASSWORD_PROMPT);
	assert_null(pw);
	config_password_free(NULL);
}

/* --- the suite ----------------------------------------------------------------------- */

#define NERRORS (sizeof error_cases / sizeof error_cases[0])

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(defaults_are_the_documented_ones),
		cmocka_unit_test(defaults_without_a_host),
		cmocka_unit_test(option_table_is_complete),
		cmocka_unit_test(every_documented_default_is_a_valid_value),
		cmocka_unit_test(words_quote_escape_and_expand),
		cmocka_unit_test(continued_lines_keep_line_numbers),
		cmocka_unit_test(set_forms_of_mutt),
		cmocka_unit_test(later_set_wins_and_origin_is_kept),
		cmocka_unit_test(accounts_hold_their_settings),
		cmocka_unit_test(first_account_is_the_default),
		cmocka_unit_test(bindings_macros_and_colors),
		cmocka_unit_test(color_patterns_within_bounds),
		cmocka_unit_test(over_long_lines_fail),
		cmocka_unit_test(no_host_no_source_no_variables),
		cmocka_unit_test(urls_that_parse),
		cmocka_unit_test(urls_that_do_not),
		cmocka_unit_test(addresses),
		cmocka_unit_test(fingerprints),
		cmocka_unit_test(loopback_hosts),
		cmocka_unit_test(passcmd_first_line_is_the_password),
		cmocka_unit_test(passcmd_failures_name_the_account),
		cmocka_unit_test(password_from_config_or_prompt),
	};
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	size_t n = nfixed + NERRORS;
	struct CMUnitTest *tests = lib_xcalloc(n, sizeof *tests);
	char **names = lib_xcalloc(NERRORS, sizeof *names);
	for (size_t i = 0; i < nfixed; i++)
		tests[i] = fixed[i];
	for (size_t i = 0; i < NERRORS; i++) {
		names[i] = lib_xasprintf("frankrc error: %s", error_cases[i].name);
		tests[nfixed + i] = (struct CMUnitTest){ names[i], error_case, NULL, NULL,
							 (void *)&error_cases[i] };
	}
	int rc = _cmocka_run_group_tests("config_rc", tests, n, NULL, NULL);
	for (size_t i = 0; i < NERRORS; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}
