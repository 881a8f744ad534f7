/* url.c: the URL list (urlview's job, on ^B as NeoMutt users bind it):
 * every URL of the message shown, one picked and opened with the
 * url_command option.  The URL never passes through a shell: the command
 * is split into words here and run with execvp, the URL one argument. */
#include "ui_internal.h"

#include "mime.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define URL_MAX_WORDS 32

/* argv for command and url: the command's words (split at spaces), the
 * URL in place of a word "%s", or after the last word when none is.
 * The words point into copy; returns the count, 0 for an empty command. */
static size_t url_argv(char *copy, const char *url, char **argv)
{
	size_t n = 0;
	int placed = 0;
	for (char *w = strtok(copy, " \t"); w && n < URL_MAX_WORDS; w = strtok(NULL, " \t")) {
		if (strcmp(w, "%s") == 0) {
			argv[n++] = (char *)url;
			placed = 1;
		} else {
			argv[n++] = w;
		}
	}
	if (n > 0 && !placed && n < URL_MAX_WORDS)
		argv[n++] = (char *)url;
	argv[n] = NULL;
	return n;
}

/* Runs argv on the terminal, curses put aside (a text browser needs it). */
static int run_argv(char *const *argv, struct lib_err *err)
{
	def_prog_mode();
	endwin();
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "frank: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status = 0, rc = 0;
	if (pid < 0)
		rc = lib_err_set(err, "fork: %s", strerror(errno));
	while (pid > 0 && waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			rc = lib_err_set(err, "waitpid: %s", strerror(errno));
			break;
		}
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		rc = lib_err_set(err, "%s: exit status %d", argv[0],
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return rc;
}

static void url_open(struct ui_session *s, const char *url)
{
	const char *command = s->cfg && s->cfg->opt.url_command ? s->cfg->opt.url_command
								 : "xdg-open";
	char *copy = lib_xstrdup(command);
	char *argv[URL_MAX_WORDS + 2];
	struct lib_err err;
	if (url_argv(copy, url, argv) == 0)
		ui_error("url_command is empty");
	else if (run_argv(argv, &err) < 0)
		ui_error("%s", err.msg);
	else
		ui_message("Opened %s", url);
	free(copy);
}

int ui_list_move(size_t *cur, size_t count, enum ui_fn fn)
{
	if (fn == UI_FN_NEXT_ENTRY && *cur + 1 < count)
		(*cur)++;
	else if (fn == UI_FN_PREVIOUS_ENTRY && *cur > 0)
		(*cur)--;
	return fn == UI_FN_NEXT_ENTRY || fn == UI_FN_PREVIOUS_ENTRY;
}

static void url_draw(const struct ui_session *s, const struct mime_links *links, size_t cur)
{
	static const enum ui_fn fns[] = { UI_FN_EXIT, UI_FN_OPEN_URL, UI_FN_HELP };
	static const char *const labels[] = { "Exit", "Open", "Help" };
	ui_draw_help_bar(&s->keys, UI_MENU_URL, fns, labels, 3);
	int rows = ui_body_rows();
	size_t top = cur / (size_t)rows * (size_t)rows;
	for (int r = 0; r < rows; r++) {
		size_t i = top + (size_t)r;
		char line[MIME_LINK_MAX + 16] = "";
		if (i < links->count)
			snprintf(line, sizeof line, "%4zu %s", i + 1, links->urls[i]);
		attrset(i == cur ? ui_theme_attr(UI_COLOR_INDICATOR) : ui_theme_attr(UI_COLOR_NORMAL));
		ui_draw_text(1 + r, 0, COLS, line);
		attrset(ui_theme_attr(UI_COLOR_NORMAL));
	}
	char status[64];
	snprintf(status, sizeof status, "---URLs (%zu)", links->count);
	ui_draw_bar(LINES - 2, status);
}

void ui_url_show(struct ui_session *s, const struct mime_links *links)
{
	if (links->count == 0) {
		ui_message("No URLs in this message.");
		return;
	}
	size_t cur = 0;
	ui_message("%s", "");
	for (int done = 0; !done;) {
		url_draw(s, links, cur);
		enum ui_fn fn;
		int got = ui_wait_fn(&s->keys, UI_MENU_URL, &fn);
		if (got < 0)
			break;
		if (got == 0 || ui_list_move(&cur, links->count, fn))
			continue;
		switch (fn) {
		case UI_FN_EXIT: done = 1; break;
		case UI_FN_OPEN_URL: url_open(s, links->urls[cur]); break;
		case UI_FN_HELP: ui_help_show(&s->keys, UI_MENU_URL); break;
		case UI_FN_REDRAW: clearok(curscr, TRUE); break;
		default: ui_message("Key is not bound in this menu.  Press '?' for help."); break;
		}
	}
	ui_message("%s", "");
}
