/* test_sync.c: the store pieces the sync stands on: server folder names
 * mapped to safe paths, Maildir delivery (tmp, fsync, rename) and file
 * names, flags in names, the sync state file, tmp/ cleaning, and the
 * POP3 reply parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto.h"
#include "store.h"
#include "store_internal.h"

static void folder_names_are_safe(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		char delim;
		const char *want; /* NULL: refused */
	} cases[] = {
		{ "INBOX", '/', "/m/acct/INBOX" },
		{ "Lists/dev", '/', "/m/acct/Lists/dev" },
		{ "INBOX.Sub.Deep", '.', "/m/acct/INBOX/Sub/Deep" },
		{ "a/b", '.', "/m/acct/a%2Fb" },
		{ "../../x", '/', "/m/acct/%2E./%2E./x" },
		{ "..", '\0', "/m/acct/%2E." },
		{ ".hidden", '/', "/m/acct/%2Ehidden" },
		{ "cur", '/', "/m/acct/%63ur" },
		{ "INBOX/new", '/', "/m/acct/INBOX/%6Eew" },
		{ "tmp/x", '/', "/m/acct/%74mp/x" },
		{ "current", '/', "/m/acct/current" },
		{ "100%", '/', "/m/acct/100%25" },
		{ "Sent Items", '/', "/m/acct/Sent Items" },
		{ "a\nb\x7f", '/', "/m/acct/a%0Ab%7F" },
		{ "&AOk-t&AOk-", '/', "/m/acct/&AOk-t&AOk-" },
		{ "", '/', NULL },
		{ "a//b", '/', NULL },
		{ "/a", '/', NULL },
		{ "a/", '/', NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct lib_err err;
		char *got = store_folder_dir("/m", "acct", cases[i].name, cases[i].delim, &err);
		if (!cases[i].want) {
			if (got)
				fail_msg("\"%s\": accepted as %s", cases[i].name, got);
			continue;
		}
		if (!got)
			fail_msg("\"%s\": %s", cases[i].name, err.msg);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("\"%s\": %s, want %s", cases[i].name, got, cases[i].want);
		free(got);
	}
	struct lib_err err;
	assert_null(store_folder_dir("/m", "../x", "INBOX", '/', &err));
	assert_null(store_folder_dir("/m", ".x", "INBOX", '/', &err));
}

/* --- a scratch Maildir ---------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static int setup(void **state)
{
	char *dir = lib_xstrdup("/tmp/frank-test-sync.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	nftw(*state, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	char *data = NULL;
	struct lib_err err;
	if (lib_read_file(path, 1 << 20, &data, len, &err) < 0)
		fail_msg("%s", err.msg);
	return data;
}

static size_t count_dir(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void deliver_and_name(void **state)
{
	char md[1024], sub[PATH_MAX];
	struct lib_err err;
	snprintf(md, sizeof md, "%s/acct/INBOX", (char *)*state);
	assert_int_equal(store_maildir_make(md, &err), 0);
	static const char msg[] = "Subject: x\r\n\r\nbody\r\n";
	char *path = NULL;
	assert_int_equal(store_maildir_deliver(md, msg, sizeof msg - 1, ",U=42", "FS", 0, &path, &err), 0);
	assert_non_null(strstr(path, "/cur/"));
	assert_non_null(strstr(path, ",U=42:2,FS"));
	size_t len;
	char *data = slurp(path, &len);
	assert_int_equal(len, sizeof msg - 1);
	assert_memory_equal(data, msg, len);
	free(data);
	free(path);
	/* new/ without info; CRLF to LF on request */
	assert_int_equal(store_maildir_deliver(md, msg, sizeof msg - 1, ",P=abc", NULL, 1, &path, &err), 0);
	assert_non_null(strstr(path, "/new/"));
	assert_null(strstr(path, ":2,"));
	data = slurp(path, &len);
	assert_string_equal(data, "Subject: x\n\nbody\n");
	free(data);
	free(path);
	snprintf(sub, sizeof sub, "%s/tmp", md);
	assert_int_equal(count_dir(sub), 0);

	struct store_locals loc;
	assert_int_equal(store_locals_scan(md, &loc, &err), 0);
	assert_int_equal(loc.count, 2);
	assert_int_equal(loc.items[0].uid, 0);
	assert_string_equal(loc.items[0].key, "abc");
	assert_int_equal(loc.items[1].uid, 42);
	assert_int_equal(loc.items[1].flags, IMAP_FLAG_FLAGGED | IMAP_FLAG_SEEN);
	struct store_local *l = store_locals_find(&loc, 42);
	assert_non_null(l);
	assert_null(store_locals_find(&loc, 41));

	/* flags: unmapped letters kept; new/ moves to cur/ */
	assert_int_equal(store_maildir_set_flags(md, &l->name, IMAP_FLAG_ANSWERED | IMAP_FLAG_DRAFT, &err), 0);
	assert_non_null(strstr(l->name, ",U=42:2,DR"));
	assert_int_equal(store_maildir_retag(md, &l->name, 7, &err), 0);
	assert_non_null(strstr(l->name, ",U=7:2,DR"));
	assert_null(strstr(l->name, "U=42"));
	assert_int_equal(store_maildir_retag(md, &l->name, 0, &err), 0);
	assert_null(strstr(l->name, ",U="));
	assert_non_null(strstr(l->name, ":2,DR"));
	char full[2 * PATH_MAX];
	snprintf(full, sizeof full, "%s/%s", md, l->name);
	assert_int_equal(access(full, F_OK), 0);
	store_locals_release(&loc);
}

