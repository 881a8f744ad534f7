/* runner.c: delivery of queued messages, in the server's loop.
 *
 * The runner keeps, for each queued message, when it is next due; one
 * timer fires for the earliest.  A try reads ID.env (the truth is on disk),
 * routes each recipient not yet done (route.c), delivers the local ones
 * into Maildirs, and writes the new state back: a recipient is DELIVERED
 * only after its copy is durable, and the message leaves the queue only
 * when no recipient is left.  A crash between a delivery and the state
 * write delivers that copy again on restart: at most a duplicate.
 *
 * Remote recipients are the relay's (MX or smarthost): relay_recipient()
 * is the hook where it goes; until it exists, they stay DEFERRED with
 * "relay not implemented yet", visible in frankd queue. */
#include "frankd_internal.h"

#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TRIES_PER_TURN 64 /* then the loop gets a turn */
#define RECOVER_AGE 3600  /* seconds before an orphaned file is removed */

struct due {
	char id[FRANKD_QUEUE_ID_LEN + 1];
	time_t when;
};

struct frankd_runner {
	struct frankd_server *srv;
	struct due *items;
	size_t count;
	struct event *timer;
	struct event *scan_timer;
};

unsigned frankd_retry_delay(const struct frankd_retry *retry, unsigned attempts)
{
	unsigned long long delay = retry->first;
	for (unsigned i = 1; i < attempts && delay < retry->max; i++)
		delay *= 2;
	return delay > retry->max ? retry->max : (unsigned)delay;
}

static struct due *find(struct frankd_runner *r, const char *id)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->items[i].id, id) == 0)
			return &r->items[i];
	return NULL;
}

static void forget(struct frankd_runner *r, const char *id)
{
	struct due *d = find(r, id);
	if (!d)
		return;
	*d = r->items[--r->count];
}

static void set_due(struct frankd_runner *r, const char *id, time_t when)
{
	struct due *d = find(r, id);
	if (!d) {
		r->items = lib_xrealloc(r->items, (r->count + 1) * sizeof *r->items);
		d = &r->items[r->count++];
		memcpy(d->id, id, sizeof d->id);
	}
	d->when = when;
}

/* Sets the timer for the earliest due message. */
static void arm(struct frankd_runner *r)
{
	if (!r->count) {
		evtimer_del(r->timer);
		return;
	}
	time_t first = r->items[0].when, now = time(NULL);
	for (size_t i = 1; i < r->count; i++)
		if (r->items[i].when < first)
			first = r->items[i].when;
	struct timeval tv = { first > now ? first - now : 0, 0 };
	evtimer_add(r->timer, &tv);
}

/* --- one try ---------------------------------------------------------------- */

/* What goes before the message in a Maildir: Return-Path and Delivered-To
 * (RFC 5321 4.4, the final delivery's), then frankd's own header lines. */
static void delivery_prefix(const struct frankd_envelope *env, const char *rcpt,
			    struct lib_buf *out)
{
	lib_buf_printf(out, "Return-Path: <%s>\r\nDelivered-To: %s\r\n", env->sender, rcpt);
	lib_buf_append(out, env->headers.data ? env->headers.data : "", env->headers.len);
}

static void defer(struct frankd_runner *r, struct frankd_rcpt *rcpt, const char *why,
		  time_t now)
{
	rcpt->status = FRANKD_RCPT_DEFERRED;
	rcpt->next_try = now + frankd_retry_delay(&r->srv->conf->retry, rcpt->attempts);
	frankd_rcpt_set_error(rcpt, why);
}

static void deliver_local(struct frankd_runner *r, const struct frankd_envelope *env,
			  struct frankd_rcpt *rcpt, const struct frankd_user *user, int msg_fd,
			  time_t now)
{
	struct lib_buf prefix = LIB_BUF_INIT;
	struct lib_err err;
	char *name = NULL;
	delivery_prefix(env, rcpt->address, &prefix);
	if (frankd_maildir_deliver(user->maildir, "", r->srv->conf->hostname, prefix.data,
				   prefix.len, msg_fd, &name, &err) < 0) {
		defer(r, rcpt, err.msg, now);
		frankd_log(FRANKD_LOG_WARN, "%s: deferred <%s>: %s (try %u)", env->id, rcpt->address,
			   err.msg, rcpt->attempts);
	} else {
		rcpt->status = FRANKD_RCPT_DELIVERED;
		frankd_rcpt_set_error(rcpt, NULL);
		frankd_log(FRANKD_LOG_INFO, "%s: delivered <%s> to user %s (%s/new/%s)", env->id,
			   rcpt->address, user->name, user->maildir, name);
	}
	free(name);
	lib_buf_release(&prefix);
}

