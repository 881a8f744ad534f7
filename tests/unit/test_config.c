/* test_config.c: unit tests of src/config: single keys as written in a bind
 * line, key names, and key map text ("bind MENU KEY FUNCTION"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* --- config_key_parse: keys that parse -------------------------------- */

struct key_case {
	const char *text;
	int key;
};

static const struct key_case good_keys[] = {
	{ "j", 'j' },
	{ "J", 'J' },
	{ "?", '?' },
	{ "<", '<' },
	{ "^", '^' },
	{ "\\", '\\' },
	{ "^L", 12 },
	{ "^l", 12 },
	{ "\\Cl", 12 },
	{ "\\CL", 12 },
	{ "\\cl", 12 },
	{ "^@", 0 },
	{ "^[", 27 },
	{ "^_", 31 },
	{ "\\n", '\n' },
	{ "\\r", '\r' },
	{ "\\t", '\t' },
	{ "\\e", 27 },
	{ "\\\\", '\\' },
	{ "<up>", CONFIG_KEY_UP },
	{ "<down>", CONFIG_KEY_DOWN },
	{ "<left>", CONFIG_KEY_LEFT },
	{ "<right>", CONFIG_KEY_RIGHT },
	{ "<pageup>", CONFIG_KEY_PAGEUP },
	{ "<pagedown>", CONFIG_KEY_PAGEDOWN },
	{ "<home>", CONFIG_KEY_HOME },
	{ "<end>", CONFIG_KEY_END },
	{ "<enter>", CONFIG_KEY_ENTER },
	{ "<return>", '\r' },
	{ "<space>", ' ' },
	{ "<tab>", '\t' },
	{ "<esc>", 27 },
	{ "<backspace>", CONFIG_KEY_BACKSPACE },
	{ "<delete>", CONFIG_KEY_DELETE },
	{ "<insert>", CONFIG_KEY_INSERT },
	{ "<f1>", CONFIG_KEY_F0 + 1 },
	{ "<f5>", CONFIG_KEY_F0 + 5 },
	{ "<f12>", CONFIG_KEY_F0 + 12 },
	{ "\xC3\xA9", 0xE9 },             /* é */
	{ "\xE2\x82\xAC", 0x20AC },       /* € */
	{ "\xF0\x9F\x98\x80", 0x1F600 }, /* 😀 */
};

static void key_parse_good_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_keys / sizeof good_keys[0]; i++) {
		int key = -12345;
		struct lib_err err = { "" };
		if (config_key_parse(good_keys[i].text, &key, &err) != 0)
			fail_msg("\"%s\": refused: %s", good_keys[i].text, err.msg);
		if (key != good_keys[i].key)
			fail_msg("\"%s\": key %d, want %d", good_keys[i].text, key, good_keys[i].key);
	}
}

/* mutt matches key names without regard to case, and its manual writes
 * <PageDown>, <Home>, <F5>: a muttrc's bind lines should work here too. */
static void key_parse_names_ignore_case_as_mutt(void **state)
{
	(void)state;
	static const struct key_case mixed[] = {
		{ "<PageDown>", CONFIG_KEY_PAGEDOWN },
		{ "<Home>", CONFIG_KEY_HOME },
		{ "<F5>", CONFIG_KEY_F0 + 5 },
	};
	for (size_t i = 0; i < sizeof mixed / sizeof mixed[0]; i++) {
		int key = -1;
		struct lib_err err = { "" };
		if (config_key_parse(mixed[i].text, &key, &err) != 0)
			fail_msg("\"%s\": refused: %s", mixed[i].text, err.msg);
		assert_int_equal(key, mixed[i].key);
	}
}

/* --- config_key_parse: keys that do not ------------------------------- */

struct bad_key_case {
	const char *text;
	const char *msg;
};

