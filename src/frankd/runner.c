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
 * Remote recipients go to the relay (relay.c: MX or smarthost), grouped
 * by domain, one session per domain and try.  A recipient that failed for
 * good, or waited past retry.give_up, is bounced to the sender (dsn.c)
 * in the same try: the bounce is durably queued before the state that
 * says so is written (a crash between them sends it twice, never not at
 * all); past retry.warn the sender is told once of the delay. */
#include "frankd_internal.h"

#include "net.h"

#include <event2/event.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define TRIES_PER_TURN 64 /* then the loop gets a turn */
#define RECOVER_AGE 3600  /* seconds before an orphaned file is removed */

struct due {
	char id[FRANKD_QUEUE_ID_LEN + 1];
	time_t when;
	int forced; /* flush: every waiting recipient, whatever its next try */
	int busy;   /* a worker is trying it */
};

struct frankd_runner {
	struct frankd_server *srv;
	struct due *items;
	size_t count;
	unsigned busy;      /* tries out on the workers */
	unsigned max_busy;  /* at most this many, so commits wait little */
	struct event *timer;
	struct event *scan_timer;
};

/* One try of one message, on a worker: it owns copies of what it reads,
 * and the configuration stays alive until its done callback. */
struct delivery {
	struct frankd_runner *r;
	const struct frankd_conf *conf;
	struct frankd_queue *queue;
	char id[FRANKD_QUEUE_ID_LEN + 1];
	int forced;
	int gone;     /* not in the queue any more (finished or unreadable) */
	time_t next;  /* else when it is due again */
	char dsn_ids[2][FRANKD_QUEUE_ID_LEN + 1]; /* notifications queued: kick them */
	size_t ndsn;
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
	if (d->busy)
		r->busy--;
	*d = r->items[--r->count];
}

static void set_due(struct frankd_runner *r, const char *id, time_t when)
{
	struct due *d = find(r, id);
	if (!d) {
		r->items = lib_xrealloc(r->items, (r->count + 1) * sizeof *r->items);
		d = &r->items[r->count++];
		memset(d, 0, sizeof *d);
		memcpy(d->id, id, sizeof d->id);
	}
	d->when = when;
}

