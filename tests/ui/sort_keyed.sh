#!/bin/sh
# sort_keyed.sh: the index by sender and by subject (orders notmuch has
# not: read lazily from a table of keys): senders caseless, a bare
# address and an RFC 2047 name in their places; subjects without their
# Re:/Fwd:, equal ones oldest first; the pager steps in that order, /
# searches in it, a flag change keeps the line, and a limit keeps the
# order.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
mkdir -p "$md/cur" "$md/new" "$md/tmp"
n=0
msg() { # FROM SUBJECT
	n=$((n + 1))
	printf 'From: %s\nTo: r@example.org\nSubject: %s\nDate: Mon, 1 Jan 2024 10:%02d:00 +0000\nMessage-ID: <k%d@example.org>\n\nBody %d.\n' \
		"$1" "$2" "$n" "$n" "$n" >"$md/cur/$n.k:2,S"
}
msg "Zed <z@example.org>" "banana"
msg "bob@example.org" "Re: apple"
msg "Alice <a@example.org>" "cherry"
msg '"carol" <c@example.org>' "Fwd: apple pie"
msg "=?UTF-8?Q?=C3=89mile?= <e@example.org>" "Apple"
: >"$T_TMP/rc"
log=$T_TMP/debug.log

# rows: the subjects of the index lines, top to bottom
rows() {
	ui_screen
	sed -n 's/.*( *[0-9.]*[KM]\{0,1\})  *//p' "$T_TMP/screen" | tr '\n' '|'
}

ui_start 100 20 "./frank -F $T_TMP/rc -d $log -f $md"
ui_expect "the index opens" "[Msgs:5"
ui_keys o f
ui_expect "o f sorts by sender" "Sorted by from."
t_check "senders caseless, the bare address by itself, the encoded name decoded" \
	test "$(rows)" = "cherry|Re: apple|Fwd: apple pie|banana|Apple|"
t_contains "the order comes from a key table, read lazily" "$log" \
	'5 messages of "*" ordered by a key table'
ui_keys '=' Enter
ui_expect "the pager opens the first by sender" "Subject: cherry"
ui_keys J
ui_expect "next-message follows the sender order" "Subject: Re: apple"
ui_expect "and says where it is" "2/5: Re: apple"
ui_keys q /
ui_keys -l "banana"
ui_keys Enter
ui_keys F
ui_expect "a search in sender order finds banana, and F flags it" "Flag:1"
ui_screen
t_check "the flagged line is banana's" grep -q '!.*banana' "$T_TMP/screen"
ui_keys o s
ui_expect "o s sorts by subject" "Sorted by subject."
t_check "subjects without Re:/Fwd:, equal ones oldest first" \
	test "$(rows)" = "Re: apple|Apple|Fwd: apple pie|banana|cherry|"
ui_keys l
ui_keys -l "not subject:cherry"
ui_keys Enter
ui_expect "a limit keeps the order" "[Msgs:4"
t_check "by subject, without cherry" test "$(rows)" = "Re: apple|Apple|Fwd: apple pie|banana|"
ui_keys q
ui_expect "frank quits" "exited with 0"
t_done
