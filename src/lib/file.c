/* file.c: reading whole files with a size limit. */
#include "lib.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lib_read_file(const char *path, size_t max_size, char **data, size_t *len,
		  struct lib_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return lib_err_set(err, "%s: not a regular file", path);
	}
	if ((unsigned long long)st.st_size > max_size) {
		close(fd);
		return lib_err_set(err, "%s: file too large (%lld bytes, limit %zu)", path,
				   (long long)st.st_size, max_size);
	}
	struct lib_buf b = LIB_BUF_INIT;
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			lib_buf_release(&b);
			return lib_err_set(err, "%s: read error: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max_size) {
			close(fd);
			lib_buf_release(&b);
			return lib_err_set(err, "%s: file too large (limit %zu)", path, max_size);
		}
		lib_buf_append(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*data = lib_buf_take(&b);
	return 0;
}
