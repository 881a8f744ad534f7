#!/bin/sh
# index_lazy.sh: the index of a folder large enough (4200 messages) that
# frank reads it lazily from a window of its newest messages: the first
# screen, the hint saved for the next start (with the counts, used while
# the index is unchanged), a jump to the oldest and
# paging back (the query run again), a search through messages never
# shown (wrapping), and a second start that uses the hint; then a custom
# index_format.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
python3 tests/tools/gen-maildir --count 4200 --seed 4 "$md" >/dev/null ||
	{ t_fail "generate the Maildir"; exit 1; }
: >"$T_TMP/rc"
ui_start 100 30 "./frank -F $T_TMP/rc -f $md"
# frank -f indexes the 4200 files first: give it time.
ui_wait "Test message 4200: " 300
ui_expect "the index opens on the newest of 4200 messages" "Test message 4200: "
ui_expect "the status bar counts them" "[Msgs:4200 Unread:"
t_check "the date of the window of newest messages is saved for the next start" \
	grep -Eq '^v2 [0-9]+ [0-9]+ [^ ]+ 4200 [0-9]+ \*$' "$md/.frank-index-hints"

ui_keys '='
ui_expect "first-entry reads the oldest message" "Test message 1: "
ui_keys PageDown
ui_expect "page down, toward newer mail, runs the query again" "Test message 28: "
ui_expect_gone "and leaves the first screen" "Test message 1: "
ui_keys /
ui_expect "/ asks what to search for" "Search for:"
ui_keys -l "Test message 17:"
ui_keys Enter
ui_expect "the search wraps to the top" "Search wrapped to top."
ui_expect "and finds a message it had not read" "Test message 17: "
ui_keys /
ui_keys C-u
ui_keys -l "Test message 3000:"
ui_keys Enter
ui_expect "a search finds a message outside the window of the newest" "Test message 3000: "
ui_keys q
ui_expect "frank quits" "exited with 0"
ui_tmux kill-server 2>/dev/null

cat >"$T_TMP/rc" <<'EOF2'
set index_format = "[%-6.6L] %{%Y-%m-%d} %?X?att&---? %s"
EOF2
ui_start 100 30 "./frank -F $T_TMP/rc -f $md"
ui_wait "Test message 4200: " 120
ui_expect "the second start shows the newest again" "Test message 4200: "
ui_expect "in the user's index_format: sender cut, strftime date, a conditional" \
	"] 2024-"
ui_screen
t_check "each line is laid out as the format says" \
	grep -Eq '^\[[^]]+\] 2024-[0-9]{2}-[0-9]{2} (att|---) Test message 4[0-9]{3}: ' "$T_TMP/screen"
ui_keys q
ui_expect "frank quits" "exited with 0"
ui_tmux kill-server 2>/dev/null

# The hint keeps the counts with a stamp of the index: a message removed
# (nothing else changed) must not leave the old count standing.
rm "$(ls "$md"/cur/*.M4199P*)"
sleep 1
ui_start 100 30 "./frank -F $T_TMP/rc -f $md"
ui_wait "Test message 4200" 120
ui_expect "after a message is removed the count follows" "[Msgs:4199"
ui_screen
t_lacks "and message 4199 is gone" "$T_TMP/screen" "Test message 4199:"
ui_keys q
ui_expect "frank quits" "exited with 0"
t_check "the hint has the new count" \
	grep -Eq '^v2 [0-9]+ [0-9]+ [^ ]+ 4199 [0-9]+ \*$' "$md/.frank-index-hints"
t_done
