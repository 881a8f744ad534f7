/* ui_json.h: a small JSON reader (RFC 8259) for the verdict files the
 * verification view shows.  No curses: tests/fuzz/fuzz_ui_json.c builds
 * json.c on its own. */
#ifndef FRANK_UI_JSON_H
#define FRANK_UI_JSON_H

#include <stddef.h>

#include "lib.h"

enum ui_json_type { UI_JSON_NULL, UI_JSON_BOOL, UI_JSON_NUMBER, UI_JSON_STRING,
		    UI_JSON_ARRAY, UI_JSON_OBJECT };

/* A value.  Strings are NUL-terminated UTF-8 (escapes decoded; a \u0000
 * or a lone surrogate becomes U+FFFD).  An object's members keep their
 * order; keys[i] names items[i]. */
struct ui_json {
	enum ui_json_type type;
	int boolean;
	double number;
	char *string;
	struct ui_json **items;
	char **keys;
	size_t count;
};

/* Parses text[0..len) as one JSON value (whitespace around it allowed).
 * Nesting is limited to UI_JSON_MAX_DEPTH.  Returns the value (free with
 * ui_json_free), or NULL with err set to "JSON: byte N: what". */
#define UI_JSON_MAX_DEPTH 64
struct ui_json *ui_json_parse(const char *text, size_t len, struct lib_err *err);
void ui_json_free(struct ui_json *v);

/* Member key of an object, or NULL (also when v is NULL or no object). */
const struct ui_json *ui_json_get(const struct ui_json *v, const char *key);
/* The string of member key, or NULL when it is absent or not a string. */
const char *ui_json_str(const struct ui_json *v, const char *key);
/* The number of member key, or def. */
double ui_json_num(const struct ui_json *v, const char *key, double def);
/* 1 when member key is true. */
int ui_json_true(const struct ui_json *v, const char *key);

#endif
