#!/bin/sh
# attach.sh: the attachment menu (v): the MIME tree with types, sizes and
# names; a part saved byte-identical; no silent overwrite; hostile names
# ("../../etc/evil.txt", an absolute path) saved inside the chosen folder;
# save all; a part piped to a command; a text part viewed.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
. tests/ui/mailroot.lib
mailroot_make || { t_fail "make the mail root"; exit 1; }
mkdir -p "$T_TMP/out" "$T_TMP/all"

ui_start 120 30 "./frank -F $RC"
ui_expect "frank opens the mail root" "frank: work/INBOX [Msgs:10"
ui_keys = j j j j j j v
ui_expect "v lists the parts: the container" "multipart/mixed"
ui_expect "the binary part with its size and name" "application/octet-stream           2.9K  report.bin"
ui_expect "a hostile name is shown made safe" "evil.txt"
ui_expect "the help bar names the index's keys that leave and open" "q:Exit"
ui_expect "and view" "<enter>:View"
ui_screen
t_lacks "no ../ is shown as a name" "$T_TMP/screen" "../"

# report.bin (the third row) into a folder: the name is kept.
ui_keys j j s
ui_expect "s asks where to save, offering the name" "Save to file: report.bin"
ui_keys C-u
ui_keys -l "$T_TMP/out"
ui_keys Enter
ui_expect "the part is saved" "Saved to $T_TMP/out/report.bin (3000 bytes)."
t_check "byte-identical to what was attached" cmp -s "$T_TMP/out/report.bin" "$MR_W/report.bin"
ui_keys s C-u
ui_keys -l "$T_TMP/out/report.bin"
ui_keys Enter
ui_expect "saving over a file asks first" "$T_TMP/out/report.bin exists: overwrite it?"
ui_keys n
ui_expect "no: nothing is written" "Not saved."
t_check "the file is untouched" cmp -s "$T_TMP/out/report.bin" "$MR_W/report.bin"

# "../../etc/evil.txt" into out/: it stays in out/.
ui_keys j s
ui_expect "the hostile name is offered made safe" "Save to file: evil.txt"
ui_keys C-u
ui_keys -l "$T_TMP/out"
ui_keys Enter
ui_expect "it is saved inside the folder" "Saved to $T_TMP/out/evil.txt"
t_contains "with its content" "$T_TMP/out/evil.txt" "I wanted to land in /etc."
t_check "nothing climbed out of the folder" test ! -e "$T_TMP/etc/evil.txt"
t_check "nor two levels up" test ! -e "$(dirname "$T_TMP")/etc/evil.txt"

# An absolute path as the name: saved in the folder, not at that path.
ui_keys j s
ui_expect "the absolute name is offered as its last part" "Save to file: escaped.txt"
ui_keys C-u
ui_keys -l "$T_TMP/out"
ui_keys Enter
ui_expect "saved inside the folder" "Saved to $T_TMP/out/escaped.txt"
t_check "not at the path the sender gave" test ! -e "$T_TMP/escaped.txt"

# Save all: every named part.
ui_keys S C-u
ui_keys -l "$T_TMP/all"
ui_keys Enter
ui_expect "S saves every named part" "Saved 3 attachments to $T_TMP/all."
t_check "report.bin among them, byte-identical" cmp -s "$T_TMP/all/report.bin" "$MR_W/report.bin"
t_check "evil.txt and escaped.txt too" test -f "$T_TMP/all/evil.txt" -a -f "$T_TMP/all/escaped.txt"

# Pipe report.bin to a command.
ui_keys k k '|'
ui_expect "| asks for a command" "Pipe to command:"
ui_keys -l "cat > $T_TMP/piped"
ui_keys Enter
ui_expect "the command runs on the terminal" "Press any key to continue..."
ui_keys x
ui_expect "and the menu comes back" "---Attachments"
t_check "the command got the decoded part" cmp -s "$T_TMP/piped" "$MR_W/report.bin"

# View a text part.
ui_keys j Enter
ui_expect "Enter shows a text part" "I wanted to land in /etc."
ui_keys q
ui_expect "q returns to the menu" "---Attachments"
ui_keys q
ui_expect "q leaves the menu for the index" "frank: work/INBOX"
ui_keys q
ui_expect "frank quits" "exited with 0"
t_done
