/* sync_pop3.c: a POP3 account into its inbox Maildir, MAIL_ROOT/ACCOUNT/
 * INBOX (folder_inbox).  Each message file is named with ",P=" and 16 hex
 * digits of the SHA-256 of its UIDL, so the files say which server messages
 * are here: only the others are fetched.  Without UIDL every message is
 * fetched and one already here is dropped: known by its Message-ID (the
 * key is then a hash of that), else by a hash of its content.  With
 * leave_on_server off, DELE is sent for a message only once its file is
 * durable, and QUIT (when the server deletes) only after every file is
 * durable and indexed. */
#include "store_internal.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POP3_BATCH 50

struct pop3_sync {
	struct sync_account *as;
	char *dir;
	struct store_locals loc;
	struct store_state st; /* only its clean flag: POP3 has no UIDs to keep */
	char **batch;
	size_t nbatch;
};

/* 16 hex digits of SHA-256(data). */
static void short_hash(const void *data, size_t len, char out[17])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int have_key(const struct pop3_sync *ps, const char *key)
{
	for (size_t i = 0; i < ps->loc.count; i++)
		if (ps->loc.items[i].name && strcmp(ps->loc.items[i].key, key) == 0)
			return 1;
	return 0;
}

static void remember_key(struct pop3_sync *ps, const char *key)
{
	ps->loc.items = lib_xrealloc(ps->loc.items, (ps->loc.count + 1) * sizeof *ps->loc.items);
	struct store_local *l = &ps->loc.items[ps->loc.count++];
	memset(l, 0, sizeof *l);
	snprintf(l->key, sizeof l->key, "%s", key);
	l->name = lib_xstrdup("");
}

static int flush(struct pop3_sync *ps, size_t done, size_t total, struct lib_err *err)
{
	size_t arrived = ps->nbatch;
	int rc = sync_arrived(ps->as, ps->as->acct->folder_inbox, ps->batch, ps->nbatch, err);
	if (rc == 0)
		rc = store_state_save(ps->dir, &ps->st, err);
	ps->as->stats->fetched += ps->nbatch;
	for (size_t i = 0; i < ps->nbatch; i++)
		free(ps->batch[i]);
	ps->nbatch = 0;
	const struct store_sync_hooks *h = ps->as->hooks;
	if (h && h->progress) {
		struct store_sync_progress p = { ps->as->acct->name, ps->as->acct->folder_inbox,
						 done, total, 0, 0, rc == 0 ? arrived : 0 };
		h->progress(h->ctx, &p);
	}
	return rc;
}

/* A message from a server without UIDL is here when its Message-ID is, or
 * (an earlier sync's key, or none) its content is.  key gets the key to
 * file it under: by Message-ID when it has one. */
static int known_without_uidl(const struct pop3_sync *ps, const struct lib_buf *msg,
			      char key[17])
{
	char id[1000], *tagged;
	short_hash(msg->data, msg->len, key);
	if (have_key(ps, key))
		return 1; /* the same content: not again */
	if (store_message_id(msg->data, msg->len, id, sizeof id) < 0)
		return 0;
	tagged = lib_xasprintf("message-id:%s", id);
	short_hash(tagged, strlen(tagged), key);
	free(tagged);
	return have_key(ps, key);
}