static const struct bad_key_case bad_keys[] = {
	{ "", "empty key" },
	{ "ab", "key sequences are not supported, one key per bind: ab" },
	{ "<>", "key sequences are not supported, one key per bind: <>" },
	{ "<nosuch>", "unknown key name: <nosuch>" },
	{ "<f0>", "unknown key name: <f0>" },
	{ "<f13>", "unknown key name: <f13>" },
	{ "<f1x>", "unknown key name: <f1x>" },
	{ "^1", "not a control key: ^1" },
	{ "^?", "not a control key: ^?" },
	{ "\\C1", "not a control key: \\C1" },
	{ "\\x", "unknown escape in key: \\x" },
	{ "\x01", "write control keys as ^X or \\CX" },
	{ "\x1b", "write control keys as ^X or \\CX" },
	{ "\t", "write control keys as ^X or \\CX" },
	{ "\x7f", "write control keys as ^X or \\CX" },
	{ "\xff", "key sequences are not supported, one key per bind: \xff" },
	{ "\xC3", "key sequences are not supported, one key per bind: \xC3" },
	{ "\xC3\xA9x", "key sequences are not supported, one key per bind: \xC3\xA9x" },
};

static void key_parse_bad_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
		int key = -12345;
		struct lib_err err = { "" };
		if (config_key_parse(bad_keys[i].text, &key, &err) != -1)
			fail_msg("case %zu: accepted as key %d", i, key);
		if (strcmp(err.msg, bad_keys[i].msg) != 0)
			fail_msg("case %zu: message \"%s\", want \"%s\"", i, err.msg, bad_keys[i].msg);
		assert_int_equal(key, -12345);
	}
}

/* --- config_key_name ------------------------------------------------- */

static void key_name_shows_familiar_names(void **state)
{
	(void)state;
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{ 'j', "j" },
		{ 12, "^L" },
		{ 0, "^@" },
		{ '\n', "\\n" },
		{ '\r', "<return>" },
		{ '\t', "<tab>" },
		{ ' ', "<space>" },
		{ 27, "<esc>" },
		{ CONFIG_KEY_DOWN, "<down>" },
		{ CONFIG_KEY_PAGEDOWN, "<pagedown>" },
		{ CONFIG_KEY_ENTER, "<enter>" },
		{ CONFIG_KEY_F0 + 5, "<f5>" },
		{ CONFIG_KEY_F0 + 12, "<f12>" },
		{ 0xE9, "\xC3\xA9" },
		{ 0x20AC, "\xE2\x82\xAC" },
		{ 0x1F600, "\xF0\x9F\x98\x80" },
		{ CONFIG_KEY_F0, "<key 1114124>" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char buf[32];
		config_key_name(names[i].key, buf, sizeof buf);
		if (strcmp(buf, names[i].name) != 0)
			fail_msg("key %d: name \"%s\", want \"%s\"", names[i].key, buf, names[i].name);
	}
}

/* The name of every key a bind line can give parses back to that key. */
static void key_name_round_trips(void **state)
{
	(void)state;
	int keys[64];
	size_t n = 0;
	for (size_t i = 0; i < sizeof good_keys / sizeof good_keys[0]; i++)
		keys[n++] = good_keys[i].key;
	for (int f = 1; f <= 12; f++)
		keys[n++] = CONFIG_KEY_F0 + f;
	keys[n++] = 1;
	keys[n++] = 0xA0;
	keys[n++] = 0x10FFFF;
	assert_true(n <= sizeof keys / sizeof keys[0]);
	for (size_t i = 0; i < n; i++) {
		char name[32];
		config_key_name(keys[i], name, sizeof name);
		int again = -1;
		struct lib_err err = { "" };
		if (config_key_parse(name, &again, &err) != 0)
			fail_msg("key %d: its name \"%s\" does not parse: %s", keys[i], name, err.msg);
		if (again != keys[i])
			fail_msg("key %d: name \"%s\" parses to %d", keys[i], name, again);
	}
}

static void key_name_truncates_to_buffer(void **state)
{
	(void)state;
	char buf[4];
	memset(buf, 'X', sizeof buf);
	config_key_name(CONFIG_KEY_PAGEDOWN, buf, sizeof buf);
	assert_string_equal(buf, "<pa");
}

