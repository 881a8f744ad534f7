/* ui.h: the face of ui/, frank's curses screens.  The only part of frank
 * that includes curses; it reads the local store and never the network. */
#ifndef FRANK_UI_H
#define FRANK_UI_H

#include "config.h"
#include "lib.h"
#include "store.h"

/* The default key map (keymaps/default.keys, compiled in). */
extern const char ui_default_keys[];

/* Checks that every binding names a function its menu has.  Returns -1 with
 * err set to "source:line: message" for the first that does not. */
int ui_keymap_check(const struct config_keymap *km, struct lib_err *err);

/* Runs the index and pager over the store until the user quits.  extra may
 * be NULL; its bindings override the defaults.  Returns 0, or -1 with err
 * set when the terminal cannot be used. */
int ui_run(struct store *store, const struct config_keymap *extra, struct lib_err *err);

#endif
