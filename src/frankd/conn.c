/* conn.c: what every session of the daemon does with its connection,
 * whatever the protocol (SMTP in session.c, POP3 in pop3d.c): the
 * bufferevent and its callbacks, reading while the client reads what is
 * sent (no unbounded output), STARTTLS, jobs on the workers, timeouts,
 * closing once the last reply has left (under TLS too), freeing from the
 * loop and never while a job holds the session, and the drain. */
#include "frankd_internal.h"

#include "net.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include <openssl/err.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTPUT_HIGH (256 * 1024) /* replies waiting: stop reading until they go */

static void conn_free(struct frankd_conn *c)
{
	struct frankd_server *srv = c->srv;
	bufferevent_free(c->bev);
	c->bev = NULL;
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nsessions--;
	c->ops->free(c);
	frankd_server_session_gone(srv);
}

static void free_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	conn_free(arg);
}

void frankd_conn_free_soon(struct frankd_conn *c)
{
	struct timeval now = { 0, 0 };
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	if (c->busy) { /* the job's done callback comes back here */
		c->free_pending = 1;
		return;
	}
	if (c->free_scheduled)
		return;
	c->free_scheduled = 1;
	event_base_once(c->srv->base, -1, EV_TIMEOUT, free_later, c, &now);
}

static void on_raw_drained(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	if (info->n_deleted && evbuffer_get_length(buf) == 0) {
		evbuffer_remove_cb(buf, on_raw_drained, arg);
		frankd_conn_free_soon(arg);
	}
}

/* After the last reply has left: under TLS it may still sit, encrypted,
 * in the socket's buffer below; free only once that is empty too. */
static void close_when_flushed(struct frankd_conn *c)
{
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		return; /* on_written comes back here */
	struct bufferevent *under = bufferevent_get_underlying(c->bev);
	struct evbuffer *raw = under ? bufferevent_get_output(under) : NULL;
	if (raw && evbuffer_get_length(raw) > 0)
		evbuffer_add_cb(raw, on_raw_drained, c);
	else
		frankd_conn_free_soon(c);
}

void frankd_conn_close(struct frankd_conn *c)
{
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	close_when_flushed(c);
}

char frankd_conn_vreply(struct frankd_conn *c, const char *fmt, va_list ap)
{
	struct lib_buf line = LIB_BUF_INIT;
	lib_buf_vprintf(&line, fmt, ap);
	frankd_log(FRANKD_LOG_DEBUG, "%s %lu: S: %s", c->ops->name, c->id, line.data);
	char first = line.data[0];
	lib_buf_puts(&line, "\r\n");
	bufferevent_write(c->bev, line.data, line.len);
	lib_buf_release(&line);
	return first;
}

/* --- reading ---------------------------------------------------------------- */

enum frankd_conn_line frankd_conn_read_line(struct frankd_conn *c, struct evbuffer *in,
					    size_t max, char **line, size_t *len)
{
	size_t avail = evbuffer_get_length(in), used = 0;
	size_t look = avail < max + 2 ? avail : max + 2;
	const char *data = (const char *)evbuffer_pullup(in, (ev_ssize_t)look);
	enum net_line_scan r = net_line_scan(data, look, max, len, &used);
	if (r == NET_LINE_MORE)
		return FRANKD_CONN_LINE_MORE;
	if (r == NET_LINE_TOO_LONG) {
		frankd_log(FRANKD_LOG_INFO, "%s %lu: line too long from %s", c->ops->name, c->id,
			   c->ip);
		c->discarding = 1;
		frankd_conn_discard_line(c, in);
		return FRANKD_CONN_LINE_TOO_LONG;
	}
	*line = lib_xmalloc(*len + 1); /* not strndup: a line may hold NUL bytes */
	memcpy(*line, data, *len);
	(*line)[*len] = '\0';
	evbuffer_drain(in, used);
	return FRANKD_CONN_LINE;
}

int frankd_conn_discard_line(struct frankd_conn *c, struct evbuffer *in)
{
	struct evbuffer_ptr lf = evbuffer_search(in, "\n", 1, NULL);
	if (lf.pos < 0) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return 0;
	}
	evbuffer_drain(in, (size_t)lf.pos + 1);
	c->discarding = 0;
	return 1;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct frankd_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	while (!c->free_scheduled && !c->busy && !c->closing && evbuffer_get_length(in) > 0) {
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) > OUTPUT_HIGH) {
			/* A client that sends without reading: wait for it. */
			bufferevent_disable(c->bev, EV_READ);
			return;
		}
		if (c->discarding) {
			if (!frankd_conn_discard_line(c, in))
				return;
		} else if (!c->ops->read(c, in)) {
			return;
		}
	}
}

