/* prompt.c: questions on the message line, errors, and running a command
 * on the terminal with curses put aside. */
#include "ui_internal.h"
#include "ui_text.h"

#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

void ui_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ui_vmessage(ui_theme_attr(UI_COLOR_ERROR), fmt, ap);
	va_end(ap);
}

/* Removes the last UTF-8 character of buf. */
static void drop_last(char *buf)
{
	size_t n = strlen(buf);
	while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
		n--;
	buf[n > 0 ? n - 1 : 0] = '\0';
}

static void append_key(char *buf, size_t size, int key)
{
	struct lib_buf enc = LIB_BUF_INIT;
	ui_utf8_put(&enc, (unsigned)key);
	size_t len = strlen(buf);
	if (len + enc.len < size)
		memcpy(buf + len, enc.data, enc.len + 1);
	lib_buf_release(&enc);
}

/* Tab: the file name is completed as far as every match agrees. */
static void complete_path(char *buf, size_t size)
{
	char *slash = strrchr(buf, '/');
	char dir[4096];
	const char *stem = slash ? slash + 1 : buf;
	if (slash)
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - buf + 1), buf);
	else
		snprintf(dir, sizeof dir, ".");
	DIR *d = opendir(dir);
	char common[256] = "";
	int found = 0;
	struct dirent *de;
	size_t stem_len = strlen(stem);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, stem, stem_len) != 0 || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		if (!found++) {
			snprintf(common, sizeof common, "%s", de->d_name);
		} else {
			size_t i = 0;
			while (common[i] && common[i] == de->d_name[i])
				i++;
			common[i] = '\0';
		}
	}
	if (d)
		closedir(d);
	if (found && strlen(common) > stem_len) {
		size_t at = (size_t)(stem - buf);
		snprintf(buf + at, size - at, "%s", common);
	}
}

/* What the prompt shows of the answer: itself, or a star a character. */
static void shown_answer(const char *buf, int secret, char *out, size_t size)
{
	if (!secret) {
		snprintf(out, size, "%s", buf);
		return;
	}
	size_t n = 0;
	for (const char *p = buf; *p && n + 1 < size; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			out[n++] = '*';
	out[n] = '\0';
}

int ui_prompt(const char *question, char *buf, size_t size, int flags)
{
	curs_set(1);
	int rc = -1;
	for (;;) {
		char line[1024], answer[768];
		shown_answer(buf, flags & UI_PROMPT_SECRET, answer, sizeof answer);
		snprintf(line, sizeof line, "%s%s", question, answer);
		int used;
		size_t fit = ui_text_fit(line, COLS - 1, &used);
		/* Keep the end of a long answer, where the cursor is, on screen. */
		const char *shown = line;
		if (line[fit] != '\0')
			shown = line + (strlen(line) - fit);
		attrset(ui_theme_attr(UI_COLOR_NORMAL));
		ui_message("%s", shown);
		move(LINES - 1, ui_text_width(shown) < COLS - 1 ? ui_text_width(shown) : COLS - 1);
		refresh();
		int key = ui_read_key();
		if (key == UI_KEY_GONE || key == 7 || key == 27)
			break;
		if (key == '\n' || key == '\r' || key == CONFIG_KEY_ENTER) {
			rc = 0;
			break;
		}
		if (key == CONFIG_KEY_BACKSPACE || key == 8)
			drop_last(buf);
		else if (key == 21) /* ^U */
			buf[0] = '\0';
		else if (key == '\t' && (flags & UI_PROMPT_PATHS))
			complete_path(buf, size);
		else if (key >= 32 && key < 0x110000 && key != 127)
			append_key(buf, size, key);
	}
	curs_set(0);
	ui_message("%s", "");
	return rc;
}

int ui_yesno(const char *question)
{
	char line[512];
	snprintf(line, sizeof line, "%s ([yes]/no): ", question);
	for (;;) {
		ui_message("%s", line);
		refresh();
		int key = ui_read_key();
		if (key == 'y' || key == 'Y' || key == '\n' || key == '\r')
			return ui_message("%s", ""), 1;
		if (key == 'n' || key == 'N' || key == 7 || key == 27 || key == UI_KEY_GONE)
			return ui_message("%s", ""), 0;
	}
}

/* "Press any key" with the terminal in its own mode, before curses
 * paints over what the command wrote. */
static void wait_for_key(void)
{
	struct termios saved, raw;
	fputs("Press any key to continue...", stdout);
	fflush(stdout);
	if (tcgetattr(STDIN_FILENO, &saved) < 0)
		return;
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	char c;
	if (read(STDIN_FILENO, &c, 1) < 0)
		c = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}

int ui_shell(const char *command, const char *input, size_t input_len, int wait)
{
	def_prog_mode();
	endwin();
	int status = -1;
	if (input) {
		void (*old)(int) = signal(SIGPIPE, SIG_IGN); /* a command may not read it all */
		FILE *p = popen(command, "w");
		if (p) {
			fwrite(input, 1, input_len, p);
			status = pclose(p);
		}
		signal(SIGPIPE, old);
	} else {
		status = system(command);
	}
	if (wait)
		wait_for_key();
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
