/* maildir.c: writing Maildirs safely (tmp, fsync, rename), the names of
 * synced message files, folder scans, and server folder names mapped to
 * safe paths under the mail root. */
#include "store_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <signal.h>
#include <unistd.h>

/* --- folder names -------------------------------------------------------- */

static int is_reserved_part(const char *s, size_t n)
{
	return n == 3 && (memcmp(s, "cur", 3) == 0 || memcmp(s, "new", 3) == 0 ||
			  memcmp(s, "tmp", 3) == 0);
}

/* One part of a server name, made safe (see store.h). */
static void safe_part(const char *s, size_t n, struct lib_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int escape = c == '%' || c == '/' || c < 0x20 || c >= 0x7F ||
			     (i == 0 && (c == '.' || is_reserved_part(s, n)));
		if (escape)
			lib_buf_printf(out, "%%%02X", c);
		else
			lib_buf_putc(out, (char)c);
	}
}

char *store_folder_dir(const char *mail_root, const char *account, const char *server_name,
		       char delim, struct lib_err *err)
{
	if (!*account || strchr(account, '/') || account[0] == '.')
		return lib_err_set(err, "bad account name \"%s\"", account), NULL;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "%s/%s", mail_root, account);
	const char *p = server_name;
	if (!*p) {
		lib_buf_release(&b);
		return lib_err_set(err, "account %s: a folder with an empty name", account), NULL;
	}
	for (;;) {
		const char *end = delim ? strchr(p, delim) : NULL;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0) {
			lib_buf_release(&b);
			lib_err_set(err, "account %s: folder \"%s\" has an empty part", account,
				    server_name);
			return NULL;
		}
		lib_buf_putc(&b, '/');
		safe_part(p, n, &b);
		if (!end)
			break;
		p = end + 1;
	}
	return lib_buf_take(&b);
}

/* --- directories --------------------------------------------------------- */

static int mkdir_p(const char *path, struct lib_err *err)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return lib_err_set(err, "%s: path too long", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return lib_err_set(err, "%s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return lib_err_set(err, "%s: %s", buf, strerror(errno));
	return 0;
}

int store_maildir_make(const char *dir, struct lib_err *err)
{
	static const char *const subs[] = { "cur", "new", "tmp" };
	if (mkdir_p(dir, err) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%s/%s", dir, subs[i]);
		if (mkdir(sub, 0700) < 0 && errno != EEXIST)
			return lib_err_set(err, "%s: %s", sub, strerror(errno));
	}
	return 0;
}

int store_fsync_dir(const char *dir, struct lib_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", dir, strerror(errno));
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	if (rc < 0 && e != EINVAL)
		return lib_err_set(err, "%s: fsync: %s", dir, strerror(e));
	return 0;
}

/* --- writing ----------------------------------------------------------- */

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes data, with CRLF as LF when asked, in large pieces. */
static int write_body(int fd, const char *data, size_t len, int crlf_to_lf)
{
	if (!crlf_to_lf)
		return write_all(fd, data, len);
	const char *start = data, *end = data + len, *p = data;
	while ((p = memchr(p, '\r', (size_t)(end - p)))) {
		if (p + 1 < end && p[1] == '\n') {
			if (write_all(fd, start, (size_t)(p - start)) < 0)
				return -1;
			start = p + 1;
		}
		p++;
	}
	return write_all(fd, start, (size_t)(end - start));
}

/* A name unique to this host: TIME.PPID_N.HOST (the Maildir convention). */
static void unique_name(char *out, size_t size)
{
	static unsigned long counter;
	char host[64] = "localhost";
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	for (char *h = host; *h; h++)
		if (*h == '/' || *h == ':' || *h == ',')
			*h = '_';
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(out, size, "%lld.M%ldP%ldQ%lu.%s", (long long)ts.tv_sec, ts.tv_nsec / 1000,
		 (long)getpid(), ++counter, host);
}

int store_write_atomic(const char *path, const char *data, size_t len, struct lib_err *err)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return lib_err_set(err, "%s: path too long", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", tmp, strerror(errno));
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return lib_err_set(err, "%s: %s", tmp, strerror(e));
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return lib_err_set(err, "%s: %s", path, strerror(e));
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		return store_fsync_dir(dir, err);
	}
	return 0;
}

