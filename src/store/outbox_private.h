/* outbox_private.h: private to src/store, what the outbox files share. */
#ifndef FRANK_STORE_OUTBOX_PRIVATE_H
#define FRANK_STORE_OUTBOX_PRIVATE_H

#include "store.h"
#include "store_internal.h"

/* Makes dir a Maildir when it is not one, then delivers data into its
 * cur/ with ":2,FLAGS" the durable way (store_maildir_deliver).  *path
 * (caller frees) names the new file.  Returns 0 or -1 with err set. */
int outbox_maildir_write(const char *dir, const char *data, size_t len, const char *flags,
			 char **path, struct lib_err *err);

#endif
