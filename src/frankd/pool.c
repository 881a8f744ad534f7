/* pool.c: a few worker threads for the work that would stall the event
 * loop: fsync (a queue commit, a Maildir delivery) and scrypt (an AUTH).
 * The loop stays one thread that owns every session; a job's work runs on
 * a worker and touches only what the job owns, and its done callback runs
 * back in the loop.  Several fsyncs at once also let the filesystem commit
 * them together, which one thread doing them in turn cannot.
 *
 * Workers hand finished jobs back through a pipe the loop watches. */
#include "frankd_internal.h"

#include <event2/event.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pool_job {
	void (*work)(void *arg);
	void (*done)(void *arg);
	void *arg;
	struct pool_job *next;
};

struct job_list {
	struct pool_job *head, *tail;
};

struct frankd_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job_list todo, finished;
	int stopping;
	pthread_t *threads;
	unsigned nthreads;
	int wake[2]; /* workers write a byte when a job is finished */
	struct event *ev;
	unsigned in_flight; /* submitted, done not yet called (loop thread) */
	void (*idle)(void *arg);
	void *idle_arg;
};

static void list_push(struct job_list *l, struct pool_job *j)
{
	j->next = NULL;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static struct pool_job *list_pop(struct job_list *l)
{
	struct pool_job *j = l->head;
	if (j) {
		l->head = j->next;
		if (!l->head)
			l->tail = NULL;
	}
	return j;
}

static void *worker(void *arg)
{
	struct frankd_pool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->todo.head && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		struct pool_job *j = list_pop(&p->todo);
		if (!j)
			break; /* stopping, and nothing left to do */
		pthread_mutex_unlock(&p->mu);
		j->work(j->arg);
		pthread_mutex_lock(&p->mu);
		list_push(&p->finished, j);
		char c = 1;
		while (write(p->wake[1], &c, 1) < 0 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Runs the done callbacks of the finished jobs, in the loop. */
static void run_finished(struct frankd_pool *p)
{
	pthread_mutex_lock(&p->mu);
	struct job_list done = p->finished;
	p->finished.head = p->finished.tail = NULL;
	pthread_mutex_unlock(&p->mu);
	struct pool_job *j;
	while ((j = list_pop(&done)) != NULL) {
		p->in_flight--;
		if (j->done)
			j->done(j->arg);
		free(j);
	}
	if (p->in_flight == 0 && p->idle)
		p->idle(p->idle_arg);
}

void frankd_pool_on_idle(struct frankd_pool *p, void (*idle)(void *arg), void *arg)
{
	p->idle = idle;
	p->idle_arg = arg;
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	char buf[256];
	while (read(fd, buf, sizeof buf) > 0)
		;
	run_finished(arg);
}

struct frankd_pool *frankd_pool_new(struct event_base *base, unsigned threads,
				    struct lib_err *err)
{
	struct frankd_pool *p = lib_xcalloc(1, sizeof *p);
	if (pipe(p->wake) < 0) {
		free(p);
		lib_err_set(err, "pipe: %s", strerror(errno));
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(p->wake[i], F_SETFD, FD_CLOEXEC);
		fcntl(p->wake[i], F_SETFL, O_NONBLOCK);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->ev = event_new(base, p->wake[0], EV_READ | EV_PERSIST, on_wake, p);
	event_add(p->ev, NULL);
	p->threads = lib_xcalloc(threads ? threads : 1, sizeof *p->threads);
	for (unsigned i = 0; i < (threads ? threads : 1); i++) {
		int rc = pthread_create(&p->threads[i], NULL, worker, p);
		if (rc != 0) {
			lib_err_set(err, "starting a worker thread: %s", strerror(rc));
			frankd_pool_free(p);
			return NULL;
		}
		p->nthreads++;
	}
	return p;
}

void frankd_pool_submit(struct frankd_pool *p, void (*work)(void *arg), void (*done)(void *arg),
			void *arg)
{
	struct pool_job *j = lib_xcalloc(1, sizeof *j);
	j->work = work;
	j->done = done;
	j->arg = arg;
	p->in_flight++;
	pthread_mutex_lock(&p->mu);
	list_push(&p->todo, j);
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

unsigned frankd_pool_in_flight(const struct frankd_pool *p)
{
	return p->in_flight;
}

void frankd_pool_free(struct frankd_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	run_finished(p); /* every job has finished: their owners get them back */
	if (p->ev)
		event_free(p->ev);
	close(p->wake[0]);
	close(p->wake[1]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->threads);
	free(p);
}
