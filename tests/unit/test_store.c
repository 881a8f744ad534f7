/* test_store.c: unit tests of src/store: Maildir flags from file names, and
 * a real Maildir in a temporary folder indexed by notmuch: first indexing,
 * listing oldest first, files added, removed, renamed, and skipped, and the
 * errors for folders that are not Maildirs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mime.h"
#include "store.h"

/* --- store_flags_from_filename ---------------------------------------- */

static void flags_from_filename_cases(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		unsigned flags;
	} cases[] = {
		{ "/m/cur/1.x:2,FRS", STORE_FLAG_FLAGGED | STORE_FLAG_REPLIED | STORE_FLAG_SEEN },
		{ "/m/cur/1.x:2,DFPRST", STORE_FLAG_DRAFT | STORE_FLAG_FLAGGED | STORE_FLAG_PASSED |
					       STORE_FLAG_REPLIED | STORE_FLAG_SEEN |
					       STORE_FLAG_TRASHED },
		{ "/m/cur/1.x:2,S", STORE_FLAG_SEEN },
		{ "/m/cur/1.x:2,T", STORE_FLAG_TRASHED },
		{ "/m/cur/1.x:2,", 0 },
		{ "/m/cur/1.x", 0 },
		{ "/m/new/1.x", STORE_FLAG_NEW },
		{ "new/1.x", STORE_FLAG_NEW },
		{ "/m/new/1.x:2,S", STORE_FLAG_NEW | STORE_FLAG_SEEN },
		{ "1.x:2,R", STORE_FLAG_REPLIED },
		{ "/m/cur/1.x:2,Sab", STORE_FLAG_SEEN },   /* unknown flags ignored */
		{ "/m/cur/1.x:1,S", 0 },                  /* ":1," is not flags */
		{ "/m/cur:2,S/1.x", 0 },                  /* only the file name counts */
		{ "/m/new.d/1.x", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned got = store_flags_from_filename(cases[i].path);
		if (got != cases[i].flags)
			fail_msg("%s: flags 0x%x, want 0x%x", cases[i].path, got, cases[i].flags);
	}
}

/* --- a temporary Maildir ----------------------------------------------- */

struct fixture {
	char dir[PATH_MAX];
};

static void path_in(char out[PATH_MAX], const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX)
		fail_msg("path too long: %s/%s", dir, name);
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[PATH_MAX];
	path_in(path, dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot create %s", path);
	size_t n = fwrite(data, 1, len, f);
	fclose(f);
	assert_int_equal(n, len);
}

#define WRITE(dir, name, text) write_file(dir, name, text, sizeof text - 1)

/* Fixed dates, and file names in another order than the dates. */
#define FIRST_NAME "cur/1700000003.c.host:2,S"
#define FIRST_DATE 1704103200 /* Mon, 01 Jan 2024 10:00:00 +0000 */
static const char first_msg[] =
	"From: Alice Example <alice@example.org>\n"
	"To: me@example.org\n"
	"Date: Mon, 01 Jan 2024 10:00:00 +0000\n"
	"Message-ID: <first@example.org>\n"
	"Subject: First\n"
	"\n"
	"first body\n";

#define SECOND_NAME "new/1700000001.a.host"
#define SECOND_DATE 1704189600 /* Tue, 02 Jan 2024 10:00:00 +0000 */
static const char second_msg[] =
	"From: bob@example.org\n"
	"To: me@example.org\n"
	"Date: Tue, 02 Jan 2024 10:00:00 +0000\n"
	"Message-ID: <second@example.org>\n"
	"Subject: Second\n"
	"\n"
	"second body\n";

#define THIRD_NAME "cur/1700000002.b.host:2,FR"
#define THIRD_DATE 1704276000 /* Wed, 03 Jan 2024 10:00:00 +0000 */
static const char third_msg[] =
	"From: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>\n"
	"To: me@example.org\n"
	"Date: Wed, 03 Jan 2024 10:00:00 +0000\n"
	"Message-ID: <third@example.org>\n"
	"Subject: =?UTF-8?Q?Caf=C3=A9?= talk\n"
	"\n"
	"third body\n";

static const char fourth_msg[] =
	"From: Dan <dan@example.org>\n"
	"Date: Thu, 04 Jan 2024 10:00:00 +0000\n"
	"Message-ID: <fourth@example.org>\n"
	"Subject: Fourth\n"
	"\n"
	"fourth body\n";

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static int fixture_teardown(void **state)
{
	struct fixture *fx = *state;
	int rc = nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return rc;
}

