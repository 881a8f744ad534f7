/* sync_hook.c FRANKRC ACCOUNT LIST: store_sync_account with an arrival
 * hook, as the lead's verification will use it: for each new message it
 * checks the file is whole on disk, writes its path to LIST, and gives a
 * property (frank-test = arrived:FOLDER) that the sync must store with the
 * message in the index. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "lib.h"
#include "store.h"

static int arrived(void *ctx, const struct store_arrival *m, struct store_props *props,
		   struct lib_err *err)
{
	FILE *list = ctx;
	struct stat sb;
	if (stat(m->path, &sb) < 0 || sb.st_size == 0)
		return lib_err_set(err, "%s: not on disk when the hook ran", m->path);
	fprintf(list, "%s %s\n", m->account, m->path);
	char value[256];
	snprintf(value, sizeof value, "arrived:%s", m->folder);
	store_props_add(props, "frank-test", value);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: sync_hook FRANKRC ACCOUNT LIST\n");
		return 2;
	}
	struct lib_err err;
	const char *dirs[] = { NULL };
	struct config *cfg = config_load(argv[1], dirs, &err);
	const struct config_account *acct = cfg ? config_account_find(cfg, argv[2]) : NULL;
	char *pw = NULL;
	FILE *list = fopen(argv[3], "w");
	int rc = 1;
	if (!cfg || !acct || !list) {
		fprintf(stderr, "sync_hook: %s\n", cfg ? "no such account or list file" : err.msg);
	} else if (config_account_password(acct, &pw, &err) != CONFIG_PASSWORD_FOUND) {
		fprintf(stderr, "sync_hook: no password\n");
	} else {
		struct store_sync_opts opts = { 0 };
		opts.mail_root = cfg->opt.mail_root;
		opts.password = pw;
		opts.batch = 7; /* several batches, several threads */
		struct store_sync_hooks hooks = { NULL, arrived, list, NULL };
		if (store_sync_account(acct, &opts, &hooks, NULL, &err) == 0)
			rc = 0;
		else
			fprintf(stderr, "sync_hook: %s\n", err.msg);
	}
	config_password_free(pw);
	if (list)
		fclose(list);
	config_free(cfg);
	return rc;
}
