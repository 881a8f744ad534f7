/* dns.c: the resolver (net.h, "DNS"): queries go to the zones first and
 * to the network (dns_unbound.c) for names no zone is authoritative for;
 * finished answers wait in a queue until net_dns_process() hands them to
 * their callbacks.  Zone answers are ready at once: a byte in a self-pipe
 * makes the caller's loop come round to deliver them. */
#include "dns_private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* An answer waiting for its callback. */
struct dns_ready {
	struct dns_ready *next;
	net_dns_callback cb;
	void *arg;
	struct net_dns_answer *answer;
};

/* A query out on the network. */
struct dns_query {
	struct dns_query *prev, *next;
	struct net_dns *dns;
	net_dns_callback cb;
	void *arg;
	char *qname;                    /* as the answer shows it */
	enum net_dns_type qtype;
	struct net_dns_answer *partial; /* a zone's CNAME led here, or NULL */
	int id;
	long long deadline_ms;
	int expired; /* answered with a TEMPFAIL; libunbound may still reply */
};

struct net_dns {
	struct dns_zone *zone;
	struct dns_net *net; /* NULL: offline */
	int timeout_ms;
	int wake[2]; /* self-pipe: readable while answers are ready */
	int woken;
	struct dns_ready *ready, **ready_tail;
	size_t nready;
	struct dns_query *queries, *queries_last; /* on the network, oldest first */
	size_t nqueries; /* not expired */
};

/* --- names of things --------------------------------------------------- */

static const struct {
	enum net_dns_type type;
	const char *name;
} query_types[] = {
	{ NET_DNS_A, "A" },   { NET_DNS_CNAME, "CNAME" }, { NET_DNS_PTR, "PTR" },
	{ NET_DNS_MX, "MX" }, { NET_DNS_TXT, "TXT" },     { NET_DNS_AAAA, "AAAA" },
};

const char *net_dns_type_str(enum net_dns_type type)
{
	for (size_t i = 0; i < sizeof query_types / sizeof query_types[0]; i++)
		if (query_types[i].type == type)
			return query_types[i].name;
	return "?";
}

int net_dns_type_parse(const char *text, enum net_dns_type *type)
{
	for (size_t i = 0; i < sizeof query_types / sizeof query_types[0]; i++)
		if (strcasecmp(text, query_types[i].name) == 0) {
			*type = query_types[i].type;
			return 0;
		}
	return -1;
}

const char *net_dns_rcode_str(enum net_dns_rcode rcode)
{
	switch (rcode) {
	case NET_DNS_ANSWER: return "ANSWER";
	case NET_DNS_NXDOMAIN: return "NXDOMAIN";
	case NET_DNS_NODATA: return "NODATA";
	case NET_DNS_TEMPFAIL: return "TEMPFAIL";
	}
	return "?";
}

const char *net_dns_rcode_words(enum net_dns_rcode rcode)
{
	switch (rcode) {
	case NET_DNS_ANSWER: return "answer";
	case NET_DNS_NXDOMAIN: return "NXDOMAIN";
	case NET_DNS_NODATA: return "no data";
	case NET_DNS_TEMPFAIL: return "temporary failure";
	}
	return "?";
}

/* --- time and waking --------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
			       fcntl(fd, F_SETFD, FD_CLOEXEC) < 0
		       ? -1
		       : 0;
}

static void wake_up(struct net_dns *dns)
{
	if (dns->woken)
		return;
	char byte = 1;
	/* A full pipe is readable already, so a failed write loses nothing. */
	if (write(dns->wake[1], &byte, 1) == 1)
		dns->woken = 1;
}

/* The pipe holds a byte only while woken is set (wake_up writes one). */
static void drain_wake(struct net_dns *dns)
{
	char buf[8];
	if (!dns->woken)
		return;
	while (read(dns->wake[0], buf, sizeof buf) < 0 && errno == EINTR)
		;
	dns->woken = 0;
}

