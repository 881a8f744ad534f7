/* sync.c: an account's sync: connection and login, the folder list, each
 * folder in turn (sync_imap.c) or the POP3 inbox (sync_pop3.c), the
 * arrival hook with the index, and the IDLE loop. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Messages indexed between two flushes of the index: Xapian's pending
 * changes make each later message's indexing slower (its lookups merge
 * them), so a large sync flushes as it goes. */
#define SYNC_INDEX_FLUSH_EVERY 500
#define IDLE_IO_TIMEOUT_MS (28 * 60 * 1000) /* RFC 2177: re-IDLE before 29 minutes */

void sync_tls_policy(const struct config_account *acct, struct net_tls_policy *policy)
{
	policy->ca_file = acct->tls_ca_file;
	policy->pin_sha256 = acct->tls_fingerprint.set ? acct->tls_fingerprint.sha256 : NULL;
}

int sync_arrived(struct sync_account *as, const char *folder, char *const *paths, size_t n,
		 struct lib_err *err)
{
	struct store_props *props = lib_xcalloc(n ? n : 1, sizeof *props);
	int rc = 0;
	const struct store_sync_hooks *h = as->hooks;
	for (size_t i = 0; rc == 0 && h && h->arrived && i < n; i++) {
		struct store_arrival m = { paths[i], as->acct->name, folder };
		rc = h->arrived(h->ctx, &m, &props[i], err);
	}
	if (rc == 0)
		rc = store_index_add(as->index, paths, props, n, err);
	as->unflushed += n;
	if (rc == 0 && as->unflushed >= SYNC_INDEX_FLUSH_EVERY) {
		rc = store_index_flush(as->index, err);
		as->unflushed = 0;
	}
	for (size_t i = 0; i < n; i++)
		store_props_release(&props[i]);
	free(props);
	return rc;
}

static struct imap *imap_open(const struct config_account *acct,
			      const struct store_sync_opts *opts, int io_timeout_ms,
			      struct lib_err *err)
{
	struct imap_opts o = { 0 };
	char port[16], trace[128];
	snprintf(port, sizeof port, "%d", acct->source.port);
	snprintf(trace, sizeof trace, "imap %s", acct->name);
	o.host = acct->source.host;
	o.port = port;
	o.implicit_tls = acct->source.implicit_tls;
	sync_tls_policy(acct, &o.tls);
	o.allow_plaintext_loopback = acct->allow_plaintext_loopback;
	o.max_literal = opts->max_message;
	o.io_timeout_ms = io_timeout_ms;
	o.trace_name = trace;
	if (!acct->source.user)
		return lib_err_set(err, "no user name in source (imaps://USER@HOST)"), NULL;
	if (!opts->password)
		return lib_err_set(err, "no password"), NULL;
	struct imap *imap = imap_connect(&o, err);
	if (imap && imap_login(imap, acct->source.user, opts->password, err) < 0) {
		imap_free(imap);
		imap = NULL;
	}
	return imap;
}

/* The folders to sync: the one asked for, the URL's, or every selectable
 * folder the server lists. */
static int sync_imap_account(struct sync_account *as, struct lib_err *err)
{
	const char *only = as->opts->folder ? as->opts->folder : as->acct->source.folder;
	as->imap = imap_open(as->acct, as->opts, as->opts->io_timeout_ms, err);
	if (!as->imap)
		return -1;
	if (imap_enable_sync(as->imap, err) < 0)
		return -1;
	struct imap_folder *folders = NULL;
	size_t n = 0;
	if (imap_list_folders(as->imap, &folders, &n, err) < 0)
		return -1;
	/* Every folder, even when syncing one: a move out of it must not be
	 * taken there for a deletion. */
	int rc = sync_imap_moves(as, folders, n, err), found = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (folders[i].flags & IMAP_LIST_NOSELECT)
			continue;
		if (only && strcmp(only, folders[i].name) != 0 &&
		    !(strcasecmp(only, "INBOX") == 0 && strcasecmp(folders[i].name, "INBOX") == 0))
			continue;
		found = 1;
		char what[256];
		snprintf(what, sizeof what, "%s", folders[i].name);
		rc = sync_imap_folder(as, folders[i].name, folders[i].delim, err);
		if (rc < 0) {
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", err->msg);
			lib_err_set(err, "folder %s: %s", what, why);
		}
	}
	if (rc == 0 && only && !found)
		rc = lib_err_set(err, "the server has no folder %s", only);
	imap_folders_free(folders, n);
	return rc;
}