static void on_written(struct bufferevent *bev, void *arg)
{
	struct frankd_conn *c = arg;
	(void)bev;
	if (c->free_scheduled)
		return;
	if (c->closing) {
		close_when_flushed(c);
		return;
	}
	if (!c->busy && !(bufferevent_get_enabled(c->bev) & EV_READ)) {
		bufferevent_enable(c->bev, EV_READ);
		on_read(c->bev, c);
	}
}

static void tls_established(struct frankd_conn *c)
{
	SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
	if (!ssl)
		return;
	snprintf(c->tls_info, sizeof c->tls_info, "%s with cipher %s", SSL_get_version(ssl),
		 SSL_get_cipher_name(ssl));
	frankd_log(FRANKD_LOG_INFO, "%s %lu: TLS established with %s: %s", c->ops->name, c->id,
		   c->ip, c->tls_info);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct frankd_conn *c = arg;
	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		tls_established(c);
		return;
	}
	if (c->free_scheduled)
		return;
	if (what & BEV_EVENT_TIMEOUT) {
		if (c->closing) {
			frankd_conn_free_soon(c);
			return;
		}
		frankd_log(FRANKD_LOG_INFO, "%s %lu: timeout from %s", c->ops->name, c->id, c->ip);
		c->ops->timeout(c);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		unsigned long e = bufferevent_get_openssl_error(c->bev);
		if (e) {
			char msg[256];
			ERR_error_string_n(e, msg, sizeof msg);
			frankd_log(FRANKD_LOG_INFO, "%s %lu: TLS error with %s: %s", c->ops->name, c->id,
				   c->ip, msg);
		}
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		frankd_conn_free_soon(c);
}

