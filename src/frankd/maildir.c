/* maildir.c: local delivery into a Maildir (https://cr.yp.to/proto/maildir.html,
 * with Maildir++ folders: "Junk" is MAILDIR/.Junk).  A copy is written to
 * tmp/ under a unique name, fsynced, renamed into new/, and new/ is fsynced:
 * once frankd_maildir_deliver returns 0 the copy survives a crash.  Line
 * endings become LF, as Maildir readers expect. */
#include "frankd_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static char *folder_path(const char *maildir, const char *folder)
{
	if (!folder || !*folder)
		return lib_xstrdup(maildir);
	return lib_xasprintf("%s/.%s", maildir, folder);
}

int frankd_maildir_make(const char *maildir, const char *folder, struct lib_err *err)
{
	char *dir = folder_path(maildir, folder);
	static const char *const subs[] = { "tmp", "new", "cur" };
	int rc = frankd_mkdirs(dir, 0700, err);
	for (size_t i = 0; i < 3 && rc == 0; i++) {
		char *sub = lib_xasprintf("%s/%s", dir, subs[i]);
		rc = frankd_mkdir(sub, 0700, err);
		free(sub);
	}
	free(dir);
	return rc;
}

/* Copies CRLF-ended text to out with LF endings; *cr carries a CR that
 * ended the previous piece. */
static void crlf_to_lf(const char *in, size_t len, int *cr, struct lib_buf *out)
{
	for (size_t i = 0; i < len; i++) {
		if (*cr) {
			*cr = 0;
			if (in[i] == '\n') {
				lib_buf_putc(out, '\n');
				continue;
			}
			lib_buf_putc(out, '\r');
		}
		if (in[i] == '\r') {
			*cr = 1;
			continue;
		}
		size_t j = i;
		while (j < len && in[j] != '\r')
			j++;
		lib_buf_append(out, in + i, j - i);
		i = j - 1;
	}
}

/* Writes prefix and the message to fd with LF endings. */
static int copy_message(int fd, const char *prefix, size_t prefix_len, int msg_fd,
			struct lib_err *err)
{
	struct lib_buf out = LIB_BUF_INIT;
	char chunk[65536];
	int cr = 0, rc = 0;
	crlf_to_lf(prefix, prefix_len, &cr, &out);
	if (lseek(msg_fd, 0, SEEK_SET) < 0)
		rc = lib_err_set(err, "reading the queued message: %s", strerror(errno));
	while (rc == 0) {
		ssize_t n = read(msg_fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = lib_err_set(err, "reading the queued message: %s", strerror(errno));
		if (n <= 0)
			break;
		crlf_to_lf(chunk, (size_t)n, &cr, &out);
		if (out.len >= sizeof chunk) {
			if (frankd_write_all(fd, out.data, out.len) < 0)
				rc = lib_err_set(err, "writing: %s", strerror(errno));
			lib_buf_reset(&out);
		}
	}
	if (cr)
		lib_buf_putc(&out, '\r');
	if (rc == 0 && out.len && frankd_write_all(fd, out.data, out.len) < 0)
		rc = lib_err_set(err, "writing: %s", strerror(errno));
	lib_buf_release(&out);
	return rc;
}

/* A name no other delivery uses: time, microseconds, pid, a counter and
 * the host (the Maildir recipe), as Dovecot writes them. */
static char *unique_name(const char *hostname)
{
	static atomic_ulong counter; /* deliveries run on several workers */
	struct timeval tv;
	gettimeofday(&tv, NULL);
	char host[256];
	size_t n = 0;
	for (const char *h = hostname; *h && n < sizeof host - 5; h++) {
		if (*h == '/' || *h == ':') { /* not in a Maildir name */
			memcpy(host + n, *h == '/' ? "\\057" : "\\072", 4);
			n += 4;
		} else {
			host[n++] = *h;
		}
	}
	host[n] = '\0';
	return lib_xasprintf("%lld.M%06ldP%ldQ%lu.%s", (long long)tv.tv_sec, (long)tv.tv_usec,
			     (long)getpid(), (unsigned long)atomic_fetch_add(&counter, 1) + 1, host);
}

int frankd_maildir_deliver(const char *maildir, const char *folder, const char *hostname,
			   const char *prefix, size_t prefix_len, int msg_fd, char **name,
			   struct lib_err *err)
{
	if (frankd_maildir_make(maildir, folder, err) < 0)
		return -1;
	char *dir = folder_path(maildir, folder);
	char *base = unique_name(hostname);
	char *tmp = lib_xasprintf("%s/tmp/%s", dir, base);
	char *newdir = lib_xasprintf("%s/new", dir);
	char *dest = lib_xasprintf("%s/%s", newdir, base);
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		lib_err_set(err, "%s: %s", tmp, strerror(errno));
	} else {
		rc = copy_message(fd, prefix, prefix_len, msg_fd, err);
		if (rc == 0 && fsync(fd) < 0)
			rc = lib_err_set(err, "fsync %s: %s", tmp, strerror(errno));
		if (close(fd) < 0 && rc == 0)
			rc = lib_err_set(err, "%s: %s", tmp, strerror(errno));
		if (rc == 0 && rename(tmp, dest) < 0)
			rc = lib_err_set(err, "%s: %s", dest, strerror(errno));
		if (rc < 0)
			unlink(tmp);
		else
			rc = frankd_fsync_dir(newdir, err);
	}
	if (rc == 0)
		*name = lib_xstrdup(base);
	free(dir);
	free(base);
	free(tmp);
	free(newdir);
	free(dest);
	return rc;
}