int store_sync_account(const struct config_account *acct, const struct store_sync_opts *opts,
		       const struct store_sync_hooks *hooks, struct store_sync_stats *stats,
		       struct lib_err *err)
{
	struct store_sync_stats unused;
	struct sync_account as = { acct, opts, hooks, stats ? stats : &unused, NULL, NULL, 0 };
	memset(as.stats, 0, sizeof *as.stats);
	int rc;
	if (acct->source.scheme == CONFIG_SCHEME_NONE)
		rc = lib_err_set(err, "no source set");
	else if (!(as.index = store_index_open(opts->mail_root, err)))
		rc = -1;
	else if (acct->source.scheme == CONFIG_SCHEME_POP ||
		 acct->source.scheme == CONFIG_SCHEME_POPS)
		rc = sync_pop3_account(&as, err);
	else
		rc = sync_imap_account(&as, err);
	imap_free(as.imap);
	store_index_free(as.index);
	if (rc < 0) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		lib_err_set(err, "account %s: %s", acct->name, why);
	}
	return rc;
}

/* --- IDLE ------------------------------------------------------------------ */

/* Waits on an idling connection to the inbox until a change; returns 1 on
 * a change, 0 when stopped, -1 on error (the caller reconnects). */
static int idle_watch(const struct config_account *acct, const struct store_sync_opts *opts,
		      volatile sig_atomic_t *stop, struct lib_err *err)
{
	struct imap *imap = imap_open(acct, opts, IDLE_IO_TIMEOUT_MS, err);
	if (!imap)
		return -1;
	const char *inbox = acct->folder_inbox ? acct->folder_inbox : "INBOX";
	int rc = imap_select(imap, inbox, 0, 0, err);
	if (rc == 0)
		rc = imap_idle_start(imap, err);
	while (rc == 0 && !*stop) {
		rc = imap_idle_wait(imap, err);
		if (rc == 1) {
			imap_idle_done(imap, err);
			break;
		}
	}
	imap_free(imap);
	return *stop ? 0 : rc;
}

int store_sync_idle(const struct config_account *acct, const struct store_sync_opts *opts,
		    const struct store_sync_hooks *hooks, volatile sig_atomic_t *stop,
		    struct lib_err *err)
{
	if (acct->source.scheme != CONFIG_SCHEME_IMAP && acct->source.scheme != CONFIG_SCHEME_IMAPS)
		return lib_err_set(err, "account %s: IDLE needs an IMAP account", acct->name);
	struct store_sync_opts inbox_only = *opts;
	inbox_only.folder = acct->folder_inbox ? acct->folder_inbox : "INBOX";
	if (store_sync_account(acct, opts, hooks, NULL, err) < 0)
		return -1;
	unsigned failures = 0;
	while (!*stop) {
		if (hooks && hooks->idle)
			hooks->idle(hooks->ctx, acct->name);
		int w = idle_watch(acct, opts, stop, err);
		if (*stop)
			break;
		if (w < 0) {
			lib_debug("idle %s: %s", acct->name, err->msg);
			if (++failures > 5)
				return -1;
			sleep(failures);
		} else {
			failures = 0;
		}
		/* After a change, or a lost connection that may have hidden one. */
		if (store_sync_account(acct, &inbox_only, hooks, NULL, err) < 0)
			return -1;
	}
	return 0;
}