static void state_round_trip(void **state)
{
	struct lib_err err;
	const char *dir = *state;
	struct store_state st;
	assert_int_equal(store_state_load(dir, &st, &err), 0); /* none yet: empty */
	assert_int_equal(st.uidvalidity, 0);
	st.uidvalidity = 1795436911;
	st.uidnext = 4294967295ul;
	st.modseq = 18446744073709551615ull;
	st.clean = 1;
	store_state_set(&st, 30, IMAP_FLAG_SEEN);
	store_state_set(&st, 10, 0);
	store_state_set(&st, 20, IMAP_FLAG_DRAFT | IMAP_FLAG_DELETED | IMAP_FLAG_ANSWERED);
	store_state_set(&st, 20, IMAP_FLAG_FLAGGED);
	store_state_remove(&st, 30);
	assert_int_equal(store_state_save(dir, &st, &err), 0);
	store_state_release(&st);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, STORE_SYNC_STATE);
	size_t len;
	char *text = slurp(path, &len);
	assert_string_equal(text, "frank-sync 1\nclean 1\nuidvalidity 1795436911\n"
				  "uidnext 4294967295\nmodseq 18446744073709551615\n"
				  "m 10 -\nm 20 F\n");
	free(text);
	assert_int_equal(store_state_load(dir, &st, &err), 0);
	assert_int_equal(st.count, 2);
	assert_true(st.clean);
	assert_int_equal(st.modseq, 18446744073709551615ull);
	assert_int_equal(store_state_find(&st, 20)->flags, IMAP_FLAG_FLAGGED);
	assert_null(store_state_find(&st, 30));
	store_state_release(&st);

	FILE *f = fopen(path, "w");
	fputs("frank-sync 1\nwhat 3\n", f);
	fclose(f);
	assert_int_equal(store_state_load(dir, &st, &err), -1);
	assert_non_null(strstr(err.msg, ":2: unknown line"));
}

static void tmp_is_cleaned(void **state)
{
	char md[PATH_MAX], p[PATH_MAX + 64];
	struct lib_err err;
	snprintf(md, sizeof md, "%s/box", (char *)*state);
	assert_int_equal(store_maildir_make(md, &err), 0);
	/* a dead writer's file (pid 1 is alive, 2^22+1 is beyond pid_max) and
	 * a living one's */
	snprintf(p, sizeof p, "%s/tmp/1700000000.M1P4194305Q1.host", md);
	fclose(fopen(p, "w"));
	snprintf(p, sizeof p, "%s/tmp/1700000000.M1P%ldQ2.host", md, (long)getpid());
	fclose(fopen(p, "w"));
	snprintf(p, sizeof p, "%s/tmp/someone-elses", md);
	fclose(fopen(p, "w"));
	assert_int_equal(store_maildir_clean_tmp(md, &err), 0);
	snprintf(p, sizeof p, "%s/tmp", md);
	assert_int_equal(count_dir(p), 2);
	snprintf(p, sizeof p, "%s/tmp/1700000000.M1P4194305Q1.host", md);
	assert_int_not_equal(access(p, F_OK), 0);
}

/* frank -f on a Maildir of the mail root uses the root's one index and
 * lists that folder alone. */
