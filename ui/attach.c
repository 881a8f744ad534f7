/* attach.c: the attachment menu: a message's MIME tree (type, size,
 * name), a part shown as text, saved (one or all: never over a file
 * without asking, never outside the chosen folder whatever name the
 * sender gave) or piped to a command. */
#include "ui_internal.h"

#include "mime.h"

#include <gmime/gmime.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct attach_part {
	GMimeObject *object; /* borrowed from the message */
	int depth;
	char *type;          /* "text/plain" */
	char *name;          /* the sender's file name, cleaned, or NULL */
	char *data;          /* decoded content; NULL for containers */
	size_t len;
};

struct attach_menu {
	struct ui_session *s;
	GMimeMessage *message;
	struct attach_part *parts;
	size_t count, cur;
};

static void add_part(struct attach_menu *am, GMimeObject *obj, int depth)
{
	am->parts = lib_xrealloc(am->parts, (am->count + 1) * sizeof *am->parts);
	struct attach_part *p = &am->parts[am->count++];
	memset(p, 0, sizeof *p);
	p->object = obj;
	p->depth = depth;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	p->type = lib_xstrdup(type ? type : "text/plain");
	g_free(type);
	if (!GMIME_IS_PART(obj))
		return;
	const char *name = g_mime_part_get_filename(GMIME_PART(obj));
	p->name = name ? ui_safe_filename(name) : NULL;
	GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(obj));
	GMimeStream *mem = g_mime_stream_mem_new();
	if (content)
		g_mime_data_wrapper_write_to_stream(content, mem);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	p->len = bytes->len;
	p->data = lib_xmalloc(p->len + 1);
	memcpy(p->data, bytes->data, p->len);
	p->data[p->len] = '\0';
	g_object_unref(mem);
}