static int fixture_setup(void **state)
{
	struct fixture *fx = lib_xcalloc(1, sizeof *fx);
	const char *tmp = getenv("TMPDIR");
	snprintf(fx->dir, sizeof fx->dir, "%s/frank-test-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	*state = fx;
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	static const char *const subdirs[] = { "cur", "new", "tmp" };
	for (size_t i = 0; i < 3; i++) {
		char sub[PATH_MAX];
		path_in(sub, fx->dir, subdirs[i]);
		if (mkdir(sub, 0700) < 0) {
			fixture_teardown(state);
			return -1;
		}
	}
	WRITE(fx->dir, FIRST_NAME, first_msg);
	WRITE(fx->dir, SECOND_NAME, second_msg);
	WRITE(fx->dir, THIRD_NAME, third_msg);
	return 0;
}

/* Opens the fixture's Maildir, failing the test with the message if not. */
static struct store *open_ok(const struct fixture *fx, struct store_index_stats *stats)
{
	struct lib_err err = { "" };
	struct store *s = store_open(fx->dir, stats, &err);
	if (!s)
		fail_msg("store_open(%s): %s", fx->dir, err.msg);
	return s;
}

static void list_ok(struct store *s, struct store_list *list)
{
	struct lib_err err = { "" };
	if (store_list_all(s, list, &err) != 0)
		fail_msg("store_list_all: %s", err.msg);
}

/* Opens, lists, and closes: the list as a fresh reader would see it. */
static void reopen_and_list(const struct fixture *fx, struct store_index_stats *stats,
			    struct store_list *list)
{
	struct store *s = open_ok(fx, stats);
	list_ok(s, list);
	store_free(s);
}

static void assert_entry_path(const struct fixture *fx, const struct store_entry *e,
			      const char *name)
{
	char want[PATH_MAX], real[PATH_MAX];
	assert_non_null(realpath(fx->dir, real));
	path_in(want, real, name);
	assert_string_equal(e->path, want);
}

/* --- store_open and store_list_all ------------------------------------ */

static void open_creates_index_and_counts_added(void **state)
{
	struct fixture *fx = *state;
	struct store_index_stats stats = { 9, 9, 9 };
	struct store *s = open_ok(fx, &stats);
	store_free(s);
	assert_int_equal(stats.added, 3);
	assert_int_equal(stats.removed, 0);
	assert_int_equal(stats.skipped, 0);
	char nm[PATH_MAX];
	struct stat st;
	path_in(nm, fx->dir, ".notmuch");
	assert_int_equal(stat(nm, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
}

static void open_accepts_null_stats(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx, NULL);
	struct store_list list;
	list_ok(s, &list);
	store_free(s);
	assert_int_equal(list.count, 3);
	store_list_release(&list);
}

static void store_path_is_the_absolute_folder(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx, NULL);
	char real[PATH_MAX];
	assert_non_null(realpath(fx->dir, real));
	assert_string_equal(store_path(s), real);
	store_free(s);
}

static void list_all_is_oldest_first_with_sender_subject_flags(void **state)
{
	struct fixture *fx = *state;
	struct store_list list;
	reopen_and_list(fx, NULL, &list);
	assert_int_equal(list.count, 3);
	const struct store_entry *e = list.entries;

	assert_int_equal(e[0].date, FIRST_DATE);
	assert_string_equal(e[0].sender, "Alice Example");
	assert_string_equal(e[0].subject, "First");
	assert_int_equal(e[0].flags, STORE_FLAG_SEEN);
	assert_entry_path(fx, &e[0], FIRST_NAME);

	assert_int_equal(e[1].date, SECOND_DATE);
	assert_string_equal(e[1].sender, "bob@example.org");
	assert_string_equal(e[1].subject, "Second");
	assert_int_equal(e[1].flags, STORE_FLAG_NEW);
	assert_entry_path(fx, &e[1], SECOND_NAME);

	assert_int_equal(e[2].date, THIRD_DATE);
	assert_string_equal(e[2].sender, "Zo\xC3\xAB");
	assert_string_equal(e[2].subject, "Caf\xC3\xA9 talk");
	assert_int_equal(e[2].flags, STORE_FLAG_FLAGGED | STORE_FLAG_REPLIED);
	assert_entry_path(fx, &e[2], THIRD_NAME);

	store_list_release(&list);
	assert_int_equal(list.count, 0);
	assert_null(list.entries);
}

static void empty_maildir_lists_nothing(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];
	path_in(path, fx->dir, FIRST_NAME);
	unlink(path);
	path_in(path, fx->dir, SECOND_NAME);
	unlink(path);
	path_in(path, fx->dir, THIRD_NAME);
	unlink(path);
	struct store_index_stats stats;
	struct store_list list;
	reopen_and_list(fx, &stats, &list);
	assert_int_equal(stats.added, 0);
	assert_int_equal(list.count, 0);
	store_list_release(&list);
}

