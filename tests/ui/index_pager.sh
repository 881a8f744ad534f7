#!/bin/sh
# index_pager.sh: frank -f on a generated 50-message Maildir, in tmux: the
# index, paging, opening messages (plain, encoded, broken MIME), help,
# resize, and quitting.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
python3 tests/tools/gen-maildir --count 50 --seed 1 "$md" || { t_fail "generate the Maildir"; exit 1; }
ui_start 100 30 "./frank -f $md"

ui_expect "the index opens on the newest message" "Test message 50: "
ui_expect "the status bar counts the messages" "[Msgs:50 Unread:23 Flag:4]"
ui_expect "RFC 2047 sender names are decoded" "Zoë Ångström"

ui_keys '='
ui_expect "first-entry shows the oldest message" "Test message 1: "
ui_keys PageDown
ui_expect "page down shows the next screen" "Test message 28: "
ui_expect_gone "page down leaves the first screen" "Test message 1: "
ui_keys k
ui_expect "k goes back up a page at the top of the screen" "Test message 27: "
ui_keys j Enter
ui_expect "Enter opens the message in the pager" "Subject: Test message 28: "
ui_expect "the pager shows the decoded body" "Body of message 28."
ui_expect "the pager status names the message" "28/50: Test message 28"
ui_keys j
ui_expect "j in the pager moves to the next message" "Body of message 29."
ui_keys q
ui_expect "q leaves the pager for the index" "[Msgs:50 Unread:23 Flag:4]"

# Message 7 is multipart with a boundary that never occurs.
ui_keys '=' j j j j j j Enter
ui_expect "a broken MIME message still opens" "Subject: Test message 7: broken MIME"
ui_expect "its raw text is shown" "Body of message 7."
ui_expect "the user is told the MIME structure is broken" "MIME structure of this message is broken"
ui_keys q

# Message 15 is quoted-printable ISO-8859-1: converted to UTF-8.
ui_keys '=' PageDown '=' 
i=1
while [ $i -lt 15 ]; do ui_keys j; i=$((i + 1)); done
ui_keys Enter
ui_expect "an ISO-8859-1 message opens" "Body of message 15."
ui_screen
t_lacks "its text has no undecodable characters" "$T_TMP/screen" "�"
t_lacks "no quoted-printable escapes are left" "$T_TMP/screen" "=E9"
ui_keys q

ui_keys '?'
ui_expect "? shows the help built from the key map" "move to the next message"
ui_expect "help lists the bindings" "display-message"
ui_keys q
# Message 15 was unread: reading it marked it read, as mutt does.
ui_expect "help returns to the index; reading message 15 marked it read" \
	"[Msgs:50 Unread:22 Flag:4]"
t_check "the file of message 15 got the Maildir S flag" \
	sh -c "grep -l 'Body of message 15\\.' '$md'/cur/*:2,*S* >/dev/null"

ui_tmux resize-window -t ui -x 60 -y 15
ui_expect "after a resize the status bar is redrawn" "[Msgs:50"
ui_screen
rows=$(wc -l <"$T_TMP/screen")
t_check "after a resize the screen has 15 rows" test "$rows" -eq 15
t_check "the status bar sits on row 14 of 15" \
	sh -c "sed -n 14p '$T_TMP/screen' | grep -qF 'Msgs:50'"
t_check "the index fills the rows above it" \
	sh -c "sed -n 13p '$T_TMP/screen' | grep -qF 'Test message'"
ui_keys Enter
ui_expect "the pager works at the new size" "Subject: Test message"
ui_keys q q
ui_expect "q in the index quits frank with status 0" "exited with 0"

ui_tmux kill-session -t ui
ui_start 80 24 "env TERM=no-such-terminal ./frank -f $md"
ui_expect "an unknown terminal type is a clear error" \
	'frank: cannot use the terminal type "no-such-terminal" (check TERM)'
ui_expect "and frank exits 1" "exited with 1"

# The example configuration loads, and its bindings work.
ui_tmux kill-session -t ui
ui_start 80 24 "./frank -F doc/frankrc.example -d $T_TMP/debug.log -f $md"
ui_expect "frank starts with doc/frankrc.example" "Test message 50: "
ui_keys Enter
ui_expect "the newest message opens" "Body of message 50."
ui_keys p
ui_expect "p (bound by the example) goes to the previous message" "Body of message 49."
ui_keys q G
ui_keys k Enter
ui_expect "G (bound by the example) goes to the last message" "Body of message 49."
ui_keys q q
ui_expect "frank quits" "exited with 0"
# The first run above indexed the folder; this one found nothing new.
t_contains "-d writes a debug log of the indexing" "$T_TMP/debug.log" \
	": 0 added, 0 removed, 0 not mail"
t_done
