/* json.c: a JSON reader (RFC 8259) for verdict files: recursive descent,
 * depth-limited, every error a byte offset and a word.
 *
 *   value  = ws ( object / array / string / number / "true" / "false" /
 *            "null" ) ws
 *   object = "{" ws [ string ws ":" value *( "," ws string ws ":" value ) ] "}"
 *   array  = "[" ws [ value *( "," value ) ] "]"
 *   number = [ "-" ] int [ frac ] [ exp ]
 *   string = %x22 *char %x22 ; char: unescaped >= %x20, or \ " \ / b f n r t uXXXX
 */
#include "ui_json.h"
#include "ui_text.h"

#include <stdlib.h>
#include <string.h>

struct reader {
	const char *s;
	size_t len, pos;
	struct lib_err *err;
	int failed;
};

static int fail(struct reader *r, const char *what)
{
	if (!r->failed)
		lib_err_set(r->err, "JSON: byte %zu: %s", r->pos, what);
	r->failed = 1;
	return -1;
}

static void skip_ws(struct reader *r)
{
	while (r->pos < r->len && strchr(" \t\r\n", r->s[r->pos]) && r->s[r->pos])
		r->pos++;
}

static int peek(struct reader *r)
{
	return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static int hex4(struct reader *r, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int c = peek(r);
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return fail(r, "bad \\u escape");
		v = v << 4 | d;
		r->pos++;
	}
	*out = v;
	return 0;
}

/* \uXXXX, with a surrogate pair joined; anything else unpaired is U+FFFD. */
static int unicode_escape(struct reader *r, struct lib_buf *b)
{
	unsigned cp;
	if (hex4(r, &cp) < 0)
		return -1;
	if (cp >= 0xD800 && cp < 0xDC00 && r->pos + 1 < r->len && r->s[r->pos] == '\\' &&
	    r->s[r->pos + 1] == 'u') {
		size_t at = r->pos;
		unsigned lo;
		r->pos += 2;
		if (hex4(r, &lo) < 0)
			return -1;
		if (lo >= 0xDC00 && lo < 0xE000)
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		else
			r->pos = at;
	}
	if (cp == 0 || (cp >= 0xD800 && cp < 0xE000))
		cp = 0xFFFD;
	ui_utf8_put(b, cp);
	return 0;
}

static int read_string(struct reader *r, char **out)
{
	struct lib_buf b = LIB_BUF_INIT;
	r->pos++; /* the opening quote */
	for (;;) {
		int c = peek(r);
		if (c < 0) {
			lib_buf_release(&b);
			return fail(r, "unterminated string");
		}
		r->pos++;
		if (c == '"')
			break;
		if (c < 0x20) {
			lib_buf_release(&b);
			return fail(r, "control character in a string");
		}
		if (c != '\\') {
			lib_buf_putc(&b, (char)c);
			continue;
		}
		c = peek(r);
		r->pos++;
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
		const char *hit = c > 0 ? strchr(from, c) : NULL;
		if (hit) {
			lib_buf_putc(&b, to[hit - from]);
		} else if (c == 'u') {
			if (unicode_escape(r, &b) < 0) {
				lib_buf_release(&b);
				return -1;
			}
		} else {
			lib_buf_release(&b);
			return fail(r, "bad escape");
		}
	}
	/* Clean UTF-8 only: the text goes to a terminal. */
	struct lib_buf clean = LIB_BUF_INIT;
	lib_utf8_sanitize(b.data ? b.data : "", b.len, &clean);
	lib_buf_release(&b);
	*out = lib_buf_take(&clean);
	return 0;
}

static int read_number(struct reader *r, double *out)
{
	size_t start = r->pos;
	if (peek(r) == '-')
		r->pos++;
	if (peek(r) < '0' || peek(r) > '9')
		return fail(r, "bad number");
	while (r->pos < r->len && strchr("0123456789+-.eE", r->s[r->pos]) && r->s[r->pos])
		r->pos++;
	char tmp[64];
	size_t n = r->pos - start;
	if (n >= sizeof tmp)
		return fail(r, "number too long");
	memcpy(tmp, r->s + start, n);
	tmp[n] = '\0';
	char *end;
	*out = strtod(tmp, &end);
	if (*end)
		return fail(r, "bad number");
	return 0;
}

