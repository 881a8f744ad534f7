/* config.h: the face of src/config, configuration files.  For now: key maps
 * ("bind MENU KEY FUNCTION" lines, as in mutt). */
#ifndef FRANK_CONFIG_H
#define FRANK_CONFIG_H

#include <stddef.h>

#include "lib.h"

/* Keys that have names.  Plain keys are their Unicode code point (control
 * keys 1..31), named keys are these values, above every code point. */
enum config_key_name {
	CONFIG_KEY_UP = 0x110000,
	CONFIG_KEY_DOWN,
	CONFIG_KEY_LEFT,
	CONFIG_KEY_RIGHT,
	CONFIG_KEY_PAGEUP,
	CONFIG_KEY_PAGEDOWN,
	CONFIG_KEY_HOME,
	CONFIG_KEY_END,
	CONFIG_KEY_ENTER,     /* the keypad's or the terminal's KEY_ENTER */
	CONFIG_KEY_BACKSPACE,
	CONFIG_KEY_DELETE,
	CONFIG_KEY_INSERT,
	CONFIG_KEY_F0,        /* F1..F12 follow as CONFIG_KEY_F0 + n */
};

/* Parses one key as written in a bind line: a single character (UTF-8),
 * "\Cx" or "^x" (control), "\n", "\r", "\t", "\e", or a name in angle
 * brackets such as <down>, <pagedown>, <enter>, <space>, <f5>.
 * Returns 0 and stores the key, or -1 with err set. */
int config_key_parse(const char *text, int *key, struct lib_err *err);

/* The text to show for a key ("j", "<down>", "^F"), in buf. */
void config_key_name(int key, char *buf, size_t size);

/* One "bind MENU KEY FUNCTION" line.  The function name is checked by the
 * caller, which knows its functions; line lets it report file:line. */
struct config_binding {
	char *menu;
	int key;
	char *function;
	int line;
};

struct config_keymap {
	char *source; /* file name for messages */
	struct config_binding *bindings;
	size_t count;
};

/* Parses key map text (comments with #, blank lines, bind lines; MENU may
 * be a comma list such as index,pager).  Appends to km.  On error returns -1
 * with err set to "source:line: message". */
int config_keymap_parse(struct config_keymap *km, const char *source, const char *text,
			size_t len, struct lib_err *err);
void config_keymap_release(struct config_keymap *km);

#endif
