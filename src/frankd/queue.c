/* queue.c: the queue directory.
 *
 *   QUEUE/tmp/            files being written (ID.msg, ID.env)
 *   QUEUE/messages/ID.msg the message bytes as received (CRLF)
 *   QUEUE/messages/ID.env its envelope and state (envelope.c), the commit
 *                         point: a message is queued once its .env is there
 *   QUEUE/lock            held (fcntl) by the daemon
 *   QUEUE/control         the daemon's control socket (control.c)
 *
 * A new message: ID.msg written to tmp/ and fsynced, ID.env the same, both
 * renamed into messages/ (.msg first), messages/ fsynced; only then is the
 * message acknowledged.  A crash before that fsync can leave an .env
 * without its .msg, never acknowledged, which recovery removes. */
#include "frankd_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/rand.h>

struct frankd_queue {
	char *dir;
	char *tmp_dir;
	char *msg_dir;
	int lock_fd;
};

#define WRITER_BUFFER (64 * 1024)

struct frankd_queue_writer {
	struct frankd_queue *q;
	char id[FRANKD_QUEUE_ID_LEN + 1];
	char *tmp_path;
	int fd;
	size_t size;
	struct lib_buf pending;
	int committed;
};

struct frankd_queue *frankd_queue_open(const char *dir, struct lib_err *err)
{
	struct frankd_queue *q = lib_xcalloc(1, sizeof *q);
	q->dir = lib_xstrdup(dir);
	q->tmp_dir = lib_xasprintf("%s/tmp", dir);
	q->msg_dir = lib_xasprintf("%s/messages", dir);
	q->lock_fd = -1;
	if (frankd_mkdirs(dir, 0700, err) < 0 || frankd_mkdir(q->tmp_dir, 0700, err) < 0 ||
	    frankd_mkdir(q->msg_dir, 0700, err) < 0) {
		frankd_queue_close(q);
		return NULL;
	}
	return q;
}

void frankd_queue_close(struct frankd_queue *q)
{
	if (!q)
		return;
	if (q->lock_fd >= 0)
		close(q->lock_fd);
	free(q->dir);
	free(q->tmp_dir);
	free(q->msg_dir);
	free(q);
}

const char *frankd_queue_dir(const struct frankd_queue *q)
{
	return q->dir;
}

int frankd_queue_lock(struct frankd_queue *q, struct lib_err *err)
{
	char *path = lib_xasprintf("%s/lock", q->dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		lib_err_set(err, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		int e = errno;
		close(fd);
		free(path);
		if (e == EACCES || e == EAGAIN)
			return lib_err_set(err, "another frankd is running on the queue %s", q->dir);
		return lib_err_set(err, "locking the queue %s: %s", q->dir, strerror(e));
	}
	free(path);
	q->lock_fd = fd;
	return 0;
}

/* Seconds, microseconds and randomness: ids sort by the time they were
 * made, and two at once differ. */
static void make_id(char id[FRANKD_QUEUE_ID_LEN + 1])
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	unsigned char r[4];
	if (RAND_bytes(r, sizeof r) != 1)
		memset(r, 0, sizeof r);
	unsigned rnd = ((unsigned)r[0] << 24 | (unsigned)r[1] << 16 | (unsigned)r[2] << 8 | r[3]) &
		       0xFFFFFFF;
	snprintf(id, FRANKD_QUEUE_ID_LEN + 1, "%08llX%05lX%07X",
		 (unsigned long long)tv.tv_sec & 0xFFFFFFFFull, (unsigned long)tv.tv_usec, rnd);
}

