/* file.c: durable writes, the one way frankd puts anything on disk: write
 * to a temporary name, fsync, rename into place, fsync the folder. */
#include "frankd_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int frankd_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int frankd_fsync_dir(const char *dir, struct lib_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", dir, strerror(errno));
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	if (rc < 0)
		return lib_err_set(err, "fsync %s: %s", dir, strerror(e));
	return 0;
}

int frankd_write_durable(const char *tmp, const char *path, const void *data, size_t len,
			 mode_t mode, struct lib_err *err)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", tmp, strerror(errno));
	if (fchmod(fd, mode) < 0 || frankd_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return lib_err_set(err, "writing %s: %s", tmp, strerror(e));
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return lib_err_set(err, "%s: %s", path, strerror(e));
	}
	return 0;
}

int frankd_write_durable_in(const char *path, const void *data, size_t len, mode_t mode,
			    struct lib_err *err)
{
	char *tmp = lib_xasprintf("%s.tmp.%ld", path, (long)getpid());
	int rc = frankd_write_durable(tmp, path, data, len, mode, err);
	free(tmp);
	if (rc < 0)
		return -1;
	char *dir = frankd_dirname(path);
	rc = frankd_fsync_dir(dir, err);
	free(dir);
	return rc;
}

char *frankd_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return lib_xstrdup(".");
	if (slash == path)
		return lib_xstrdup("/");
	return lib_xstrndup(path, (size_t)(slash - path));
}

int frankd_mkdir(const char *path, mode_t mode, struct lib_err *err)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		return lib_err_set(err, "%s: not a folder", path);
	}
	return lib_err_set(err, "mkdir %s: %s", path, strerror(errno));
}

int frankd_mkdirs(const char *path, mode_t mode, struct lib_err *err)
{
	char *copy = lib_xstrdup(path);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = frankd_mkdir(copy, mode, err);
		*p = '/';
		if (rc < 0) {
			free(copy);
			return -1;
		}
	}
	free(copy);
	return frankd_mkdir(path, mode, err);
}
