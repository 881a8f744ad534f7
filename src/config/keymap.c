/* keymap.c: parsing "bind MENU KEY FUNCTION" lines, mutt's syntax. */
#include "config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{ "up", CONFIG_KEY_UP },
	{ "down", CONFIG_KEY_DOWN },
	{ "left", CONFIG_KEY_LEFT },
	{ "right", CONFIG_KEY_RIGHT },
	{ "pageup", CONFIG_KEY_PAGEUP },
	{ "pagedown", CONFIG_KEY_PAGEDOWN },
	{ "home", CONFIG_KEY_HOME },
	{ "end", CONFIG_KEY_END },
	{ "enter", CONFIG_KEY_ENTER },
	{ "return", '\r' },
	{ "space", ' ' },
	{ "tab", '\t' },
	{ "esc", 27 },
	{ "backspace", CONFIG_KEY_BACKSPACE },
	{ "delete", CONFIG_KEY_DELETE },
	{ "insert", CONFIG_KEY_INSERT },
};

static int parse_named_key(const char *name, size_t len, int *key)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++) {
		/* Case-insensitive, as mutt: <PageDown> and <pagedown> are one key. */
		if (strlen(named_keys[i].name) == len && strncasecmp(named_keys[i].name, name, len) == 0) {
			*key = named_keys[i].key;
			return 0;
		}
	}
	if (len >= 2 && len <= 3 && (name[0] == 'f' || name[0] == 'F')) {
		int n = 0;
		for (size_t i = 1; i < len; i++) {
			if (name[i] < '0' || name[i] > '9')
				return -1;
			n = n * 10 + (name[i] - '0');
		}
		if (n >= 1 && n <= 12) {
			*key = CONFIG_KEY_F0 + n;
			return 0;
		}
	}
	return -1;
}

static int control_key(char c, int *key)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c < '@' || c > '_')
		return -1;
	*key = c - '@';
	return 0;
}

int config_key_parse(const char *text, int *key, struct lib_err *err)
{
	size_t len = strlen(text);
	if (len == 0)
		return lib_err_set(err, "empty key");
	if (text[0] == '<' && len > 2 && text[len - 1] == '>') {
		if (parse_named_key(text + 1, len - 2, key) == 0)
			return 0;
		return lib_err_set(err, "unknown key name: %s", text);
	}
	if ((text[0] == '^' && len == 2) ||
	    (text[0] == '\\' && (text[1] == 'C' || text[1] == 'c') && len == 3)) {
		if (control_key(text[len - 1], key) == 0)
			return 0;
		return lib_err_set(err, "not a control key: %s", text);
	}
	if (text[0] == '\\' && len == 2) {
		switch (text[1]) {
		case 'n': *key = '\n'; return 0;
		case 'r': *key = '\r'; return 0;
		case 't': *key = '\t'; return 0;
		case 'e': *key = 27; return 0;
		case '\\': *key = '\\'; return 0;
		default: return lib_err_set(err, "unknown escape in key: %s", text);
		}
	}
	unsigned cp;
	size_t n = lib_utf8_decode((const unsigned char *)text, len, &cp);
	if (n == 0 || n != len)
		return lib_err_set(err, "key sequences are not supported, one key per bind: %s", text);
	if (cp < 0x20 || cp == 0x7F)
		return lib_err_set(err, "write control keys as ^X or \\CX");
	*key = (int)cp;
	return 0;
}

void config_key_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++) {
		if (named_keys[i].key == key) {
			snprintf(buf, size, "<%s>", named_keys[i].name);
			return;
		}
	}
	if (key > CONFIG_KEY_F0 && key <= CONFIG_KEY_F0 + 12)
		snprintf(buf, size, "<f%d>", key - CONFIG_KEY_F0);
	else if (key == '\n')
		snprintf(buf, size, "\\n");
	else if (key >= 0 && key < 0x20)
		snprintf(buf, size, "^%c", key + '@');
	else if (key < 0x80)
		snprintf(buf, size, "%c", key);
	else if (key < 0x800)
		snprintf(buf, size, "%c%c", 0xC0 | (key >> 6), 0x80 | (key & 0x3F));
	else if (key < 0x10000)
		snprintf(buf, size, "%c%c%c", 0xE0 | (key >> 12), 0x80 | ((key >> 6) & 0x3F),
			 0x80 | (key & 0x3F));
	else if (key < 0x110000)
		snprintf(buf, size, "%c%c%c%c", 0xF0 | (key >> 18), 0x80 | ((key >> 12) & 0x3F),
			 0x80 | ((key >> 6) & 0x3F), 0x80 | (key & 0x3F));
	else
		snprintf(buf, size, "<key %d>", key);
}