static void store_open_inside_a_mail_root(void **state)
{
	char a[1024], b[1024], nm[1100];
	struct lib_err err;
	const char *root = *state;
	struct store_index *ix = store_index_open(root, &err);
	assert_non_null(ix);
	store_index_free(ix);
	snprintf(a, sizeof a, "%s/acct/INBOX", root);
	snprintf(b, sizeof b, "%s/other/INBOX", root);
	assert_int_equal(store_maildir_make(a, &err), 0);
	assert_int_equal(store_maildir_make(b, &err), 0);
	static const char m1[] = "From: a@example.org\nMessage-ID: <1@x>\nSubject: one\n\nx\n";
	static const char m2[] = "From: b@example.org\nMessage-ID: <2@x>\nSubject: two\n\ny\n";
	assert_int_equal(store_maildir_deliver(a, m1, sizeof m1 - 1, NULL, "S", 0, NULL, &err), 0);
	assert_int_equal(store_maildir_deliver(b, m2, sizeof m2 - 1, NULL, "S", 0, NULL, &err), 0);
	struct store_index_stats stats;
	struct store *st = store_open(a, &stats, &err);
	assert_non_null(st);
	assert_int_equal(stats.added, 1);
	struct store_list list;
	assert_int_equal(store_list_all(st, &list, &err), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.entries[0].subject, "one");
	store_list_release(&list);
	store_free(st);
	snprintf(nm, sizeof nm, "%s/.notmuch", a);
	assert_int_not_equal(access(nm, F_OK), 0); /* no second index */
}

static void pop3_replies(void **state)
{
	(void)state;
	const char *text;
	assert_int_equal(pop3_status("+OK ready", 9, &text), 1);
	assert_string_equal(text, "ready");
	assert_int_equal(pop3_status("+OK", 3, &text), 1);
	assert_int_equal(pop3_status("-ERR no such message", 20, &text), 0);
	assert_string_equal(text, "no such message");
	assert_int_equal(pop3_status("+OKAY", 5, &text), -1);
	assert_int_equal(pop3_status("* OK imap", 9, &text), -1);
	assert_int_equal(pop3_status("", 0, &text), -1);

	const char *out;
	size_t n;
	assert_int_equal(pop3_multiline(".", 1, &out, &n), 1);
	assert_int_equal(pop3_multiline("..", 2, &out, &n), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(out, ".", 1);
	assert_int_equal(pop3_multiline(".x", 2, &out, &n), 0);
	assert_memory_equal(out, "x", 1);
	assert_int_equal(pop3_multiline("", 0, &out, &n), 0);
	assert_int_equal(n, 0);

	static const struct {
		const char *line;
		int ok;
		unsigned long msg;
		const char *uid;
	} uidl[] = {
		{ "1 whqtswO00WBw418f9t5JxYwZ", 1, 1, "whqtswO00WBw418f9t5JxYwZ" },
		{ "42 00000001f0e2ab9c", 1, 42, "00000001f0e2ab9c" },
		{ "3 ~!", 1, 3, "~!" },
		{ "0 x", 0, 0, NULL },
		{ "1", 0, 0, NULL },
		{ "1 ", 0, 0, NULL },
		{ "x y", 0, 0, NULL },
		{ "1 bad\x01", 0, 0, NULL },
		{ "1 01234567890123456789012345678901234567890123456789012345678901234567890", 0, 0, NULL },
		{ "4294967296 x", 0, 0, NULL },
	};
	for (size_t i = 0; i < sizeof uidl / sizeof uidl[0]; i++) {
		unsigned long msg = 0;
		char uid[71];
		struct lib_err err;
		int rc = pop3_uidl_line(uidl[i].line, strlen(uidl[i].line), &msg, uid, &err);
		if ((rc == 0) != uidl[i].ok)
			fail_msg("UIDL \"%s\": %d", uidl[i].line, rc);
		if (rc == 0 && (msg != uidl[i].msg || strcmp(uid, uidl[i].uid) != 0))
			fail_msg("UIDL \"%s\": %lu %s", uidl[i].line, msg, uid);
	}
	unsigned long msg;
	unsigned long long size;
	struct lib_err err;
	assert_int_equal(pop3_list_line("2 1205", 6, &msg, &size, &err), 0);
	assert_int_equal(msg, 2);
	assert_int_equal(size, 1205);
	assert_int_equal(pop3_list_line("2 12x", 5, &msg, &size, &err), -1);
	assert_int_equal(pop3_list_line("2", 1, &msg, &size, &err), -1);
	assert_int_equal(pop3_list_line("2 99999999999999999999999", 25, &msg, &size, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folder_names_are_safe),
		cmocka_unit_test_setup_teardown(deliver_and_name, setup, teardown),
		cmocka_unit_test_setup_teardown(state_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(tmp_is_cleaned, setup, teardown),
		cmocka_unit_test_setup_teardown(store_open_inside_a_mail_root, setup, teardown),
		cmocka_unit_test(pop3_replies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
