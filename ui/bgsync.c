/* bgsync.c: syncs in the background while the UI runs.  The UI never
 * touches a socket (DESIGN.md): each sync is a "frank sync" child with its
 * own notmuch handle, reporting through a pipe (--progress-fd 3, the event
 * lines of store_sync_event_parse) that the main loop polls beside the
 * terminal.  One child syncs every account (at start and on $); with
 * imap_idle, a long-lived "frank sync --idle" child per IMAP account keeps
 * its inbox current.  Children are killed and reaped when the UI ends. */
#define _GNU_SOURCE /* prctl's PR_SET_PDEATHSIG */
#include "ui_internal.h"

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
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define BG_PROGRESS_FD 3
#define BG_MAX_CHILDREN 32
#define BG_REAP_GRACE_MS 2000 /* after SIGTERM, before SIGKILL */

struct bg_child {
	pid_t pid;
	int fd;           /* the read end of its progress pipe; -1 after EOF */
	char *account;    /* an --idle child's account; NULL: a sync of all */
	char line[STORE_SYNC_EVENT_MAX + 2]; /* a line read in part */
	size_t len;
	int overlong;     /* skipping the rest of a line too long to be one */
	char status[400]; /* its progress for the status line, "" when none */
	int said_error;   /* it sent an error line (its reason is shown) */
};

struct ui_bgsync {
	const struct config *cfg;
	struct bg_child kids[BG_MAX_CHILDREN];
	size_t nkids;
	unsigned events;  /* UI_BGSYNC_* not yet taken */
	char error[600];  /* the last failure, for the message line */
	char status[1024];
};

struct ui_bgsync *ui_bgsync_new(const struct config *cfg)
{
	struct ui_bgsync *bg = lib_xcalloc(1, sizeof *bg);
	bg->cfg = cfg;
	return bg;
}

/* --- children ------------------------------------------------------------- */

/* In the child: the pipe as descriptor 3, output to the log, no terminal
 * (a sync with no password must fail, not prompt under curses), and death
 * with the UI even when it is killed. */
static void bg_exec(const struct config *cfg, int wfd, const char *account)
{
	setsid();
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	char *log = lib_xasprintf("%s/.frank-sync.log", cfg->opt.mail_root);
	int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 ||
	    (wfd != BG_PROGRESS_FD && dup2(wfd, BG_PROGRESS_FD) < 0))
		_exit(127);
	const char *argv[12];
	int n = 0;
	argv[n++] = "frank";
	argv[n++] = "sync";
	if (cfg->nfiles) {
		argv[n++] = "-F";
		argv[n++] = cfg->files[0];
	}
	argv[n++] = "--quiet";
	argv[n++] = "--progress-fd";
	argv[n++] = "3";
	if (account) {
		argv[n++] = "--idle";
		argv[n++] = account;
	}
	argv[n] = NULL;
	execv("/proc/self/exe", (char *const *)argv);
	_exit(127);
}

/* Starts a child: a sync of every account (account NULL) or an --idle one. */
static int bg_spawn(struct ui_bgsync *bg, const char *account, struct lib_err *err)
{
	int p[2];
	if (bg->nkids == BG_MAX_CHILDREN)
		return lib_err_set(err, "too many background syncs");
	if (pipe(p) < 0)
		return lib_err_set(err, "cannot start a sync: pipe: %s", strerror(errno));
	/* Non-blocking both ways: the UI never waits on the pipe, and a child
	 * whose reader is busy in another screen drops counts, not mail. */
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	pid_t pid = fork();
	if (pid == 0)
		bg_exec(bg->cfg, p[1], account);
	int e = errno;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return lib_err_set(err, "cannot start a sync: fork: %s", strerror(e));
	}
	struct bg_child *k = &bg->kids[bg->nkids++];
	memset(k, 0, sizeof *k);
	k->pid = pid;
	k->fd = p[0];
	k->account = account ? lib_xstrdup(account) : NULL;
	snprintf(k->status, sizeof k->status, "Sync %s: connecting", account ? account : "all");
	lib_debug("bgsync: started %s (pid %ld)", account ? account : "a sync of every account",
		  (long)pid);
	return 0;
}