/* --- reopening after changes ------------------------------------------ */

static void reopen_unchanged_counts_nothing(void **state)
{
	struct fixture *fx = *state;
	store_free(open_ok(fx, NULL));
	struct store_index_stats stats = { 9, 9, 9 };
	struct store_list list;
	reopen_and_list(fx, &stats, &list);
	assert_int_equal(stats.added, 0);
	assert_int_equal(stats.removed, 0);
	assert_int_equal(stats.skipped, 0);
	assert_int_equal(list.count, 3);
	store_list_release(&list);
}

static void reopen_counts_added_and_removed(void **state)
{
	struct fixture *fx = *state;
	store_free(open_ok(fx, NULL));
	WRITE(fx->dir, "cur/1700000004.d.host:2,S", fourth_msg);
	char gone[PATH_MAX];
	path_in(gone, fx->dir, SECOND_NAME);
	assert_int_equal(unlink(gone), 0);

	struct store_index_stats stats;
	struct store_list list;
	reopen_and_list(fx, &stats, &list);
	assert_int_equal(stats.added, 1);
	assert_int_equal(stats.removed, 1);
	assert_int_equal(list.count, 3);
	assert_string_equal(list.entries[0].subject, "First");
	assert_string_equal(list.entries[1].subject, "Caf\xC3\xA9 talk");
	assert_string_equal(list.entries[2].subject, "Fourth");
	assert_string_equal(list.entries[2].sender, "Dan");
	assert_int_equal(list.entries[2].flags, STORE_FLAG_SEEN);
	store_list_release(&list);
}

/* A flag change renames the file: the message stays, with its new flags. */
static void renamed_file_keeps_message_with_new_flag(void **state)
{
	struct fixture *fx = *state;
	WRITE(fx->dir, "cur/1700000005.e.host:2,", fourth_msg);
	store_free(open_ok(fx, NULL));
	char from[PATH_MAX], to[PATH_MAX];
	path_in(from, fx->dir, "cur/1700000005.e.host:2,");
	path_in(to, fx->dir, "cur/1700000005.e.host:2,S");
	assert_int_equal(rename(from, to), 0);

	struct store_index_stats stats;
	struct store_list list;
	reopen_and_list(fx, &stats, &list);
	/* The new name is indexed and the old one dropped. */
	assert_int_equal(stats.added, 1);
	assert_int_equal(stats.removed, 1);
	assert_int_equal(list.count, 4);
	assert_string_equal(list.entries[3].subject, "Fourth");
	assert_int_equal(list.entries[3].flags, STORE_FLAG_SEEN);
	assert_entry_path(fx, &list.entries[3], "cur/1700000005.e.host:2,S");
	store_list_release(&list);
}

/* Reading a new message moves it from new/ to cur/ with the S flag. */
static void message_moved_from_new_to_cur_loses_new_flag(void **state)
{
	struct fixture *fx = *state;
	store_free(open_ok(fx, NULL));
	char from[PATH_MAX], to[PATH_MAX];
	path_in(from, fx->dir, SECOND_NAME);
	path_in(to, fx->dir, "cur/1700000001.a.host:2,S");
	assert_int_equal(rename(from, to), 0);

	struct store_list list;
	reopen_and_list(fx, NULL, &list);
	assert_int_equal(list.count, 3);
	assert_string_equal(list.entries[1].subject, "Second");
	assert_int_equal(list.entries[1].flags, STORE_FLAG_SEEN);
	assert_entry_path(fx, &list.entries[1], "cur/1700000001.a.host:2,S");
	store_list_release(&list);
}

static void non_mail_file_is_skipped_and_counted(void **state)
{
	struct fixture *fx = *state;
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
	write_file(fx->dir, "cur/1700000009.z.host:2,", png, sizeof png - 1);
	struct store_index_stats stats;
	struct store_list list;
	reopen_and_list(fx, &stats, &list);
	assert_int_equal(stats.added, 3);
	assert_int_equal(stats.skipped, 1);
	assert_int_equal(list.count, 3);
	store_list_release(&list);
}

