/* config_internal.h: what the files of src/config share: the tokenizer, the
 * option tables, and the pieces of the parser that key map files reuse. */
#ifndef FRANK_CONFIG_INTERNAL_H
#define FRANK_CONFIG_INTERNAL_H

#include <stddef.h>

#include "config.h"
#include "lib.h"

/* --- Lines and words (token.c) ------------------------------------------ */

#define CONFIG_MAX_LINE 1024         /* one physical line, without its newline */
#define CONFIG_MAX_LOGICAL_LINE 4096 /* physical lines joined by a trailing \ */

/* Cuts text into logical lines: CRLF reads as LF, and a line ending in an
 * odd number of backslashes goes on with the next one. */
struct config_lexer {
	const char *text;
	size_t len;
	size_t pos;
	int line; /* physical lines read so far */
};

/* Stores the next logical line in out (without newlines and continuation
 * backslashes) and its first physical line number in *lineno.  Returns 1,
 * 0 at the end of the text, or -1 with err set (no location). */
int config_lexer_next(struct config_lexer *lx, struct lib_buf *out, int *lineno,
		      struct lib_err *err);

/* Reads the words of one logical line, mutt's way:
 *   "double quotes"  backslash escapes, $VAR expansion
 *   'single quotes'  literal
 *   outside quotes   backslash escapes, $VAR, a leading ~/, and a # at the
 *                    start of a word begins a comment
 * Quoted and unquoted parts join into one word.  host is NULL in key map
 * files, which take no expansion ($, ~ and ` are then plain characters). */
struct config_words {
	const char *p;
	const struct config_host *host;
	int expand;
};

enum {
	/* A key or key sequence: backslash escapes are kept whole for
	 * config_key_parse (\Cx, \n ...), but \" in double quotes is a quote;
	 * no expansion. */
	CONFIG_WORD_KEY = 1,
	/* An option name: the word also ends at an unquoted '='. */
	CONFIG_WORD_NAME = 2,
};

/* Stores the next word in out (reset first).  Returns 1 with a word (maybe
 * empty: ""), 0 at the end of the line or at a comment, -1 with err set. */
int config_word_next(struct config_words *w, unsigned flags, struct lib_buf *out,
		     struct lib_err *err);
/* Skips blanks; consumes c and returns 1 when it comes next, else 0. */
int config_word_eat(struct config_words *w, char c);
/* 1 when no word is left on the line (only blanks or a comment). */
int config_word_at_end(struct config_words *w);

/* --- Menus and bindings (keymap.c) ---------------------------------------- */

/* Checks a menu list ("index,pager"): -1 with err set for a bad one. */
int config_menu_list_check(const char *list, struct lib_err *err);
/* Parses the rest of a bind line (MENU KEY FUNCTION) from w into km.
 * Returns 0 or -1 with err set (no location). */
int config_bind_parse(struct config_keymap *km, struct config_words *w, const char *source,
		      int line, struct lib_err *err);
void config_binding_release(struct config_binding *b);

/* --- Option tables (options.c) -------------------------------------------- */

enum config_opt_type {
	CONFIG_OPT_BOOL,
	CONFIG_OPT_NUMBER,
	CONFIG_OPT_STRING,
	CONFIG_OPT_PATH,
	CONFIG_OPT_ENUM,
	CONFIG_OPT_ADDRESS,
	CONFIG_OPT_URL,
	CONFIG_OPT_FINGERPRINT,
	CONFIG_OPT_COMMAND,
	CONFIG_OPT_SECRET, /* a password: only from a private file, wiped when freed */
	CONFIG_OPT_LIST,
};

#define CONFIG_OPT_REQUIRED 1u /* the value may not be empty */

/* One option: everything "set", the defaults and frankrc(5) need. */
struct config_option {
	const char *name;
	enum config_opt_type type;
	size_t offset;              /* in struct config_globals or config_account */
	const char *fallback;       /* the default as a value; NULL: unset */
	const char *doc_fallback;   /* what frankrc(5) says when fallback is not all */
	const char *const *values;  /* CONFIG_OPT_ENUM: the names, NULL-terminated */
	long min, max;              /* CONFIG_OPT_NUMBER */
	unsigned schemes;           /* CONFIG_OPT_URL: CONFIG_SCHEME_BIT()s */
	unsigned flags;
	/* Extra checks on the text of a value (each list item for a list). */
	int (*check)(const char *value, struct lib_err *err);
	const char *help;
};

/* The row named name in the global (account 0) or account table, or NULL. */
const struct config_option *config_option_find(int account, const char *name);
/* The global table row of o (for struct config's opt_origin), or -1; and
 * the number of rows. */
size_t config_option_global_index(const struct config_option *o);
size_t config_option_global_count(void);

/* Sets o in the struct at base from text.  Returns 0, or -1 with err set
 * to "NAME: what is wrong" (the value then unchanged). */
int config_option_set(const struct config_option *o, void *base, const char *text,
		      struct lib_err *err);
/* "set noNAME", "unset NAME", "toggle NAME", "reset NAME". */
int config_option_set_bool(const struct config_option *o, void *base, int value,
			   struct lib_err *err);
int config_option_unset(const struct config_option *o, void *base, struct lib_err *err);
int config_option_toggle(const struct config_option *o, void *base, struct lib_err *err);
void config_option_reset(const struct config_option *o, void *base);

/* Sets every option of a table to its default / frees what they hold. */
void config_options_init(int account, void *base);
void config_options_release(int account, void *base);

/* Puts home in place of a leading ~ of every path option of a table: the
 * defaults ("~/Mail") and quoted values, which the tokenizer left alone. */
void config_options_expand_home(int account, void *base, const char *home);

/* A name for an account or a keymap: letters, digits, '.', '-', '_'. */
int config_name_check(const char *value, struct lib_err *err);

/* Wipes and frees a string or buffer that may hold a secret; accepts NULL. */
void config_secret_free(char *s);
void config_buf_wipe(struct lib_buf *b);

/* --- Colors (color.c) ------------------------------------------------------ */

/* Parses the rest of a color line (OBJECT FG BG [PATTERN]) into cfg. */
int config_color_parse(struct config *cfg, struct config_words *w, const char *source,
		       int line, struct lib_err *err);
void config_color_release(struct config_color *c);

/* --- The configuration (parse.c) ------------------------------------------- */

/* The config's own copy of a file name, for origins. */
const char *config_file_intern(struct config *cfg, const char *file);

#endif
