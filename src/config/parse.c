/* parse.c: the frankrc language: commands over the words of token.c, with
 * no I/O of its own (source goes through the host), so tests and the
 * fuzzer drive it with bytes.
 *
 *   command = "set" 1*assignment / ( "unset" / "toggle" / "reset" ) 1*NAME
 *           / "source" PATH / "account" NAME "{" / "}"
 *           / "bind" MENU KEY FUNCTION / "macro" MENU KEY SEQUENCE [DESCRIPTION]
 *           / "color" OBJECT FG BG [PATTERN]
 *   assignment = NAME [ "=" VALUE ] / "no" NAME / "inv" NAME
 * Inside an account block only set, unset, toggle and reset, on the
 * account's options, and "}". */
#include "config_internal.h"

#include <stdlib.h>
#include <string.h>

struct parser {
	struct config *cfg;
	const char *file; /* the config's copy */
	int file_private;
	const struct config_host *host;
	int line;
	int err_line; /* the line an error is reported at, when not line */
	/* The account block being read, added to cfg at its "}". */
	struct config_account *account;
};

const char *config_file_intern(struct config *cfg, const char *file)
{
	for (size_t i = 0; i < cfg->nfiles; i++)
		if (strcmp(cfg->files[i], file) == 0)
			return cfg->files[i];
	cfg->files = lib_xrealloc(cfg->files, (cfg->nfiles + 1) * sizeof *cfg->files);
	return cfg->files[cfg->nfiles++] = lib_xstrdup(file);
}

struct config *config_new(void)
{
	struct config *cfg = lib_xcalloc(1, sizeof *cfg);
	config_options_init(0, &cfg->opt);
	cfg->opt_origin = lib_xcalloc(config_option_global_count(), sizeof *cfg->opt_origin);
	return cfg;
}

static void account_release(struct config_account *a)
{
	config_options_release(1, a);
	free(a->name);
}

static void account_free(struct config_account *a)
{
	if (a)
		account_release(a);
	free(a);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	config_options_release(0, &cfg->opt);
	free(cfg->opt_origin);
	for (size_t i = 0; i < cfg->naccounts; i++)
		account_release(&cfg->accounts[i]);
	free(cfg->accounts);
	config_keymap_release(&cfg->keys);
	for (size_t i = 0; i < cfg->nmacros; i++) {
		free(cfg->macros[i].menu);
		free(cfg->macros[i].keys);
		free(cfg->macros[i].description);
		free(cfg->macros[i].source);
	}
	free(cfg->macros);
	for (size_t i = 0; i < cfg->ncolors; i++)
		config_color_release(&cfg->colors[i]);
	free(cfg->colors);
	for (size_t i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg);
}

const struct config_account *config_account_find(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->naccounts; i++)
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	return NULL;
}

const struct config_account *config_default_account(const struct config *cfg)
{
	if (cfg->opt.default_account)
		return config_account_find(cfg, cfg->opt.default_account);
	return cfg->naccounts ? &cfg->accounts[0] : NULL;
}

/* --- set, unset, toggle, reset ----------------------------------------------- */

/* The option a name means where it is written, or NULL with err set. */
static const struct config_option *find_option(struct parser *ps, const char *name,
					       struct lib_err *err)
{
	int in_account = ps->account != NULL;
	const struct config_option *o = config_option_find(in_account, name);
	if (o)
		return o;
	if (config_option_find(!in_account, name) && in_account)
		lib_err_set(err, "%s is not an account option (set it outside the account block)",
			    name);
	else if (config_option_find(!in_account, name))
		lib_err_set(err, "%s is an account option (set it in an account NAME { ... } block)",
			    name);
	else
		lib_err_set(err, "unknown option: %s", name);
	return NULL;
}

static void *option_base(struct parser *ps)
{
	return ps->account ? (void *)ps->account : (void *)&ps->cfg->opt;
}

static void note_origin(struct parser *ps, const struct config_option *o)
{
	size_t i = config_option_global_index(o);
	if (!ps->account && i != (size_t)-1)
		ps->cfg->opt_origin[i] = (struct config_origin){ ps->file, ps->line };
}

/* "set noNAME" and "set invNAME": the option NAME, when one has that name
 * and the whole word is no option itself. */
