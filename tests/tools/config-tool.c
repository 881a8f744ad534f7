/* config-tool: src/config from the command line, for tests and docs.
 *
 *   config-tool dump FILE [KEYMAP_DIR]   load FILE as frank does, print what it holds
 *   config-tool password FILE ACCOUNT    print the account's password (tests only)
 *   config-tool man-options              the option list of frankrc(5), as groff
 *
 * Errors go to standard error as "config-tool: MESSAGE", exit status 1. */
#include "config.h"
#include "lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_url(const char *name, const struct config_url *u)
{
	if (u->scheme == CONFIG_SCHEME_NONE)
		return;
	printf("  %s = %s user=%s host=%s port=%d folder=%s tls=%s\n", name,
	       config_scheme_name(u->scheme), u->user ? u->user : "-", u->host, u->port,
	       u->folder ? u->folder : "-", u->implicit_tls ? "implicit" : "starttls");
}

static void print_list(const char *name, const struct config_list *l)
{
	printf("%s =", name);
	for (size_t i = 0; i < l->count; i++)
		printf(" [%s]", l->items[i]);
	printf("\n");
}

static const char *str(const char *s)
{
	return s ? s : "-";
}

static void print_account(const struct config_account *a)
{
	printf("account %s (%s:%d)\n", a->name, a->file, a->line);
	printf("  realname = %s\n  from = %s\n  signature = %s\n", str(a->realname),
	       str(a->from.address), str(a->signature));
	print_url("source", &a->source);
	print_url("smtp", &a->smtp);
	printf("  folders = %s %s %s %s\n", a->folder_inbox, a->folder_sent, a->folder_drafts,
	       a->folder_trash);
	if (a->tls_fingerprint.set) {
		printf("  tls_fingerprint =");
		for (size_t i = 0; i < sizeof a->tls_fingerprint.sha256; i++)
			printf("%s%02X", i ? ":" : " ", a->tls_fingerprint.sha256[i]);
		printf("\n");
	}
	printf("  tls_ca_file = %s\n  passcmd = %s\n  password = %s\n", str(a->tls_ca_file),
	       str(a->passcmd), a->password ? "(set)" : "-");
	printf("  allow_plaintext_loopback = %s\n", a->allow_plaintext_loopback ? "yes" : "no");
	print_list("  authserv_ids", &a->authserv_ids);
	printf("  trusted_received_host = %s\n", str(a->trusted_received_host));
}

static void dump(const struct config *cfg)
{
	const struct config_globals *o = &cfg->opt;
	static const char *const sorts[] = { "date", "thread" };
	printf("default_account = %s\nmail_root = %s\neditor = %s\nsort = %s\n",
	       str(o->default_account), o->mail_root, o->editor, sorts[o->sort]);
	printf("sidebar_visible = %s\nkeymap = %s\ndate_format = %s\n",
	       o->sidebar_visible ? "yes" : "no", o->keymap, o->date_format);
	print_list("pager_headers", &o->pager_headers);
	printf("signature = %s\ntimeout = %ld\ndns_zone_file = %s\n", str(o->signature),
	       o->timeout, str(o->dns_zone_file));
	for (size_t i = 0; i < cfg->naccounts; i++)
		print_account(&cfg->accounts[i]);
	const struct config_account *def = config_default_account(cfg);
	printf("default account: %s\n", def ? def->name : "-");
	for (size_t i = 0; i < cfg->keys.count; i++) {
		const struct config_binding *b = &cfg->keys.bindings[i];
		char key[32];
		config_key_name(b->key, key, sizeof key);
		printf("bind %s %s %s (%s:%d)\n", b->menu, key, b->function, b->source, b->line);
	}
	for (size_t i = 0; i < cfg->nmacros; i++) {
		const struct config_macro *m = &cfg->macros[i];
		char key[32];
		config_key_name(m->key, key, sizeof key);
		printf("macro %s %s [%s] [%s] (%s:%d)\n", m->menu, key, m->keys,
		       str(m->description), m->source, m->line);
	}
	for (size_t i = 0; i < cfg->ncolors; i++) {
		const struct config_color *c = &cfg->colors[i];
		printf("color %s %d %d [%s] (%s:%d)\n", config_color_object_name(c->object), c->fg,
		       c->bg, str(c->pattern), c->source, c->line);
	}
}

/* Text for groff: a backslash is \e, a hyphen \-, a quote \(dq, and a
 * new sentence starts a new line, as roff wants. */
static void groff_text(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else if (*s == '"')
			fputs("\\(dq", stdout);
		else if (*s == '.' && s[1] == ' ' && s[2] == ' ')
			fputs(".\n", stdout), s += 2;
		else
			putchar(*s);
	}
}

/* Each option as a tagged paragraph: name (type; default), then its help. */
static void man_options(void)
{
	int account = -1;
	for (size_t i = 0; i < config_option_count(); i++) {
		struct config_option_info info;
		config_option_info(i, &info);
		if (info.account != account) {
			account = info.account;
			printf(".SS %s\n", account ? "Account options" : "Global options");
		}
		printf(".TP\n.BR ");
		groff_text(info.name);
		printf(" \" (%s", info.type);
		for (size_t v = 0; info.values && info.values[v]; v++) {
			printf("%s", v ? ", " : ": ");
			groff_text(info.values[v]);
		}
		if (*info.fallback) {
			printf("; default ");
			groff_text(info.fallback);
		}
		printf(")\"\n");
		groff_text(info.help);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	struct lib_err err;
	if (argc == 2 && strcmp(argv[1], "man-options") == 0) {
		man_options();
		return 0;
	}
	if (argc >= 3 && argc <= 4 && strcmp(argv[1], "dump") == 0) {
		const char *dirs[] = { argc == 4 ? argv[3] : NULL, NULL };
		struct config *cfg = config_load(argv[2], dirs, &err);
		if (!cfg) {
			fprintf(stderr, "config-tool: %s\n", err.msg);
			return 1;
		}
		dump(cfg);
		config_free(cfg);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "password") == 0) {
		struct config *cfg = config_load(argv[2], NULL, &err);
		const struct config_account *a = cfg ? config_account_find(cfg, argv[3]) : NULL;
		char *password = NULL;
		int rc = -1;
		if (cfg && !a)
			lib_err_set(&err, "no account %s", argv[3]);
		else if (a)
			rc = config_account_password(a, &password, &err);
		if (rc == CONFIG_PASSWORD_FOUND)
			printf("password: [%s]\n", password);
		else if (rc == CONFIG_PASSWORD_PROMPT)
			printf("prompt\n");
		else
			fprintf(stderr, "config-tool: %s\n", err.msg);
		config_password_free(password);
		config_free(cfg);
		return rc < 0;
	}
	fprintf(stderr, "usage: config-tool dump FILE [KEYMAP_DIR] | password FILE ACCOUNT | "
			"man-options\n");
	return 2;
}