/* The relay's hook: a remote recipient.  The relay (MX lookup or the
 * smarthost, with retries and bounces) is not built yet, so the recipient
 * waits, saying so. */
static void relay_recipient(struct frankd_runner *r, const struct frankd_envelope *env,
			    struct frankd_rcpt *rcpt, time_t now)
{
	defer(r, rcpt, "relay not implemented yet", now);
	frankd_log(FRANKD_LOG_INFO, "%s: deferred <%s>: remote, relay not implemented yet",
		   env->id, rcpt->address);
}

static void try_recipient(struct frankd_runner *r, const struct frankd_envelope *env,
			  struct frankd_rcpt *rcpt, int msg_fd, time_t now)
{
	struct frankd_route route;
	frankd_route(r->srv->conf, rcpt->address, &route);
	rcpt->route = route.kind;
	rcpt->attempts++;
	switch (route.kind) {
	case FRANKD_ROUTE_LOCAL:
		deliver_local(r, env, rcpt, route.user, msg_fd, now);
		break;
	case FRANKD_ROUTE_REMOTE:
		relay_recipient(r, env, rcpt, now);
		break;
	case FRANKD_ROUTE_NO_USER: /* the configuration changed since RCPT */
		rcpt->status = FRANKD_RCPT_FAILED;
		frankd_rcpt_set_error(rcpt, "550 5.1.1 no such user here");
		frankd_log(FRANKD_LOG_INFO, "%s: failed <%s>: no such user", env->id, rcpt->address);
		break;
	}
}

/* The bounce's hook: recipients that failed for good.  DSNs (RFC 3464)
 * come with the relay; until then the log says what was lost. */
static void bounce_failed(const struct frankd_envelope *env)
{
	for (size_t i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].status == FRANKD_RCPT_FAILED)
			frankd_log(FRANKD_LOG_WARN, "%s: bounced <%s> (sender <%s>): %s; no DSN sent "
						    "(not implemented yet)",
				   env->id, env->rcpts[i].address, env->sender,
				   env->rcpts[i].last_error ? env->rcpts[i].last_error : "failed");
}

/* The time the message is next due: its earliest waiting recipient. */
static time_t next_due(const struct frankd_envelope *env)
{
	time_t next = 0;
	for (size_t i = 0; i < env->nrcpts; i++) {
		const struct frankd_rcpt *rc = &env->rcpts[i];
		if (rc->status == FRANKD_RCPT_DELIVERED || rc->status == FRANKD_RCPT_FAILED)
			continue;
		if (!next || rc->next_try < next)
			next = (time_t)rc->next_try;
	}
	return next;
}

static void finish(struct frankd_runner *r, struct frankd_envelope *env)
{
	struct lib_err err;
	bounce_failed(env);
	if (frankd_queue_remove(r->srv->queue, env->id, &err) < 0)
		frankd_log(FRANKD_LOG_ERROR, "%s: %s", env->id, err.msg);
	else
		frankd_log(FRANKD_LOG_INFO, "%s: removed from the queue", env->id);
	forget(r, env->id);
}

