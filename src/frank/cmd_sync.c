/* cmd_sync.c: "frank sync [-F FRANKRC] [-d LOGFILE] [--quiet] [--idle]
 * [--progress-fd N] [ACCOUNT...]": every account (or those named) synced
 * in the foreground into the mail root, with a progress line per folder on
 * a terminal and a summary otherwise; with --progress-fd, one event line
 * per step on descriptor N for the process that runs it (the curses
 * client; store_sync_event_format). */
#include "../../config.h" /* FRANK_DATADIR */

#include "commands.h"
#include "config.h"
#include "lib.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>


struct sync_cli {
	const char *rcfile;
	const char *debug_log;
	int quiet;
	int idle;
	int progress_fd; /* -1: none */
	char **accounts;
	size_t naccounts;
};

struct sync_view {
	int tty;
	int quiet;
	struct timespec start; /* of the folder being shown */
	int line_open;         /* a progress line is on screen */
	struct store_verifier *verifier; /* the account's, while it syncs */
	size_t unverified;     /* messages its verifier could not check */
	int progress_fd;       /* --progress-fd, or -1 */
};

static void sync_usage(FILE *out)
{
	fprintf(out, "usage: frank sync [-F FRANKRC] [-d LOGFILE] [--quiet] [--idle] "
		     "[--progress-fd N] [ACCOUNT...]\n");
}

static int sync_parse_args(int argc, char **argv, struct sync_cli *cli)
{
	cli->accounts = lib_xcalloc((size_t)argc + 1, sizeof *cli->accounts);
	cli->progress_fd = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--progress-fd") == 0 && i + 1 < argc) {
			char *end;
			long fd = strtol(argv[++i], &end, 10);
			if (*end || end == argv[i] || fd < 0 || fd > 1023 ||
			    fcntl((int)fd, F_GETFD) < 0) {
				fprintf(stderr, "frank sync: --progress-fd %s: not an open descriptor\n",
					argv[i]);
				return -1;
			}
			cli->progress_fd = (int)fd;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
			cli->quiet = 1;
		else if (strcmp(a, "--idle") == 0)
			cli->idle = 1;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return 1;
		else if ((strcmp(a, "-F") == 0 || strcmp(a, "-d") == 0) && i + 1 < argc)
			*(a[1] == 'F' ? &cli->rcfile : &cli->debug_log) = argv[++i];
		else if (a[0] == '-') {
			fprintf(stderr, "frank sync: unknown option: %s\n", a);
			return -1;
		} else
			cli->accounts[cli->naccounts++] = argv[i];
	}
	return 0;
}

/* --- the password --------------------------------------------------------- */

/* Asks on /dev/tty with echo off; NULL with err set when there is none. */
static char *sync_prompt_password(const struct config_account *acct, struct lib_err *err)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return lib_err_set(err,
				   "account %s: no password (set passcmd or password) and no "
				   "terminal to ask for one",
				   acct->name),
		       NULL;
	struct termios old, quiet;
	int have_termios = tcgetattr(fd, &old) == 0;
	char prompt[256];
	int n = snprintf(prompt, sizeof prompt, "Password for %s (%s@%s): ", acct->name,
			 acct->source.user ? acct->source.user : "", acct->source.host);
	if (n > 0 && write(fd, prompt, (size_t)n < sizeof prompt ? (size_t)n : sizeof prompt - 1) < 0)
		lib_debug("sync: cannot write the prompt");
	if (have_termios) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	struct lib_buf pw = LIB_BUF_INIT;
	char c;
	ssize_t got;
	lib_buf_puts(&pw, "");
	while ((got = read(fd, &c, 1)) == 1 && c != '\n' && pw.len < 4096)
		lib_buf_putc(&pw, c);
	if (have_termios)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		lib_debug("sync: cannot end the prompt");
	close(fd);
	if (got < 0) {
		lib_secure_zero(pw.data, pw.len);
		lib_buf_release(&pw);
		return lib_err_set(err, "account %s: cannot read the password", acct->name), NULL;
	}
	return lib_buf_take(&pw);
}

static char *sync_password(const struct config_account *acct, struct lib_err *err)
{
	char *pw = NULL;
	int rc = config_account_password(acct, &pw, err);
	if (rc == CONFIG_PASSWORD_FOUND)
		return pw;
	if (rc == CONFIG_PASSWORD_PROMPT)
		return sync_prompt_password(acct, err);
	return NULL;
}

