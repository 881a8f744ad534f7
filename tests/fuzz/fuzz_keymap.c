/* fuzz_keymap.c: key map text and single keys from hostile input.
 *
 * Feeds the bytes to config_keymap_parse() (which takes a length, so the
 * data is not NUL-terminated: any read past len is caught by ASan), and the
 * same bytes as a C string to config_key_parse().  Checks what the parser
 * promises (config.h): every binding has a menu from the known list, a
 * function, a key that is a code point or a named key, and a line number
 * inside the text; a key that parses has a name that parses back to it.
 * Everything is released, so LeakSanitizer sees any leak. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
	if (!ok)
		abort();
}

/* A key as config_key_parse may return it: a Unicode scalar value or one of
 * the named keys (F1..F12, not F0 itself). */
static int valid_key(int key)
{
	if (key >= 0 && key < 0x110000)
		return !(key >= 0xD800 && key <= 0xDFFF);
	return key >= CONFIG_KEY_UP && key <= CONFIG_KEY_F0 + 12 && key != CONFIG_KEY_F0;
}

/* The name of a key (what the help screen shows) parses back to the key. */
static void check_key_name(int key)
{
	char name[64];
	config_key_name(key, name, sizeof name);
	check(name[0] != '\0');
	check(memchr(name, '\0', sizeof name) != NULL);
	int again = -1;
	struct lib_err err;
	check(config_key_parse(name, &again, &err) == 0);
	check(again == key);
	/* A short buffer truncates, never overflows. */
	char tiny[3];
	config_key_name(key, tiny, sizeof tiny);
	check(memchr(tiny, '\0', sizeof tiny) != NULL);
}

static int count_lines(const uint8_t *data, size_t size)
{
	int lines = size ? 1 : 0;
	for (size_t i = 0; i + 1 < size; i++)
		if (data[i] == '\n')
			lines++;
	return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The whole input as key map text. */
	struct config_keymap km;
	memset(&km, 0, sizeof km);
	struct lib_err err;
	err.msg[0] = '\0';
	int rc = config_keymap_parse(&km, "fuzz.keys", (const char *)data, size, &err);
	if (rc < 0) {
		check(err.msg[0] != '\0');
		check(memchr(err.msg, '\0', sizeof err.msg) != NULL);
	} else {
		check(rc == 0);
	}
	check(km.source != NULL && strcmp(km.source, "fuzz.keys") == 0);
	int lines = count_lines(data, size);
	for (size_t i = 0; i < km.count; i++) {
		const struct config_binding *b = &km.bindings[i];
		check(b->menu != NULL && b->function != NULL);
		check(strcmp(b->menu, "index") == 0 || strcmp(b->menu, "pager") == 0 ||
		      strcmp(b->menu, "generic") == 0);
		check(valid_key(b->key));
		check(b->line >= 1 && b->line <= lines);
		check_key_name(b->key);
	}
	/* Parsing appends: a second parse of the same text doubles a clean map. */
	if (rc == 0) {
		size_t first = km.count;
		check(config_keymap_parse(&km, "again.keys", (const char *)data, size, &err) == 0);
		check(km.count == 2 * first);
		check(strcmp(km.source, "fuzz.keys") == 0);
	}
	config_keymap_release(&km);
	check(km.bindings == NULL && km.count == 0 && km.source == NULL);

	/* The input as one key, NUL-terminated at size (an embedded NUL just
	 * ends the string early, as it would in a bind line). */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	int key = -1;
	err.msg[0] = '\0';
	if (config_key_parse(text, &key, &err) == 0) {
		check(valid_key(key));
		check_key_name(key);
	} else {
		check(err.msg[0] != '\0');
	}
	free(text);
	return 0;
}
