/* suspend.c: ^Z.  The terminal's SIGTSTP only sets a flag; the key reader
 * sees its wait interrupted and suspends from there, outside the signal
 * handler: curses ends (the terminal back in the shell's mode), the
 * default action stops frank, and on fg the screen is set up and redrawn. */
#include "ui_internal.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t suspend_pending;

static void on_tstp(int sig)
{
	(void)sig;
	suspend_pending = 1;
}

static void catch_tstp(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_tstp;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the wait for a key must see EINTR */
	sigaction(SIGTSTP, &sa, NULL);
}

void ui_suspend_init(void)
{
	struct sigaction old;
	/* Ignored: started without job control, nothing could resume us. */
	if (sigaction(SIGTSTP, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	catch_tstp();
}

int ui_suspend_check(void)
{
	if (!suspend_pending)
		return 0;
	suspend_pending = 0;
	def_prog_mode();
	endwin();
	fflush(stdout);
	signal(SIGTSTP, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGTSTP); /* stopped here until SIGCONT (fg) */
	catch_tstp();
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	return 1;
}