/* --- progress ------------------------------------------------------------------ */

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Writes one event line to --progress-fd.  A reader that is behind on a
 * non-blocking pipe loses folder counts (the next one says as much), never
 * the new, error and done lines, which wait for room. */
static void sync_event_emit(const struct sync_view *v, const struct store_sync_event *ev)
{
	char line[STORE_SYNC_EVENT_MAX + 2];
	size_t len = store_sync_event_format(ev, line, sizeof line), off = 0;
	while (v->progress_fd >= 0 && off < len) {
		ssize_t n = write(v->progress_fd, line + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && (off > 0 || ev->kind != STORE_SYNC_EVENT_FOLDER)) {
			struct pollfd pfd = { v->progress_fd, POLLOUT, 0 };
			poll(&pfd, 1, 1000);
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			lib_debug("sync: progress descriptor: %s", strerror(errno));
		return;
	}
}

static void sync_event_text(const struct sync_view *v, enum store_sync_event_kind kind,
			    const char *account, const char *text, int rc)
{
	struct store_sync_event ev = { .kind = kind, .rc = rc };
	snprintf(ev.account, sizeof ev.account, "%s", account);
	snprintf(ev.reason, sizeof ev.reason, "%s", text ? text : "");
	sync_event_emit(v, &ev);
}

static void sync_event_progress(const struct sync_view *v, const struct store_sync_progress *p)
{
	struct store_sync_event ev = { .kind = STORE_SYNC_EVENT_FOLDER };
	snprintf(ev.account, sizeof ev.account, "%s", p->account);
	snprintf(ev.folder, sizeof ev.folder, "%s", p->folder);
	ev.done = p->done;
	ev.total = p->total;
	sync_event_emit(v, &ev);
	if (p->arrived > 0) { /* as each batch is indexed: the UI shows it */
		ev.kind = STORE_SYNC_EVENT_NEW;
		ev.done = p->arrived;
		sync_event_emit(v, &ev);
	}
}

static void sync_progress(void *ctx, const struct store_sync_progress *p)
{
	struct sync_view *v = ctx;
	sync_event_progress(v, p);
	if (v->quiet || !v->tty)
		return;
	if (p->done == 0 && !p->finished)
		clock_gettime(CLOCK_MONOTONIC, &v->start);
	double secs = seconds_since(&v->start);
	double rate = secs > 0 ? (double)p->done / secs : 0;
	printf("\r\033[K%s/%s: %zu/%zu", p->account, p->folder, p->done, p->total);
	if (rate > 0 && p->total)
		printf(", %.0f msg/s", rate);
	if (rate > 0 && p->done < p->total)
		printf(", ETA %.0f s", (double)(p->total - p->done) / rate);
	if (p->finished)
		printf(", done in %.1f s\n", secs);
	v->line_open = !p->finished;
	fflush(stdout);
}

static void sync_summary(const struct sync_view *v, const char *account,
			 const struct store_sync_stats *st)
{
	if (v->quiet)
		return;
	printf("%s: %zu folders, %zu new, flags %zu here %zu there, removed %zu here %zu "
	       "there",
	       account, st->folders, st->fetched, st->flags_here, st->flags_there,
	       st->removed_here, st->removed_there);
	if (st->moved_there)
		printf(", moved %zu there", st->moved_there);
	printf("\n");
}

static void sync_idle(void *ctx, const char *account)
{
	sync_event_text(ctx, STORE_SYNC_EVENT_IDLE, account, NULL, 0);
}

/* Each new message is verified before it is indexed, in the sync's
 * indexing thread (store.h); a message that cannot be verified is still
 * kept and indexed, without a verdict. */
static int sync_arrived(void *ctx, const struct store_arrival *m, struct store_props *props,
			struct lib_err *err)
{
	struct sync_view *v = ctx;
	(void)err;
	struct lib_err why;
	if (v->verifier && store_verifier_check(v->verifier, m->path, props, &why) < 0) {
		lib_debug("sync %s: not verified: %s", m->path, why.msg);
		v->unverified++;
	}
	return 0;
}

/* --- running --------------------------------------------------------------- */

static int sync_one(const struct config *cfg, const struct config_account *acct,
		    const struct sync_cli *cli, struct sync_view *view)
{
	struct lib_err err = { { 0 } };
	char *pw = sync_password(acct, &err);
	if (!pw) {
		fprintf(stderr, "frank sync: %s\n", err.msg);
		sync_event_text(view, STORE_SYNC_EVENT_ERROR, acct->name, err.msg, 0);
		sync_event_text(view, STORE_SYNC_EVENT_DONE, acct->name, NULL, 1);
		return -1;
	}
	struct store_sync_opts opts = { 0 };
	opts.mail_root = cfg->opt.mail_root;
	opts.password = pw;
	opts.io_timeout_ms = cfg->opt.timeout > 0 ? (int)(cfg->opt.timeout * 1000) : 0;
	view->verifier = store_verifier_new(cfg, acct, &err);
	if (!view->verifier) {
		fprintf(stderr, "frank sync: %s: %s\n", acct->name, err.msg);
		sync_event_text(view, STORE_SYNC_EVENT_ERROR, acct->name, err.msg, 0);
		sync_event_text(view, STORE_SYNC_EVENT_DONE, acct->name, NULL, 1);
		config_password_free(pw);
		return -1;
	}
	view->unverified = 0;
	struct store_sync_hooks hooks = { sync_progress, sync_arrived, view, sync_idle };
	struct store_sync_stats st;
	static volatile sig_atomic_t never;
	int rc = cli->idle ? store_sync_idle(acct, &opts, &hooks, &never, &err)
			   : store_sync_account(acct, &opts, &hooks, &st, &err);
	config_password_free(pw);
	struct lib_err save_err;
	if (store_verifier_save(view->verifier, &save_err) < 0)
		fprintf(stderr, "frank sync: %s\n", save_err.msg);
	store_verifier_free(view->verifier);
	view->verifier = NULL;
	if (view->unverified)
		fprintf(stderr, "frank sync: %s: %zu new messages could not be verified (frank -d LOG "
				"says why)\n", acct->name, view->unverified);
	if (view->line_open) {
		printf("\n");
		view->line_open = 0;
	}
	if (rc < 0) {
		fprintf(stderr, "frank sync: %s\n", err.msg);
		sync_event_text(view, STORE_SYNC_EVENT_ERROR, acct->name, err.msg, 0);
	}
	sync_event_text(view, STORE_SYNC_EVENT_DONE, acct->name, NULL, rc < 0);
	if (rc < 0)
		return -1;
	if (!cli->idle)
		sync_summary(view, acct->name, &st);
	return 0;
}

int frank_cmd_sync(int argc, char **argv)
{
	struct sync_cli cli = { 0 };
	int rc = sync_parse_args(argc, argv, &cli);
	if (rc != 0) {
		sync_usage(rc < 0 ? stderr : stdout);
		free(cli.accounts);
		return rc < 0 ? 2 : 0;
	}
	signal(SIGPIPE, SIG_IGN);
	struct lib_err err;
	char *rcfile = frank_find_rc(cli.rcfile);
	struct config *cfg = NULL;
	int failed = 0;
	if (cli.debug_log && lib_log_open(cli.debug_log, &err) < 0)
		goto fail;
	if (!(cfg = frank_config_load(rcfile, "frank", &err)))
		goto fail;
	if (cfg->naccounts == 0) {
		lib_err_set(&err, "no account in %s", rcfile ? rcfile : "the configuration");
		goto fail;
	}
	if (cli.idle && cli.naccounts > 1) {
		lib_err_set(&err, "--idle watches one account");
		goto fail;
	}
	for (size_t i = 0; i < cli.naccounts; i++)
		if (!config_account_find(cfg, cli.accounts[i])) {
			lib_err_set(&err, "no account named %s", cli.accounts[i]);
			goto fail;
		}
	struct sync_view view = { isatty(STDOUT_FILENO), cli.quiet, { 0, 0 }, 0, NULL, 0,
				  cli.progress_fd };
	if (cli.idle) {
		const struct config_account *a =
			cli.naccounts ? config_account_find(cfg, cli.accounts[0]) : config_default_account(cfg);
		failed = sync_one(cfg, a, &cli, &view) < 0;
	} else if (cli.naccounts) {
		for (size_t i = 0; i < cli.naccounts; i++)
			failed |= sync_one(cfg, config_account_find(cfg, cli.accounts[i]), &cli,
					   &view) < 0;
	} else {
		for (size_t i = 0; i < cfg->naccounts; i++)
			failed |= sync_one(cfg, &cfg->accounts[i], &cli, &view) < 0;
	}
	rc = failed ? 1 : 0;
	goto out;
fail:
	fprintf(stderr, "frank sync: %s\n", err.msg);
	rc = 1;
out:
	config_free(cfg);
	free(rcfile);
	free(cli.accounts);
	lib_log_close();
	return rc;
}
