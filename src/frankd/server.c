/* server.c: the daemon: one libevent loop with the listeners, the sessions,
 * the delivery runner and the control socket, and the signals:
 *   SIGTERM, SIGINT  drain: stop listening, let sessions finish until
 *                    limit drain_timeout, then 421 to the rest, and exit
 *   SIGHUP           read the configuration again (listeners and the queue
 *                    folder stay: they need a restart)
 *   SIGUSR1          flush the queue: try every message now */
#include "frankd_internal.h"

#include "net.h"

#include <event2/event.h>
#include <event2/listener.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct frankd_listener {
	struct frankd_server *srv;
	struct evconnlistener *l;
	enum frankd_listen_mode mode;
};

/* --- TLS -------------------------------------------------------------------- */

static SSL_CTX *tls_context(const struct frankd_conf *conf, struct lib_err *err)
{
	int made = net_tls_selfsigned_ensure(conf->certificate, conf->key, conf->hostname, err);
	if (made < 0)
		return NULL;
	if (made)
		frankd_log(FRANKD_LOG_INFO, "made a self-signed certificate for %s: %s",
			   conf->hostname, conf->certificate);
	return net_tls_server_ctx_new(conf->certificate, conf->key, err);
}

/* Every user's Maildir, and its Junk folder for quarantine, exist from
 * the start: a reader may open them before the first message comes. */
static void make_maildirs(const struct frankd_conf *conf)
{
	for (size_t i = 0; i < conf->nusers; i++) {
		struct lib_err err;
		if (frankd_maildir_make(conf->users[i].maildir, "", &err) < 0 ||
		    frankd_maildir_make(conf->users[i].maildir, "Junk", &err) < 0)
			frankd_log(FRANKD_LOG_WARN, "user %s: %s", conf->users[i].name, err.msg);
	}
}

/* --- listeners ---------------------------------------------------------------- */

static void peer_text(const struct sockaddr *sa, char *out, size_t size)
{
	const void *addr = sa->sa_family == AF_INET6
				   ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
				   : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
	if (!inet_ntop(sa->sa_family, addr, out, (socklen_t)size))
		snprintf(out, size, "unknown");
	/* An IPv4 client on an IPv6 socket: its IPv4 form. */
	if (strncmp(out, "::ffff:", 7) == 0 && strchr(out + 7, '.'))
		memmove(out, out + 7, strlen(out + 7) + 1);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	(void)l, (void)salen;
	struct frankd_listener *fl = arg;
	char ip[INET6_ADDRSTRLEN + 1];
	peer_text(sa, ip, sizeof ip);
	evutil_make_socket_nonblocking(fd);
	if (fl->mode == FRANKD_MODE_POP3 || fl->mode == FRANKD_MODE_POP3S)
		frankd_pop3_start(fl->srv, fd, ip, fl->mode);
	else if (fl->mode == FRANKD_MODE_IMAP || fl->mode == FRANKD_MODE_IMAPS)
		frankd_imap_start(fl->srv, fd, ip, fl->mode);
	else
		frankd_session_start(fl->srv, fd, ip, fl->mode);
}

static int bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

static int open_listeners(struct frankd_server *srv, struct lib_err *err)
{
	const struct frankd_conf *conf = srv->conf;
	srv->listeners = lib_xcalloc(conf->nlistens, sizeof *srv->listeners);
	for (size_t i = 0; i < conf->nlistens; i++) {
		const struct frankd_listen *ls = &conf->listens[i];
		struct lib_err e;
		int fd = net_listen(ls->address, ls->port, &e);
		if (fd < 0)
			return lib_err_set(err, "listen %s %s: %s", ls->address, ls->port, e.msg);
		struct frankd_listener *fl = &srv->listeners[srv->nlisteners++];
		fl->srv = srv;
		fl->mode = ls->mode;
		fl->l = evconnlistener_new(srv->base, on_accept, fl,
					   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
		if (!fl->l) {
			close(fd);
			return lib_err_set(err, "listen %s %s: libevent refused", ls->address, ls->port);
		}
		frankd_log(FRANKD_LOG_INFO, "listening on %s port %d (%s)", ls->address,
			   bound_port(fd), frankd_mode_str(ls->mode));
	}
	return 0;
}

static void close_listeners(struct frankd_server *srv)
{
	for (size_t i = 0; i < srv->nlisteners; i++)
		evconnlistener_free(srv->listeners[i].l);
	free(srv->listeners);
	srv->listeners = NULL;
	srv->nlisteners = 0;
}

/* --- signals ---------------------------------------------------------------------- */

void frankd_server_session_gone(struct frankd_server *srv)
{
	if (srv->draining && srv->nsessions == 0) {
		frankd_log(FRANKD_LOG_INFO, "drained: every session has ended");
		event_base_loopexit(srv->base, NULL);
	}
}

static void on_drain_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct frankd_server *srv = arg;
	if (srv->draining == 1) {
		frankd_log(FRANKD_LOG_INFO, "drain deadline: closing %u session%s", srv->nsessions,
			   srv->nsessions == 1 ? "" : "s");
		srv->draining = 2;
		frankd_conns_shutdown(srv);
		struct timeval grace = { 2, 0 }; /* for the 421s to leave */
		evtimer_add(srv->drain_timer, &grace);
		return;
	}
	event_base_loopexit(srv->base, NULL);
}

