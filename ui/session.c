/* session.c: starting curses, the key map and configuration commands
 * shared by every screen. */
#include "ui.h"
#include "ui_internal.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ui_session_keys(struct ui_session *s, struct lib_err *err)
{
	struct ui_keys keys = { 0 };
	struct config_keymap km = { 0 };
	struct lib_buf text = LIB_BUF_INIT;
	for (size_t i = 0; ui_default_keys[i]; i++)
		lib_buf_puts(&text, ui_default_keys[i]);
	int rc = config_keymap_parse(&km, "default.keys", text.data, text.len, err);
	lib_buf_release(&text);
	if (rc == 0)
		rc = ui_keys_load(&keys, &km, err);
	config_keymap_release(&km);
	if (rc == 0 && s->cfg)
		rc = ui_keys_load(&keys, &s->cfg->keys, err);
	if (rc == 0 && s->cfg)
		rc = ui_keys_load_macros(&keys, s->cfg, err);
	if (rc < 0) {
		ui_keys_release(&keys);
		return -1;
	}
	ui_keys_release(&s->keys);
	s->keys = keys;
	return 0;
}

/* Starts curses on the controlling terminal.  newterm(), unlike initscr(),
 * returns NULL instead of exiting when the terminal type is unknown. */
static SCREEN *start_screen(struct lib_err *err)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		lib_err_set(err, "standard input and output must be a terminal");
		return NULL;
	}
	const char *term = getenv("TERM");
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		lib_err_set(err, "cannot use the terminal type \"%s\" (check TERM)",
			    term ? term : "");
		return NULL;
	}
	set_term(scr);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	return scr;
}

int ui_run(struct store_view *view, struct config *cfg, const char *query, const char *label,
	   struct lib_err *err)
{
	struct ui_session s = { .view = view, .cfg = cfg };
	ui_bench_phase("opened");
	if (ui_session_keys(&s, err) < 0)
		return -1;
	ui_bench_phase("keys");
	setlocale(LC_ALL, "");
	s.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	SCREEN *scr = start_screen(err);
	int rc = -1;
	if (scr) {
		ui_theme_init(cfg);
		ui_suspend_init();
		ui_bench_phase("screen");
		rc = ui_index_run(&s, query, label, err);
		endwin();
		delscreen(scr);
	}
	ui_keys_release(&s.keys);
	return rc;
}

/* Takes back the bindings and macros a refused command added, so that
 * they neither linger in the configuration nor break the next command. */
static void take_back(struct config *cfg, size_t nkeys, size_t nmacros)
{
	while (cfg->keys.count > nkeys) {
		struct config_binding *b = &cfg->keys.bindings[--cfg->keys.count];
		free(b->menu);
		free(b->function);
		free(b->source);
	}
	while (cfg->nmacros > nmacros) {
		struct config_macro *m = &cfg->macros[--cfg->nmacros];
		free(m->menu);
		free(m->keys);
		free(m->description);
		free(m->source);
	}
}

void ui_command(struct ui_session *s)
{
	char line[1024] = "";
	struct lib_err err;
	if (ui_prompt(":", line, sizeof line, 0) < 0 || !line[0])
		return;
	if (!s->cfg) {
		ui_error("no configuration to change");
		return;
	}
	size_t nkeys = s->cfg->keys.count, nmacros = s->cfg->nmacros;
	if (config_parse(s->cfg, "command", 0, line, strlen(line), NULL, &err) < 0) {
		ui_error("%s", err.msg);
		return;
	}
	/* A bind whose function the UI lacks is refused, and taken back. */
	struct config_keymap added = { NULL, s->cfg->keys.bindings + nkeys,
				       s->cfg->keys.count - nkeys };
	if (ui_keymap_check(&added, &err) < 0) {
		take_back(s->cfg, nkeys, nmacros);
		ui_error("%s", err.msg);
		return;
	}
	/* So is a macro naming a function the UI lacks: the live keys are
	 * built again only from what was accepted (their texts are the
	 * config's, so the old keys must stay until the new ones replace
	 * them). */
	if (ui_session_keys(s, &err) < 0) {
		take_back(s->cfg, nkeys, nmacros);
		ui_error("refused: %s", err.msg);
		return;
	}
	ui_theme_init(s->cfg);
	ui_message("%s", line);
}

const struct config_account *ui_account_of(struct ui_session *s, const char *path)
{
	if (!s->cfg)
		return NULL;
	const char *root = store_view_root(s->view);
	size_t n = strlen(root);
	if (store_view_is_mail_root(s->view) && strncmp(path, root, n) == 0 && path[n] == '/') {
		char name[256];
		const char *start = path + n + 1, *slash = strchr(start, '/');
		snprintf(name, sizeof name, "%.*s", slash ? (int)(slash - start) : (int)strlen(start),
			 start);
		const struct config_account *a = config_account_find(s->cfg, name);
		if (a)
			return a;
	}
	return config_default_account(s->cfg);
}