/* tmp/ holds deliveries in progress: never indexed. */
static void files_in_tmp_are_not_indexed(void **state)
{
	struct fixture *fx = *state;
	WRITE(fx->dir, "tmp/1700000006.f.host", fourth_msg);
	struct store_index_stats stats;
	struct store_list list;
	reopen_and_list(fx, &stats, &list);
	assert_int_equal(stats.added, 3);
	assert_int_equal(list.count, 3);
	store_list_release(&list);
}

/* Header text from a hostile message reaches the index view cleaned. */
static void hostile_sender_and_subject_are_cleaned(void **state)
{
	struct fixture *fx = *state;
	static const char evil[] =
		"From: \"Evil \x1b[31m\" <e@example.org>\n"
		"Date: Fri, 05 Jan 2024 10:00:00 +0000\n"
		"Message-ID: <evil@example.org>\n"
		"Subject: =?UTF-8?Q?bad_=1B]0;title=07_subject?=\n"
		"\n"
		"x\n";
	WRITE(fx->dir, "cur/1700000007.g.host:2,", evil);
	struct store_list list;
	reopen_and_list(fx, NULL, &list);
	assert_int_equal(list.count, 4);
	const struct store_entry *e = &list.entries[3];
	assert_null(strchr(e->sender, 0x1b));
	assert_null(strchr(e->subject, 0x1b));
	assert_null(strchr(e->subject, 0x07));
	assert_string_equal(e->sender, "Evil \xEF\xBF\xBD[31m");
	assert_string_equal(e->subject, "bad \xEF\xBF\xBD]0;title\xEF\xBF\xBD subject");
	store_list_release(&list);
}

/* --- folders that are not Maildirs ------------------------------------ */

static void assert_one_line(const char *msg)
{
	assert_true(msg[0] != '\0');
	assert_null(strchr(msg, '\n'));
}

static void open_missing_path_fails_with_one_line(void **state)
{
	(void)state;
	struct lib_err err = { "" };
	struct store_index_stats stats = { 9, 9, 9 };
	assert_null(store_open("/nonexistent/frank/mail", &stats, &err));
	assert_one_line(err.msg);
	assert_string_equal(err.msg, "/nonexistent/frank/mail: No such file or directory");
	assert_int_equal(stats.added, 0);
}

static void open_folder_without_cur_fails_with_one_line(void **state)
{
	struct fixture *fx = *state;
	char cur[PATH_MAX], moved[PATH_MAX];
	path_in(cur, fx->dir, "cur");
	path_in(moved, fx->dir, "cur.away");
	assert_int_equal(rename(cur, moved), 0);
	struct lib_err err = { "" };
	assert_null(store_open(fx->dir, NULL, &err));
	assert_one_line(err.msg);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s: not a Maildir (no cur/ folder)", fx->dir);
	assert_string_equal(err.msg, want);
	/* Nothing was created in a folder that is not a Maildir. */
	char nm[PATH_MAX];
	path_in(nm, fx->dir, ".notmuch");
	assert_int_equal(access(nm, F_OK), -1);
}

static void open_regular_file_fails_with_one_line(void **state)
{
	struct fixture *fx = *state;
	char file[PATH_MAX];
	path_in(file, fx->dir, FIRST_NAME);
	struct lib_err err = { "" };
	assert_null(store_open(file, NULL, &err));
	assert_one_line(err.msg);
	assert_non_null(strstr(err.msg, ": not a directory"));
}

static void store_free_accepts_null(void **state)
{
	(void)state;
	store_free(NULL);
	assert_true(1); /* reached without a crash */
}

/* --- the suite -------------------------------------------------------- */

static int group_teardown(void **state)
{
	(void)state;
	mime_shutdown();
	return 0;
}

#define FX(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flags_from_filename_cases),
		FX(open_creates_index_and_counts_added),
		FX(open_accepts_null_stats),
		FX(store_path_is_the_absolute_folder),
		FX(list_all_is_oldest_first_with_sender_subject_flags),
		FX(empty_maildir_lists_nothing),
		FX(reopen_unchanged_counts_nothing),
		FX(reopen_counts_added_and_removed),
		FX(renamed_file_keeps_message_with_new_flag),
		FX(message_moved_from_new_to_cur_loses_new_flag),
		FX(non_mail_file_is_skipped_and_counted),
		FX(files_in_tmp_are_not_indexed),
		FX(hostile_sender_and_subject_are_cleaned),
		cmocka_unit_test(open_missing_path_fails_with_one_line),
		FX(open_folder_without_cur_fails_with_one_line),
		FX(open_regular_file_fails_with_one_line),
		cmocka_unit_test(store_free_accepts_null),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, group_teardown);
}
