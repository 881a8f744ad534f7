/* log.c: one line per event, to stderr or syslog (the mail facility).
 * Lines carry text from peers (HELO names, addresses), so every control
 * character becomes '?' and nothing a client sends can forge a line. */
#include "frankd.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static int log_syslog;
static int log_debug;

void frankd_log_setup(int use_syslog, int debug)
{
	if (use_syslog && !log_syslog)
		openlog("frankd", LOG_PID | LOG_NDELAY, LOG_MAIL);
	if (!use_syslog && log_syslog)
		closelog();
	log_syslog = use_syslog;
	log_debug = debug;
}

void frankd_log(enum frankd_log_level level, const char *fmt, ...)
{
	if (level == FRANKD_LOG_DEBUG && !log_debug)
		return;
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	static const char *const names[] = { "error", "warning", "info", "debug" };
	if (log_syslog) {
		static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
		syslog(prio[level], "%s", line);
		return;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s frankd[%ld]: %s: %s\n", stamp, (long)getpid(), names[level], line);
	fflush(stderr);
}