struct frankd_queue_writer *frankd_queue_writer_new(struct frankd_queue *q,
						    struct lib_err *err)
{
	struct frankd_queue_writer *w = lib_xcalloc(1, sizeof *w);
	w->q = q;
	w->fd = -1;
	for (int tries = 0; tries < 10 && w->fd < 0; tries++) {
		make_id(w->id);
		free(w->tmp_path);
		w->tmp_path = lib_xasprintf("%s/%s.msg", q->tmp_dir, w->id);
		w->fd = open(w->tmp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (w->fd < 0 && errno != EEXIST)
			break;
	}
	if (w->fd < 0) {
		lib_err_set(err, "%s: %s", w->tmp_path, strerror(errno));
		free(w->tmp_path);
		free(w);
		return NULL;
	}
	return w;
}

const char *frankd_queue_writer_id(const struct frankd_queue_writer *w)
{
	return w->id;
}

static int writer_flush(struct frankd_queue_writer *w, struct lib_err *err)
{
	if (w->pending.len && frankd_write_all(w->fd, w->pending.data, w->pending.len) < 0)
		return lib_err_set(err, "writing %s: %s", w->tmp_path, strerror(errno));
	lib_buf_reset(&w->pending);
	return 0;
}

int frankd_queue_writer_write(struct frankd_queue_writer *w, const void *data, size_t len,
			      struct lib_err *err)
{
	lib_buf_append(&w->pending, data, len);
	w->size += len;
	return w->pending.len >= WRITER_BUFFER ? writer_flush(w, err) : 0;
}

int frankd_queue_writer_replace(struct frankd_queue_writer *w, const void *data, size_t len,
				struct lib_err *err)
{
	lib_buf_reset(&w->pending);
	w->size = 0;
	if (ftruncate(w->fd, 0) < 0 || lseek(w->fd, 0, SEEK_SET) < 0)
		return lib_err_set(err, "rewriting %s: %s", w->tmp_path, strerror(errno));
	if (frankd_queue_writer_write(w, data, len, err) < 0)
		return -1;
	return writer_flush(w, err);
}

int frankd_queue_writer_contents(struct frankd_queue_writer *w, struct lib_buf *out,
				 struct lib_err *err)
{
	if (writer_flush(w, err) < 0)
		return -1;
	lib_buf_reset(out);
	char chunk[65536];
	off_t at = 0;
	while ((size_t)at < w->size) {
		ssize_t n = pread(w->fd, chunk, sizeof chunk, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lib_err_set(err, "reading %s: %s", w->tmp_path,
					   n < 0 ? strerror(errno) : "shorter than written");
		lib_buf_append(out, chunk, (size_t)n);
		at += n;
	}
	return 0;
}

int frankd_queue_writer_commit(struct frankd_queue_writer *w, struct frankd_envelope *env,
			       struct lib_err *err)
{
	memcpy(env->id, w->id, sizeof env->id);
	env->size = w->size;
	if (writer_flush(w, err) < 0)
		return -1;
	if (fsync(w->fd) < 0 || close(w->fd) < 0) {
		w->fd = -1;
		return lib_err_set(err, "fsync %s: %s", w->tmp_path, strerror(errno));
	}
	w->fd = -1;
	struct frankd_queue *q = w->q;
	char *msg = lib_xasprintf("%s/%s.msg", q->msg_dir, w->id);
	char *tmp_env = lib_xasprintf("%s/%s.env", q->tmp_dir, w->id);
	char *final_env = lib_xasprintf("%s/%s.env", q->msg_dir, w->id);
	struct lib_buf text = LIB_BUF_INIT;
	frankd_envelope_format(env, &text);
	int rc = -1;
	if (rename(w->tmp_path, msg) < 0) {
		lib_err_set(err, "%s: %s", msg, strerror(errno));
	} else if (frankd_write_durable(tmp_env, final_env, text.data, text.len, 0600, err) < 0 ||
		   frankd_fsync_dir(q->msg_dir, err) < 0) {
		unlink(final_env); /* not acknowledged: take it back out */
		unlink(msg);
	} else {
		rc = 0;
		w->committed = 1;
	}
	lib_buf_release(&text);
	free(msg);
	free(tmp_env);
	free(final_env);
	return rc;
}

void frankd_queue_writer_free(struct frankd_queue_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (!w->committed)
		unlink(w->tmp_path);
	lib_buf_release(&w->pending);
	free(w->tmp_path);
	free(w);
}

static char *entry_path(const struct frankd_queue *q, const char *id, const char *ext)
{
	return lib_xasprintf("%s/%s.%s", q->msg_dir, id, ext);
}

#define ENVELOPE_MAX_BYTES (4u * 1024 * 1024)

int frankd_queue_load(struct frankd_queue *q, const char *id, struct frankd_envelope *env,
		      struct lib_err *err)
{
	if (!frankd_queue_id_valid(id))
		return lib_err_set(err, "%s: not a queue id", id);
	char *path = entry_path(q, id, "env"), *text = NULL;
	size_t len = 0;
	struct lib_err e;
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		lib_err_set(err, "no message %s in the queue", id);
		free(path);
		return 1;
	}
	int rc = lib_read_file(path, ENVELOPE_MAX_BYTES, &text, &len, err);
	if (rc == 0 && frankd_envelope_parse(text, len, env, &e) < 0)
		rc = lib_err_set(err, "%s: %s", path, e.msg);
	if (rc == 0 && strcmp(env->id, id) != 0) {
		frankd_envelope_release(env);
		rc = lib_err_set(err, "%s: holds the id of another message", path);
	}
	free(text);
	free(path);
	return rc;
}

int frankd_queue_store(struct frankd_queue *q, const struct frankd_envelope *env,
		       struct lib_err *err)
{
	char *tmp = lib_xasprintf("%s/%s.env", q->tmp_dir, env->id);
	char *path = entry_path(q, env->id, "env");
	struct lib_buf text = LIB_BUF_INIT;
	frankd_envelope_format(env, &text);
	int rc = frankd_write_durable(tmp, path, text.data, text.len, 0600, err);
	if (rc == 0)
		rc = frankd_fsync_dir(q->msg_dir, err);
	lib_buf_release(&text);
	free(tmp);
	free(path);
	return rc;
}

int frankd_queue_remove(struct frankd_queue *q, const char *id, struct lib_err *err)
{
	if (!frankd_queue_id_valid(id))
		return lib_err_set(err, "%s: not a queue id", id);
	char *env = entry_path(q, id, "env"), *msg = entry_path(q, id, "msg");
	int rc = 0;
	if (unlink(env) < 0)
		rc = errno == ENOENT ? lib_err_set(err, "no message %s in the queue", id)
				     : lib_err_set(err, "%s: %s", env, strerror(errno));
	if (rc == 0 && unlink(msg) < 0 && errno != ENOENT)
		rc = lib_err_set(err, "%s: %s", msg, strerror(errno));
	if (rc == 0)
		rc = frankd_fsync_dir(q->msg_dir, err);
	free(env);
	free(msg);
	return rc;
}

int frankd_queue_open_message(struct frankd_queue *q, const char *id, struct lib_err *err)
{
	char *path = entry_path(q, id, "msg");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		lib_err_set(err, "%s: %s", path, strerror(errno));
	free(path);
	return fd;
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids of the files ID.ext in dir, sorted. */
static int list_ext(const char *dir, const char *ext, char ***ids, size_t *n,
		    struct lib_err *err)
{
	*ids = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return lib_err_set(err, "%s: %s", dir, strerror(errno));
	struct dirent *de;
	size_t elen = strlen(ext);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len != FRANKD_QUEUE_ID_LEN + 1 + elen || de->d_name[FRANKD_QUEUE_ID_LEN] != '.' ||
		    strcmp(de->d_name + FRANKD_QUEUE_ID_LEN + 1, ext) != 0)
			continue;
		char *id = lib_xstrndup(de->d_name, FRANKD_QUEUE_ID_LEN);
		if (!frankd_queue_id_valid(id)) {
			free(id);
			continue;
		}
		*ids = lib_xrealloc(*ids, (*n + 1) * sizeof **ids);
		(*ids)[(*n)++] = id;
	}
	closedir(d);
	if (*n)
		qsort(*ids, *n, sizeof **ids, compare_ids);
	return 0;
}

