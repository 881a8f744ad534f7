/* test_ui.c: unit tests of the key maps the UI ships: keymaps/default.keys,
 * keymaps/vim.keys and the compiled-in default, checked against the UI's
 * functions (ui_keymap_check).  Run from the project root (tests/run-tests
 * does), since the key map files are read from there. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* Reads a key map file of the project, failing the test with a clear
 * message when it cannot be read. */
static char *read_keys_file(const char *path, size_t *len)
{
	char *data = NULL;
	struct lib_err err = { "" };
	if (lib_read_file(path, 1024 * 1024, &data, len, &err) < 0)
		fail_msg("cannot read a key map: %s (the tests run from the project root)",
			 err.msg);
	return data;
}

/* Parses text into km, failing the test on a parse error. */
static void parse_ok(struct config_keymap *km, const char *source, const char *text, size_t len)
{
	struct lib_err err = { "" };
	if (config_keymap_parse(km, source, text, len, &err) != 0) {
		config_keymap_release(km);
		fail_msg("%s does not parse: %s", source, err.msg);
	}
}

static void parse_file_ok(struct config_keymap *km, const char *path)
{
	size_t len;
	char *text = read_keys_file(path, &len);
	struct lib_err err = { "" };
	int rc = config_keymap_parse(km, path, text, len, &err);
	free(text);
	if (rc != 0) {
		config_keymap_release(km);
		fail_msg("%s does not parse: %s", path, err.msg);
	}
}

static void check_ok(struct config_keymap *km)
{
	struct lib_err err = { "" };
	if (ui_keymap_check(km, &err) != 0) {
		config_keymap_release(km);
		fail_msg("check failed: %s", err.msg);
	}
}

/* The function bound to key in menu, the last binding winning. */
static const char *bound(const struct config_keymap *km, const char *menu, int key)
{
	const char *fn = "(unbound)";
	for (size_t i = 0; i < km->count; i++) {
		const struct config_binding *b = &km->bindings[i];
		if (b->key == key && (strcmp(b->menu, menu) == 0 || strcmp(b->menu, "generic") == 0))
			fn = b->function;
	}
	return fn;
}

/* --- the shipped key maps --------------------------------------------- */

static void default_keys_file_parses_and_checks(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	parse_file_ok(&km, "keymaps/default.keys");
	check_ok(&km);
	assert_true(km.count >= 30);
	config_keymap_release(&km);
}

static void vim_keys_file_parses_and_checks(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	parse_file_ok(&km, "keymaps/vim.keys");
	check_ok(&km);
	assert_true(km.count >= 10);
	config_keymap_release(&km);
}

/* vim.keys is meant to be appended to the defaults. */
static void vim_keys_append_to_defaults(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	parse_file_ok(&km, "keymaps/default.keys");
	size_t ndefault = km.count;
	parse_file_ok(&km, "keymaps/vim.keys");
	check_ok(&km);
	assert_true(km.count > ndefault);
	/* vim's j scrolls a line in the pager; the default's j moves a message. */
	assert_string_equal(bound(&km, "pager", 'j'), "next-line");
	assert_string_equal(bound(&km, "index", 'G'), "last-entry");
	config_keymap_release(&km);
}

/* The compiled-in key map, its lines joined (caller frees). */
static char *default_keys_text(void)
{
	struct lib_buf b = LIB_BUF_INIT;
	for (size_t i = 0; ui_default_keys[i]; i++)
		lib_buf_puts(&b, ui_default_keys[i]);
	return lib_buf_take(&b);
}

static void compiled_default_keys_match_the_file(void **state)
{
	(void)state;
	size_t len;
	char *text = read_keys_file("keymaps/default.keys", &len);
	char *compiled = default_keys_text();
	int same = strlen(compiled) == len && memcmp(compiled, text, len) == 0;
	free(compiled);
	free(text);
	if (!same)
		fail_msg("ui_default_keys differs from keymaps/default.keys (stale build?)");
}