static void drain(struct frankd_server *srv)
{
	if (srv->draining)
		return;
	srv->draining = 1;
	close_listeners(srv);
	frankd_log(FRANKD_LOG_INFO, "draining: no new connections; %u session%s open",
		   srv->nsessions, srv->nsessions == 1 ? "" : "s");
	if (srv->nsessions == 0) {
		event_base_loopexit(srv->base, NULL);
		return;
	}
	srv->drain_timer = evtimer_new(srv->base, on_drain_deadline, srv);
	struct timeval tv = { (time_t)srv->conf->limits.drain_timeout, 0 };
	evtimer_add(srv->drain_timer, &tv);
}

/* Frees the configurations SIGHUP replaced once no job can read them. */
static void free_retired(struct frankd_server *srv)
{
	if (srv->pool && frankd_pool_in_flight(srv->pool) > 0)
		return;
	for (size_t i = 0; i < srv->nretired; i++)
		frankd_conf_free(srv->retired[i]);
	free(srv->retired);
	srv->retired = NULL;
	srv->nretired = 0;
}

static void on_pool_idle(void *arg)
{
	struct frankd_server *srv = arg;
	if (srv->nretired)
		free_retired(srv);
}

static int same_listens(const struct frankd_conf *a, const struct frankd_conf *b)
{
	if (a->nlistens != b->nlistens)
		return 0;
	for (size_t i = 0; i < a->nlistens; i++)
		if (strcmp(a->listens[i].address, b->listens[i].address) != 0 ||
		    strcmp(a->listens[i].port, b->listens[i].port) != 0 ||
		    a->listens[i].mode != b->listens[i].mode)
			return 0;
	return 1;
}

static void reload(struct frankd_server *srv)
{
	struct lib_err err;
	struct frankd_conf *conf = frankd_conf_load(srv->conf_path, srv->is_root, &err);
	if (!conf) {
		frankd_log(FRANKD_LOG_ERROR, "reload failed, keeping the configuration: %s", err.msg);
		return;
	}
	SSL_CTX *tls = tls_context(conf, &err);
	if (!tls) {
		frankd_log(FRANKD_LOG_ERROR, "reload failed, keeping the configuration: %s", err.msg);
		frankd_conf_free(conf);
		return;
	}
	if (!same_listens(srv->conf, conf))
		frankd_log(FRANKD_LOG_WARN, "reload: listener changes need a restart");
	if (strcmp(srv->conf->queue_dir, conf->queue_dir) != 0) {
		frankd_log(FRANKD_LOG_WARN, "reload: a new queue folder needs a restart");
		free(conf->queue_dir);
		conf->queue_dir = lib_xstrdup(srv->conf->queue_dir);
	}
	/* Sessions hold no pointers into the old configuration, and a TLS
	 * session keeps its context alive by reference; jobs on the workers
	 * may read the old one until they are done. */
	SSL_CTX_free(srv->tls);
	srv->tls = tls;
	srv->retired = lib_xrealloc(srv->retired, (srv->nretired + 1) * sizeof *srv->retired);
	srv->retired[srv->nretired++] = srv->conf;
	srv->conf = conf;
	free_retired(srv);
	frankd_log_setup(conf->log_syslog, conf->log_debug);
	make_maildirs(conf);
	frankd_log(FRANKD_LOG_INFO, "reloaded the configuration from %s (%zu users, %zu domains)",
		   srv->conf_path, conf->nusers, conf->ndomains);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct frankd_server *srv = arg;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		frankd_log(FRANKD_LOG_INFO, "signal %s: draining", sig == SIGTERM ? "TERM" : "INT");
		drain(srv);
		break;
	case SIGHUP:
		reload(srv);
		break;
	case SIGUSR1:
		frankd_runner_flush(srv->runner);
		break;
	}
}

