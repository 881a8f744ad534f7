/* mailcap_run.c: showing a part through a mailcap viewer with
 * copiousoutput: the part in a private temporary file, the viewer run in
 * a child with a time limit, its output read up to a size limit. */
#include "mime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAILCAP_FILE_MAX (1024 * 1024)

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs "sh -c command" with stdin from in_fd (-1: /dev/null), stdout
 * into out (NULL: /dev/null) up to MIME_MAILCAP_MAX_OUTPUT bytes, stderr
 * to /dev/null.  The child leads its own process group, so that a viewer
 * and what it starts end together when the time is up.  Returns the
 * exit status, or -1 with err set. */
static int run_command(const char *command, int in_fd, struct lib_buf *out,
		       struct lib_err *err)
{
	int pipefd[2] = { -1, -1 };
	if (out && pipe(pipefd) < 0)
		return lib_err_set(err, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return lib_err_set(err, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		setpgid(0, 0);
		int devnull = open("/dev/null", O_RDWR);
		dup2(in_fd >= 0 ? in_fd : devnull, STDIN_FILENO);
		dup2(out ? pipefd[1] : devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		if (out) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	int timed_out = 0;
	if (out) {
		close(pipefd[1]);
		long long deadline = now_ms() + MIME_MAILCAP_TIMEOUT * 1000LL;
		char chunk[8192];
		for (;;) {
			long long left = deadline - now_ms();
			struct pollfd pfd = { pipefd[0], POLLIN, 0 };
			int rc = left > 0 ? poll(&pfd, 1, (int)left) : 0;
			if (rc < 0 && errno == EINTR)
				continue;
			if (rc <= 0) {
				timed_out = 1;
				break;
			}
			ssize_t n = read(pipefd[0], chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			size_t room = MIME_MAILCAP_MAX_OUTPUT - out->len;
			lib_buf_append(out, chunk, (size_t)n < room ? (size_t)n : room);
			if (out->len >= MIME_MAILCAP_MAX_OUTPUT)
				break; /* enough to read; the rest is dropped */
		}
		close(pipefd[0]);
		kill(-pid, SIGKILL); /* whatever is left of it: it has said its piece */
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return lib_err_set(err, "waitpid: %s", strerror(errno));
	if (timed_out)
		return lib_err_set(err, "%s: no answer after %d seconds", command,
				   MIME_MAILCAP_TIMEOUT);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return out && out->len ? 0 : lib_err_set(err, "%s: killed by a signal", command);
}

/* The part in a new file only we can read (mkstemp: mode 0600, a name
 * nobody could have prepared). */
static int temp_file(const char *data, size_t len, char *path, size_t size,
		     struct lib_err *err)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, size, "%s/frank-XXXXXX", dir && *dir && strlen(dir) < size - 16 ? dir : "/tmp");
	/* The directory comes from the user's TMPDIR: keep only a name
	 * %s may stand for unquoted in a shell command. */
	for (char *p = path; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("/._-", *p)))
			snprintf(path, size, "/tmp/frank-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return lib_err_set(err, "temporary file %s: %s", path, strerror(errno));
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lib_err_set(err, "temporary file %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		done += (size_t)n;
	}
	return fd;
}

/* The mailcap files of a path list, one after another, "~/" from $HOME. */
static char *read_mailcap(const char *entry, size_t entry_len, size_t *len)
{
	char path[4096];
	const char *home = getenv("HOME");
	if (entry_len >= 2 && entry[0] == '~' && entry[1] == '/')
		snprintf(path, sizeof path, "%s%.*s", home ? home : "", (int)entry_len - 1,
			 entry + 1);
	else
		snprintf(path, sizeof path, "%.*s", (int)entry_len, entry);
	char *data;
	if (lib_read_file(path, MAILCAP_FILE_MAX, &data, len, NULL) < 0)
		return NULL; /* a missing mailcap is common and no error */
	return data;
}

struct mailcap_job {
	const char *type;
	const char *const *params;
	const char *data;
	size_t len;
	char path[4200];
	int fd; /* the temporary file, -1 until one is needed */
};

static int try_entry(struct mailcap_job *job, const struct mime_mailcap_entry *e,
		     struct lib_buf *out, struct lib_err *err)
{
	if (job->fd < 0 &&
	    (job->fd = temp_file(job->data, job->len, job->path, sizeof job->path, err)) < 0)
		return -1;
	int has_file;
	if (e->test) {
		char *test = mime_mailcap_expand(e->test, job->path, job->type, job->params,
						 &has_file);
		struct lib_err terr;
		int rc = run_command(test, -1, NULL, &terr);
		lib_debug("mailcap test %s: %d", test, rc);
		free(test);
		if (rc != 0)
			return 0;
	}
	char *cmd = mime_mailcap_expand(e->view, job->path, job->type, job->params, &has_file);
	lseek(job->fd, 0, SEEK_SET);
	size_t was = out->len;
	int rc = run_command(cmd, has_file ? -1 : job->fd, out, err);
	lib_debug("mailcap view %s: %d", cmd, rc);
	if (rc > 0) {
		lib_err_set(err, "%s: exit status %d", cmd, rc);
		rc = -1;
	}
	free(cmd);
	if (rc < 0)
		out->len = was;
	return rc < 0 ? -1 : 1;
}

int mime_mailcap_render(const char *path_list, const char *type, const char *const *params,
			const char *data, size_t len, struct lib_buf *out, struct lib_err *err)
{
	struct mailcap_job job = { type, params, data, len, "", -1 };
	struct lib_buf raw = LIB_BUF_INIT;
	int rc = 0;
	for (const char *p = path_list ? path_list : ""; *p && rc == 0;) {
		size_t n = strcspn(p, ":");
		size_t flen;
		char *text = n ? read_mailcap(p, n, &flen) : NULL;
		p += n + (p[n] == ':');
		size_t pos = 0;
		struct mime_mailcap_entry e;
		while (text && rc == 0 && mime_mailcap_find(text, flen, type, 1, &pos, &e)) {
			rc = try_entry(&job, &e, &raw, err);
			mime_mailcap_entry_release(&e);
		}
		free(text);
	}
	if (job.fd >= 0) {
		close(job.fd);
		unlink(job.path);
	}
	if (rc > 0)
		lib_utf8_sanitize(raw.data ? raw.data : "", raw.len, out);
	lib_buf_release(&raw);
	return rc;
}
