/* ui.h: the face of ui/, frank's curses screens.  The only part of frank
 * that includes curses; it reads the local store and never the network. */
#ifndef FRANK_UI_H
#define FRANK_UI_H

#include "config.h"
#include "lib.h"
#include "store.h"

/* The default key map (keymaps/default.keys, compiled in): its lines,
 * each ending in "\n", then NULL. */
extern const char *const ui_default_keys[];

/* Checks that every binding names a function its menu has.  Returns -1 with
 * err set to "source:line: message" for the first that does not. */
int ui_keymap_check(const struct config_keymap *km, struct lib_err *err);

/* Runs the client over the view until the user quits, starting on the
 * messages of query (label names it in the status bar).  cfg gives the
 * accounts, options, colours and the user's bindings (over the defaults);
 * ":" commands change it.  Returns 0, or -1 with err set when the terminal
 * cannot be used or the first query fails. */
int ui_run(struct store_view *view, struct config *cfg, const char *query, const char *label,
	   struct lib_err *err);

#endif
