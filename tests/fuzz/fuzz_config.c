/* fuzz_config.c: frankrc text from hostile input.
 *
 * The first byte chooses whether the file counts as private (a password
 * line is then allowed); the rest is parsed by config_parse() with a host
 * that has a fixed environment and answers "source self" by parsing the
 * same bytes again (so nesting and its errors are reached) and "source
 * other" with a small fixed file.  Then config_finish().  Checks what
 * config.h promises: an error is one "file:line: message"; an accepted
 * config has accounts with a source, a user and a from, bindings and
 * macros with known menus, colours in range.  The same bytes also go to
 * the URL, address and fingerprint parsers.  Everything is freed, so
 * LeakSanitizer sees any leak. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
	if (!ok)
		abort();
}

struct fuzz_ctx {
	const char *text;
	size_t len;
	int depth;
};

static const char *fuzz_getenv(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "HOME") == 0)
		return "/home/fuzz";
	if (strcmp(name, "USER") == 0)
		return "fuzz";
	if (strcmp(name, "CTRL") == 0)
		return "a\x1b[2Jb";
	return NULL;
}

static int fuzz_source(void *ctx, struct config *cfg, const char *from, int line,
		       const char *path, struct lib_err *err);

static struct config_host fuzz_host = { fuzz_getenv, fuzz_source, NULL };

static int fuzz_source(void *ctx, struct config *cfg, const char *from, int line,
		       const char *path, struct lib_err *err)
{
	struct fuzz_ctx *fc = ctx;
	static const char other[] = "set sort = thread\ncolor status red default\n"
				    "account o {\nset from = o@x.org\nset source = imap://o@x\n}\n";
	if (fc->depth >= 4)
		return lib_err_set(err, "%s:%d: source nested too deep (limit 4)", from, line);
	fc->depth++;
	int rc;
	if (strcmp(path, "self") == 0)
		rc = config_parse(cfg, "self", 1, fc->text, fc->len, &fuzz_host, err);
	else if (strcmp(path, "other") == 0)
		rc = config_parse(cfg, "other", 0, other, sizeof other - 1, &fuzz_host, err);
	else
		rc = lib_err_set(err, "%s:%d: source %s: No such file or directory", from, line,
				 path);
	fc->depth--;
	return rc;
}

static int known_menu(const char *m)
{
	return strcmp(m, "index") == 0 || strcmp(m, "pager") == 0 || strcmp(m, "generic") == 0;
}

static int valid_color(int c)
{
	return c == CONFIG_COLOR_DEFAULT || (c >= 0 && c <= 255);
}

static void check_config(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->naccounts; i++) {
		const struct config_account *a = &cfg->accounts[i];
		check(a->name && *a->name && a->file && a->line >= 1);
		check(a->source.scheme != CONFIG_SCHEME_NONE && a->source.user && a->source.host);
		check(a->source.port >= 1 && a->source.port <= 65535);
		check(a->from.address && strchr(a->from.address, '@'));
		check(!(a->password && a->passcmd));
		check(a->folder_inbox && a->folder_sent && a->folder_drafts && a->folder_trash);
		check(config_account_find(cfg, a->name) == a);
	}
	check(cfg->opt.mail_root && cfg->opt.keymap && cfg->opt.date_format && cfg->opt.editor);
	check(cfg->opt.timeout >= 1 && cfg->opt.timeout <= 3600);
	if (cfg->opt.default_account)
		check(config_default_account(cfg) != NULL);
	for (size_t i = 0; i < cfg->keys.count; i++) {
		const struct config_binding *b = &cfg->keys.bindings[i];
		check(known_menu(b->menu) && b->function && b->source && b->line >= 1);
	}
	for (size_t i = 0; i < cfg->nmacros; i++) {
		const struct config_macro *m = &cfg->macros[i];
		check(known_menu(m->menu) && m->keys && *m->keys && m->source);
		for (const char *p = m->keys; *p; p++)
			check((unsigned char)*p >= 0x20 && *p != 0x7F);
	}
	for (size_t i = 0; i < cfg->ncolors; i++) {
		const struct config_color *c = &cfg->colors[i];
		check(valid_color(c->fg) && valid_color(c->bg) && c->source);
		check(*config_color_object_name(c->object) != '\0');
	}
}

static void fuzz_values(const char *text)
{
	struct lib_err err;
	struct config_url u = { 0 };
	if (config_url_parse(text, CONFIG_SCHEMES_SOURCE | CONFIG_SCHEMES_SUBMISSION, &u, &err) ==
	    0) {
		check(u.host != NULL && u.port >= 1 && u.port <= 65535);
		check(*config_scheme_name(u.scheme) != '\0');
		config_host_is_loopback(u.host);
	}
	config_url_release(&u);
	struct config_address a = { NULL, NULL };
	if (config_address_parse(text, &a, &err) == 0)
		check(a.address && strchr(a.address, '@'));
	config_address_release(&a);
	struct config_fingerprint fp = { 0, { 0 } };
	if (config_fingerprint_parse(text, &fp, &err) == 0)
		check(fp.set == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int private = data[0] & 1;
	struct fuzz_ctx fc = { (const char *)data + 1, size - 1, 0 };
	fuzz_host.ctx = &fc;
	struct config *cfg = config_new();
	struct lib_err err;
	err.msg[0] = '\0';
	int rc = config_parse(cfg, "fuzz.rc", private, fc.text, fc.len, &fuzz_host, &err);
	if (rc == 0)
		rc = config_finish(cfg, &fuzz_host, &err);
	if (rc < 0) {
		check(err.msg[0] != '\0' && memchr(err.msg, '\0', sizeof err.msg) != NULL);
		check(strchr(err.msg, ':') != NULL);
		check(strchr(err.msg, '\n') == NULL);
	} else {
		check(rc == 0);
		check_config(cfg);
	}
	config_free(cfg);

	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	fuzz_values(text);
	free(text);
	return 0;
}
