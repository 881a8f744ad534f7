/* password.c: an account's password, from passcmd or the config.  The
 * prompt, when neither is set, is the client's: it needs the terminal. */
#include "config_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PASSWORD_MAX 4096 /* the longest first line taken from passcmd */

extern char **environ;

/* Reads the child's output: keeps the first line (without CR LF), and
 * drains the rest so the child never blocks on a full pipe. */
static void read_first_line(int fd, struct lib_buf *line, int *too_long)
{
	char chunk[512];
	int done = 0;
	*too_long = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && !done; i++) {
			if (chunk[i] == '\n')
				done = 1;
			else if (line->len >= PASSWORD_MAX)
				*too_long = done = 1;
			else
				lib_buf_putc(line, chunk[i]);
		}
	}
	lib_secure_zero(chunk, sizeof chunk);
	if (line->len && line->data[line->len - 1] == '\r')
		line->data[--line->len] = '\0';
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* Runs /bin/sh -c passcmd with our standard input and error (so a pinentry
 * or gpg can ask), its output into a pipe.  The command is the user's own
 * text; nothing else from the configuration is put into it. */
static int run_passcmd(const struct config_account *acct, char **password,
		       struct lib_err *err)
{
	int fds[2];
	if (pipe(fds) < 0)
		return lib_err_set(err, "account %s: passcmd: pipe: %s", acct->name, strerror(errno));
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	char *argv[] = { "sh", "-c", acct->passcmd, NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return lib_err_set(err, "account %s: cannot run passcmd: %s", acct->name,
				   strerror(rc));
	}
	struct lib_buf line = LIB_BUF_INIT;
	int too_long, status;
	lib_buf_puts(&line, "");
	read_first_line(fds[0], &line, &too_long);
	close(fds[0]);
	if (wait_child(pid, &status) < 0)
		rc = lib_err_set(err, "account %s: passcmd: waitpid: %s", acct->name, strerror(errno));
	else if (WIFSIGNALED(status))
		rc = lib_err_set(err, "account %s: passcmd was killed by signal %d", acct->name,
				 WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		rc = lib_err_set(err, "account %s: passcmd failed (exit status %d)", acct->name,
				 WEXITSTATUS(status));
	else if (too_long)
		rc = lib_err_set(err, "account %s: passcmd printed a line too long for a password",
				 acct->name);
	else if (line.len == 0)
		rc = lib_err_set(err, "account %s: passcmd printed no password", acct->name);
	if (rc != 0) {
		config_buf_wipe(&line);
		return -1;
	}
	*password = lib_xstrdup(line.data);
	config_buf_wipe(&line);
	return CONFIG_PASSWORD_FOUND;
}

int config_account_password(const struct config_account *acct, char **password,
			    struct lib_err *err)
{
	*password = NULL;
	if (acct->passcmd)
		return run_passcmd(acct, password, err);
	if (acct->password) {
		*password = lib_xstrdup(acct->password);
		return CONFIG_PASSWORD_FOUND;
	}
	return CONFIG_PASSWORD_PROMPT;
}

void config_password_free(char *password)
{
	config_secret_free(password);
}