/* mutt's menus, and frank's own: verify (the verification view) and url
 * (the URL list). */
static const char *const menus[] = { "index",  "pager",	 "attach", "compose",
				     "verify", "url", "generic", NULL };

static int valid_menu(const char *m)
{
	for (size_t i = 0; menus[i]; i++)
		if (strcmp(m, menus[i]) == 0)
			return 1;
	return 0;
}

int config_menu_list_check(const char *list, struct lib_err *err)
{
	size_t n = strlen(list);
	if (n == 0 || list[n - 1] == ',')
		return lib_err_set(err, "bad menu list: %s", list);
	for (const char *m = list; *m;) {
		size_t len = strcspn(m, ",");
		char name[32];
		if (len == 0 || len >= sizeof name)
			return lib_err_set(err, "bad menu list: %s", list);
		memcpy(name, m, len);
		name[len] = '\0';
		if (!valid_menu(name))
			return lib_err_set(err, "unknown menu: %s (menus: index, pager, attach, "
					   "compose, verify, url, generic)", name);
		m += len + (m[len] == ',');
	}
	return 0;
}

static void add_binding(struct config_keymap *km, const char *menu, size_t menu_len, int key,
			const char *function, const char *source, int line)
{
	km->bindings = lib_xrealloc(km->bindings, (km->count + 1) * sizeof *km->bindings);
	struct config_binding *b = &km->bindings[km->count++];
	b->menu = lib_xstrndup(menu, menu_len);
	b->key = key;
	b->function = lib_xstrdup(function);
	b->source = lib_xstrdup(source);
	b->line = line;
}

void config_binding_release(struct config_binding *b)
{
	free(b->menu);
	free(b->function);
	free(b->source);
}

/* bind MENU KEY FUNCTION, after the word "bind". */
int config_bind_parse(struct config_keymap *km, struct config_words *w, const char *source,
		      int line, struct lib_err *err)
{
	struct lib_buf menu = LIB_BUF_INIT, keyw = LIB_BUF_INIT, fn = LIB_BUF_INIT;
	int key, rc = -1;
	if (config_word_next(w, 0, &menu, err) < 0 ||
	    config_word_next(w, CONFIG_WORD_KEY, &keyw, err) < 0 ||
	    config_word_next(w, 0, &fn, err) < 0)
		goto out;
	if (!fn.len || !config_word_at_end(w)) {
		lib_err_set(err, "usage: bind MENU KEY FUNCTION");
		goto out;
	}
	if (config_key_parse(keyw.data, &key, err) < 0 ||
	    config_menu_list_check(menu.data, err) < 0)
		goto out;
	for (const char *m = menu.data; *m;) {
		size_t len = strcspn(m, ",");
		add_binding(km, m, len, key, fn.data, source, line);
		m += len + (m[len] == ',');
	}
	rc = 0;
out:
	lib_buf_release(&menu);
	lib_buf_release(&keyw);
	lib_buf_release(&fn);
	return rc;
}

int config_keymap_parse(struct config_keymap *km, const char *source, const char *text,
			size_t len, struct lib_err *err)
{
	if (!km->source)
		km->source = lib_xstrdup(source);
	struct config_lexer lx = { text, len, 0, 0 };
	struct lib_buf line = LIB_BUF_INIT, word = LIB_BUF_INIT;
	struct lib_err lerr;
	int lineno = 0, rc;
	while ((rc = config_lexer_next(&lx, &line, &lineno, &lerr)) > 0) {
		struct config_words w = { line.data, NULL, 0 };
		rc = config_word_next(&w, 0, &word, &lerr);
		if (rc == 0)
			continue;
		if (rc > 0 && strcmp(word.data, "bind") != 0)
			rc = lib_err_set(&lerr, "unknown command: %s", word.data);
		else if (rc > 0)
			rc = config_bind_parse(km, &w, source, lineno, &lerr);
		if (rc < 0)
			break;
	}
	lib_buf_release(&line);
	lib_buf_release(&word);
	if (rc < 0)
		return lib_err_set(err, "%s:%d: %s", source, lineno, lerr.msg);
	return 0;
}

