#!/bin/sh
# pager_lazy.sh: the pager steps through a whole lazy list (the date
# order reads messages as they are asked for): opened on the oldest of
# 300 messages, 150 times next-message reaches the 151st, far past the
# messages the index had read, and 150 times previous-message comes back.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
python3 tests/tools/gen-maildir --count 300 --seed 6 "$md" >/dev/null ||
	{ t_fail "generate the Maildir"; exit 1; }
: >"$T_TMP/rc"
ui_start 100 30 "./frank -F $T_TMP/rc -f $md"
ui_expect "the index opens on the newest" "Test message 300: "
ui_keys '='
ui_expect "first-entry goes to the oldest" "Test message 1: "
ui_keys Enter
ui_expect "the pager opens message 1" "1/300: Test message 1: "
ui_keys -N 150 J
ui_wait "151/300: " 60
ui_expect "150 times next-message shows message 151" "Subject: Test message 151: "
ui_expect "and says where it is in the folder" "151/300: Test message 151: "
ui_keys -N 150 K
ui_wait "1/300: " 60
ui_expect "150 times previous-message comes back to message 1" "Subject: Test message 1: "
ui_keys q
ui_expect "leaving the pager, the index is on message 1" "[Msgs:300"
ui_screen
t_check "with the cursor on its line" grep -q '^ *1 .*Test message 1: ' "$T_TMP/screen"
ui_keys q
ui_expect "frank quits" "exited with 0"
t_done