/* Reaps a child that closed its pipe, and says why when it failed. */
static void bg_reap(struct ui_bgsync *bg, size_t i)
{
	struct bg_child *k = &bg->kids[i];
	int status = 0;
	if (waitpid(k->pid, &status, 0) < 0)
		status = 0;
	int failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	lib_debug("bgsync: pid %ld ended with status %d", (long)k->pid, status);
	if (failed && !k->said_error) {
		snprintf(bg->error, sizeof bg->error, "frank sync%s%s failed (%s %d): %s/.frank-sync.log "
			 "says why", k->account ? " --idle " : "", k->account ? k->account : "",
			 WIFEXITED(status) ? "status" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			 bg->cfg->opt.mail_root);
		bg->events |= UI_BGSYNC_ERROR;
	} else if (k->account && !failed) {
		/* An --idle child is meant to run until frank ends. */
		snprintf(bg->error, sizeof bg->error, "frank sync --idle %s stopped", k->account);
		bg->events |= UI_BGSYNC_ERROR;
	} else if (!k->account && !failed) {
		bg->events |= UI_BGSYNC_SYNCED;
	}
	if (k->fd >= 0)
		close(k->fd);
	free(k->account);
	bg->kids[i] = bg->kids[--bg->nkids];
	bg->events |= UI_BGSYNC_REOPEN;
}

/* --- events ---------------------------------------------------------------- */

static void bg_event(struct ui_bgsync *bg, struct bg_child *k, const struct store_sync_event *ev)
{
	switch (ev->kind) {
	case STORE_SYNC_EVENT_FOLDER:
		if (ev->total > 0 && ev->done < ev->total)
			snprintf(k->status, sizeof k->status, "Sync %s: %s %zu/%zu", ev->account,
				 ev->folder, ev->done, ev->total);
		else
			snprintf(k->status, sizeof k->status, "Sync %s: %s", ev->account, ev->folder);
		bg->events |= UI_BGSYNC_STATUS;
		break;
	case STORE_SYNC_EVENT_NEW:
		bg->events |= UI_BGSYNC_REOPEN;
		break;
	case STORE_SYNC_EVENT_ERROR:
		snprintf(bg->error, sizeof bg->error, "sync %s: %s", ev->account, ev->reason);
		k->said_error = 1;
		bg->events |= UI_BGSYNC_ERROR;
		break;
	case STORE_SYNC_EVENT_DONE:
	case STORE_SYNC_EVENT_IDLE:
		k->status[0] = '\0';
		bg->events |= UI_BGSYNC_REOPEN | UI_BGSYNC_STATUS;
		break;
	}
}

static void bg_line(struct ui_bgsync *bg, struct bg_child *k, const char *line, size_t len)
{
	struct store_sync_event ev;
	struct lib_err err;
	if (store_sync_event_parse(line, len, &ev, &err) < 0)
		lib_debug("bgsync: pid %ld: %s", (long)k->pid, err.msg);
	else
		bg_event(bg, k, &ev);
}

/* Reads what the child wrote: whole lines become events; a line longer
 * than any event is skipped to its end.  Returns 0 at EOF. */
static int bg_read(struct ui_bgsync *bg, struct bg_child *k)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = read(k->fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 1 : 0;
		if (n == 0)
			return 0;
		for (ssize_t i = 0; i < n; i++) {
			if (chunk[i] == '\n') {
				if (!k->overlong)
					bg_line(bg, k, k->line, k->len);
				k->len = 0;
				k->overlong = 0;
			} else if (k->len < STORE_SYNC_EVENT_MAX) {
				k->line[k->len++] = chunk[i];
			} else {
				k->overlong = 1;
			}
		}
	}
}

/* --- the face ---------------------------------------------------------------- */

static int is_imap(const struct config_account *a)
{
	return a->source.scheme == CONFIG_SCHEME_IMAP || a->source.scheme == CONFIG_SCHEME_IMAPS;
}

static int bg_all_running(const struct ui_bgsync *bg)
{
	for (size_t i = 0; i < bg->nkids; i++)
		if (!bg->kids[i].account)
			return 1;
	return 0;
}

int ui_bgsync_start(struct ui_bgsync *bg, struct lib_err *err)
{
	if (bg_all_running(bg))
		return lib_err_set(err, "A sync of every account is already running.");
	return bg_spawn(bg, NULL, err);
}