void config_keymap_release(struct config_keymap *km)
{
	for (size_t i = 0; i < km->count; i++)
		config_binding_release(&km->bindings[i]);
	free(km->bindings);
	free(km->source);
	memset(km, 0, sizeof *km);
}

/* --- macro sequences --------------------------------------------------------
 *
 * What a macro's keys are, as mutt reads them (muttrc(5) "macro"):
 *
 *   sequence = *( function / named-key / escape / control / char )
 *   function = "<" 1*( %x61-7A / DIGIT / "-" ) ">"   ; <limit>, not a key name
 *   named-key = "<" key-name ">"                       ; <enter>, <pagedown>, <f5>
 *   escape   = "\" ( "n" / "r" / "t" / "e" / "\" / "C" char / char )
 *   control  = "^" char                               ; ^G
 *   char     = a UTF-8 character; a "<" that starts neither is itself */

static int is_function_name(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static void add_step(struct config_macro_step **steps, size_t *count, int key,
		     const char *function, size_t function_len)
{
	*steps = lib_xrealloc(*steps, (*count + 1) * sizeof **steps);
	(*steps)[*count].key = key;
	(*steps)[*count].function = function ? lib_xstrndup(function, function_len) : NULL;
	(*count)++;
}

/* One "\x" escape at p[0] == '\\'; returns the bytes it takes. */
static size_t macro_escape(const char *p, int *key)
{
	switch (p[1]) {
	case 'n': *key = '\n'; return 2;
	case 'r': *key = '\r'; return 2;
	case 't': *key = '\t'; return 2;
	case 'e': *key = 27; return 2;
	case 'C':
	case 'c':
		if (p[2] && control_key(p[2], key) == 0)
			return 3;
		break;
	default: break;
	}
	unsigned cp;
	size_t n = p[1] ? lib_utf8_decode((const unsigned char *)p + 1, strlen(p + 1), &cp) : 0;
	*key = n ? (int)cp : '\\';
	return n ? n + 1 : 1;
}

static int steps_fail(struct config_macro_step **steps, size_t *count, struct lib_err *err,
		      const char *why)
{
	config_macro_steps_free(*steps, *count);
	*steps = NULL;
	*count = 0;
	return lib_err_set(err, "%s", why);
}

int config_macro_steps(const char *seq, struct config_macro_step **steps, size_t *count,
		       struct lib_err *err)
{
	*steps = NULL;
	*count = 0;
	for (const char *p = seq; *p;) {
		if (*count >= CONFIG_MACRO_MAX_STEPS)
			return steps_fail(steps, count, err, "macro longer than 1024 keys");
		int key;
		const char *close = *p == '<' ? strchr(p, '>') : NULL;
		if (close && parse_named_key(p + 1, (size_t)(close - p - 1), &key) == 0) {
			add_step(steps, count, key, NULL, 0);
			p = close + 1;
		} else if (close && is_function_name(p + 1, (size_t)(close - p - 1))) {
			add_step(steps, count, 0, p + 1, (size_t)(close - p - 1));
			p = close + 1;
		} else if (*p == '\\') {
			p += macro_escape(p, &key);
			add_step(steps, count, key, NULL, 0);
		} else if (*p == '^' && p[1] && control_key(p[1], &key) == 0) {
			add_step(steps, count, key, NULL, 0);
			p += 2;
		} else {
			unsigned cp;
			size_t n = lib_utf8_decode((const unsigned char *)p, strlen(p), &cp);
			if (n == 0)
				return steps_fail(steps, count, err, "macro is not UTF-8");
			add_step(steps, count, (int)cp, NULL, 0);
			p += n;
		}
	}
	return 0;
}

void config_macro_steps_free(struct config_macro_step *steps, size_t count)
{
	for (size_t i = 0; steps && i < count; i++)
		free(steps[i].function);
	free(steps);
}
