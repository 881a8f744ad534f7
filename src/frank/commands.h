/* commands.h: private to src/frank.  frank's non-interactive commands,
 * each run as "frank NAME ARGS..." with argv[0] the command's name, and
 * what they share with main.c.  Each returns the exit status: 0 when it
 * ran, 1 when something it was given could not be used, 2 on a usage
 * error. */
#ifndef FRANK_COMMANDS_H
#define FRANK_COMMANDS_H

#include "config.h"
#include "lib.h"

/* frank verify: cmd_verify.c. */
int frank_cmd_verify(int argc, char **argv);
/* frank dkim-keygen: cmd_dkim.c. */
int frank_cmd_dkim_keygen(int argc, char **argv);
/* frank sync: cmd_sync.c. */
int frank_cmd_sync(int argc, char **argv);
/* frank dnscheck: cmd_dnscheck.c. */
int frank_cmd_dnscheck(int argc, char **argv);
/* frank send: cmd_send.c.  0 sent, 1 not sent (the reason on standard
 * error), 2 a usage error. */
int frank_cmd_send(int argc, char **argv);

/* The configuration file: rcfile (-F) when given, else
 * $XDG_CONFIG_HOME/frank/frankrc (~/.config/frank/frankrc), else
 * ~/.frankrc; NULL when none exists.  Caller frees. */
char *frank_find_rc(const char *rcfile);

/* Where "set keymap = NAME" finds NAME.keys, NULL-terminated; the caller
 * frees the first entry. */
void frank_keymap_dirs(const char *argv0, const char *dirs[3]);

/* The configuration every command reads: frank_find_rc(rcfile), with
 * "set keymap" looked up in frank_keymap_dirs(argv0).  NULL with err set
 * ("file:line: message").  Caller frees with config_free(). */
struct config *frank_config_load(const char *rcfile, const char *argv0, struct lib_err *err);

/* The folder of the running binary (caller frees): where a build tree's
 * keymaps/ and demo/ are. */
char *frank_exe_dir(const char *argv0);

/* frank --demo [run|start|stop]: runs demo/frank-demo.sh (cmd_demo.c);
 * returns only on an error. */
int frank_cmd_demo(int argc, char **argv, const char *argv0);

#endif