/* --- config_keymap_parse: good text ------------------------------------ */

static const char good_text[] =
	"# a comment line\n"
	"\n"
	"   \t  \n"
	"bind index j next-entry   # a trailing comment\n"
	"bind index,pager ^F next-page\n"
	"  \tbind pager \"<down>\" next-line\n"
	"bind generic '#' help\n"
	"bind index \"\\\"\" top\n"
	"bind pager \"\\Cb\" previous-page\n"
	"bind \"index\" \xC3\xA9 display-message\n";

static void keymap_parses_good_text(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	int rc = config_keymap_parse(&km, "good.keys", good_text, strlen(good_text), &err);
	if (rc != 0)
		fail_msg("refused: %s", err.msg);
	static const struct {
		const char *menu;
		int key;
		const char *function;
		int line;
	} want[] = {
		{ "index", 'j', "next-entry", 4 },
		{ "index", 6, "next-page", 5 },
		{ "pager", 6, "next-page", 5 },
		{ "pager", CONFIG_KEY_DOWN, "next-line", 6 },
		{ "generic", '#', "help", 7 },
		{ "index", '"', "top", 8 },
		{ "pager", 2, "previous-page", 9 },
		{ "index", 0xE9, "display-message", 10 },
	};
	size_t nwant = sizeof want / sizeof want[0];
	assert_int_equal(rc, 0);
	assert_int_equal(km.count, nwant);
	assert_string_equal(km.source, "good.keys");
	for (size_t i = 0; i < nwant; i++) {
		const struct config_binding *b = &km.bindings[i];
		if (strcmp(b->menu, want[i].menu) != 0 || b->key != want[i].key ||
		    strcmp(b->function, want[i].function) != 0 || b->line != want[i].line)
			fail_msg("binding %zu: %s %d %s line %d, want %s %d %s line %d", i, b->menu,
				 b->key, b->function, b->line, want[i].menu, want[i].key,
				 want[i].function, want[i].line);
	}
	config_keymap_release(&km);
	assert_int_equal(km.count, 0);
	assert_null(km.bindings);
	assert_null(km.source);
}

/* Quotes join words: 'a b'x is the one word "a bx" (so not one key). */
static void keymap_quoted_space_is_one_word(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	const char *text = "bind pager 'a b'x whatever\n";
	assert_int_equal(config_keymap_parse(&km, "q.keys", text, strlen(text), &err), -1);
	assert_string_equal(err.msg,
			    "q.keys:1: key sequences are not supported, one key per bind: a bx");
	config_keymap_release(&km);
}

static void keymap_accepts_crlf_and_no_final_newline(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	const char *text = "# dos\r\nbind index j next-entry\r\nbind pager k previous-line";
	assert_int_equal(config_keymap_parse(&km, "dos.keys", text, strlen(text), &err), 0);
	assert_int_equal(km.count, 2);
	assert_string_equal(km.bindings[0].function, "next-entry");
	assert_int_equal(km.bindings[0].line, 2);
	assert_string_equal(km.bindings[1].function, "previous-line");
	assert_int_equal(km.bindings[1].key, 'k');
	assert_int_equal(km.bindings[1].line, 3);
	config_keymap_release(&km);
}

/* len, not a NUL, ends the text: the bytes after len are never read. */
static void keymap_reads_only_len_bytes(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	const char *text = "bind index j next-entry\nbind index k previous-entry\n";
	assert_int_equal(config_keymap_parse(&km, "len.keys", text, 24, &err), 0);
	assert_int_equal(km.count, 1);
	config_keymap_release(&km);
}

static void keymap_empty_text_has_no_bindings(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	assert_int_equal(config_keymap_parse(&km, "empty.keys", "", 0, &err), 0);
	assert_int_equal(km.count, 0);
	assert_string_equal(km.source, "empty.keys");
	config_keymap_release(&km);
}