static void push_ready(struct net_dns *dns, net_dns_callback cb, void *arg,
		       struct net_dns_answer *answer)
{
	struct dns_ready *r = lib_xcalloc(1, sizeof *r);
	r->cb = cb;
	r->arg = arg;
	r->answer = answer;
	*dns->ready_tail = r;
	dns->ready_tail = &r->next;
	dns->nready++;
	wake_up(dns);
}

/* --- life -------------------------------------------------------------- */

struct net_dns *net_dns_new(const struct net_dns_opts *opts, struct lib_err *err)
{
	static const struct net_dns_opts offline = { 0, NULL, NULL, 0 };
	if (!opts)
		opts = &offline;
	struct net_dns *dns = lib_xcalloc(1, sizeof *dns);
	dns->wake[0] = dns->wake[1] = -1;
	dns->ready_tail = &dns->ready;
	dns->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : NET_DNS_TIMEOUT_MS;
	dns->zone = dns_zone_new();
	if (pipe(dns->wake) < 0 || set_nonblocking(dns->wake[0]) < 0 ||
	    set_nonblocking(dns->wake[1]) < 0) {
		lib_err_set(err, "DNS: cannot make a pipe: %s", strerror(errno));
		net_dns_free(dns);
		return NULL;
	}
	if (opts->network && !(dns->net = dns_net_new(opts, err))) {
		net_dns_free(dns);
		return NULL;
	}
	return dns;
}

static void query_unlink(struct net_dns *dns, struct dns_query *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		dns->queries = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else
		dns->queries_last = q->prev;
	if (!q->expired)
		dns->nqueries--;
}

static void query_free(struct dns_query *q)
{
	net_dns_answer_free(q->partial);
	free(q->qname);
	free(q);
}

void net_dns_free(struct net_dns *dns)
{
	if (!dns)
		return;
	/* Deleting the context first means no answer can arrive after. */
	dns_net_free(dns->net);
	while (dns->queries) {
		struct dns_query *q = dns->queries;
		query_unlink(dns, q);
		query_free(q);
	}
	while (dns->ready) {
		struct dns_ready *r = dns->ready;
		dns->ready = r->next;
		net_dns_answer_free(r->answer);
		free(r);
	}
	for (int i = 0; i < 2; i++)
		if (dns->wake[i] >= 0)
			close(dns->wake[i]);
	dns_zone_free(dns->zone);
	free(dns);
}

int net_dns_load_zone_text(struct net_dns *dns, const char *source, const char *text,
			   size_t len, const char *origin, struct lib_err *err)
{
	return dns_zone_load(dns->zone, source ? source : "zone", text, len, origin, err);
}

int net_dns_load_zone_file(struct net_dns *dns, const char *path, struct lib_err *err)
{
	char *text;
	size_t len;
	if (lib_read_file(path, NET_DNS_ZONE_MAX_BYTES, &text, &len, err) < 0)
		return -1;
	int rc = dns_zone_load(dns->zone, path, text, len, NULL, err);
	free(text);
	return rc;
}

/* --- queries ----------------------------------------------------------- */

static void replace_string(char **slot, const char *value)
{
	char *copy = value ? lib_xstrdup(value) : NULL;
	free(*slot);
	*slot = copy;
}

/* Gives a network answer the face of the query that asked it. */
static struct net_dns_answer *query_answer(struct dns_query *q, struct net_dns_answer *a)
{
	replace_string(&a->qname, q->qname);
	a->qtype = q->qtype;
	if (q->partial && !a->cname)
		replace_string(&a->cname, q->partial->cname);
	return a;
}

void dns_net_answered(void *arg, struct net_dns_answer *answer)
{
	struct dns_query *q = arg;
	struct net_dns *dns = q->dns;
	int expired = q->expired;
	query_unlink(dns, q);
	if (expired)
		net_dns_answer_free(answer);
	else
		push_ready(dns, q->cb, q->arg, query_answer(q, answer));
	query_free(q);
}