/* Fetches what is not here; marks for deletion what is here (leave off). */
static int fetch_all(struct pop3_sync *ps, struct pop3 *pop, struct pop3_entry *e, size_t n,
		     int has_uidl, struct lib_err *err)
{
	int keep = ps->as->acct->leave_on_server;
	struct lib_buf msg = LIB_BUF_INIT;
	size_t total = 0, done = 0;
	char key[17];
	for (size_t i = 0; i < n; i++)
		if (!has_uidl || (short_hash(e[i].uid, strlen(e[i].uid), key), !have_key(ps, key)))
			total++;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int here = 0;
		if (has_uidl) {
			short_hash(e[i].uid, strlen(e[i].uid), key);
			here = have_key(ps, key);
		}
		if (!here) {
			if ((rc = pop3_retr(pop, e[i].msg, &msg, err)) < 0)
				break;
			if (!has_uidl)
				here = known_without_uidl(ps, &msg, key);
		}
		if (!here) {
			char tag[24], *path = NULL;
			snprintf(tag, sizeof tag, ",P=%s", key);
			if ((rc = store_maildir_deliver(ps->dir, msg.data, msg.len, tag, NULL, 0, &path,
							err)) < 0)
				break;
			remember_key(ps, key);
			ps->batch = lib_xrealloc(ps->batch, (ps->nbatch + 1) * sizeof *ps->batch);
			ps->batch[ps->nbatch++] = path;
			done++;
		}
		/* Durable here (fsynced and renamed): only now may it go there. */
		if (!keep && (rc = pop3_dele(pop, e[i].msg, err)) < 0)
			break;
		if (!keep)
			ps->as->stats->removed_there++;
		if (ps->nbatch >= POP3_BATCH)
			rc = flush(ps, done, total, err);
	}
	if (ps->nbatch)
		rc = flush(ps, done, total, rc < 0 ? &(struct lib_err){ { 0 } } : err) < 0 ? -1 : rc;
	lib_buf_release(&msg);
	return rc;
}

int sync_pop3_account(struct sync_account *as, struct lib_err *err)
{
	struct pop3_sync ps = { as, NULL, { NULL, 0 }, { 0 }, NULL, 0 };
	const struct config_account *acct = as->acct;
	const char *inbox = acct->folder_inbox ? acct->folder_inbox : "INBOX";
	struct pop3 *pop = NULL;
	struct pop3_entry *entries = NULL;
	size_t n = 0;
	int has_uidl = 0, rc = -1;
	if (!acct->source.user) {
		lib_err_set(err, "no user name in source (pops://USER@HOST)");
		goto out;
	}
	if (!as->opts->password) {
		lib_err_set(err, "no password");
		goto out;
	}
	if (!(ps.dir = store_folder_dir(as->opts->mail_root, acct->name, inbox, '\0', err)) ||
	    store_maildir_make(ps.dir, err) < 0 || store_maildir_clean_tmp(ps.dir, err) < 0 ||
	    store_state_load(ps.dir, &ps.st, err) < 0 ||
	    store_locals_scan(ps.dir, &ps.loc, err) < 0)
		goto out;
	/* A stopped sync may have left files the index does not have. */
	if (!ps.st.clean && store_index_reconcile(as->index, ps.dir, NULL, err) < 0)
		goto out;
	ps.st.clean = 0;
	struct pop3_opts o = { 0 };
	char port[16], trace[128];
	snprintf(port, sizeof port, "%d", acct->source.port);
	snprintf(trace, sizeof trace, "pop3 %s", acct->name);
	o.host = acct->source.host;
	o.port = port;
	o.implicit_tls = acct->source.implicit_tls;
	sync_tls_policy(acct, &o.tls);
	o.allow_plaintext_loopback = acct->allow_plaintext_loopback;
	o.max_message = as->opts->max_message;
	o.io_timeout_ms = as->opts->io_timeout_ms;
	o.trace_name = trace;
	if (!(pop = pop3_connect(&o, err)) ||
	    pop3_login(pop, acct->source.user, as->opts->password, err) < 0 ||
	    pop3_list(pop, &entries, &n, &has_uidl, err) < 0 ||
	    fetch_all(&ps, pop, entries, n, has_uidl, err) < 0)
		goto out;
	if (store_index_commit(as->index, err) < 0)
		goto out;
	ps.st.clean = 1;
	if (store_state_save(ps.dir, &ps.st, err) < 0)
		goto out;
	/* Every file is durable and indexed: the server may delete now. */
	if (pop3_quit(pop, err) < 0)
		goto out;
	as->stats->folders = 1;
	rc = 0;
out:
	pop3_free(pop); /* without QUIT after an error: nothing is deleted */
	free(entries);
	for (size_t i = 0; i < ps.nbatch; i++)
		free(ps.batch[i]);
	free(ps.batch);
	store_locals_release(&ps.loc);
	store_state_release(&ps.st);
	free(ps.dir);
	return rc;
}