/* "\\" in double quotes is an escaped backslash, as in mutt: the key \. */
static void keymap_escaped_backslash_in_double_quotes(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	const char *text = "bind index \"\\\\\" top\n";
	int rc = config_keymap_parse(&km, "bs.keys", text, strlen(text), &err);
	if (rc != 0) {
		config_keymap_release(&km);
		fail_msg("refused: %s", err.msg);
	}
	assert_int_equal(km.count, 1);
	assert_int_equal(km.bindings[0].key, '\\');
	config_keymap_release(&km);
}

static void keymap_bindings_append_across_parses(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	const char *a = "bind index j next-entry\nbind index k previous-entry\n";
	const char *b = "\n\nbind pager,index G last-entry\n";
	assert_int_equal(config_keymap_parse(&km, "a.keys", a, strlen(a), &err), 0);
	assert_int_equal(config_keymap_parse(&km, "b.keys", b, strlen(b), &err), 0);
	assert_int_equal(km.count, 4);
	assert_string_equal(km.bindings[0].function, "next-entry");
	assert_string_equal(km.bindings[1].function, "previous-entry");
	assert_string_equal(km.bindings[2].menu, "pager");
	assert_string_equal(km.bindings[3].menu, "index");
	assert_int_equal(km.bindings[3].key, 'G');
	/* Line numbers count from the start of each text. */
	assert_int_equal(km.bindings[1].line, 2);
	assert_int_equal(km.bindings[2].line, 3);
	/* The source is the first text's. */
	assert_string_equal(km.source, "a.keys");
	config_keymap_release(&km);
}

static void keymap_longest_line_is_accepted(void **state)
{
	(void)state;
	char text[1100];
	const char *bind = "bind index j next-entry #";
	size_t n = strlen(bind);
	memcpy(text, bind, n);
	memset(text + n, 'c', 1024 - n);
	text[1024] = '\n';
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	int rc = config_keymap_parse(&km, "long.keys", text, 1025, &err);
	if (rc != 0)
		fail_msg("a 1024-byte line refused: %s", err.msg);
	assert_int_equal(km.count, 1);
	config_keymap_release(&km);
}

/* --- config_keymap_parse: errors, each with source:line ---------------- */

struct error_case {
	const char *name;
	const char *text;
	size_t len;
	const char *msg;
};

#define TXT(s) s, sizeof s - 1

static const struct error_case error_cases[] = {
	{ "unknown command", TXT("# c\n\nunbind index j\n"),
	  "err.keys:3: unknown command: unbind" },
	{ "too few words", TXT("bind index j next-entry\nbind index j\n"),
	  "err.keys:2: usage: bind MENU KEY FUNCTION" },
	{ "too many words", TXT("bind index j next-entry extra\n"),
	  "err.keys:1: usage: bind MENU KEY FUNCTION" },
	{ "nine words", TXT("bind a b c d e f g h i\n"),
	  "err.keys:1: usage: bind MENU KEY FUNCTION" },
	{ "unknown menu", TXT("\n\n\n\nbind indx j next-entry\n"),
	  "err.keys:5: unknown menu: indx (menus: index, pager, attach, "
	  "compose, verify, url, generic)" },
	{ "unknown menu in a list", TXT("bind index,pagr j next-entry\n"),
	  "err.keys:1: unknown menu: pagr (menus: index, pager, attach, "
	  "compose, verify, url, generic)" },
	{ "empty menu in a list", TXT("bind index,,pager j next-entry\n"),
	  "err.keys:1: bad menu list: index,,pager" },
	{ "menu list starting with a comma", TXT("bind ,index j next-entry\n"),
	  "err.keys:1: bad menu list: ,index" },
	{ "over-long menu name", TXT("bind indexindexindexindexindexindexindex j x\n"),
	  "err.keys:1: bad menu list: indexindexindexindexindexindexindex" },
	{ "bad key name", TXT("# x\nbind index <nosuch> next-entry\n"),
	  "err.keys:2: unknown key name: <nosuch>" },
	{ "key sequence", TXT("bind index gg first-entry\n"),
	  "err.keys:1: key sequences are not supported, one key per bind: gg" },
	{ "raw control key", TXT("bind index \x01 next-entry\n"),
	  "err.keys:1: write control keys as ^X or \\CX" },
	{ "unterminated double quote", TXT("bind index j next-entry\nbind index \"j next-entry\n"),
	  "err.keys:2: unterminated quote" },
	{ "unterminated single quote", TXT("bind index 'j next-entry"),
	  "err.keys:1: unterminated quote" },
	{ "NUL byte", TXT("bind index j next-entry\nbind index\0 k previous-entry\n"),
	  "err.keys:2: NUL byte in line" },
};