int ui_bgsync_start_session(struct ui_bgsync *bg, struct lib_err *err)
{
	const struct config *cfg = bg->cfg;
	int idles = 0;
	for (size_t i = 0; cfg->opt.imap_idle && i < cfg->naccounts; i++) {
		if (!is_imap(&cfg->accounts[i]))
			continue;
		if (bg_spawn(bg, cfg->accounts[i].name, err) < 0)
			return -1;
		idles++;
	}
	/* Each --idle child syncs its whole account first; the rest (POP3,
	 * or every account without imap_idle) in one more child. */
	if (cfg->opt.sync_on_start && (size_t)idles < cfg->naccounts)
		return bg_spawn(bg, NULL, err);
	return 0;
}

/* A key is waiting in curses' own buffer or the terminal's: poll() on the
 * terminal alone would miss the first. */
static int key_pending(void)
{
	wint_t ch;
	nodelay(stdscr, TRUE);
	int rc = get_wch(&ch);
	nodelay(stdscr, FALSE);
	if (rc == ERR)
		return 0;
	if (rc == KEY_CODE_YES)
		ungetch((int)ch);
	else
		unget_wch((wchar_t)ch);
	return 1;
}

int ui_bgsync_wait_fn(struct ui_bgsync *bg, const struct ui_keys *keys, enum ui_menu menu,
		      enum ui_fn *fn)
{
	refresh();
	for (;;) {
		if (!bg || bg->nkids == 0 || key_pending())
			return ui_wait_fn(keys, menu, fn);
		struct pollfd fds[BG_MAX_CHILDREN + 1];
		fds[0] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
		for (size_t i = 0; i < bg->nkids; i++)
			fds[i + 1] = (struct pollfd){ bg->kids[i].fd, POLLIN, 0 };
		size_t nk = bg->nkids;
		if (poll(fds, nk + 1, -1) < 0) {
			if (errno == EINTR)
				continue; /* a resize: key_pending() sees KEY_RESIZE */
			return ui_wait_fn(keys, menu, fn);
		}
		if (fds[0].revents)
			return ui_wait_fn(keys, menu, fn);
		for (size_t i = nk; i-- > 0;)
			if (fds[i + 1].revents && bg_read(bg, &bg->kids[i]) == 0)
				bg_reap(bg, i);
		if (bg->events)
			return 2;
	}
}

unsigned ui_bgsync_take(struct ui_bgsync *bg, char *error, size_t size)
{
	if (!bg)
		return 0;
	unsigned ev = bg->events;
	bg->events = 0;
	snprintf(error, size, "%s", (ev & UI_BGSYNC_ERROR) ? bg->error : "");
	return ev;
}

const char *ui_bgsync_status(struct ui_bgsync *bg)
{
	size_t len = 0;
	if (!bg)
		return "";
	bg->status[0] = '\0';
	for (size_t i = 0; i < bg->nkids && len + 3 < sizeof bg->status; i++) {
		if (!bg->kids[i].status[0])
			continue;
		int n = snprintf(bg->status + len, sizeof bg->status - len, "%s%s", len ? "; " : "",
				 bg->kids[i].status);
		len = n > 0 && (size_t)n < sizeof bg->status - len ? len + (size_t)n
								    : sizeof bg->status - 1;
	}
	return bg->status;
}

/* SIGTERM, a short grace, then SIGKILL: a sync killed at any point loses
 * nothing (store.h) and the next one resumes. */
static void bg_stop(struct bg_child *k)
{
	kill(k->pid, SIGTERM);
	for (int waited = 0; waited < BG_REAP_GRACE_MS; waited += 10) {
		if (waitpid(k->pid, NULL, WNOHANG) != 0)
			return;
		struct timespec pause = { 0, 10 * 1000000L };
		nanosleep(&pause, NULL);
	}
	kill(k->pid, SIGKILL);
	waitpid(k->pid, NULL, 0);
}

void ui_bgsync_free(struct ui_bgsync *bg)
{
	if (!bg)
		return;
	for (size_t i = 0; i < bg->nkids; i++) {
		bg_stop(&bg->kids[i]);
		if (bg->kids[i].fd >= 0)
			close(bg->kids[i].fd);
		free(bg->kids[i].account);
	}
	free(bg);
}
