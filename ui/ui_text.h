/* ui_text.h: text helpers of ui/ that need no curses (json.c, which the
 * fuzz target builds alone, uses them). */
#ifndef FRANK_UI_TEXT_H
#define FRANK_UI_TEXT_H

#include "lib.h"

/* Appends code point cp (at most U+10FFFF) to out as UTF-8. */
void ui_utf8_put(struct lib_buf *out, unsigned cp);

#endif
