/* bench.c: the phases of frank's start, for tests/bench/first_screen.sh.
 * With FRANK_BENCH_LOG=FILE set, each phase appends "phase NAME
 * REALTIME_NS" when it ends (the same clock as the index's "paint"
 * line), so a run says where the time before the first paint went. */
#include "ui_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void ui_bench_phase(const char *name)
{
	static int checked;
	static const char *path;
	if (!checked) {
		checked = 1;
		path = getenv("FRANK_BENCH_LOG");
		if (path && !path[0])
			path = NULL;
	}
	if (!path)
		return;
	FILE *f = fopen(path, "ae");
	if (!f)
		return;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	fprintf(f, "phase %s %lld\n", name, (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
	fclose(f);
}