static void set_callbacks(struct frankd_conn *c)
{
	struct timeval idle = { (time_t)c->srv->conf->limits.timeout, 0 };
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_setcb(c->bev, on_read, on_written, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

void frankd_conn_starttls(struct frankd_conn *c)
{
	/* Whatever the client pipelined after the command came in the clear:
	 * it must not count as said inside TLS (CVE-2011-0411). */
	struct evbuffer *in = bufferevent_get_input(c->bev);
	size_t injected = evbuffer_get_length(in);
	if (injected) {
		frankd_log(FRANKD_LOG_WARN, "%s %lu: %zu bytes after STARTTLS discarded",
			   c->ops->name, c->id, injected);
		evbuffer_drain(in, injected);
	}
	c->bev = bufferevent_openssl_filter_new(c->srv->base, c->bev, SSL_new(c->srv->tls),
						BUFFEREVENT_SSL_ACCEPTING,
						BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	set_callbacks(c);
	c->tls = 1;
}

/* --- jobs on the workers ----------------------------------------------------- */

void frankd_conn_job(struct frankd_conn *c, void (*work)(void *), void (*done)(void *), void *job)
{
	c->busy = 1;
	bufferevent_disable(c->bev, EV_READ);
	frankd_pool_submit(c->srv->pool, work, done, job);
}

int frankd_conn_job_back(struct frankd_conn *c)
{
	c->busy = 0;
	if (c->free_pending) {
		c->free_pending = 0;
		frankd_conn_free_soon(c);
		return -1;
	}
	if (c->closing) {
		close_when_flushed(c);
		return -1;
	}
	return 0;
}

void frankd_conn_resume(struct frankd_conn *c)
{
	if (c->closing || c->free_scheduled)
		return;
	bufferevent_enable(c->bev, EV_READ);
	on_read(c->bev, c);
}

/* --- password checks ----------------------------------------------------------- */

/* A password check on a worker, and whose it is. */
struct conn_auth_wait {
	struct frankd_conn *c;
	struct frankd_auth_job *job;
	frankd_conn_auth_done *done;
	char login[65];
};

static void auth_work(void *arg)
{
	frankd_auth_job_work(((struct conn_auth_wait *)arg)->job);
}

/* The log line of an outcome: never the password. */
static void auth_log(const struct frankd_conn *c, enum frankd_auth_result r,
		     const struct frankd_auth_outcome *o, const char *login)
{
	const char *p = c->ops->name;
	if (r == FRANKD_AUTH_OK)
		frankd_log(FRANKD_LOG_INFO, "%s %lu: auth ok: user %s (password %s) from %s", p,
			   c->id, o->user, o->label, c->ip);
	else if (r == FRANKD_AUTH_FAIL)
		frankd_log(FRANKD_LOG_INFO, "%s %lu: auth failed: user %.64s from %s: %s", p, c->id,
			   login, c->ip, o->why);
	else if (r == FRANKD_AUTH_BLOCKED)
		frankd_log(FRANKD_LOG_WARN, "%s %lu: auth refused: user %.64s from %s: %s", p, c->id,
			   login, c->ip, o->why);
	else
		frankd_log(FRANKD_LOG_ERROR, "%s %lu: auth unavailable: %s", p, c->id, o->why);
}

static void auth_back(void *arg)
{
	struct conn_auth_wait *w = arg;
	struct frankd_conn *c = w->c;
	struct frankd_auth_outcome o;
	enum frankd_auth_result r = frankd_auth_finish(c->srv->auth, c->srv->conf, w->job, &o);
	if (frankd_conn_job_back(c) == 0) {
		auth_log(c, r, &o, w->login);
		w->done(c, r, &o);
		frankd_conn_resume(c);
	}
	free(w);
}

void frankd_conn_auth(struct frankd_conn *c, const char *login, const char *password,
		      frankd_conn_auth_done *done)
{
	struct frankd_auth_outcome o;
	struct frankd_auth_job *job = NULL;
	enum frankd_auth_result r = frankd_auth_begin(c->srv->auth, c->srv->conf, c->ip, login,
						      password, &o, &job);
	if (r != FRANKD_AUTH_PENDING) {
		auth_log(c, r, &o, login);
		done(c, r, &o);
		return;
	}
	struct conn_auth_wait *w = lib_xcalloc(1, sizeof *w);
	w->c = c;
	w->job = job;
	w->done = done;
	snprintf(w->login, sizeof w->login, "%.64s", login);
	frankd_conn_job(c, auth_work, auth_back, w);
}

/* --- the sessions -------------------------------------------------------------- */

int frankd_conn_open(struct frankd_conn *c, const struct frankd_conn_ops *ops,
		     struct frankd_server *srv, int fd, const char *ip, enum frankd_listen_mode mode)
{
	const struct frankd_conf *conf = srv->conf;
	unsigned from_ip = 0;
	for (const struct frankd_conn *o = srv->conns; o; o = o->next)
		from_ip += strcmp(o->ip, ip) == 0;
	c->ops = ops;
	c->srv = srv;
	c->id = ++srv->last_session_id;
	snprintf(c->ip, sizeof c->ip, "%s", ip);
	int options = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
	if (mode == FRANKD_MODE_SUBMISSIONS || mode == FRANKD_MODE_POP3S ||
	    mode == FRANKD_MODE_IMAPS) {
		c->bev = bufferevent_openssl_socket_new(srv->base, fd, SSL_new(srv->tls),
							BUFFEREVENT_SSL_ACCEPTING, options);
		c->tls = 1;
	} else {
		c->bev = bufferevent_socket_new(srv->base, fd, options);
	}
	c->next = srv->conns;
	if (c->next)
		c->next->prev = c;
	srv->conns = c;
	srv->nsessions++;
	set_callbacks(c);
	frankd_log(FRANKD_LOG_INFO, "%s %lu: connect from %s (%s)", ops->name, c->id, ip,
		   frankd_mode_str(mode));
	if (srv->nsessions > conf->limits.connections)
		return 1;
	if (from_ip >= conf->limits.connections_per_ip) {
		frankd_log(FRANKD_LOG_INFO, "%s %lu: too many connections from %s", ops->name, c->id,
			   ip);
		return 2;
	}
	return 0;
}

void frankd_conns_shutdown(struct frankd_server *srv)
{
	for (struct frankd_conn *c = srv->conns; c; c = c->next) {
		if (c->closing)
			continue;
		frankd_log(FRANKD_LOG_INFO, "%s %lu: closed by shutdown", c->ops->name, c->id);
		c->ops->shutdown(c);
	}
}

void frankd_conns_free(struct frankd_server *srv)
{
	while (srv->conns)
		conn_free(srv->conns);
}