static int literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);
	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0)
		return fail(r, "unexpected character");
	r->pos += n;
	return 0;
}

static struct ui_json *read_value(struct reader *r, int depth);

static void add_item(struct ui_json *v, char *key, struct ui_json *item)
{
	v->items = lib_xrealloc(v->items, (v->count + 1) * sizeof *v->items);
	if (v->type == UI_JSON_OBJECT)
		v->keys = lib_xrealloc(v->keys, (v->count + 1) * sizeof *v->keys);
	v->items[v->count] = item;
	if (v->type == UI_JSON_OBJECT)
		v->keys[v->count] = key;
	v->count++;
}

/* The members of an object or the elements of an array, after its open. */
static int read_container(struct reader *r, struct ui_json *v, int depth)
{
	int close = v->type == UI_JSON_OBJECT ? '}' : ']';
	r->pos++;
	skip_ws(r);
	if (peek(r) == close) {
		r->pos++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		if (v->type == UI_JSON_OBJECT) {
			skip_ws(r);
			if (peek(r) != '"')
				return fail(r, "expected a member name");
			if (read_string(r, &key) < 0)
				return -1;
			skip_ws(r);
			if (peek(r) != ':') {
				free(key);
				return fail(r, "expected ':'");
			}
			r->pos++;
		}
		struct ui_json *item = read_value(r, depth + 1);
		if (!item) {
			free(key);
			return -1;
		}
		add_item(v, key, item);
		int c = peek(r);
		if (c != close && c != ',')
			return fail(r, "expected ',' or the end of a list");
		r->pos++;
		if (c == close)
			return 0;
	}
}

static struct ui_json *read_value(struct reader *r, int depth)
{
	if (depth > UI_JSON_MAX_DEPTH)
		return fail(r, "nested too deep"), NULL;
	skip_ws(r);
	struct ui_json *v = lib_xcalloc(1, sizeof *v);
	int c = peek(r), rc;
	if (c == '{' || c == '[') {
		v->type = c == '{' ? UI_JSON_OBJECT : UI_JSON_ARRAY;
		rc = read_container(r, v, depth);
	} else if (c == '"') {
		v->type = UI_JSON_STRING;
		rc = read_string(r, &v->string);
	} else if (c == 't' || c == 'f') {
		v->type = UI_JSON_BOOL;
		v->boolean = c == 't';
		rc = literal(r, c == 't' ? "true" : "false");
	} else if (c == 'n') {
		rc = literal(r, "null");
	} else {
		v->type = UI_JSON_NUMBER;
		rc = read_number(r, &v->number);
	}
	if (rc < 0) {
		ui_json_free(v);
		return NULL;
	}
	skip_ws(r);
	return v;
}

struct ui_json *ui_json_parse(const char *text, size_t len, struct lib_err *err)
{
	struct reader r = { text, len, 0, err, 0 };
	struct ui_json *v = read_value(&r, 0);
	if (v && r.pos != len) {
		fail(&r, "text after the value");
		ui_json_free(v);
		return NULL;
	}
	return v;
}

void ui_json_free(struct ui_json *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->count; i++) {
		ui_json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

const struct ui_json *ui_json_get(const struct ui_json *v, const char *key)
{
	if (!v || v->type != UI_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->count; i++)
		if (strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

const char *ui_json_str(const struct ui_json *v, const char *key)
{
	const struct ui_json *m = ui_json_get(v, key);
	return m && m->type == UI_JSON_STRING ? m->string : NULL;
}

double ui_json_num(const struct ui_json *v, const char *key, double def)
{
	const struct ui_json *m = ui_json_get(v, key);
	return m && m->type == UI_JSON_NUMBER ? m->number : def;
}

int ui_json_true(const struct ui_json *v, const char *key)
{
	const struct ui_json *m = ui_json_get(v, key);
	return m && m->type == UI_JSON_BOOL && m->boolean;
}
