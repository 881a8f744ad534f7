/* load.c: the I/O around the pure parser: reading the frankrc and the files
 * it sources (relative to the sourcing file, with a depth limit and loop
 * check), the environment, and the "set keymap" layer from a keymaps folder. */
#include "config_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX_FILE (1 << 20)
#define CONFIG_MAX_DEPTH 16

struct loader {
	struct config_host host;
	struct {
		dev_t dev;
		ino_t ino;
	} open[CONFIG_MAX_DEPTH + 1]; /* the files being read, outermost first */
	int depth;
};

/* Reads a whole regular file, with its status.  Errors are "path: why". */
static int read_config_file(const char *path, char **data, size_t *len, struct stat *st,
			    struct lib_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lib_err_set(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return lib_err_set(err, "%s: not a regular file", path);
	}
	struct lib_buf b = LIB_BUF_INIT;
	char chunk[8192];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len + (size_t)n > CONFIG_MAX_FILE) {
			int e = errno;
			close(fd);
			config_buf_wipe(&b);
			lib_secure_zero(chunk, sizeof chunk);
			return n < 0 ? lib_err_set(err, "%s: %s", path, strerror(e))
				     : lib_err_set(err, "%s: file too large (limit %d bytes)", path,
						   CONFIG_MAX_FILE);
		}
		lib_buf_append(&b, chunk, (size_t)n);
	}
	close(fd);
	lib_secure_zero(chunk, sizeof chunk);
	*len = b.len;
	*data = lib_buf_take(&b);
	return 0;
}

static int parse_file(struct loader *ld, struct config *cfg, const char *path, char *data,
		      size_t len, const struct stat *st, struct lib_err *err)
{
	ld->open[ld->depth].dev = st->st_dev;
	ld->open[ld->depth].ino = st->st_ino;
	ld->depth++;
	/* A password is only taken from a file that only its owner can read. */
	int private = !(st->st_mode & (S_IRGRP | S_IROTH));
	int rc = config_parse(cfg, path, private, data, len, &ld->host, err);
	ld->depth--;
	lib_secure_zero(data, len);
	free(data);
	return rc;
}

/* "source PATH": a relative PATH is taken from the sourcing file's folder. */
static int source_file(void *ctx, struct config *cfg, const char *from, int line,
		       const char *path, struct lib_err *err)
{
	struct loader *ld = ctx;
	const char *slash = strrchr(from, '/');
	char *full = path[0] == '/' || !slash
			     ? lib_xstrdup(path)
			     : lib_xasprintf("%.*s/%s", (int)(slash - from), from, path);
	struct lib_err e;
	char *data = NULL;
	size_t len;
	struct stat st;
	int rc = -1;
	if (ld->depth > CONFIG_MAX_DEPTH - 1) {
		lib_err_set(err, "%s:%d: source nested too deep (limit %d)", from, line,
			    CONFIG_MAX_DEPTH);
		goto out;
	}
	if (read_config_file(full, &data, &len, &st, &e) < 0) {
		lib_err_set(err, "%s:%d: source %s", from, line, e.msg);
		goto out;
	}
	for (int i = 0; i < ld->depth; i++)
		if (ld->open[i].dev == st.st_dev && ld->open[i].ino == st.st_ino) {
			lib_err_set(err, "%s:%d: source loop: %s is already being read", from, line,
				    full);
			lib_secure_zero(data, len);
			free(data);
			goto out;
		}
	rc = parse_file(ld, cfg, full, data, len, &st, err);
out:
	free(full);
	return rc;
}

static const char *system_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* Puts layer's bindings before the user's, so that the user's win. */
static void keymap_prepend(struct config_keymap *keys, struct config_keymap *layer)
{
	size_t n = layer->count + keys->count;
	layer->bindings = lib_xrealloc(layer->bindings, (n ? n : 1) * sizeof *layer->bindings);
	if (keys->count)
		memcpy(layer->bindings + layer->count, keys->bindings,
		       keys->count * sizeof *keys->bindings);
	free(keys->bindings);
	keys->bindings = layer->bindings;
	keys->count = n;
	if (!keys->source) {
		keys->source = layer->source;
		layer->source = NULL;
	}
	free(layer->source);
	memset(layer, 0, sizeof *layer);
}

/* "set keymap = NAME": NAME.keys from the first folder that has it. */
static int load_keymap_layer(struct config *cfg, const char *const *dirs, struct lib_err *err)
{
	const char *name = cfg->opt.keymap;
	if (strcmp(name, "default") == 0)
		return 0;
	struct lib_buf tried = LIB_BUF_INIT;
	for (size_t i = 0; dirs && dirs[i]; i++) {
		char *path = lib_xasprintf("%s/%s.keys", dirs[i], name);
		if (access(path, F_OK) != 0) {
			lib_buf_printf(&tried, "%s%s", tried.len ? ", " : "", dirs[i]);
			free(path);
			continue;
		}
		char *data;
		size_t len;
		struct config_keymap layer = { 0 };
		int rc = lib_read_file(path, CONFIG_MAX_FILE, &data, &len, err);
		if (rc == 0) {
			rc = config_keymap_parse(&layer, path, data, len, err);
			free(data);
		}
		if (rc == 0)
			keymap_prepend(&cfg->keys, &layer);
		config_keymap_release(&layer);
		free(path);
		lib_buf_release(&tried);
		return rc;
	}
	size_t row = config_option_global_index(config_option_find(0, "keymap"));
	const struct config_origin *o = &cfg->opt_origin[row];
	lib_err_set(err, "%s:%d: keymap %s: no %s.keys in %s", o->file, o->line, name, name,
		    tried.len ? tried.data : "any keymaps folder");
	lib_buf_release(&tried);
	return -1;
}

struct config *config_load(const char *rcfile, const char *const *keymap_dirs,
			   struct lib_err *err)
{
	struct loader ld = { { system_getenv, source_file, NULL }, { { 0, 0 } }, 0 };
	ld.host.ctx = &ld;
	struct config *cfg = config_new();
	if (rcfile) {
		char *data;
		size_t len;
		struct stat st;
		if (read_config_file(rcfile, &data, &len, &st, err) < 0 ||
		    parse_file(&ld, cfg, rcfile, data, len, &st, err) < 0)
			goto fail;
		cfg->keys.source = lib_xstrdup(rcfile);
	}
	if (config_finish(cfg, &ld.host, err) < 0 || load_keymap_layer(cfg, keymap_dirs, err) < 0)
		goto fail;
	return cfg;
fail:
	config_free(cfg);
	return NULL;
}