int store_maildir_deliver(const char *dir, const char *data, size_t len, const char *tag,
			  const char *info, int crlf_to_lf, char **path_out, struct lib_err *err)
{
	char base[200], tmp[PATH_MAX], final[PATH_MAX];
	unique_name(base, sizeof base);
	int n = snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, base);
	int m = info ? snprintf(final, sizeof final, "%s/cur/%s%s:2,%s", dir, base,
				tag ? tag : "", info)
		     : snprintf(final, sizeof final, "%s/new/%s%s", dir, base, tag ? tag : "");
	if (n < 0 || m < 0 || n >= (int)sizeof tmp || m >= (int)sizeof final)
		return lib_err_set(err, "%s: path too long", dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", tmp, strerror(errno));
	if (write_body(fd, data, len, crlf_to_lf) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return lib_err_set(err, "%s: cannot write: %s", tmp, strerror(e));
	}
	if (close(fd) < 0 || rename(tmp, final) < 0) {
		int e = errno;
		unlink(tmp);
		return lib_err_set(err, "%s: %s", final, strerror(e));
	}
	char sub[PATH_MAX];
	snprintf(sub, sizeof sub, "%s/%s", dir, info ? "cur" : "new");
	if (store_fsync_dir(sub, err) < 0)
		return -1;
	if (path_out)
		*path_out = lib_xstrdup(final);
	return 0;
}

/* The pid in a name unique_name() made ("...P1234Q..."), or 0. */
static long name_pid(const char *name)
{
	const char *p = strchr(name, '.');
	p = p ? strchr(p, 'P') : NULL;
	if (!p)
		return 0;
	char *end;
	long pid = strtol(p + 1, &end, 10);
	return *end == 'Q' ? pid : 0;
}

int store_maildir_clean_tmp(const char *dir, struct lib_err *err)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);
	DIR *d = opendir(tmp);
	if (!d)
		return errno == ENOENT ? 0 : lib_err_set(err, "%s: %s", tmp, strerror(errno));
	struct dirent *de;
	time_t now = time(NULL);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		struct stat sb;
		if (snprintf(path, sizeof path, "%s/%s", tmp, de->d_name) >= (int)sizeof path ||
		    lstat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
			continue;
		/* Ours from a process that is gone, or anyone's after 36 hours
		 * (the Maildir rule): never a file another writer is writing. */
		long pid = name_pid(de->d_name);
		int dead = pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
		if (dead || now - sb.st_mtime > 36 * 3600)
			unlink(path);
	}
	closedir(d);
	return 0;
}

/* --- flags and names --------------------------------------------------- */

static const struct {
	char letter;
	unsigned flag;
} info_letters[] = {
	{ 'D', IMAP_FLAG_DRAFT }, { 'F', IMAP_FLAG_FLAGGED }, { 'R', IMAP_FLAG_ANSWERED },
	{ 'S', IMAP_FLAG_SEEN },  { 'T', IMAP_FLAG_DELETED },
};
#define NLETTERS (sizeof info_letters / sizeof info_letters[0])

unsigned store_imap_flags_from_info(const char *info)
{
	unsigned flags = 0;
	for (; info && *info; info++)
		for (size_t i = 0; i < NLETTERS; i++)
			if (*info == info_letters[i].letter)
				flags |= info_letters[i].flag;
	return flags;
}

void store_info_from_imap_flags(unsigned flags, char out[8])
{
	size_t n = 0;
	for (size_t i = 0; i < NLETTERS; i++) /* ASCII order, as Maildir asks */
		if (flags & info_letters[i].flag)
			out[n++] = info_letters[i].letter;
	out[n] = '\0';
}

/* Parses a file name: ",U=uid" or ",P=key" before the info. */
static void parse_name(const char *base, struct store_local *l)
{
	const char *info = strstr(base, ":2,");
	size_t stem = info ? (size_t)(info - base) : strlen(base);
	l->flags = info ? store_imap_flags_from_info(info + 3) : 0;
	for (size_t i = 0; i + 3 <= stem; i++) {
		if (base[i] != ',' || base[i + 2] != '=')
			continue;
		const char *v = base + i + 3;
		size_t vn = 0;
		while (i + 3 + vn < stem && v[vn] != ',')
			vn++;
		if (base[i + 1] == 'U') {
			unsigned long u = 0;
			size_t k;
			for (k = 0; k < vn && v[k] >= '0' && v[k] <= '9' && u < 0xFFFFFFFFul; k++)
				u = u * 10 + (unsigned long)(v[k] - '0');
			if (k == vn && u <= 0xFFFFFFFFul)
				l->uid = u;
		} else if (base[i + 1] == 'P' && vn < sizeof l->key) {
			memcpy(l->key, v, vn);
			l->key[vn] = '\0';
		}
	}
}

