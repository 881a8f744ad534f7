/* color.c: "color OBJECT FOREGROUND BACKGROUND [PATTERN]", mutt's syntax.
 *
 *   color-line = "color" object fg bg [ pattern ]
 *   fg, bg     = "default" / base / "bright" base / "color" 1*3DIGIT  ; 0-255
 *   base       = "black" / "red" / "green" / "yellow" / "blue" / "magenta"
 *                / "cyan" / "white"
 * header and body take a POSIX extended regular expression, index a mutt
 * pattern (kept as text until the index implements patterns). */
#include "config_internal.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum pattern_rule { NO_PATTERN, REGEX, MUTT_PATTERN };

static const struct {
	enum config_color_object object;
	const char *name;
	enum pattern_rule pattern;
} objects[] = {
	{ CONFIG_COLOR_NORMAL, "normal", NO_PATTERN },
	{ CONFIG_COLOR_INDICATOR, "indicator", NO_PATTERN },
	{ CONFIG_COLOR_STATUS, "status", NO_PATTERN },
	{ CONFIG_COLOR_ERROR, "error", NO_PATTERN },
	{ CONFIG_COLOR_MESSAGE, "message", NO_PATTERN },
	{ CONFIG_COLOR_TREE, "tree", NO_PATTERN },
	{ CONFIG_COLOR_MARKERS, "markers", NO_PATTERN },
	{ CONFIG_COLOR_SEARCH, "search", NO_PATTERN },
	{ CONFIG_COLOR_TILDE, "tilde", NO_PATTERN },
	{ CONFIG_COLOR_HDRDEFAULT, "hdrdefault", NO_PATTERN },
	{ CONFIG_COLOR_QUOTED, "quoted", NO_PATTERN },
	{ CONFIG_COLOR_SIGNATURE, "signature", NO_PATTERN },
	{ CONFIG_COLOR_ATTACHMENT, "attachment", NO_PATTERN },
	{ CONFIG_COLOR_HEADER, "header", REGEX },
	{ CONFIG_COLOR_BODY, "body", REGEX },
	{ CONFIG_COLOR_INDEX, "index", MUTT_PATTERN },
};

#define NOBJECTS (sizeof objects / sizeof objects[0])

static const char *const base_colors[] = { "black", "red",     "green", "yellow",
					   "blue",  "magenta", "cyan",  "white" };

const char *config_color_object_name(enum config_color_object object)
{
	for (size_t i = 0; i < NOBJECTS; i++)
		if (objects[i].object == object)
			return objects[i].name;
	return "";
}

static int parse_color(const char *name, int *color, struct lib_err *err)
{
	if (strcasecmp(name, "default") == 0)
		return *color = CONFIG_COLOR_DEFAULT, 0;
	const char *base = name;
	int bright = strncasecmp(name, "bright", 6) == 0;
	base += bright ? 6 : 0;
	for (int i = 0; i < 8; i++)
		if (strcasecmp(base, base_colors[i]) == 0)
			return *color = i + (bright ? 8 : 0), 0;
	if (strncasecmp(name, "color", 5) == 0 && name[5]) {
		int n = 0;
		const char *p = name + 5;
		for (; *p >= '0' && *p <= '9' && n <= 255; p++)
			n = n * 10 + (*p - '0');
		if (!*p && n <= 255 && p - name <= 8)
			return *color = n, 0;
	}
	return lib_err_set(err, "unknown color: %s (default, black, red, green, yellow, blue, "
				"magenta, cyan, white, brightRED..., color0-color255)",
			   name);
}

#define REGEX_MAX_LEN 256
#define REGEX_MAX_COPIES 256

/* The number in "{n}", "{n,}" or "{n,m}" at p (after the '{') that makes
 * the most copies, capped; *end is set past the '}' or to the end. */
static long interval_copies(const char *p, const char **end)
{
	long n = 0, most = 0;
	for (; *p && *p != '}'; p++) {
		n = *p >= '0' && *p <= '9' ? n * 10 + (*p - '0') : 0;
		if (n > REGEX_MAX_COPIES)
			n = REGEX_MAX_COPIES + 1;
		if (n > most)
			most = n;
	}
	*end = *p ? p + 1 : p;
	return most + 1;
}