static void compiled_default_keys_parse_and_check(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	char *text = default_keys_text();
	parse_ok(&km, "default.keys", text, strlen(text));
	free(text);
	check_ok(&km);
	config_keymap_release(&km);
}

/* Whatever else changes, the defaults let a user read and leave (mutt's
 * keys): q quits the index, q leaves the pager, Enter opens, ? helps. */
static void default_keys_bind_the_essentials(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	char *text = default_keys_text();
	parse_ok(&km, "default.keys", text, strlen(text));
	free(text);
	assert_string_equal(bound(&km, "index", 'q'), "quit");
	assert_string_equal(bound(&km, "pager", 'q'), "exit");
	assert_string_equal(bound(&km, "index", '\r'), "display-message");
	assert_string_equal(bound(&km, "index", '\n'), "display-message");
	assert_string_equal(bound(&km, "index", CONFIG_KEY_ENTER), "display-message");
	assert_string_equal(bound(&km, "index", '?'), "help");
	assert_string_equal(bound(&km, "pager", '?'), "help");
	assert_string_equal(bound(&km, "index", CONFIG_KEY_DOWN), "next-entry");
	assert_string_equal(bound(&km, "pager", ' '), "next-page");
	config_keymap_release(&km);
}

/* --- ui_keymap_check errors ------------------------------------------- */

static void check_error(const char *text, const char *want)
{
	struct config_keymap km = { 0 };
	parse_ok(&km, "test.keys", text, strlen(text));
	struct lib_err err = { "" };
	int rc = ui_keymap_check(&km, &err);
	config_keymap_release(&km);
	if (rc != -1)
		fail_msg("accepted: %s", text);
	assert_string_equal(err.msg, want);
}

static void unknown_function_fails_with_source_line(void **state)
{
	(void)state;
	check_error("# test\nbind index j next-entry\n\nbind index x no-such-function\n",
		    "test.keys:4: unknown function: no-such-function");
}

static void quit_in_pager_fails_with_source_line(void **state)
{
	(void)state;
	check_error("bind pager Q quit\n",
		    "test.keys:1: function quit is not available in the pager menu");
}

static void index_only_function_in_pager_fails(void **state)
{
	(void)state;
	check_error("bind pager j next-line\nbind index,pager g first-entry\n",
		    "test.keys:2: function first-entry is not available in the pager menu");
}

static void pager_only_function_in_index_fails(void **state)
{
	(void)state;
	check_error("bind index t top\n",
		    "test.keys:1: function top is not available in the index menu");
}

/* generic binds a function in those menus that have it. */
static void generic_binds_where_the_function_exists(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	const char *text = "bind generic Q quit\nbind generic B bottom\nbind generic R redraw-screen\n";
	parse_ok(&km, "test.keys", text, strlen(text));
	check_ok(&km);
	config_keymap_release(&km);
}

static void empty_keymap_checks(void **state)
{
	(void)state;
	struct config_keymap km = { 0 };
	struct lib_err err = { "" };
	assert_int_equal(ui_keymap_check(&km, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_keys_file_parses_and_checks),
		cmocka_unit_test(vim_keys_file_parses_and_checks),
		cmocka_unit_test(vim_keys_append_to_defaults),
		cmocka_unit_test(compiled_default_keys_match_the_file),
		cmocka_unit_test(compiled_default_keys_parse_and_check),
		cmocka_unit_test(default_keys_bind_the_essentials),
		cmocka_unit_test(unknown_function_fails_with_source_line),
		cmocka_unit_test(quit_in_pager_fails_with_source_line),
		cmocka_unit_test(index_only_function_in_pager_fails),
		cmocka_unit_test(pager_only_function_in_index_fails),
		cmocka_unit_test(generic_binds_where_the_function_exists),
		cmocka_unit_test(empty_keymap_checks),
	};
	return cmocka_run_group_tests_name("ui", tests, NULL, NULL);
}