int frankd_queue_list(struct frankd_queue *q, char ***ids, size_t *n, struct lib_err *err)
{
	return list_ext(q->msg_dir, "env", ids, n, err);
}

static void free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* min_age 0 is any age: a file's time can be a second ahead of time(). */
static int older_than(const char *path, unsigned min_age)
{
	struct stat st;
	return min_age == 0 || (stat(path, &st) == 0 && time(NULL) - st.st_mtime >= (time_t)min_age);
}

static int is_in(char **ids, size_t n, const char *id)
{
	return n && bsearch(&id, ids, n, sizeof *ids, compare_ids) != NULL;
}

static int remove_file(const char *path, const char *what,
		       void (*log)(const char *what, const char *name))
{
	if (unlink(path) < 0)
		return 0;
	if (log)
		log(what, path);
	return 1;
}

int frankd_queue_recover(struct frankd_queue *q, unsigned min_age,
			 void (*log)(const char *what, const char *name))
{
	int removed = 0;
	DIR *d = opendir(q->tmp_dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *path = lib_xasprintf("%s/%s", q->tmp_dir, de->d_name);
		if (older_than(path, min_age))
			removed += remove_file(path, "an unfinished file", log);
		free(path);
	}
	if (d)
		closedir(d);
	char **envs = NULL, **msgs = NULL;
	size_t nenv = 0, nmsg = 0;
	struct lib_err err;
	if (list_ext(q->msg_dir, "env", &envs, &nenv, &err) == 0 &&
	    list_ext(q->msg_dir, "msg", &msgs, &nmsg, &err) == 0) {
		for (size_t i = 0; i < nenv; i++) {
			if (is_in(msgs, nmsg, envs[i]))
				continue;
			char *path = entry_path(q, envs[i], "env");
			removed += remove_file(path, "an envelope without its message", log);
			free(path);
		}
		for (size_t i = 0; i < nmsg; i++) {
			char *path = entry_path(q, msgs[i], "msg");
			if (!is_in(envs, nenv, msgs[i]) && older_than(path, min_age))
				removed += remove_file(path, "a message without its envelope", log);
			free(path);
		}
	}
	free_ids(envs, nenv);
	free_ids(msgs, nmsg);
	if (removed)
		frankd_fsync_dir(q->msg_dir, &err);
	return removed;
}