static void try_message(struct frankd_runner *r, const char *id, int forced)
{
	struct frankd_envelope env;
	struct lib_err err;
	if (frankd_queue_load(r->srv->queue, id, &env, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "%s: %s", id, err.msg);
		forget(r, id);
		return;
	}
	int msg_fd = frankd_queue_open_message(r->srv->queue, id, &err);
	if (msg_fd < 0) {
		frankd_log(FRANKD_LOG_ERROR, "%s: %s", id, err.msg);
		frankd_envelope_release(&env);
		forget(r, id);
		return;
	}
	time_t now = time(NULL);
	for (size_t i = 0; i < env.nrcpts; i++) {
		struct frankd_rcpt *rcpt = &env.rcpts[i];
		int waiting = rcpt->status == FRANKD_RCPT_PENDING ||
			      rcpt->status == FRANKD_RCPT_DEFERRED;
		if (waiting && (forced || rcpt->next_try <= now))
			try_recipient(r, &env, rcpt, msg_fd, now);
	}
	close(msg_fd);
	if (frankd_envelope_finished(&env)) {
		finish(r, &env);
	} else if (frankd_queue_store(r->srv->queue, &env, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "%s: %s", id, err.msg);
		set_due(r, id, now + r->srv->conf->retry.first);
	} else {
		set_due(r, id, next_due(&env));
	}
	frankd_envelope_release(&env);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct frankd_runner *r = arg;
	time_t now = time(NULL);
	for (int tries = 0; tries < TRIES_PER_TURN; tries++) {
		struct due *d = NULL;
		for (size_t i = 0; i < r->count && !d; i++)
			if (r->items[i].when <= now)
				d = &r->items[i];
		if (!d)
			break;
		char id[FRANKD_QUEUE_ID_LEN + 1];
		memcpy(id, d->id, sizeof id);
		d->when = now + 1; /* not again this turn, whatever happens */
		try_message(r, id, 0);
	}
	arm(r);
}

/* --- scanning the directory ------------------------------------------------- */

static void log_recovery(const char *what, const char *name)
{
	frankd_log(FRANKD_LOG_WARN, "queue: removed %s: %s", what, name);
}

void frankd_runner_scan(struct frankd_runner *r)
{
	char **ids = NULL;
	size_t n = 0;
	struct lib_err err;
	frankd_queue_recover(r->srv->queue, RECOVER_AGE, log_recovery);
	if (frankd_queue_list(r->srv->queue, &ids, &n, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "queue: %s", err.msg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!find(r, ids[i])) {
			struct frankd_envelope env;
			time_t when = time(NULL);
			if (frankd_queue_load(r->srv->queue, ids[i], &env, &err) == 0) {
				when = next_due(&env);
				frankd_envelope_release(&env);
			}
			set_due(r, ids[i], when);
		}
		free(ids[i]);
	}
	free(ids);
	arm(r);
}

static void on_scan(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct frankd_runner *r = arg;
	frankd_runner_scan(r);
	struct timeval tv = { (time_t)r->srv->conf->queue_scan, 0 };
	evtimer_add(r->scan_timer, &tv);
}

struct frankd_runner *frankd_runner_new(struct frankd_server *srv)
{
	struct frankd_runner *r = lib_xcalloc(1, sizeof *r);
	r->srv = srv;
	r->timer = evtimer_new(srv->base, on_timer, r);
	r->scan_timer = evtimer_new(srv->base, on_scan, r);
	struct timeval tv = { 0, 0 };
	evtimer_add(r->scan_timer, &tv);
	return r;
}

void frankd_runner_free(struct frankd_runner *r)
{
	if (!r)
		return;
	event_free(r->timer);
	event_free(r->scan_timer);
	free(r->items);
	free(r);
}

void frankd_runner_kick(struct frankd_runner *r, const char *id)
{
	set_due(r, id, 0);
	arm(r);
}

void frankd_runner_flush(struct frankd_runner *r)
{
	frankd_runner_scan(r);
	size_t n = r->count;
	frankd_log(FRANKD_LOG_INFO, "queue: flush: trying %zu message%s now", n, n == 1 ? "" : "s");
	char (*ids)[FRANKD_QUEUE_ID_LEN + 1] = lib_xcalloc(n ? n : 1, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		memcpy(ids[i], r->items[i].id, sizeof ids[i]);
	for (size_t i = 0; i < n; i++)
		try_message(r, ids[i], 1);
	free(ids);
	arm(r);
}

int frankd_runner_delete(struct frankd_runner *r, const char *id, struct lib_err *err)
{
	if (frankd_queue_remove(r->srv->queue, id, err) < 0)
		return -1;
	forget(r, id);
	arm(r);
	frankd_log(FRANKD_LOG_INFO, "%s: deleted from the queue by frankd queue delete", id);
	return 0;
}
