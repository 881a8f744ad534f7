#!/bin/sh
# thread_lazy.sh: the index in thread order is read from its newest
# thread as the screen asks (notmuch builds each thread on demand): the
# first screen shows the newest; the first entry reaches the oldest
# thread, a reply drawn under its parent; collapsing it (which reads
# every thread) shows one line with its count; the pager steps through.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
mkdir -p "$md/cur" "$md/new" "$md/tmp"
msg() { # N SUBJECT [IN-REPLY-TO]
	{ printf 'From: Sender %d <s%d@example.org>\nTo: r@example.org\n' "$1" "$1"
	  printf 'Subject: %s\nDate: %s\nMessage-ID: <t%d@example.org>\n' "$2" \
		"$(date -u -d "@$((1704067200 + $1 * 60))" '+%a, %d %b %Y %H:%M:%S +0000')" "$1"
	  [ -n "$3" ] && printf 'In-Reply-To: <t%d@example.org>\nReferences: <t%d@example.org>\n' "$3" "$3"
	  printf '\nBody %d.\n' "$1"
	} >"$md/cur/$1.t:2,S"
}
msg 1 "oldest question"
msg 2 "Re: oldest question" 1
msg 3 "Re: oldest question" 2
i=4
while [ $i -le 150 ]; do msg $i "single $i"; i=$((i + 1)); done
: >"$T_TMP/rc"
log=$T_TMP/debug.log

ui_start 100 30 "./frank -F $T_TMP/rc -d $log -f $md"
ui_expect "the index opens on the newest" "single 150"
ui_keys o t
ui_expect "o t sorts by thread" "Sorted by threads."
ui_expect "the newest thread is at the bottom" "single 150"
t_contains "the thread order is read lazily, from the newest thread" "$log" \
	'150 messages of "*" in thread order, read from the newest'
ui_keys '='
ui_expect "first-entry reaches the oldest thread" "oldest question"
ui_expect "with its reply under it" "└─>Re: oldest question"
ui_screen
t_check "and the reply to the reply one level deeper" \
	grep -qF "  └─>Re: oldest question" "$T_TMP/screen"
ui_keys -
ui_expect "- collapses the oldest thread into one line with its count" "(3) oldest question"
ui_expect_gone "its replies are hidden" "└─>Re: oldest"
ui_keys -
ui_expect "- expands it again" "└─>Re: oldest question"
ui_keys '*'
ui_expect "last-entry goes back to the newest" "single 150"
ui_keys Enter
ui_expect "the pager opens the newest" "150/150: single 150"
ui_keys K K
ui_expect "previous-message steps back in thread order" "148/150: single 148"
ui_keys q q
ui_expect "frank quits" "exited with 0"
t_done