/* Sets the timer for the earliest due message. */
static void arm(struct frankd_runner *r)
{
	time_t first = 0, now = time(NULL);
	int any = 0;
	for (size_t i = 0; i < r->count; i++)
		if (!r->items[i].busy && (!any || r->items[i].when < first)) {
			first = r->items[i].when;
			any = 1;
		}
	if (!any || r->busy >= r->max_busy) { /* a done callback arms it again */
		evtimer_del(r->timer);
		return;
	}
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

/* A recipient not delivered in this try, FAILED or DEFERRED with its last
 * error set: a deferred one past retry.give_up fails now (local or remote
 * alike: a Maildir that stays unwritable bounces like a host that stays
 * down); the log says which, and a deferred one gets its next try. */
static void settle_undelivered(const struct delivery *d, const struct frankd_envelope *env,
			       struct frankd_rcpt *rcpt, time_t now)
{
	const char *why = rcpt->last_error ? rcpt->last_error : "";
	if (rcpt->status == FRANKD_RCPT_DEFERRED &&
	    now - (time_t)env->created >= (time_t)d->conf->retry.give_up) {
		char *expired = lib_xasprintf(FRANKD_GAVE_UP "%u tries over %lld s: %s",
					      rcpt->attempts, (long long)(now - env->created), why);
		rcpt->status = FRANKD_RCPT_FAILED;
		frankd_rcpt_set_error(rcpt, expired);
		free(expired);
		why = rcpt->last_error;
	}
	if (rcpt->status == FRANKD_RCPT_FAILED) {
		frankd_log(FRANKD_LOG_INFO, "%s: failed <%s>: %s", env->id, rcpt->address, why);
		return;
	}
	rcpt->next_try = now + frankd_retry_delay(&d->conf->retry, rcpt->attempts);
	frankd_log(FRANKD_LOG_WARN, "%s: deferred <%s>: %s (try %u)", env->id, rcpt->address, why,
		   rcpt->attempts);
}

static void deliver_local(const struct delivery *d, const struct frankd_envelope *env,
			  struct frankd_rcpt *rcpt, const struct frankd_user *user, int msg_fd,
			  time_t now)
{
	struct lib_buf prefix = LIB_BUF_INIT;
	struct lib_err err;
	char *name = NULL;
	delivery_prefix(env, rcpt->address, &prefix);
	if (frankd_maildir_deliver(user->maildir, env->quarantine ? "Junk" : "", d->conf->hostname,
				   prefix.data, prefix.len,
				   msg_fd, &name, &err) < 0) {
		rcpt->status = FRANKD_RCPT_DEFERRED;
		frankd_rcpt_set_error(rcpt, err.msg);
		settle_undelivered(d, env, rcpt, now);
	} else {
		rcpt->status = FRANKD_RCPT_DELIVERED;
		frankd_rcpt_set_error(rcpt, NULL);
		frankd_log(FRANKD_LOG_INFO, "%s: delivered <%s> to user %s (%s/new/%s)", env->id,
			   rcpt->address, user->name, user->maildir, name);
	}
	free(name);
	lib_buf_release(&prefix);
}

/* The message as it goes on: frankd's header lines, then ID.msg. */
static int read_message(const struct frankd_envelope *env, int msg_fd, struct lib_buf *out,
			struct lib_err *err)
{
	lib_buf_append(out, env->headers.data ? env->headers.data : "", env->headers.len);
	char chunk[65536];
	off_t at = 0;
	for (;;) {
		ssize_t n = pread(msg_fd, chunk, sizeof chunk, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lib_err_set(err, "reading %s.msg: %s", env->id, strerror(errno));
		if (n == 0)
			return 0;
		lib_buf_append(out, chunk, (size_t)n);
		at += n;
	}
}

/* The remote recipients of this try, one relay per domain (or all at
 * once through the smarthost). */
static void relay_remote(const struct delivery *d, const struct frankd_envelope *env,
			 struct frankd_rcpt **remote, size_t n, const struct lib_buf *msg)
{
	const struct frankd_conf *conf = d->conf;
	struct lib_err err;
	struct net_dns *dns = conf->smarthost.host ? NULL : frankd_dns_open(conf, &err);
	if (!conf->smarthost.host && !dns) {
		for (size_t i = 0; i < n; i++) {
			remote[i]->status = FRANKD_RCPT_DEFERRED;
			frankd_rcpt_set_error(remote[i], err.msg);
		}
		return;
	}
	struct frankd_rcpt **group = lib_xcalloc(n, sizeof *group);
	int *done = lib_xcalloc(n, sizeof *done);
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		size_t g = 0;
		const char *domain = frankd_address_domain(remote[i]->address);
		for (size_t j = i; j < n; j++)
			if (!done[j] && (conf->smarthost.host ||
					 strcasecmp(domain, frankd_address_domain(remote[j]->address)) == 0)) {
				group[g++] = remote[j];
				done[j] = 1;
			}
		frankd_relay(conf, dns, env, group, g, msg->data, msg->len);
	}
	free(group);
	free(done);
	net_dns_free(dns);
}

/* After the relay's try: the log line of each remote recipient tried,
 * the next try of those deferred, and expiry. */
static void settle(const struct delivery *d, const struct frankd_envelope *env,
		   struct frankd_rcpt *rcpt, time_t now)
{
	if (rcpt->status == FRANKD_RCPT_DELIVERED)
		frankd_log(FRANKD_LOG_INFO, "%s: relayed <%s>", env->id, rcpt->address);
	else
		settle_undelivered(d, env, rcpt, now);
}

static void try_recipient(const struct delivery *d, const struct frankd_envelope *env,
			  struct frankd_rcpt *rcpt, int msg_fd, time_t now,
			  struct frankd_rcpt **remote, size_t *nremote)
{
	struct frankd_route route;
	frankd_route(d->conf, rcpt->address, &route);
	rcpt->route = route.kind;
	rcpt->attempts++;
	switch (route.kind) {
	case FRANKD_ROUTE_LOCAL:
		deliver_local(d, env, rcpt, route.user, msg_fd, now);
		break;
	case FRANKD_ROUTE_REMOTE:
		remote[(*nremote)++] = rcpt;
		break;
	case FRANKD_ROUTE_NO_USER: /* the configuration changed since RCPT */
		rcpt->status = FRANKD_RCPT_FAILED;
		frankd_rcpt_set_error(rcpt, "550 5.1.1 no such user here");
		frankd_log(FRANKD_LOG_INFO, "%s: failed <%s>: no such user", env->id, rcpt->address);
		break;
	}
}

/* --- notifications ------------------------------------------------------------ */

#define DSN_HEADERS_MAX (256 * 1024) /* of the original, quoted in a DSN */

/* The header section of the message (frankd's lines first). */
static size_t header_section(const struct lib_buf *msg)
{
	size_t n = msg->len;
	for (size_t i = 0; i + 3 < msg->len; i++)
		if (memcmp(msg->data + i, "\r\n\r\n", 4) == 0) {
			n = i + 2;
			break;
		}
	return n > DSN_HEADERS_MAX ? DSN_HEADERS_MAX : n;
}

/* Queues a notification about the marked recipients to the sender:
 * 0 once it is durable, -1 (logged) when it could not be written. */
static int queue_dsn(struct delivery *d, const struct frankd_envelope *env, const int *mark,
		     enum frankd_dsn_kind kind, const struct lib_buf *msg, time_t now)
{
	struct lib_buf text = LIB_BUF_INIT;
	frankd_dsn_build(d->conf, env, mark, kind, msg->data, header_section(msg), now, &text);
	struct lib_err err;
	struct frankd_envelope dsn;
	frankd_envelope_init(&dsn);
	dsn.created = (long long)now;
	dsn.sender = lib_xstrdup("");
	dsn.client = lib_xstrdup("local");
	struct frankd_route route;
	frankd_route(d->conf, env->sender, &route);
	frankd_envelope_add_rcpt(&dsn, env->sender, route.kind);
	struct frankd_queue_writer *w = frankd_queue_writer_new(d->queue, &err);
	int rc = w && frankd_queue_writer_write(w, text.data, text.len, &err) == 0 &&
			 frankd_queue_writer_commit(w, &dsn, &err) == 0
		 ? 0 : -1;
	if (rc < 0) {
		frankd_log(FRANKD_LOG_ERROR, "%s: the %s notice to <%s> could not be queued: %s",
			   env->id, kind == FRANKD_DSN_FAILED ? "bounce" : "delay", env->sender,
			   err.msg);
	} else {
		frankd_log(FRANKD_LOG_INFO, "%s: %s notice to <%s> queued as %s", env->id,
			   kind == FRANKD_DSN_FAILED ? "bounce" : "delay", env->sender, dsn.id);
		if (d->ndsn < 2)
			memcpy(d->dsn_ids[d->ndsn++], dsn.id, sizeof dsn.id);
	}
	frankd_queue_writer_free(w);
	frankd_envelope_release(&dsn);
	lib_buf_release(&text);
	return rc;
}

/* The bounce of the recipients that failed in this try (failed[i]), and
 * the one warning of a delay.  A bounce that cannot be queued leaves its
 * recipients DEFERRED, to fail and bounce again at the next try. */
static void notify(struct delivery *d, struct frankd_envelope *env, int *failed,
		   const struct lib_buf *msg, time_t now)
{
	int any_failed = 0, any_waiting = 0;
	for (size_t i = 0; i < env->nrcpts; i++) {
		any_failed |= failed[i];
		any_waiting |= env->rcpts[i].status == FRANKD_RCPT_DEFERRED;
	}
	if (!*env->sender) {
		if (any_failed)
			frankd_log(FRANKD_LOG_INFO, "%s: no bounce: the sender is null", env->id);
		return;
	}
	if (any_failed && queue_dsn(d, env, failed, FRANKD_DSN_FAILED, msg, now) < 0)
		for (size_t i = 0; i < env->nrcpts; i++)
			if (failed[i]) {
				env->rcpts[i].status = FRANKD_RCPT_DEFERRED;
				env->rcpts[i].next_try = now + d->conf->retry.first;
			}
	if (any_waiting && !env->warned &&
	    now - (time_t)env->created >= (time_t)d->conf->retry.warn) {
		int *waiting = lib_xcalloc(env->nrcpts, sizeof *waiting);
		for (size_t i = 0; i < env->nrcpts; i++)
			waiting[i] = env->rcpts[i].status == FRANKD_RCPT_DEFERRED;
		if (queue_dsn(d, env, waiting, FRANKD_DSN_DELAYED, msg, now) == 0)
			env->warned = 1;
		free(waiting);
	}
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

static void finish(struct delivery *d, struct frankd_envelope *env)
{
	struct lib_err err;
	if (frankd_queue_remove(d->queue, env->id, &err) < 0)
		frankd_log(FRANKD_LOG_ERROR, "%s: %s", env->id, err.msg);
	else
		frankd_log(FRANKD_LOG_INFO, "%s: removed from the queue", env->id);
	d->gone = 1;
}

/* The work of a try, on a worker. */
static void try_message(void *arg)
{
	struct delivery *d = arg;
	struct frankd_envelope env;
	struct lib_err err;
	int rc = frankd_queue_load(d->queue, d->id, &env, &err);
	if (rc != 0) {
		if (rc < 0)
			frankd_log(FRANKD_LOG_ERROR, "%s: %s", d->id, err.msg);
		d->gone = 1;
		return;
	}
	int msg_fd = frankd_queue_open_message(d->queue, d->id, &err);
	if (msg_fd < 0) {
		frankd_log(FRANKD_LOG_ERROR, "%s: %s", d->id, err.msg);
		frankd_envelope_release(&env);
		d->gone = 1;
		return;
	}
	time_t now = time(NULL);
	struct frankd_rcpt **remote = lib_xcalloc(env.nrcpts, sizeof *remote);
	enum frankd_rcpt_status *before = lib_xcalloc(env.nrcpts, sizeof *before);
	int *tried = lib_xcalloc(env.nrcpts, sizeof *tried);
	size_t nremote = 0;
	for (size_t i = 0; i < env.nrcpts; i++) {
		struct frankd_rcpt *rcpt = &env.rcpts[i];
		before[i] = rcpt->status;
		int waiting = rcpt->status == FRANKD_RCPT_PENDING ||
			      rcpt->status == FRANKD_RCPT_DEFERRED;
		tried[i] = waiting && (d->forced || rcpt->next_try <= now);
		if (tried[i])
			try_recipient(d, &env, rcpt, msg_fd, now, remote, &nremote);
	}
	struct lib_buf msg = LIB_BUF_INIT;
	int have_msg = 0;
	if (nremote && read_message(&env, msg_fd, &msg, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "%s: %s", d->id, err.msg);
		for (size_t i = 0; i < nremote; i++) {
			remote[i]->status = FRANKD_RCPT_DEFERRED;
			frankd_rcpt_set_error(remote[i], err.msg);
		}
	} else if (nremote) {
		have_msg = 1;
		relay_remote(d, &env, remote, nremote, &msg);
	}
	for (size_t i = 0; i < nremote; i++)
		settle(d, &env, remote[i], now);
	int *failed = tried; /* now: failed in this try */
	int any_failed = 0;
	for (size_t i = 0; i < env.nrcpts; i++) {
		failed[i] = tried[i] && before[i] != FRANKD_RCPT_FAILED &&
			    env.rcpts[i].status == FRANKD_RCPT_FAILED;
		any_failed |= failed[i];
	}
	int may_warn = !env.warned && now - (time_t)env.created >= (time_t)d->conf->retry.warn;
	if ((any_failed || may_warn) && !have_msg) {
		lib_buf_reset(&msg);
		if (read_message(&env, msg_fd, &msg, &err) < 0) /* the DSN quotes fewer headers */
			frankd_log(FRANKD_LOG_ERROR, "%s: %s", d->id, err.msg);
	}
	notify(d, &env, failed, &msg, now);
	lib_buf_release(&msg);
	free(remote);
	free(before);
	free(tried);
	close(msg_fd);
	if (frankd_envelope_finished(&env)) {
		finish(d, &env);
	} else if (frankd_queue_store(d->queue, &env, &err) < 0) {
		frankd_log(FRANKD_LOG_ERROR, "%s: %s", d->id, err.msg);
		d->next = now + d->conf->retry.first;
	} else {
		d->next = next_due(&env);
	}
	frankd_envelope_release(&env);
}

/* Back in the loop: the try's outcome goes into the list of due messages. */
static void try_done(void *arg)
{
	struct delivery *d = arg;
	struct frankd_runner *r = d->r;
	struct due *due = find(r, d->id);
	if (due && due->busy) {
		due->busy = 0;
		r->busy--;
	}
	if (d->gone)
		forget(r, d->id);
	else if (due)
		due->when = d->next;
	for (size_t i = 0; i < d->ndsn; i++)
		set_due(r, d->dsn_ids[i], 0);
	free(d);
	arm(r);
}

static void start_try(struct frankd_runner *r, struct due *due)
{
	struct delivery *d = lib_xcalloc(1, sizeof *d);
	d->r = r;
	d->conf = r->srv->conf;
	d->queue = r->srv->queue;
	memcpy(d->id, due->id, sizeof d->id);
	d->forced = due->forced;
	due->forced = 0;
	due->busy = 1;
	r->busy++;
	frankd_pool_submit(r->srv->pool, try_message, try_done, d);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct frankd_runner *r = arg;
	time_t now = time(NULL);
	for (size_t i = 0; i < r->count && r->busy < r->max_busy; i++)
		if (!r->items[i].busy && r->items[i].when <= now)
			start_try(r, &r->items[i]);
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
	/* a relay try may block its worker on a slow next hop for minutes:
	 * one worker is kept for the commits and password checks of sessions */
	unsigned workers = srv->conf->limits.workers;
	r->max_busy = workers > 1 ? workers - 1 : 1;
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
	frankd_log(FRANKD_LOG_INFO, "queue: flush: trying %zu message%s now", r->count,
		   r->count == 1 ? "" : "s");
	for (size_t i = 0; i < r->count; i++) {
		r->items[i].when = 0;
		r->items[i].forced = 1;
	}
	arm(r);
}

int frankd_runner_delete(struct frankd_runner *r, const char *id, struct lib_err *err)
{
	const struct due *d = find(r, id);
	if (d && d->busy)
		return lib_err_set(err, "%s is being delivered right now; try again", id);
	if (frankd_queue_remove(r->srv->queue, id, err) < 0)
		return -1;
	forget(r, id);
	arm(r);
	frankd_log(FRANKD_LOG_INFO, "%s: deleted from the queue by frankd queue delete", id);
	return 0;
}