static int cmp_local(const void *a, const void *b)
{
	const struct store_local *x = a, *y = b;
	return x->uid < y->uid ? -1 : x->uid > y->uid ? 1 : strcmp(x->name, y->name);
}

int store_locals_scan(const char *dir, struct store_locals *out, struct lib_err *err)
{
	static const char *const subs[] = { "cur", "new" };
	size_t cap = 0;
	memset(out, 0, sizeof *out);
	for (size_t s = 0; s < 2; s++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, subs[s]);
		DIR *d = opendir(path);
		if (!d) {
			store_locals_release(out);
			return lib_err_set(err, "%s: %s", path, strerror(errno));
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (out->count == cap) {
				cap = cap ? cap * 2 : 256;
				out->items = lib_xrealloc(out->items, cap * sizeof *out->items);
			}
			struct store_local *l = &out->items[out->count++];
			memset(l, 0, sizeof *l);
			l->name = lib_xasprintf("%s/%s", subs[s], de->d_name);
			parse_name(de->d_name, l);
		}
		closedir(d);
	}
	if (out->count)
		qsort(out->items, out->count, sizeof *out->items, cmp_local);
	return 0;
}

void store_locals_release(struct store_locals *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].name);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

struct store_local *store_locals_find(struct store_locals *l, unsigned long uid)
{
	size_t lo = 0, hi = l->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->items[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->count && l->items[lo].uid == uid && uid && l->items[lo].name ? &l->items[lo]
										   : NULL;
}

/* Renames dir/from to dir/to (relative names); *name becomes to. */
static int rename_rel(const char *dir, char **name, char *to, struct lib_err *err)
{
	char a[PATH_MAX], b[PATH_MAX];
	snprintf(a, sizeof a, "%s/%s", dir, *name);
	if (snprintf(b, sizeof b, "%s/%s", dir, to) >= (int)sizeof b) {
		lib_err_set(err, "%s/%s: path too long", dir, to);
		free(to);
		return -1;
	}
	if (strcmp(a, b) != 0 && rename(a, b) < 0) {
		int e = errno;
		free(to);
		return lib_err_set(err, "%s: cannot rename: %s", a, strerror(e));
	}
	free(*name);
	*name = to;
	return 0;
}

int store_maildir_set_flags(const char *dir, char **name, unsigned flags, struct lib_err *err)
{
	const char *base = strchr(*name, '/');
	base = base ? base + 1 : *name;
	const char *info = strstr(base, ":2,");
	size_t stem = info ? (size_t)(info - base) : strlen(base);
	char letters[8];
	store_info_from_imap_flags(flags, letters);
	/* Letters we do not map (P, lower-case ones) are kept. */
	struct lib_buf keep = LIB_BUF_INIT;
	lib_buf_puts(&keep, letters);
	for (const char *p = info ? info + 3 : ""; *p; p++)
		if (!strchr("DFRST", *p) && !strchr(keep.data, *p))
			lib_buf_putc(&keep, *p);
	char *to = lib_xasprintf("cur/%.*s:2,%s", (int)stem, base, keep.data);
	lib_buf_release(&keep);
	return rename_rel(dir, name, to, err);
}

int store_maildir_retag(const char *dir, char **name, unsigned long uid, struct lib_err *err)
{
	const char *slash = strchr(*name, '/');
	size_t sub = slash ? (size_t)(slash - *name) + 1 : 0;
	const char *base = *name + sub;
	const char *info = strstr(base, ":2,");
	size_t stem = info ? (size_t)(info - base) : strlen(base);
	const char *u = NULL;
	for (size_t i = 0; i + 3 <= stem; i++)
		if (base[i] == ',' && base[i + 1] == 'U' && base[i + 2] == '=')
			u = base + i;
	size_t keep = u ? (size_t)(u - base) : stem;
	const char *after = u ? u + 3 : base + stem;
	while (u && after < base + stem && *after != ',')
		after++;
	struct lib_buf b = LIB_BUF_INIT;
	lib_buf_printf(&b, "%.*s%.*s", (int)sub, *name, (int)keep, base);
	if (uid)
		lib_buf_printf(&b, ",U=%lu", uid);
	lib_buf_puts(&b, after);
	return rename_rel(dir, name, lib_buf_take(&b), err);
}