/* --- the whole ------------------------------------------------------------------- */

static void log_recovery(const char *what, const char *name)
{
	frankd_log(FRANKD_LOG_WARN, "queue: removed %s: %s", what, name);
}

static int start(struct frankd_server *srv, struct lib_err *err)
{
	struct frankd_conf *conf = srv->conf;
	if (!(srv->queue = frankd_queue_open(conf->queue_dir, err)) ||
	    frankd_queue_lock(srv->queue, err) < 0)
		return -1;
	int removed = frankd_queue_recover(srv->queue, 0, log_recovery);
	if (removed)
		frankd_log(FRANKD_LOG_WARN, "queue: recovery removed %d unfinished file%s", removed,
			   removed == 1 ? "" : "s");
	if (!(srv->tls = tls_context(conf, err)))
		return -1;
	make_maildirs(conf);
	if (conf->zone_file) { /* read now, so a broken zone stops the start */
		struct net_dns *dns = net_dns_new(NULL, err);
		int rc = dns ? net_dns_load_zone_file(dns, conf->zone_file, err) : -1;
		net_dns_free(dns);
		if (rc < 0)
			return -1;
	}
	if (!(srv->base = event_base_new()))
		return lib_err_set(err, "libevent: no event base");
	srv->auth = frankd_auth_new();
	if (!(srv->pool = frankd_pool_new(srv->base, conf->limits.workers, err)))
		return -1;
	frankd_pool_on_idle(srv->pool, on_pool_idle, srv);
	srv->runner = frankd_runner_new(srv);
	if (open_listeners(srv, err) < 0 || !(srv->control = frankd_control_new(srv, err)))
		return -1;
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		srv->signals[i] = evsignal_new(srv->base, sigs[i], on_signal, srv);
		evsignal_add(srv->signals[i], NULL);
	}
	return 0;
}

static void stop(struct frankd_server *srv)
{
	srv->draining = 0; /* no loopexit from the sessions freed now */
	if (srv->pool)
		frankd_pool_on_idle(srv->pool, NULL, NULL);
	frankd_pool_free(srv->pool); /* jobs finish and give back what they hold */
	srv->pool = NULL;
	free_retired(srv);
	frankd_conns_free(srv);
	close_listeners(srv);
	frankd_control_free(srv->control);
	for (size_t i = 0; i < sizeof srv->signals / sizeof srv->signals[0]; i++)
		if (srv->signals[i])
			event_free(srv->signals[i]);
	if (srv->drain_timer)
		event_free(srv->drain_timer);
	frankd_runner_free(srv->runner);
	frankd_auth_free(srv->auth);
	if (srv->base)
		event_base_free(srv->base);
	SSL_CTX_free(srv->tls);
	frankd_queue_close(srv->queue);
	frankd_conf_free(srv->conf);
	free(srv->conf_path);
}

int frankd_serve(struct frankd_conf *conf, const char *conf_path, int is_root)
{
	struct frankd_server srv;
	memset(&srv, 0, sizeof srv);
	srv.conf = conf;
	srv.conf_path = lib_xstrdup(conf_path);
	srv.is_root = is_root;
	frankd_log_setup(conf->log_syslog, conf->log_debug);
	struct lib_err err;
	int rc = 0;
	if (start(&srv, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "cannot start: %s", err.msg);
		rc = 1;
	} else {
		frankd_log(FRANKD_LOG_INFO, "started: %s, queue %s, %zu users, %zu domains",
			   conf->hostname, conf->queue_dir, conf->nusers, conf->ndomains);
		event_base_dispatch(srv.base);
		frankd_log(FRANKD_LOG_INFO, "stopped");
	}
	stop(&srv);
	return rc;
}
