#!/bin/sh
# pager_suspend.sh: ^Z suspends frank to the shell that started it (the
# terminal given back: the shell's prompt shows) and fg resumes it with
# the screen redrawn intact, from the index and from the pager.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
python3 tests/tools/gen-maildir --count 5 --seed 1 "$md" || { t_fail "generate the Maildir"; exit 1; }
printf 'set mailcap_path = ""\n' >"$T_TMP/rc"

# An interactive shell with job control, and a prompt to look for.
ui_start 100 30 "env PS1=SHELL-PROMPT-\\$\\  sh -i"
ui_wait "SHELL-PROMPT-" || t_fail "the shell starts"
ui_keys -l "./frank -F $T_TMP/rc -f $md"
ui_keys Enter
ui_expect "frank opens its index" "[Msgs:5"
ui_keys C-z
ui_expect "^Z gives the terminal back to the shell" "SHELL-PROMPT-"
ui_screen
t_lacks "the index is gone from the screen" "$T_TMP/screen" "[Msgs:5"
ui_keys -l "fg"
ui_keys Enter
ui_expect "fg brings the index back" "[Msgs:5"
ui_expect "its messages are drawn again" "Test message 5: "
ui_screen
t_check "the status bar is on its row" \
	sh -c "sed -n 29p '$T_TMP/screen' | grep -qF 'Msgs:5'"
t_lacks "no trace of the shell is left on the screen" "$T_TMP/screen" "SHELL-PROMPT-"
ui_keys j
ui_expect_gone "keys work after the resume (j moves on)" "ZZZ"

ui_keys Enter
ui_expect "the pager opens" "Subject: Test message"
ui_keys C-z
ui_expect "^Z from the pager" "SHELL-PROMPT-"
ui_keys -l "fg"
ui_keys Enter
ui_expect "fg brings the pager back" "Subject: Test message"
ui_screen
t_lacks "the pager is intact" "$T_TMP/screen" "SHELL-PROMPT-"
ui_keys q q
ui_expect "frank quits; the shell is back" "SHELL-PROMPT-"
ui_keys -l 'echo "status $?"'
ui_keys Enter
ui_expect "and frank exited 0" "status 0"
t_done
