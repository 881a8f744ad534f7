/* sync_write.c: the new messages of a fetch batch into a folder's Maildir,
 * with one fsync of the folder's directories per batch rather than one per
 * message (half the fsyncs of a sync, and as many opens).
 *
 * Each file is written to tmp/, fsynced and renamed into cur/ as it
 * arrives; sync_write_commit() then makes the renames durable, and runs
 * before the batch is indexed and before the state says the messages are
 * here.  A crash before it loses at most renames: their files are left in
 * tmp/ (removed by the next sync, which fetches them again) or are found
 * complete under their names, each with its ",U=" tag. */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* TIME.M<usec>P<pid>Q<n>S.HOST: maildir.c's unique names with an S, so the
 * two counters never make the same name; "P<pid>Q" lets a later sync
 * remove what a dead one left in tmp/. */
static void batch_name(char *out, size_t size)
{
	static unsigned long counter;
	static char host[64];
	if (!host[0]) {
		if (gethostname(host, sizeof host - 1) < 0)
			snprintf(host, sizeof host, "localhost");
		for (char *h = host; *h; h++)
			if (*h == '/' || *h == ':' || *h == ',')
				*h = '_';
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(out, size, "%lld.M%ldP%ldQ%luS.%s", (long long)ts.tv_sec, ts.tv_nsec / 1000,
		 (long)getpid(), ++counter, host);
}

int sync_write_message(const char *dir, const char *data, size_t len, const char *tag,
		       const char *info, char **path_out, struct lib_err *err)
{
	char base[200], tmp[PATH_MAX], final[PATH_MAX];
	batch_name(base, sizeof base);
	int n = snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, base);
	int m = snprintf(final, sizeof final, "%s/cur/%s%s:2,%s", dir, base, tag, info);
	if (n < 0 || m < 0 || n >= (int)sizeof tmp || m >= (int)sizeof final)
		return lib_err_set(err, "%s: path too long", dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *fp = fd < 0 ? NULL : fdopen(fd, "w");
	if (!fp) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return lib_err_set(err, "%s: %s", tmp, strerror(e));
	}
	/* stdio writes a large buffer straight through, in one write(2). */
	int bad = fwrite(data, 1, len, fp) != len || fflush(fp) != 0 || fsync(fd) < 0;
	int e = errno;
	if (fclose(fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(tmp);
		return lib_err_set(err, "%s: cannot write: %s", tmp, strerror(e));
	}
	if (rename(tmp, final) < 0) {
		e = errno;
		unlink(tmp);
		return lib_err_set(err, "%s: %s", final, strerror(e));
	}
	*path_out = lib_xstrdup(final);
	return 0;
}

int sync_write_commit(const char *dir, struct lib_err *err)
{
	char sub[PATH_MAX];
	snprintf(sub, sizeof sub, "%s/cur", dir);
	return store_fsync_dir(sub, err);
}