/* The tree, depth first: containers, their parts, attached messages. */
static void walk(struct attach_menu *am, GMimeObject *obj, int depth)
{
	if (!obj || depth > 32)
		return;
	add_part(am, obj, depth);
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
			walk(am, g_mime_multipart_get_part(mp, i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		if (inner)
			walk(am, g_mime_message_get_mime_part(inner), depth + 1);
	}
}

static int attach_load(struct attach_menu *am, const char *path, struct lib_err *err)
{
	GMimeStream *stream = g_mime_stream_file_open(path, "r", NULL);
	if (!stream)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	am->message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (!am->message)
		return lib_err_set(err, "%s: not a message", path);
	walk(am, g_mime_message_get_mime_part(am->message), 0);
	return 0;
}

static void attach_release(struct attach_menu *am)
{
	for (size_t i = 0; i < am->count; i++) {
		free(am->parts[i].type);
		free(am->parts[i].name);
		free(am->parts[i].data);
	}
	free(am->parts);
	if (am->message)
		g_object_unref(am->message);
}

static void size_text(size_t n, char *buf, size_t size)
{
	if (n < 1024)
		snprintf(buf, size, "%zuB", n);
	else if (n < 1024 * 1024)
		snprintf(buf, size, "%.1fK", (double)n / 1024);
	else
		snprintf(buf, size, "%.1fM", (double)n / (1024 * 1024));
}

static void attach_draw(const struct attach_menu *am)
{
	static const enum ui_fn fns[] = { UI_FN_EXIT, UI_FN_SAVE_ENTRY, UI_FN_SAVE_ALL,
					  UI_FN_PIPE_ENTRY, UI_FN_VIEW_ATTACH, UI_FN_HELP };
	static const char *const labels[] = { "Exit", "Save", "Save all", "Pipe", "View", "Help" };
	ui_draw_help_bar(&am->s->keys, UI_MENU_ATTACH, fns, labels, 6);
	int rows = ui_body_rows();
	size_t top = am->cur / (size_t)rows * (size_t)rows;
	for (int r = 0; r < rows; r++) {
		size_t i = top + (size_t)r;
		char line[1024] = "", size[32] = "";
		if (i < am->count) {
			const struct attach_part *p = &am->parts[i];
			if (p->data)
				size_text(p->len, size, sizeof size);
			snprintf(line, sizeof line, "%3zu %*s%-30s %8s  %s", i + 1, p->depth * 2, "",
				 p->type, size, p->name ? p->name : "");
		}
		attrset(i == am->cur ? ui_theme_attr(UI_COLOR_INDICATOR)
				     : ui_theme_attr(UI_COLOR_NORMAL));
		ui_draw_text(1 + r, 0, COLS, line);
		attrset(ui_theme_attr(UI_COLOR_NORMAL));
	}
	ui_draw_bar(LINES - 2, "---Attachments");
}

/* Writes a part to path: a new file, or over an existing one only when
 * overwrite is set.  Never through a symbolic link. */
static int write_part(const struct attach_part *p, const char *path, int overwrite,
		      struct lib_err *err)
{
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (overwrite ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, 0666);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	size_t done = 0;
	while (done < p->len) {
		ssize_t n = write(fd, p->data + done, p->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lib_err_set(err, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	return 0;
}

static int is_dir(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void save_one(struct attach_menu *am)
{
	const struct attach_part *p = &am->parts[am->cur];
	if (!p->data) {
		ui_message("This is a container: save its parts.");
		return;
	}
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", p->name ? p->name : "attachment");
	if (ui_prompt("Save to file: ", buf, sizeof buf, UI_PROMPT_PATHS) < 0 || !buf[0])
		return;
	char *path = is_dir(buf) ? lib_xasprintf("%s/%s", buf, p->name ? p->name : "attachment")
				 : lib_xstrdup(buf);
	struct lib_err err;
	int overwrite = 0;
	if (access(path, F_OK) == 0) {
		char q[4200];
		snprintf(q, sizeof q, "%s exists: overwrite it?", path);
		if (!(overwrite = ui_yesno(q))) {
			ui_message("Not saved.");
			free(path);
			return;
		}
	}
	if (write_part(p, path, overwrite, &err) < 0)
		ui_error("%s", err.msg);
	else
		ui_message("Saved to %s (%zu bytes).", path, p->len);
	free(path);
}

/* Every part with a file name, into one folder; names already there are
 * skipped and said, never overwritten. */
static void save_all(struct attach_menu *am)
{
	char dir[4096] = ".";
	if (ui_prompt("Save every attachment to folder: ", dir, sizeof dir, UI_PROMPT_PATHS) < 0 ||
	    !dir[0])
		return;
	if (!is_dir(dir)) {
		ui_error("%s: not a folder", dir);
		return;
	}
	size_t saved = 0, skipped = 0;
	struct lib_err err = { "" };
	for (size_t i = 0; i < am->count; i++) {
		const struct attach_part *p = &am->parts[i];
		if (!p->data || !p->name)
			continue;
		char *path = lib_xasprintf("%s/%s", dir, p->name);
		if (write_part(p, path, 0, &err) == 0)
			saved++;
		else
			skipped++;
		free(path);
	}
	if (skipped)
		ui_error("Saved %zu, not saved %zu: %s", saved, skipped, err.msg);
	else
		ui_message("Saved %zu attachments to %s.", saved, dir);
}

static void pipe_part(struct attach_menu *am)
{
	const struct attach_part *p = &am->parts[am->cur];
	char cmd[1024] = "";
	if (!p->data) {
		ui_message("This is a container: pipe its parts.");
		return;
	}
	if (ui_prompt("Pipe to command: ", cmd, sizeof cmd, 0) < 0 || !cmd[0])
		return;
	int rc = ui_shell(cmd, p->data, p->len, 1);
	if (rc != 0)
		ui_error("%s: exit status %d", cmd, rc);
}

/* A text part as text: GMime converts its charset to UTF-8; HTML goes
 * through the built-in renderer. */
static void builtin_text(const struct attach_part *p, struct lib_buf *out)
{
	char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(p->object));
	const char *src = text ? text : p->data;
	if (strcmp(p->type, "text/html") == 0)
		mime_html_render(src, strlen(src), out, NULL);
	else
		lib_utf8_sanitize(src, strlen(src), out);
	g_free(text);
}

/* A part through its mailcap copiousoutput viewer (any type but
 * text/plain), else as text when it is text. */
static void view_part(struct attach_menu *am)
{
	const struct attach_part *p = &am->parts[am->cur];
	if (!p->data) {
		ui_message("This is a container: view its parts.");
		return;
	}
	const char *mailcap = am->s->cfg ? am->s->cfg->opt.mailcap_path : NULL;
	struct lib_buf shown = LIB_BUF_INIT;
	struct lib_err err;
	int rc = 0;
	/* text/plain is ours to show: a mailcap "cat" would lose its charset. */
	if (mailcap && *mailcap && strcmp(p->type, "text/plain") != 0) {
		/* %{charset} is the parameter mailcap entries use. */
		const char *params[] = { "charset",
					 g_mime_object_get_content_type_parameter(p->object, "charset"),
					 NULL };
		if (!params[1])
			params[0] = NULL;
		rc = mime_mailcap_render(mailcap, p->type, params, p->data, p->len, &shown, &err);
		if (rc < 0)
			ui_error("%s", err.msg);
	}
	if (rc <= 0 && !GMIME_IS_TEXT_PART(p->object)) {
		if (rc == 0)
			ui_message("%s is not text and no mailcap entry shows it: save it or pipe it "
				   "to a viewer.", p->type);
		lib_buf_release(&shown);
		return;
	}
	if (rc <= 0)
		builtin_text(p, &shown);
	char *text = lib_buf_take(&shown);
	char title[256];
	snprintf(title, sizeof title, "Attachment %zu: %s", am->cur + 1, p->type);
	ui_text_show(&am->s->keys, title, text);
	free(text);
}

void ui_attach_show(struct ui_session *s, const struct store_view_message *m)
{
	struct attach_menu am = { .s = s };
	struct lib_err err;
	if (attach_load(&am, m->path, &err) < 0) {
		ui_error("%s", err.msg);
		attach_release(&am);
		return;
	}
	ui_message("%s", "");
	for (int done = 0; !done;) {
		attach_draw(&am);
		enum ui_fn fn;
		int got = ui_wait_fn(&s->keys, UI_MENU_ATTACH, &fn);
		if (got < 0)
			break;
		if (got == 0 || ui_list_move(&am.cur, am.count, fn))
			continue;
		switch (fn) {
		case UI_FN_EXIT: done = 1; break;
		case UI_FN_SAVE_ENTRY: save_one(&am); break;
		case UI_FN_SAVE_ALL: save_all(&am); break;
		case UI_FN_PIPE_ENTRY: pipe_part(&am); break;
		case UI_FN_VIEW_ATTACH: view_part(&am); break;
		case UI_FN_HELP: ui_help_show(&s->keys, UI_MENU_ATTACH); break;
		case UI_FN_REDRAW: clearok(curscr, TRUE); break;
		default: ui_message("Key is not bound in this menu.  Press '?' for help."); break;
		}
	}
	attach_release(&am);
	ui_message("%s", "");
}