static const struct config_option *prefixed_option(struct parser *ps, const char *name,
						   int *invert)
{
	const char *rest = strncmp(name, "no", 2) == 0	  ? name + 2
			   : strncmp(name, "inv", 3) == 0 ? name + 3
							  : NULL;
	if (!rest || config_option_find(ps->account != NULL, name))
		return NULL;
	*invert = name[0] == 'i';
	return config_option_find(ps->account != NULL, rest);
}

static int set_value(struct parser *ps, const struct config_option *o, const char *value,
		     struct lib_err *err)
{
	if (o->type == CONFIG_OPT_SECRET && *value && !ps->file_private)
		return lib_err_set(err, "password refused: %s can be read by group or others "
					"(chmod 600 %s, or use passcmd)",
				   ps->file, ps->file);
	return config_option_set(o, option_base(ps), value, err);
}

static int assignment(struct parser *ps, struct config_words *w, const char *name,
		      struct lib_buf *value, struct lib_err *err)
{
	int invert = 0;
	const struct config_option *o = prefixed_option(ps, name, &invert);
	if (o) {
		if (config_word_eat(w, '='))
			return lib_err_set(err, "set %s takes no value", name);
		note_origin(ps, o);
		return invert ? config_option_toggle(o, option_base(ps), err)
			      : config_option_set_bool(o, option_base(ps), 0, err);
	}
	if (!(o = find_option(ps, name, err)))
		return -1;
	note_origin(ps, o);
	if (!config_word_eat(w, '='))
		return config_option_set_bool(o, option_base(ps), 1, err);
	int rc = config_word_next(w, 0, value, err);
	if (rc == 0)
		return lib_err_set(err, "set %s = needs a value (\"\" for none)", name);
	if (rc < 0)
		return -1;
	return set_value(ps, o, value->data, err);
}

static int cmd_set(struct parser *ps, struct config_words *w, const char *cmd,
		   struct lib_err *err)
{
	struct lib_buf name = LIB_BUF_INIT, value = LIB_BUF_INIT;
	int n = 0, rc;
	while ((rc = config_word_next(w, CONFIG_WORD_NAME, &name, err)) > 0) {
		n++;
		if (!name.len) {
			rc = lib_err_set(err, "usage: %s NAME%s", cmd,
					 strcmp(cmd, "set") == 0 ? " = VALUE" : "");
			break;
		}
		if (strcmp(cmd, "set") == 0) {
			rc = assignment(ps, w, name.data, &value, err);
		} else if (config_word_eat(w, '=')) {
			rc = lib_err_set(err, "%s %s takes no value", cmd, name.data);
		} else {
			const struct config_option *o = find_option(ps, name.data, err);
			void *base = option_base(ps);
			rc = !o				  ? -1
			     : strcmp(cmd, "unset") == 0  ? config_option_unset(o, base, err)
			     : strcmp(cmd, "toggle") == 0 ? config_option_toggle(o, base, err)
							  : (config_option_reset(o, base), 0);
			if (o)
				note_origin(ps, o);
		}
		if (rc < 0)
			break;
	}
	if (rc == 0 && n == 0)
		rc = lib_err_set(err, "usage: %s NAME%s", cmd,
				 strcmp(cmd, "set") == 0 ? " = VALUE ..." : " ...");
	lib_buf_release(&name);
	config_buf_wipe(&value); /* it may have held a password */
	return rc < 0 ? -1 : 0;
}

/* --- account blocks ------------------------------------------------------------ */

static int cmd_account(struct parser *ps, struct config_words *w, struct lib_err *err)
{
	struct lib_buf name = LIB_BUF_INIT;
	int rc = -1;
	if (config_word_next(w, 0, &name, err) < 0)
		goto out;
	if (!name.len || !config_word_eat(w, '{') || !config_word_at_end(w)) {
		lib_err_set(err, "usage: account NAME {");
		goto out;
	}
	if (config_name_check(name.data, err) < 0) {
		lib_err_set(err, "account %s: bad name (letters, digits, '.', '-', '_')",
			    name.data);
		goto out;
	}
	const struct config_account *twin = config_account_find(ps->cfg, name.data);
	if (twin) {
		lib_err_set(err, "account %s is defined twice (first at %s:%d)", name.data,
			    twin->file, twin->line);
		goto out;
	}
	ps->account = lib_xcalloc(1, sizeof *ps->account);
	config_options_init(1, ps->account);
	ps->account->name = lib_buf_take(&name);
	ps->account->file = ps->file;
	ps->account->line = ps->line;
	rc = 0;
out:
	lib_buf_release(&name);
	return rc;
}

