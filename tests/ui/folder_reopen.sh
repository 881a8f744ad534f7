#!/bin/sh
# folder_reopen.sh: frank -f DIR opened again after changes made by
# another program (a mutt, a fetchmail): a message added is listed, a flag
# taken off by a rename is taken off its tag, a message moved from new/
# to cur/ keeps the label given to it, and an open with nothing changed
# reuses the index without reading the folder again.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
python3 tests/tools/gen-maildir --count 30 --seed 5 "$md" >/dev/null ||
	{ t_fail "generate the Maildir"; exit 1; }
: >"$T_TMP/rc"
log=$T_TMP/debug.log

ui_start 120 40 "./frank -F $T_TMP/rc -d $log -f $md"
ui_expect "the first open indexes the folder" "Test message 30: "
ui_keys /
ui_expect "/ asks what to search for" "Search for:"
ui_keys -l "Test message 25:"
ui_keys Enter '`'
ui_expect "the label prompt opens" "Add/remove labels"
ui_keys -l "+keepme"
ui_keys Enter
ui_expect "message 25 (in new/) is labelled" "Labels changed: +keepme"
ui_keys q
ui_expect "frank quits" "exited with 0"
ui_tmux kill-server 2>/dev/null

# What another program does meanwhile: reads message 25 (new/ to cur/),
# unflags message 27 (a rename), and delivers a new message.
sleep 1
m25=$(ls "$md"/new/*.M25P*) && m27=$(ls "$md"/cur/*.M27P*:2,F) &&
	mv "$m25" "$md/cur/$(basename "$m25"):2,S" && mv "$m27" "${m27%F}" &&
	sed 's/^Subject: .*/Subject: Test message 31: delivered meanwhile/;
	     s/^Message-I[Dd]: .*/Message-ID: <meanwhile@test>/' "$md"/cur/*.M29P* \
		>"$md/tmp/meanwhile" && mv "$md/tmp/meanwhile" "$md/new/1800000000.M31P1.other"
t_check "the folder is changed behind frank's back" test -f "$md/new/1800000000.M31P1.other"
sleep 1

: >"$log"
ui_start 120 40 "./frank -F $T_TMP/rc -d $log -f $md"
ui_expect "the second open lists the message delivered meanwhile" \
	"Test message 31: delivered meanwhile"
ui_keys l
ui_expect "limit asks for a query" "Limit to"
ui_keys -l "tag:flagged"
ui_keys Enter
ui_expect "a limit to tag:flagged shows the flagged messages" "Test message 18: "
ui_expect "and only those" "[Msgs:2"
ui_screen
t_lacks "message 27, unflagged by its rename, is not flagged any more" \
	"$T_TMP/screen" "Test message 27: "
ui_keys l C-u
ui_keys -l "tag:keepme"
ui_keys Enter
ui_expect "message 25, moved from new/ to cur/, kept its label" "Test message 25: "
ui_expect "alone" "[Msgs:1"
ui_keys q
ui_expect "frank quits" "exited with 0"
ui_tmux kill-server 2>/dev/null
t_contains "the second open indexed what changed" "$log" "3 added, 2 removed"

: >"$log"
ui_start 120 40 "./frank -F $T_TMP/rc -d $log -f $md"
ui_expect "the third open shows the folder" "Test message 31: delivered meanwhile"
ui_keys q
ui_expect "frank quits" "exited with 0"
t_contains "with nothing changed the index is reused without a scan" "$log" \
	"unchanged since its last scan"
t_contains "and nothing was indexed" "$log" "0 added, 0 removed"
t_done