static void start_network(struct net_dns *dns, const char *qname, enum net_dns_type type,
			  const unsigned char *name, size_t name_len, net_dns_callback cb,
			  void *arg, struct net_dns_answer *partial)
{
	struct dns_query *q = lib_xcalloc(1, sizeof *q);
	q->dns = dns;
	q->cb = cb;
	q->arg = arg;
	q->qname = lib_xstrdup(qname);
	q->qtype = type;
	q->partial = partial;
	q->deadline_ms = now_ms() + dns->timeout_ms;
	struct lib_buf text = LIB_BUF_INIT;
	dns_name_to_text(name, name_len, &text);
	if (name_len > 1)
		lib_buf_putc(&text, '.');
	struct lib_err err;
	q->id = dns_net_submit(dns->net, text.data, type, q, &err);
	lib_buf_release(&text);
	if (q->id < 0) {
		struct net_dns_answer *a = dns_answer_new(qname, type, NET_DNS_TEMPFAIL);
		a->why = lib_xstrdup(err.msg);
		push_ready(dns, cb, arg, query_answer(q, a));
		query_free(q);
		return;
	}
	q->prev = dns->queries_last;
	if (q->prev)
		q->prev->next = q;
	else
		dns->queries = q;
	dns->queries_last = q;
	dns->nqueries++;
}

static int valid_type(enum net_dns_type type)
{
	return strcmp(net_dns_type_str(type), "?") != 0;
}

int net_dns_submit(struct net_dns *dns, const char *name, enum net_dns_type type,
		   net_dns_callback cb, void *arg, struct lib_err *err)
{
	static const unsigned char root[1] = { 0 };
	if (!valid_type(type))
		return lib_err_set(err, "DNS: unsupported query type %d", (int)type);
	unsigned char wire[DNS_NAME_MAX];
	size_t len;
	const char *why = NULL;
	/* Query names are absolute, with or without the final dot. */
	if (dns_name_from_text(name, strlen(name), root, 1, wire, &len, &why) < 0) {
		struct lib_buf b = LIB_BUF_INIT;
		dns_quote_for_error(name, strlen(name), 80, &b);
		lib_err_set(err, "DNS: bad name \"%s\": %s", b.data ? b.data : "", why);
		lib_buf_release(&b);
		return -1;
	}
	struct lib_buf text = LIB_BUF_INIT;
	dns_name_to_text(wire, len, &text);
	struct net_dns_answer *answer = NULL;
	unsigned char follow[DNS_NAME_MAX];
	size_t follow_len = 0;
	switch (dns_zone_lookup(dns->zone, wire, len, text.data, type, dns->net == NULL, &answer,
				follow, &follow_len)) {
	case DNS_ZONE_ANSWERED:
		push_ready(dns, cb, arg, answer);
		break;
	case DNS_ZONE_ELSEWHERE:
		start_network(dns, text.data, type, wire, len, cb, arg, NULL);
		break;
	case DNS_ZONE_FOLLOW:
		start_network(dns, text.data, type, follow, follow_len, cb, arg, answer);
		break;
	}
	lib_buf_release(&text);
	return 0;
}

/* --- the loop ---------------------------------------------------------- */

size_t net_dns_fds(const struct net_dns *dns, int fds[2])
{
	fds[0] = dns->wake[0];
	if (!dns->net)
		return 1;
	fds[1] = dns_net_fd(dns->net);
	return 2;
}

size_t net_dns_pending(const struct net_dns *dns)
{
	return dns->nready + dns->nqueries;
}

int net_dns_timeout_ms(const struct net_dns *dns)
{
	if (dns->nready)
		return 0;
	long long now = now_ms(), soonest = -1;
	for (const struct dns_query *q = dns->queries; q; q = q->next)
		if (!q->expired && (soonest < 0 || q->deadline_ms < soonest))
			soonest = q->deadline_ms;
	if (soonest < 0)
		return -1;
	return soonest <= now ? 0 : (int)(soonest - now);
}

