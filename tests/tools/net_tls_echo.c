/* net_tls_echo: a small line server on the net API's server side and
 * libevent, as frankd will use them: listen, accept, implicit TLS or a
 * STARTTLS upgrade with a certificate from files (made self-signed when
 * absent), bounded lines.
 *
 *   net_tls_echo [--implicit] [--max-line N] CERT KEY PORTFILE
 *
 * Listens on 127.0.0.1, an ephemeral port written to PORTFILE once ready.
 * Greets "* echo ready"; answers "STARTTLS" with "OK begin TLS" and starts
 * TLS, "QUIT" with "BYE", any other line L with "ECHO L tls=0|1"; a line
 * over the limit gets "ERR line too long" and the connection is closed.
 * Runs until SIGTERM. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"

struct echo_server {
	struct event_base *base;
	SSL_CTX *ctx;
	size_t max_line;
	int implicit;
};

struct echo_session {
	struct echo_server *srv;
	struct bufferevent *bev;
	int tls;
	int closing;
};

static void session_free(struct echo_session *s)
{
	bufferevent_free(s->bev);
	free(s);
}

static void on_event(struct bufferevent *bev, short what, void *arg);
static void on_read(struct bufferevent *bev, void *arg);

static void free_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	session_free(arg);
}

/* Frees the session from the loop, not from inside a libevent callback of
 * the bufferevent being freed. */
static void session_free_soon(struct echo_session *s)
{
	struct timeval now = { 0, 0 };
	event_base_once(s->srv->base, -1, EV_TIMEOUT, free_later, s, &now);
}

static void on_raw_drained(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	if (info->n_deleted && evbuffer_get_length(buf) == 0) {
		evbuffer_remove_cb(buf, on_raw_drained, arg);
		session_free_soon(arg);
	}
}

/* The last reply has left the session's buffer; under TLS it may still sit,
 * encrypted, in the socket's buffer below: free only once that is empty,
 * or the reply is lost. */
static void on_written(struct bufferevent *bev, void *arg)
{
	struct echo_session *s = arg;
	if (!s->closing)
		return;
	struct bufferevent *under = bufferevent_get_underlying(bev);
	struct evbuffer *raw = under ? bufferevent_get_output(under) : NULL;
	if (raw && evbuffer_get_length(raw) > 0)
		evbuffer_add_cb(raw, on_raw_drained, s);
	else
		session_free_soon(s);
}

static void reply(struct echo_session *s, const char *text)
{
	evbuffer_add_printf(bufferevent_get_output(s->bev), "%s\r\n", text);
}

static void start_tls(struct echo_session *s)
{
	struct evbuffer *in = bufferevent_get_input(s->bev);
	if (evbuffer_get_length(in) > 0) { /* pipelined after STARTTLS: injection */
		reply(s, "ERR data after STARTTLS");
		s->closing = 1;
		return;
	}
	reply(s, "OK begin TLS");
	SSL *ssl = SSL_new(s->srv->ctx);
	s->bev = bufferevent_openssl_filter_new(s->srv->base, s->bev, ssl,
						BUFFEREVENT_SSL_ACCEPTING,
						BEV_OPT_CLOSE_ON_FREE);
	s->tls = 1;
	bufferevent_setcb(s->bev, on_read, on_written, on_event, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

static void handle_line(struct echo_session *s, const char *line)
{
	if (strcmp(line, "STARTTLS") == 0 && !s->tls) {
		start_tls(s);
	} else if (strcmp(line, "QUIT") == 0) {
		reply(s, "BYE");
		s->closing = 1;
	} else {
		struct lib_buf b = LIB_BUF_INIT;
		lib_buf_printf(&b, "ECHO %s tls=%d", line, s->tls);
		reply(s, b.data);
		lib_buf_release(&b);
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct echo_session *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	while (!s->closing) {
		size_t avail = evbuffer_get_length(in), len = 0, used = 0;
		size_t look = avail < s->srv->max_line + 2 ? avail : s->srv->max_line + 2;
		const char *data = (const char *)evbuffer_pullup(in, (ev_ssize_t)look);
		enum net_line_scan r = net_line_scan(data, avail, s->srv->max_line, &len, &used);
		if (r == NET_LINE_MORE)
			return;
		if (r == NET_LINE_TOO_LONG) {
			reply(s, "ERR line too long");
			s->closing = 1;
			bufferevent_disable(bev, EV_READ);
			return;
		}
		char *line = lib_xstrndup(data, len);
		evbuffer_drain(in, used);
		handle_line(s, line);
		free(line);
		if (s->tls && s->bev != bev)
			return; /* STARTTLS replaced the bufferevent */
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		session_free(arg);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	(void)l, (void)sa, (void)salen;
	struct echo_server *srv = arg;
	struct echo_session *s = lib_xcalloc(1, sizeof *s);
	s->srv = srv;
	if (srv->implicit) {
		s->bev = bufferevent_openssl_socket_new(srv->base, fd, SSL_new(srv->ctx),
							BUFFEREVENT_SSL_ACCEPTING,
							BEV_OPT_CLOSE_ON_FREE);
		s->tls = 1;
	} else {
		s->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	struct timeval idle = { 10, 0 };
	bufferevent_set_timeouts(s->bev, &idle, &idle);
	bufferevent_setcb(s->bev, on_read, on_written, on_event, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	reply(s, "* echo ready");
}

static void on_term(evutil_socket_t sig, short what, void *arg)
{
	(void)sig, (void)what;
	event_base_loopexit(arg, NULL);
}

static int write_port(int fd, const char *portfile)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	FILE *f = fopen(portfile, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", ntohs(((struct sockaddr_in *)&ss)->sin_port));
	return fclose(f);
}

int main(int argc, char **argv)
{
	struct echo_server srv = { .max_line = 1000 };
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--implicit") == 0)
			srv.implicit = 1;
		else if (strcmp(argv[i], "--max-line") == 0 && i + 1 < argc)
			srv.max_line = (size_t)atol(argv[++i]);
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: net_tls_echo [--implicit] [--max-line N] CERT KEY PORTFILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct lib_err err = { "" };
	int fd = -1;
	if (net_tls_selfsigned_ensure(argv[i], argv[i + 1], "localhost", &err) < 0 ||
	    !(srv.ctx = net_tls_server_ctx_new(argv[i], argv[i + 1], &err)) ||
	    (fd = net_listen("127.0.0.1", "0", &err)) < 0) {
		fprintf(stderr, "net_tls_echo: %s\n", err.msg);
		return 1;
	}
	srv.base = event_base_new();
	struct evconnlistener *l = evconnlistener_new(srv.base, on_accept, &srv,
						      LEV_OPT_CLOSE_ON_FREE, -1, fd);
	struct event *term = evsignal_new(srv.base, SIGTERM, on_term, srv.base);
	event_add(term, NULL);
	if (!l || write_port(fd, argv[i + 2]) < 0) {
		fprintf(stderr, "net_tls_echo: cannot start\n");
		return 1;
	}
	event_base_dispatch(srv.base);
	event_free(term);
	evconnlistener_free(l);
	event_base_free(srv.base);
	SSL_CTX_free(srv.ctx);
	return 0;
}
