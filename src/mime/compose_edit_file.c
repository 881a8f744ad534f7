/* compose_edit_file.c: the edit text in a private temporary file, the
 * round trip through $EDITOR that frank send -e and the compose screen
 * share (the editor itself is run by the caller: the UI must leave curses
 * first). */
#include "compose_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int mime_edit_file_write(const struct mime_compose *c, const char *prefix,
			 struct mime_edit_file *f, struct lib_err *err)
{
	const char *tmpdir = getenv("TMPDIR");
	memset(f, 0, sizeof *f);
	f->path = lib_xasprintf("%s/%s-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp", prefix);
	int fd = mkstemp(f->path); /* mode 0600: the draft may be private */
	if (fd < 0) {
		lib_err_set(err, "cannot make a file to edit: %s", strerror(errno));
		free(f->path);
		f->path = NULL;
		return -1;
	}
	mime_compose_edit_text(c, &f->before);
	int rc = write(fd, f->before.data, f->before.len) == (ssize_t)f->before.len ? 0 : -1;
	if (close(fd) != 0)
		rc = -1;
	if (rc < 0) {
		lib_err_set(err, "%s: cannot write: %s", f->path, strerror(errno));
		mime_edit_file_release(f, 0);
	}
	return rc;
}

int mime_edit_file_read(struct mime_compose *c, struct mime_edit_file *f, int *unchanged,
			struct lib_err *err)
{
	char *edited = NULL;
	size_t len = 0;
	*unchanged = 0;
	if (lib_read_file(f->path, MIME_MAX_MESSAGE_SIZE, &edited, &len, err) < 0)
		return -1;
	*unchanged = len == f->before.len && memcmp(edited, f->before.data, len) == 0;
	int rc = mime_compose_parse_edit_text(c, edited, len, err);
	free(edited);
	return rc;
}

void mime_edit_file_release(struct mime_edit_file *f, int keep)
{
	if (f->path && !keep)
		unlink(f->path);
	free(f->path);
	f->path = NULL;
	lib_buf_release(&f->before);
}
