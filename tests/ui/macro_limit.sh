#!/bin/sh
# macro_limit.sh: macros from the frankrc (mutt's syntax: <function>
# names, <key> names, ^X and \n escapes) push their keys into the input:
# one limits the index by a notmuch query, one undoes it, one opens the
# first message from the index; the help screen lists them.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
. tests/ui/mailroot.lib
mailroot_make || { t_fail "make the mail root"; exit 1; }
cat >>"$RC" <<'MACROS'
macro index X "<limit>^Uproperty:frank.badge=failed\n" "only the failed"
macro index A "<limit>\Cuall<enter>"
macro index O "<first-entry><display-message>" "open the oldest"
macro pager B "<exit>"
MACROS

ui_start 120 30 "./frank -F $RC"
ui_expect "the index opens" "frank: work/INBOX [Msgs:10"
ui_keys X
ui_expect "the macro limits the index by its query" \
	"[Msgs:2 Unread:2] (limit: property:frank.badge=failed)"
ui_screen
t_contains "the altered message is listed" "$T_TMP/screen" "altered lunch"
t_contains "the forged message is listed" "$T_TMP/screen" "forged lunch"
t_lacks "the verified ones are not" "$T_TMP/screen" "signed lunch"
ui_keys A
ui_expect "a macro with <enter> and \\Cu takes the limit off" "[Msgs:10"
ui_keys O
ui_expect "a macro of two functions opens the oldest message" "Subject: signed lunch"
ui_keys B
ui_expect "a pager macro leaves the pager" "[Msgs:10"
ui_keys '?' End
ui_expect "help lists the index's macros" "Macros:"
ui_expect "with the sequence as written and its description" \
	'X            macro "<limit>^Uproperty:frank.badge=failed\n"  only the failed'
ui_screen
t_lacks "help lists only this menu's macros" "$T_TMP/screen" '"<exit>"'
ui_keys q q
ui_expect "frank quits" "exited with 0"
t_done