/* glibc's regcomp copies the expression under "+" once and under "{n,m}"
 * m times, so nested repetitions grow exponentially: a short hostile
 * pattern would take gigabytes.  Bound the length, and the product of the
 * copies of all repetitions (an upper bound on the growth). */
static int regex_bounded(const char *re, struct lib_err *err)
{
	if (strlen(re) > REGEX_MAX_LEN)
		return lib_err_set(err, "pattern too long (limit %d)", REGEX_MAX_LEN);
	long copies = 1;
	for (const char *p = re; *p;) {
		long factor = 1;
		if (*p == '\\' && p[1]) {
			p += 2;
			continue;
		}
		if (*p == '[') { /* a bracket expression: its +{ are plain */
			const char *q = p + 1 + (p[1] == '^');
			q += *q == ']';
			while (*q && *q != ']')
				q++;
			p = *q ? q + 1 : q;
			continue;
		}
		if (*p == '+')
			factor = 2, p++;
		else if (*p == '{')
			factor = interval_copies(p + 1, &p);
		else
			p++;
		copies *= factor;
		if (copies > REGEX_MAX_COPIES)
			return lib_err_set(err, "pattern too complex: its repetitions multiply "
						"past %d copies",
					   REGEX_MAX_COPIES);
	}
	return 0;
}

static int check_regex(const char *re, struct lib_err *err)
{
	if (regex_bounded(re, err) < 0)
		return -1;
	regex_t rx;
	int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &rx, msg, sizeof msg);
		return lib_err_set(err, "bad regular expression \"%s\": %s", re, msg);
	}
	regfree(&rx);
	return 0;
}

static int parse_words(struct config_words *w, struct lib_buf *word, size_t nword,
		       size_t *got, struct lib_err *err)
{
	*got = 0;
	for (size_t i = 0; i < nword; i++) {
		int rc = config_word_next(w, 0, &word[i], err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return 0;
		*got = i + 1;
	}
	return config_word_at_end(w) ? 0 : lib_err_set(err, "usage: color OBJECT FG BG [PATTERN]");
}

int config_color_parse(struct config *cfg, struct config_words *w, const char *source,
		       int line, struct lib_err *err)
{
	struct lib_buf word[4] = { LIB_BUF_INIT, LIB_BUF_INIT, LIB_BUF_INIT, LIB_BUF_INIT };
	struct config_color c = { CONFIG_COLOR_NORMAL, 0, 0, NULL, NULL, line };
	size_t got, obj = NOBJECTS;
	int rc = -1;
	if (parse_words(w, word, 4, &got, err) < 0)
		goto out;
	if (got < 3) {
		lib_err_set(err, "usage: color OBJECT FG BG [PATTERN]");
		goto out;
	}
	for (obj = 0; obj < NOBJECTS; obj++)
		if (strcmp(objects[obj].name, word[0].data) == 0)
			break;
	if (obj == NOBJECTS) {
		lib_err_set(err, "unknown color object: %s", word[0].data);
		goto out;
	}
	if (parse_color(word[1].data, &c.fg, err) < 0 || parse_color(word[2].data, &c.bg, err) < 0)
		goto out;
	if (objects[obj].pattern == NO_PATTERN && got == 4) {
		lib_err_set(err, "color %s takes no pattern", word[0].data);
		goto out;
	}
	if (objects[obj].pattern != NO_PATTERN && (got < 4 || !word[3].len)) {
		lib_err_set(err, "color %s needs a pattern", word[0].data);
		goto out;
	}
	if (objects[obj].pattern == REGEX && check_regex(word[3].data, err) < 0)
		goto out;
	c.object = objects[obj].object;
	c.pattern = got == 4 ? lib_xstrdup(word[3].data) : NULL;
	c.source = lib_xstrdup(source);
	cfg->colors = lib_xrealloc(cfg->colors, (cfg->ncolors + 1) * sizeof *cfg->colors);
	cfg->colors[cfg->ncolors++] = c;
	rc = 0;
out:
	for (size_t i = 0; i < 4; i++)
		lib_buf_release(&word[i]);
	return rc;
}

void config_color_release(struct config_color *c)
{
	free(c->pattern);
	free(c->source);
}
