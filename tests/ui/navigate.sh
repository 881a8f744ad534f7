#!/bin/sh
# navigate.sh: the index over a mail root: threads (notmuch's) collapsed
# and expanded, sort, limit by a notmuch query, search, next unread,
# flag/delete/undelete written to the Maildir file names and notmuch
# tags, labels, the sidebar switching between two accounts and the
# unified view, a custom bind from the frankrc, a ":" command, and a
# resize to 60x15 and back without garbage.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
. tests/ui/mailroot.lib
mailroot_make || { t_fail "make the mail root"; exit 1; }
echo "bind index X last-entry" >>"$RC"
nm() { NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch "$@"; }
# file_of ID: the file of work message ID@test.
file_of() { nm search --output=files "id:$1@test"; }

ui_start 100 30 "./frank -F $RC"
ui_expect "frank opens the mail root" "frank: work/INBOX [Msgs:10 Unread:10]"

# Threads.
ui_keys o t
ui_expect "o t sorts by thread" "Sorted by threads."
ui_expect "a reply is drawn under its parent" "└─>Re: plans for the weekend"
ui_screen
t_check "the reply to the reply is indented one more level" \
	grep -qF "  └─>Re: plans for the weekend" "$T_TMP/screen"
ui_keys X
ui_keys -
ui_expect "- collapses the thread into one line with its count" "(3) plans for the weekend"
ui_expect_gone "its replies are hidden" "└─>Re: plans"
ui_keys -
ui_expect "- again expands it" "└─>Re: plans for the weekend"
ui_keys o d
ui_expect "o d sorts by date again" "Sorted by date."

# Limit by a notmuch query, and back.
ui_keys l
ui_expect "l asks for a query" "Limit to messages matching:"
ui_keys -l "property:frank.badge=failed"
ui_keys Enter
ui_expect "the limit is in the status bar" "[Msgs:2 Unread:2] (limit: property:frank.badge=failed)"
ui_screen
t_contains "the altered message is listed" "$T_TMP/screen" "altered lunch"
t_contains "the forged message is listed" "$T_TMP/screen" "forged lunch"
t_lacks "the verified ones are not" "$T_TMP/screen" "signed lunch"
ui_keys l C-u
ui_keys -l "date:someday"
ui_keys Enter
ui_expect "a query notmuch cannot parse is an error on the message line" \
	"cannot search for \"(folder:\"work/INBOX\") and (date:someday)\": Didn't understand date"
ui_expect "and the limit stays as it was" "(limit: property:frank.badge=failed)"
ui_keys l C-u
ui_keys -l all
ui_keys Enter
ui_expect "l all shows every message again" "frank: work/INBOX [Msgs:10 Unread:10]---"

# Search and next unread.
ui_keys = /
ui_keys -l weekend
ui_keys Enter
ui_keys Enter
ui_expect "/ finds the first message whose subject matches" "Subject: plans for the weekend"
ui_keys q
ui_expect "reading it marked it read" "[Msgs:10 Unread:9]"
ui_keys = Tab Enter
ui_expect "Tab jumps to the next unread message" "Subject: altered lunch"
ui_keys q

# Flag, delete, undelete, labels: on disk and in the index.
ui_keys = F
ui_expect "F flags the message" "Flag:1"
t_check "the file got the Maildir F flag" sh -c "file_of() { NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch search --output=files id:signed@test; }; file_of | grep -q ':2,.*F'"
t_check "and the tag flagged" test "$(nm count 'id:signed@test and tag:flagged')" -eq 1
ui_keys = d
ui_expect "d marks it deleted" "Del:1"
t_check "the file got the Maildir T flag" sh -c "NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch search --output=files id:signed@test | grep -q ':2,.*T'"
ui_keys = u
ui_expect_gone "u takes the mark off" "Del:1"
t_check "the T flag is gone from the file" sh -c "! NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch search --output=files id:signed@test | grep -q ':2,.*T'"
ui_keys = '`'
ui_keys -l "+lunch -inbox"
ui_keys Enter
ui_expect "labels are changed" "Labels changed: +lunch -inbox"
t_check "the tags are in the index" test "$(nm count 'id:signed@test and tag:lunch and not tag:inbox')" -eq 1

# The sidebar: two accounts and the unified view.
ui_keys B
ui_expect "B shows the sidebar with each account's inbox and counts" "home/INBOX 1/2"
ui_expect "the unified view is its first entry" "All mail"
ui_keys C-p C-o
ui_expect "^P ^O opens the home account (the sidebar starts on the open folder)" "frank: home/INBOX [Msgs:2 Unread:1]"
ui_expect "its messages are listed" "Sunday dinner"
ui_keys C-p C-o
ui_expect "the unified view lists every account" "frank: All mail [Msgs:12"
ui_screen
t_contains "work's mail" "$T_TMP/screen" "altered lunch"
t_contains "and home's" "$T_TMP/screen" "the garden"
ui_keys B

# A custom bind from the frankrc, and one made with ':'.
ui_keys =
ui_keys X
ui_expect "X, bound in the frankrc to last-entry, goes to the last message" "frank: All mail"
ui_keys :
ui_keys -l "bind index Y first-entry"
ui_keys Enter
ui_expect ": runs a configuration command" "bind index Y first-entry"
ui_keys Y Enter
ui_expect "the new binding works at once" "Subject: signed lunch"
ui_keys q
ui_keys :
ui_keys -l "bind index Y no-such-function"
ui_keys Enter
ui_expect "a bad command is an error on the message line" "unknown function: no-such-function"

# Resize to 60x15 and back.
ui_tmux resize-window -t ui -x 60 -y 15
ui_expect "after a resize to 60x15 the status bar is redrawn" "[Msgs:12"
ui_screen
t_check "the screen has 15 rows" test "$(wc -l <"$T_TMP/screen")" -eq 15
t_check "the status bar sits on row 14" sh -c "sed -n 14p '$T_TMP/screen' | grep -qF 'Msgs:12'"
t_check "no line is wider than 60 columns" python3 -c "
import sys
sys.exit(any(len(l.rstrip('\\n')) > 60 for l in open(sys.argv[1], encoding='utf-8')))" "$T_TMP/screen"
ui_tmux resize-window -t ui -x 100 -y 30
ui_expect "and back to 100x30" "[Msgs:12"
ui_screen
t_check "the status bar is on row 29 again" sh -c "sed -n 29p '$T_TMP/screen' | grep -qF 'Msgs:12'"
t_check "no old status bar is left on row 14" sh -c "! sed -n 14p '$T_TMP/screen' | grep -qF 'Msgs:12'"
t_check "the index fills the rows above it" sh -c "sed -n 13p '$T_TMP/screen' | grep -qF 'Jan 01'"
ui_keys q
ui_expect "frank quits" "exited with 0"
t_done
