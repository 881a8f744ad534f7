/* keymap.c: parsing "bind MENU KEY FUNCTION" lines, mutt's syntax. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KEYMAP_MAX_LINE 1024
#define KEYMAP_MAX_TOKENS 8

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

/* Splits a line into tokens: whitespace separates, '#' outside quotes starts
 * a comment, "double" quotes keep backslash escapes for config_key_parse,
 * 'single' quotes are literal.  Tokens are written into out (NUL-separated). */
static int tokenize(const char *line, char *out, char **tokens, int *ntokens,
		    struct lib_err *err)
{
	int n = 0;
	const char *p = line;
	char *o = out;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == KEYMAP_MAX_TOKENS)
			return lib_err_set(err, "too many words");
		tokens[n++] = o;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '"' || *p == '\'') {
				char q = *p++;
				while (*p && *p != q) {
					/* In double quotes \" is a quote; any other
					 * escape is kept whole for config_key_parse,
					 * so "\\" stays one escaped backslash. */
					if (q == '"' && *p == '\\' && p[1] == '"')
						p++;
					else if (q == '"' && *p == '\\' && p[1])
						*o++ = *p++;
					*o++ = *p++;
				}
				if (*p != q)
					return lib_err_set(err, "unterminated quote");
				p++;
			} else {
				*o++ = *p++;
			}
		}
		*o++ = '\0';
	}
	*ntokens = n;
	return 0;
}

static int valid_menu(const char *m)
{
	return strcmp(m, "index") == 0 || strcmp(m, "pager") == 0 || strcmp(m, "generic") == 0;
}

static void add_binding(struct config_keymap *km, const char *menu, size_t menu_len, int key,
			const char *function, int line)
{
	km->bindings = lib_xrealloc(km->bindings, (km->count + 1) * sizeof *km->bindings);
	struct config_binding *b = &km->bindings[km->count++];
	b->menu = lib_xstrndup(menu, menu_len);
	b->key = key;
	b->function = lib_xstrdup(function);
	b->line = line;
}

static int parse_bind(struct config_keymap *km, char **tok, int ntok, int line,
		      struct lib_err *err)
{
	struct lib_err kerr;
	if (ntok != 4)
		return lib_err_set(err, "usage: bind MENU KEY FUNCTION");
	int key;
	if (config_key_parse(tok[2], &key, &kerr) < 0)
		return lib_err_set(err, "%s", kerr.msg);
	/* Check every menu of the list before adding any binding. */
	for (const char *m = tok[1]; *m;) {
		size_t len = strcspn(m, ",");
		char name[32];
		if (len == 0 || len >= sizeof name)
			return lib_err_set(err, "bad menu list: %s", tok[1]);
		memcpy(name, m, len);
		name[len] = '\0';
		if (!valid_menu(name))
			return lib_err_set(err, "unknown menu: %s (menus: index, pager, generic)", name);
		m += len + (m[len] == ',');
	}
	for (const char *m = tok[1]; *m;) {
		size_t len = strcspn(m, ",");
		add_binding(km, m, len, key, tok[3], line);
		m += len + (m[len] == ',');
	}
	return 0;
}

int config_keymap_parse(struct config_keymap *km, const char *source, const char *text,
			size_t len, struct lib_err *err)
{
	if (!km->source)
		km->source = lib_xstrdup(source);
	int line = 0;
	size_t pos = 0;
	while (pos < len) {
		line++;
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - start) : len - pos;
		pos += llen + (nl != NULL);
		if (llen && start[llen - 1] == '\r')
			llen--;
		if (llen > KEYMAP_MAX_LINE)
			return lib_err_set(err, "%s:%d: line too long (limit %d)", source, line,
					   KEYMAP_MAX_LINE);
		if (memchr(start, '\0', llen))
			return lib_err_set(err, "%s:%d: NUL byte in line", source, line);
		char buf[KEYMAP_MAX_LINE + 1], toks[KEYMAP_MAX_LINE + KEYMAP_MAX_TOKENS + 1];
		memcpy(buf, start, llen);
		buf[llen] = '\0';
		char *tok[KEYMAP_MAX_TOKENS];
		int ntok = 0;
		struct lib_err lerr;
		if (tokenize(buf, toks, tok, &ntok, &lerr) < 0)
			return lib_err_set(err, "%s:%d: %s", source, line, lerr.msg);
		if (ntok == 0)
			continue;
		if (strcmp(tok[0], "bind") != 0)
			return lib_err_set(err, "%s:%d: unknown command: %s", source, line, tok[0]);
		if (parse_bind(km, tok, ntok, line, &lerr) < 0)
			return lib_err_set(err, "%s:%d: %s", source, line, lerr.msg);
	}
	return 0;
}

void config_keymap_release(struct config_keymap *km)
{
	for (size_t i = 0; i < km->count; i++) {
		free(km->bindings[i].menu);
		free(km->bindings[i].function);
	}
	free(km->bindings);
	free(km->source);
	memset(km, 0, sizeof *km);
}