static void keymap_error_case(void **state)
{
	const struct error_case *c = *state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	int rc = config_keymap_parse(&km, "err.keys", c->text, c->len, &err);
	config_keymap_release(&km);
	if (rc != -1)
		fail_msg("%s: accepted", c->name);
	if (strcmp(err.msg, c->msg) != 0)
		fail_msg("%s: message \"%s\", want \"%s\"", c->name, err.msg, c->msg);
}

static void keymap_over_long_line_fails(void **state)
{
	(void)state;
	char text[1200];
	const char *first = "bind index j next-entry\n# ";
	size_t n = strlen(first);
	memcpy(text, first, n);
	/* Line 2 is 1025 bytes without its newline. */
	memset(text + n, 'c', 1025 - 2);
	text[n + 1023] = '\n';
	size_t len = n + 1024;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	assert_int_equal(config_keymap_parse(&km, "long.keys", text, len, &err), -1);
	assert_string_equal(err.msg, "long.keys:2: line too long (limit 1024)");
	config_keymap_release(&km);
}

/* A menu list is checked whole: a bad menu binds none of the list. */
static void keymap_bad_menu_list_binds_nothing(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	const char *text = "bind index,pager,nosuch j next-entry\n";
	assert_int_equal(config_keymap_parse(&km, "m.keys", text, strlen(text), &err), -1);
	assert_int_equal(km.count, 0);
	config_keymap_release(&km);
}

/* --- the suite ------------------------------------------------------- */

#define NERRORS (sizeof error_cases / sizeof error_cases[0])

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(key_parse_good_keys),
		cmocka_unit_test(key_parse_names_ignore_case_as_mutt),
		cmocka_unit_test(key_parse_bad_keys),
		cmocka_unit_test(key_name_shows_familiar_names),
		cmocka_unit_test(key_name_round_trips),
		cmocka_unit_test(key_name_truncates_to_buffer),
		cmocka_unit_test(keymap_parses_good_text),
		cmocka_unit_test(keymap_quoted_space_is_one_word),
		cmocka_unit_test(keymap_accepts_crlf_and_no_final_newline),
		cmocka_unit_test(keymap_reads_only_len_bytes),
		cmocka_unit_test(keymap_empty_text_has_no_bindings),
		cmocka_unit_test(keymap_escaped_backslash_in_double_quotes),
		cmocka_unit_test(keymap_bindings_append_across_parses),
		cmocka_unit_test(keymap_longest_line_is_accepted),
		cmocka_unit_test(keymap_over_long_line_fails),
		cmocka_unit_test(keymap_bad_menu_list_binds_nothing),
	};
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	size_t n = nfixed + NERRORS;
	struct CMUnitTest *tests = lib_xcalloc(n, sizeof *tests);
	char **names = lib_xcalloc(NERRORS, sizeof *names);
	for (size_t i = 0; i < nfixed; i++)
		tests[i] = fixed[i];
	for (size_t i = 0; i < NERRORS; i++) {
		names[i] = lib_xasprintf("keymap error: %s", error_cases[i].name);
		tests[nfixed + i] = (struct CMUnitTest){ names[i], keymap_error_case, NULL, NULL,
							 (void *)&error_cases[i] };
	}
	int rc = _cmocka_run_group_tests("config", tests, n, NULL, NULL);
	for (size_t i = 0; i < NERRORS; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}
