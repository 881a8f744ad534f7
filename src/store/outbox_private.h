/* outbox_private.h: private to src/store, what the outbox files share:
 * a small Maildir writer.  It stands in for the sync's Maildir-write
 * primitive (store/maildir.c, being written on another branch) and
 * should be replaced by it when both are merged. */
#ifndef FRANK_STORE_OUTBOX_PRIVATE_H
#define FRANK_STORE_OUTBOX_PRIVATE_H

#include "store.h"

/* Makes dir a Maildir (dir, dir/tmp, dir/new, dir/cur, with parents),
 * mode 0700.  Returns 0 or -1 with err set. */
int outbox_maildir_make(const char *dir, struct lib_err *err);

/* Writes data[0..len) to dir/tmp under a unique name, fsyncs it, links it
 * into dir/cur with ":2,FLAGS", removes the tmp name and fsyncs cur/.
 * *path (caller frees) names the new file.  Returns 0 or -1. */
int outbox_maildir_write(const char *dir, const char *data, size_t len, const char *flags,
			 char **path, struct lib_err *err);

/* fsync of a directory, so that a rename or unlink in it is durable. */
int outbox_sync_dir(const char *dir, struct lib_err *err);

#endif