/* What "}" checks before the account joins the configuration; errors are
 * reported at the line of "account NAME {". */
static int account_check(const struct config_account *a, struct lib_err *err)
{
	if (a->source.scheme == CONFIG_SCHEME_NONE)
		return lib_err_set(err, "account %s has no source (set source = imaps://USER@HOST)",
				   a->name);
	if (!a->source.user)
		return lib_err_set(err, "account %s: source needs a user (%s://USER@%s)", a->name,
				   config_scheme_name(a->source.scheme), a->source.host);
	if (!a->from.address)
		return lib_err_set(err, "account %s has no from address (set from = you@example.org)",
				   a->name);
	if (a->password && a->passcmd)
		return lib_err_set(err, "account %s sets both password and passcmd; keep one",
				   a->name);
	return 0;
}

static int cmd_close(struct parser *ps, struct config_words *w, struct lib_err *err)
{
	if (!ps->account)
		return lib_err_set(err, "} without an account block");
	if (!config_word_at_end(w))
		return lib_err_set(err, "nothing may follow } on its line");
	struct config_account *a = ps->account;
	if (account_check(a, err) < 0) {
		ps->err_line = a->line;
		return -1;
	}
	if (!a->realname && a->from.name)
		a->realname = lib_xstrdup(a->from.name);
	struct config *cfg = ps->cfg;
	cfg->accounts = lib_xrealloc(cfg->accounts, (cfg->naccounts + 1) * sizeof *cfg->accounts);
	cfg->accounts[cfg->naccounts++] = *a;
	free(a);
	ps->account = NULL;
	return 0;
}

/* --- source, macro ------------------------------------------------------------------ */

static int cmd_source(struct parser *ps, struct config_words *w, struct lib_err *err)
{
	struct lib_buf path = LIB_BUF_INIT;
	int rc = config_word_next(w, 0, &path, err);
	if (rc >= 0 && (!path.len || !config_word_at_end(w)))
		rc = lib_err_set(err, "usage: source FILE");
	if (rc >= 0 && (!ps->host || !ps->host->source))
		rc = lib_err_set(err, "source is not available here");
	if (rc >= 0) {
		/* The host reports with the whole file:line itself. */
		rc = ps->host->source(ps->host->ctx, ps->cfg, ps->file, ps->line, path.data, err);
		if (rc < 0)
			ps->err_line = -1;
	}
	lib_buf_release(&path);
	return rc < 0 ? -1 : 0;
}

static int cmd_macro(struct parser *ps, struct config_words *w, struct lib_err *err)
{
	struct lib_buf menu = LIB_BUF_INIT, keyw = LIB_BUF_INIT, seq = LIB_BUF_INIT,
		       desc = LIB_BUF_INIT;
	int key, rc = -1, has_desc = 0;
	if (config_word_next(w, 0, &menu, err) < 0 ||
	    config_word_next(w, CONFIG_WORD_KEY, &keyw, err) < 0 ||
	    config_word_next(w, CONFIG_WORD_KEY, &seq, err) < 0 ||
	    (has_desc = config_word_next(w, 0, &desc, err)) < 0)
		goto out;
	if (!seq.len || !config_word_at_end(w)) {
		lib_err_set(err, "usage: macro MENU KEY SEQUENCE [DESCRIPTION]");
		goto out;
	}
	for (size_t i = 0; i < seq.len; i++)
		if ((unsigned char)seq.data[i] < 0x20 || seq.data[i] == 0x7F) {
			lib_err_set(err, "write control keys in a macro as \\Cx, ^x or <name>");
			goto out;
		}
	if (config_key_parse(keyw.data, &key, err) < 0 ||
	    config_menu_list_check(menu.data, err) < 0)
		goto out;
	struct config *cfg = ps->cfg;
	for (const char *m = menu.data; *m;) {
		size_t len = strcspn(m, ",");
		cfg->macros = lib_xrealloc(cfg->macros, (cfg->nmacros + 1) * sizeof *cfg->macros);
		cfg->macros[cfg->nmacros++] = (struct config_macro){
			lib_xstrndup(m, len),
			key,
			lib_xstrdup(seq.data),
			has_desc ? lib_xstrdup(desc.data) : NULL,
			lib_xstrdup(ps->file),
			ps->line,
		};
		m += len + (m[len] == ',');
	}
	rc = 0;
out:
	lib_buf_release(&menu);
	lib_buf_release(&keyw);
	lib_buf_release(&seq);
	lib_buf_release(&desc);
	return rc;
}