/* Queries past their deadline get a TEMPFAIL now. */
static void expire_queries(struct net_dns *dns)
{
	long long now = now_ms();
	struct dns_query *q = dns->queries;
	while (q) {
		struct dns_query *next = q->next;
		if (!q->expired && q->deadline_ms <= now) {
			struct net_dns_answer *a = dns_answer_new(q->qname, q->qtype, NET_DNS_TEMPFAIL);
			a->why = lib_xasprintf("no answer within %d ms", dns->timeout_ms);
			push_ready(dns, q->cb, q->arg, query_answer(q, a));
			if (dns_net_cancel(dns->net, q->id) == 0) {
				query_unlink(dns, q);
				query_free(q);
			} else {
				q->expired = 1; /* freed when libunbound replies */
				dns->nqueries--;
			}
		}
		q = next;
	}
}

int net_dns_process(struct net_dns *dns, struct lib_err *err)
{
	drain_wake(dns);
	if (dns->net) {
		if (dns_net_process(dns->net, err) < 0)
			return -1;
		expire_queries(dns);
	}
	/* Only what is ready now: callbacks that submit more are served on the
	 * next round (the pipe is readable again), so this always returns. */
	size_t n = dns->nready;
	for (size_t i = 0; i < n; i++) {
		struct dns_ready *r = dns->ready;
		dns->ready = r->next;
		if (!dns->ready)
			dns->ready_tail = &dns->ready;
		dns->nready--;
		r->cb(r->answer, r->arg);
		free(r);
	}
	return (int)n;
}

/* Waits up to wait_ms (-1: no limit) for one of the fds to be readable. */
static int wait_fds(struct net_dns *dns, int wait_ms, struct lib_err *err)
{
	int fds[2];
	size_t n = net_dns_fds(dns, fds);
	struct pollfd pfd[2];
	for (size_t i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	if (poll(pfd, (nfds_t)n, wait_ms) < 0 && errno != EINTR)
		return lib_err_set(err, "DNS: poll: %s", strerror(errno));
	return 0;
}

int net_dns_wait(struct net_dns *dns, int timeout_ms, struct lib_err *err)
{
	long long end = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
	while (net_dns_pending(dns) > 0) {
		int wait = net_dns_timeout_ms(dns);
		if (end >= 0) {
			long long left = end - now_ms();
			if (left <= 0)
				return lib_err_set(err, "DNS: %zu queries still pending after %d ms",
						   net_dns_pending(dns), timeout_ms);
			if (wait < 0 || wait > left)
				wait = (int)left;
		}
		if (wait_fds(dns, wait, err) < 0 || net_dns_process(dns, err) < 0)
			return -1;
	}
	return 0;
}

/* Where net_dns_lookup's answer lands; if the lookup gave up early, the
 * callback frees it instead. */
struct lookup_slot {
	struct net_dns_answer *answer;
	int abandoned;
};

static void lookup_done(struct net_dns_answer *answer, void *arg)
{
	struct lookup_slot *slot = arg;
	if (slot->abandoned) {
		net_dns_answer_free(answer);
		free(slot);
		return;
	}
	slot->answer = answer;
}

struct net_dns_answer *net_dns_lookup(struct net_dns *dns, const char *name,
				      enum net_dns_type type, struct lib_err *err)
{
	struct lookup_slot *slot = lib_xcalloc(1, sizeof *slot);
	if (net_dns_submit(dns, name, type, lookup_done, slot, err) < 0) {
		free(slot);
		return NULL;
	}
	while (!slot->answer) {
		/* A zone's answer is ready at once: no need to poll for it. */
		if ((!dns->nready && wait_fds(dns, net_dns_timeout_ms(dns), err) < 0) ||
		    net_dns_process(dns, err) < 0) {
			slot->abandoned = 1;
			return NULL;
		}
	}
	struct net_dns_answer *answer = slot->answer;
	free(slot);
	return answer;
}
