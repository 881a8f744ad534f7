/* control.c: the daemon's control socket, QUEUE/control (a Unix socket in
 * the private queue folder, so only its owner reaches it).  frankd queue
 * and frankd sendmail talk to a running daemon through it:
 *
 *   request = ( "flush" / "kick" / "delete" SP ID ) LF
 *   answer  = ( "ok" / "error" ) [ SP text ] LF
 * flush tries every queued message now; kick looks for new files (sendmail
 * wrote one); delete removes a message between two tries, never during
 * one, since the loop does both. */
#include "frankd_internal.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CONTROL_LINE_MAX 256
#define CONTROL_TIMEOUT_MS 30000

struct frankd_control {
	struct frankd_server *srv;
	struct evconnlistener *listener;
	char *path;
};

static int socket_path(const char *queue_dir, struct sockaddr_un *sun, struct lib_err *err)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	int n = snprintf(sun->sun_path, sizeof sun->sun_path, "%s/control", queue_dir);
	if (n < 0 || (size_t)n >= sizeof sun->sun_path)
		return lib_err_set(err, "%s/control: path too long for a socket (limit %zu)",
				   queue_dir, sizeof sun->sun_path - 1);
	return 0;
}

static void answer(struct bufferevent *bev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void answer(struct bufferevent *bev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	evbuffer_add_vprintf(bufferevent_get_output(bev), fmt, ap);
	va_end(ap);
	evbuffer_add(bufferevent_get_output(bev), "\n", 1);
}

static void execute(struct frankd_control *c, struct bufferevent *bev, const char *line)
{
	struct lib_err err;
	if (strcmp(line, "flush") == 0) {
		frankd_runner_flush(c->srv->runner);
		answer(bev, "ok flushed");
	} else if (strcmp(line, "kick") == 0) {
		frankd_runner_scan(c->srv->runner);
		answer(bev, "ok");
	} else if (strncmp(line, "delete ", 7) == 0) {
		if (frankd_runner_delete(c->srv->runner, line + 7, &err) < 0)
			answer(bev, "error %s", err.msg);
		else
			answer(bev, "ok deleted %s", line + 7);
	} else {
		answer(bev, "error unknown command");
	}
}

static void on_flushed(struct bufferevent *bev, void *arg)
{
	(void)arg;
	bufferevent_free(bev);
}

static void on_line(struct bufferevent *bev, void *arg)
{
	struct frankd_control *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = 0;
	char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
	if (!line) {
		if (evbuffer_get_length(in) > CONTROL_LINE_MAX)
			bufferevent_free(bev);
		return;
	}
	bufferevent_disable(bev, EV_READ);
	if (len > CONTROL_LINE_MAX)
		answer(bev, "error line too long");
	else
		execute(c, bev, line);
	free(line);
	bufferevent_setcb(bev, NULL, on_flushed, NULL, c);
}

static void on_control_event(struct bufferevent *bev, short what, void *arg)
{
	(void)what, (void)arg;
	bufferevent_free(bev);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	(void)l, (void)sa, (void)salen;
	struct frankd_control *c = arg;
	struct bufferevent *bev = bufferevent_socket_new(c->srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	struct timeval tv = { 10, 0 };
	bufferevent_set_timeouts(bev, &tv, &tv);
	bufferevent_setcb(bev, on_line, NULL, on_control_event, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

struct frankd_control *frankd_control_new(struct frankd_server *srv, struct lib_err *err)
{
	struct sockaddr_un sun;
	if (socket_path(srv->conf->queue_dir, &sun, err) < 0)
		return NULL;
	unlink(sun.sun_path); /* a socket left by a killed daemon (we hold the lock) */
	struct frankd_control *c = lib_xcalloc(1, sizeof *c);
	c->srv = srv;
	c->path = lib_xstrdup(sun.sun_path);
	c->listener = evconnlistener_new_bind(srv->base, on_accept, c,
					      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
					      (struct sockaddr *)&sun, (int)sizeof sun);
	if (!c->listener) {
		lib_err_set(err, "%s: %s", c->path, strerror(errno));
		free(c->path);
		free(c);
		return NULL;
	}
	return c;
}

void frankd_control_free(struct frankd_control *c)
{
	if (!c)
		return;
	evconnlistener_free(c->listener);
	unlink(c->path);
	free(c->path);
	free(c);
}

/* --- the client side: frankd queue, frankd sendmail -------------------------- */

static int wait_for(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };
	int rc;
	while ((rc = poll(&p, 1, CONTROL_TIMEOUT_MS)) < 0 && errno == EINTR)
		;
	return rc > 0 ? 0 : -1;
}

int frankd_control_send(const char *queue_dir, const char *command, char *reply, size_t size,
			struct lib_err *err)
{
	struct sockaddr_un sun;
	if (socket_path(queue_dir, &sun, err) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return lib_err_set(err, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		int e = errno;
		close(fd);
		if (e == ENOENT || e == ECONNREFUSED)
			return 1; /* no daemon */
		return lib_err_set(err, "%s: %s", sun.sun_path, strerror(e));
	}
	struct lib_buf req = LIB_BUF_INIT;
	lib_buf_printf(&req, "%s\n", command);
	int rc = frankd_write_all(fd, req.data, req.len);
	lib_buf_release(&req);
	size_t got = 0;
	while (rc == 0 && got + 1 < size) {
		if (wait_for(fd, POLLIN) < 0) {
			rc = -1;
			break;
		}
		ssize_t n = read(fd, reply + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(reply, '\n', got))
			break;
	}
	close(fd);
	reply[got] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	if (rc < 0 || got == 0)
		return lib_err_set(err, "no answer from frankd on %s", sun.sun_path);
	return 0;
}
