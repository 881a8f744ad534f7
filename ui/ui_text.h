/* ui_text.h: text helpers of ui/ that need no curses (json.c, which the
 * fuzz target builds alone, uses them). */
#ifndef FRANK_UI_TEXT_H
#define FRANK_UI_TEXT_H

#include "lib.h"

/* Appends code point cp (at most U+10FFFF) to out as UTF-8. */
void ui_utf8_put(struct lib_buf *out, unsigned cp);

/* A sender's file name made safe to save in a folder: only its last
 * part (after any '/' or '\\'), no dot at the start (no hidden file, no
 * "." or ".."), control characters and bad bytes as '_', at most 200
 * bytes; "attachment" when nothing is left.  Caller frees. */
char *ui_safe_filename(const char *name);

#endif
