/* bench_index.c: how long frank takes to index a Maildir and to list it.
 *
 * Usage: bench_index MAILDIR         open (and so index) the Maildir
 *        bench_index --list MAILDIR  open it, then list every message
 *
 * The first form, on a fresh copy of a Maildir, is what frank does the
 * first time it opens a folder: store_open() creates the notmuch database
 * and indexes every file.  The second, on an indexed copy, is what the index
 * screen needs before its first paint: store_open() (which checks for new
 * and removed files) and store_list_all().  Times are wall clock, measured
 * inside the process; tests/bench/run times the whole process as well, as
 * it does for notmuch, and compares those. */
#include "mime.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_index MAILDIR\n"
			"       bench_index --list MAILDIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	int list = 0;
	const char *dir;
	if (argc == 2 && argv[1][0] != '-') {
		dir = argv[1];
	} else if (argc == 3 && strcmp(argv[1], "--list") == 0) {
		list = 1;
		dir = argv[2];
	} else {
		return usage();
	}

	mime_init();
	struct lib_err err;
	struct store_index_stats stats;
	double t0 = now();
	struct store *store = store_open(dir, &stats, &err);
	if (!store) {
		fprintf(stderr, "bench_index: %s\n", err.msg);
		mime_shutdown();
		return 1;
	}
	double t1 = now();
	int rc = 0;
	if (!list) {
		store_free(store);
		double t2 = now();
		printf("frank: indexed %zu messages (%zu skipped, %zu removed) in %.3f s\n",
		       stats.added, stats.skipped, stats.removed, t2 - t0);
	} else {
		struct store_list all;
		if (store_list_all(store, &all, &err) < 0) {
			fprintf(stderr, "bench_index: %s\n", err.msg);
			rc = 1;
		} else {
			double t2 = now();
			size_t count = all.count;
			store_list_release(&all);
			store_free(store);
			double t3 = now();
			printf("frank: listed %zu messages in %.3f s "
			       "(open %.3f s, %zu newly indexed; list %.3f s)\n",
			       count, t3 - t0, t1 - t0, stats.added, t2 - t1);
			store = NULL;
		}
		if (store)
			store_free(store);
	}
	mime_shutdown();
	return rc;
}
