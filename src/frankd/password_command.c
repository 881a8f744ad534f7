/* password_command.c: the smarthost's password from a command
 * ("smarthost HOST PORT user NAME password_command CMD"), run through
 * /bin/sh at each connection so a password manager or a secret store can
 * hand it over without it ever sitting in a file frankd reads.  The daemon
 * has no terminal: the command's standard input is /dev/null, its standard
 * error frankd's (its own messages, never the password), and it gets a
 * deadline, so a command that hangs defers the mail instead of holding a
 * worker forever. */
#include "frankd_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PASSWORD_COMMAND_MAX_LINE 4096 /* the longest password taken */
#define PASSWORD_COMMAND_MAX_OUTPUT (1u << 20) /* read (and dropped) at most */

extern char **environ;

struct command_output {
	struct lib_buf line; /* the first line, without its CR LF */
	int line_done;       /* its LF was seen */
	int too_long;
	size_t total;
};

static void take_bytes(struct command_output *out, const char *p, size_t n)
{
	out->total += n;
	for (size_t i = 0; i < n && !out->line_done; i++) {
		if (p[i] == '\n')
			out->line_done = 1;
		else if (out->line.len >= PASSWORD_COMMAND_MAX_LINE)
			out->too_long = out->line_done = 1;
		else
			lib_buf_putc(&out->line, p[i]);
	}
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads fd to its end, until the deadline: 0, or -1 when time ran out
 * or the output went past its bound. */
static int read_output(int fd, unsigned timeout_s, struct command_output *out)
{
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	char chunk[512];
	int rc = 0;
	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (left <= 0) {
			rc = -1;
			break;
		}
		int ready = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0) {
			rc = -1;
			break;
		}
		if (ready == 0)
			continue;
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		take_bytes(out, chunk, (size_t)n);
		if (out->total > PASSWORD_COMMAND_MAX_OUTPUT) {
			rc = -1;
			break;
		}
	}
	lib_secure_zero(chunk, sizeof chunk);
	return rc;
}

static pid_t spawn_command(const char *command, int out_fd, int *spawn_errno)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, out_fd);
	char *argv[] = { "sh", "-c", (char *)command, NULL };
	pid_t pid;
	*spawn_errno = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return *spawn_errno ? -1 : pid;
}

static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* The verdict on a finished command: 0, or -1 with err set. */
static int judge(const struct command_output *out, int read_rc, int status, unsigned timeout_s,
		 struct lib_err *err)
{
	if (read_rc < 0 && out->total > PASSWORD_COMMAND_MAX_OUTPUT)
		return lib_err_set(err, "password_command printed more than %u bytes",
				   PASSWORD_COMMAND_MAX_OUTPUT);
	if (read_rc < 0)
		return lib_err_set(err, "password_command gave no answer within %u s", timeout_s);
	if (WIFSIGNALED(status))
		return lib_err_set(err, "password_command was killed by signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return lib_err_set(err, "password_command failed (exit status %d)",
				   WEXITSTATUS(status));
	if (out->too_long)
		return lib_err_set(err, "password_command printed a line longer than %d bytes",
				   PASSWORD_COMMAND_MAX_LINE);
	if (out->line.len == 0)
		return lib_err_set(err, "password_command printed no password");
	return 0;
}

int frankd_password_command(const char *command, unsigned timeout_s, char **password,
			    struct lib_err *err)
{
	*password = NULL;
	int fds[2];
	if (pipe(fds) < 0)
		return lib_err_set(err, "password_command: pipe: %s", strerror(errno));
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	int spawn_errno;
	pid_t pid = spawn_command(command, fds[1], &spawn_errno);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return lib_err_set(err, "cannot run password_command: %s", strerror(spawn_errno));
	}
	struct command_output out = { LIB_BUF_INIT, 0, 0, 0 };
	lib_buf_puts(&out.line, "");
	int read_rc = read_output(fds[0], timeout_s, &out);
	close(fds[0]);
	if (read_rc < 0)
		kill(pid, SIGKILL);
	if (out.line.len && out.line.data[out.line.len - 1] == '\r')
		out.line.data[--out.line.len] = '\0';
	int status = 0;
	int rc = reap(pid, &status) < 0
			 ? lib_err_set(err, "password_command: waitpid: %s", strerror(errno))
			 : judge(&out, read_rc, status, timeout_s, err);
	if (rc == 0)
		*password = lib_xstrdup(out.line.data);
	lib_secure_zero(out.line.data, out.line.cap);
	lib_buf_release(&out.line);
	return rc;
}