/* --- lines ---------------------------------------------------------------------------- */

static int command(struct parser *ps, struct config_words *w, const char *cmd,
		   struct lib_err *err)
{
	int set_family = strcmp(cmd, "set") == 0 || strcmp(cmd, "unset") == 0 ||
			 strcmp(cmd, "toggle") == 0 || strcmp(cmd, "reset") == 0;
	if (set_family)
		return cmd_set(ps, w, cmd, err);
	if (strcmp(cmd, "}") == 0)
		return cmd_close(ps, w, err);
	if (ps->account) {
		if (strcmp(cmd, "account") == 0)
			return lib_err_set(err, "account blocks do not nest (account %s, line %d, "
						"has no closing })",
					   ps->account->name, ps->account->line);
		return lib_err_set(err, "%s is not allowed in an account block (only set, unset, "
					"toggle, reset and })",
				   cmd);
	}
	if (strcmp(cmd, "account") == 0)
		return cmd_account(ps, w, err);
	if (strcmp(cmd, "source") == 0)
		return cmd_source(ps, w, err);
	if (strcmp(cmd, "bind") == 0)
		return config_bind_parse(&ps->cfg->keys, w, ps->file, ps->line, err);
	if (strcmp(cmd, "macro") == 0)
		return cmd_macro(ps, w, err);
	if (strcmp(cmd, "color") == 0)
		return config_color_parse(ps->cfg, w, ps->file, ps->line, err);
	return lib_err_set(err, "unknown command: %s", cmd);
}

static int parse_lines(struct parser *ps, const char *text, size_t len, struct lib_err *err)
{
	struct config_lexer lx = { text, len, 0, 0 };
	struct lib_buf line = LIB_BUF_INIT, cmd = LIB_BUF_INIT;
	int rc;
	while ((rc = config_lexer_next(&lx, &line, &ps->line, err)) > 0) {
		struct config_words w = { line.data, ps->host, 1 };
		rc = config_word_next(&w, 0, &cmd, err);
		if (rc > 0)
			rc = command(ps, &w, cmd.data, err);
		if (rc < 0)
			break;
	}
	if (rc == 0 && ps->account) {
		ps->err_line = ps->account->line;
		rc = lib_err_set(err, "account %s has no closing }", ps->account->name);
	}
	config_buf_wipe(&line);
	lib_buf_release(&cmd);
	return rc;
}

int config_parse(struct config *cfg, const char *file, int file_private, const char *text,
		 size_t len, const struct config_host *host, struct lib_err *err)
{
	struct parser ps = { cfg, config_file_intern(cfg, file), file_private, host, 0, 0, NULL };
	struct lib_err e;
	int rc = parse_lines(&ps, text, len, &e);
	account_free(ps.account);
	if (rc < 0 && ps.err_line < 0) /* already file:line (from a sourced file) */
		return lib_err_set(err, "%s", e.msg);
	if (rc < 0)
		return lib_err_set(err, "%s:%d: %s", file, ps.err_line ? ps.err_line : ps.line,
				   e.msg);
	return 0;
}

int config_finish(struct config *cfg, const struct config_host *host, struct lib_err *err)
{
	if (cfg->opt.default_account && !config_account_find(cfg, cfg->opt.default_account)) {
		const struct config_origin *o =
			&cfg->opt_origin[config_option_global_index(config_option_find(0, "default_account"))];
		return lib_err_set(err, "%s:%d: default_account: there is no account %s", o->file,
				   o->line, cfg->opt.default_account);
	}
	const char *home = host && host->getenv ? host->getenv(host->ctx, "HOME") : NULL;
	if (home && *home) {
		config_options_expand_home(0, &cfg->opt, home);
		for (size_t i = 0; i < cfg->naccounts; i++)
			config_options_expand_home(1, &cfg->accounts[i], home);
	}
	if (!cfg->opt.editor) {
		const char *names[] = { "VISUAL", "EDITOR" };
		const char *editor = NULL;
		for (size_t i = 0; i < 2 && !editor; i++) {
			editor = host && host->getenv ? host->getenv(host->ctx, names[i]) : NULL;
			if (editor && !*editor)
				editor = NULL;
		}
		cfg->opt.editor = lib_xstrdup(editor ? editor : "vi");
	}
	return 0;
}
