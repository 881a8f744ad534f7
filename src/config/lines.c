/* lines.c: files in the frankrc syntax read as words, for configuration
 * files whose commands are not frank's own (frankd.conf).  The tokenizer is
 * token.c's: the same quoting, escapes, comments and continuation lines. */
#include "config_internal.h"

#include <stdlib.h>

static void line_release(struct config_line *l)
{
	for (size_t i = 0; i < l->count; i++)
		config_secret_free(l->words[i]); /* a word may be a secret */
	free(l->words);
}

void config_lines_release(struct config_lines *lines)
{
	if (!lines)
		return;
	for (size_t i = 0; i < lines->count; i++)
		line_release(&lines->lines[i]);
	free(lines->lines);
	lines->lines = NULL;
	lines->count = 0;
}

/* The words of one logical line into l; 0, or -1 with err set. */
static int split_words(const char *text, const struct config_host *host, struct config_line *l,
		       struct lib_err *err)
{
	struct config_words w = { text, host, host != NULL };
	struct lib_buf word = LIB_BUF_INIT;
	int rc;
	while ((rc = config_word_next(&w, 0, &word, err)) > 0) {
		if (l->count == CONFIG_LINE_MAX_WORDS) {
			rc = lib_err_set(err, "too many words on a line (limit %d)",
					 CONFIG_LINE_MAX_WORDS);
			break;
		}
		l->words = lib_xrealloc(l->words, (l->count + 1) * sizeof *l->words);
		l->words[l->count++] = lib_buf_take(&word);
	}
	config_buf_wipe(&word);
	return rc;
}

int config_lines_parse(const char *source, const char *text, size_t len,
		       const struct config_host *host, struct config_lines *out,
		       struct lib_err *err)
{
	struct config_lexer lx = { text, len, 0, 0 };
	struct lib_buf line = LIB_BUF_INIT;
	struct config_lines got = { NULL, 0 };
	struct lib_err e;
	int lineno = 0, rc;
	while ((rc = config_lexer_next(&lx, &line, &lineno, &e)) > 0) {
		struct config_line l = { lineno, NULL, 0 };
		if (split_words(line.data, host, &l, &e) < 0) {
			line_release(&l);
			rc = -1;
			break;
		}
		if (l.count == 0)
			continue; /* blank or a comment */
		got.lines = lib_xrealloc(got.lines, (got.count + 1) * sizeof *got.lines);
		got.lines[got.count++] = l;
	}
	config_buf_wipe(&line);
	if (rc < 0) {
		config_lines_release(&got);
		return lib_err_set(err, "%s:%d: %s", source, lineno, e.msg);
	}
	*out = got;
	return 0;
}
