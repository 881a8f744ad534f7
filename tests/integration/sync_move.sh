#!/bin/sh
# sync_move.sh: a message moved here between folders of an IMAP account
# is moved on the server by the next frank sync, never uploaded again:
# UID MOVE against a Dovecot that offers MOVE, UID COPY + \Deleted + UID
# EXPUNGE against one that does not (its imap_capability leaves MOVE
# out).  Two files are moved with mv into another Maildir folder: one
# keeps its name (as a tool that renames files does), one loses its ",U="
# tag and gains \Flagged.  Afterwards the server's folders hold exactly
# the expected messages, byte for byte; the destination's files carry the
# UIDs COPYUID gave (no duplicate is fetched back); the local flag change
# reached the server; and a second sync changes nothing.
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need python3 sha256sum /usr/sbin/dovecot
T_CLEANUP_HOOK=dovecot_stop
[ -x ./frank ] || { t_fail "frank is built" "run: make"; exit 1; }

imap() { python3 tests/tools/imap_tool.py "$DC_IMAPS" "$@"; }
# The sha256 of a local file as the server holds it (CRLF line ends).
crlf_sum() { sed 's/\r$//; s/$/\r/' "$1" | sha256sum | cut -d' ' -f1; }
files() { find "$1/cur" "$1/new" -type f | sort; }

# run_case NAME CAPS VERB: one Dovecot (CAPS, or its default), one mail root.
run_case() {
	name=$1 verb=$3
	DC_CAPS=$2
	dovecot_start "$T_TMP/$name/dc" || { t_fail "$name: Dovecot starts" "see above"; return; }
	python3 tests/tools/gen-maildir --count 6 --seed 71 "$DC_MAIL" >/dev/null
	python3 tests/tools/gen-maildir --count 2 --seed 72 "$DC_MAIL/.Old" >/dev/null
	for sub in cur new tmp; do mkdir -p "$DC_MAIL/.Archive/$sub"; done
	dovecot_fix_owner
	M=$T_TMP/$name/mail
	{
		echo "set mail_root = $M"
		dovecot_account t
	} >"$T_TMP/$name/rc"
	chmod 600 "$T_TMP/$name/rc"
	rc=$T_TMP/$name/rc

	t_run "$name-first" ./frank sync -F "$rc" --quiet
	t_check "$name: the first sync succeeds" t_rc_is "$name-first" 0
	t_check "$name: six messages in the local inbox" test "$(files "$M/t/INBOX" | wc -l)" -eq 6
	inbox_before=$(imap hashes INBOX)

	# Two files move to Archive; the second loses its tag and is flagged.
	one=$(files "$M/t/INBOX" | sed -n 2p)
	two=$(files "$M/t/INBOX" | sed -n 5p)
	sum_one=$(crlf_sum "$one")
	sum_two=$(crlf_sum "$two")
	mv "$one" "$M/t/Archive/cur/"
	base=$(basename "$two" | sed 's/,U=[0-9]*//; s/:2,.*$//')
	mv "$two" "$M/t/Archive/cur/$base:2,FS"

	t_run "$name-move" ./frank sync -F "$rc" -d "$T_TMP/$name/move.log"
	t_check "$name: the sync with the moves succeeds" t_rc_is "$name-move" 0
	t_contains "$name: its summary counts the two" "$T_TMP/$name-move.out" "moved 2 there"
	t_check "$name: it sent UID $verb" grep -q "imap t C: f[0-9]* UID $verb " "$T_TMP/$name/move.log"
	t_check "$name: and uploaded nothing" sh -c "! grep -q 'C: f[0-9]* APPEND' '$T_TMP/$name/move.log'"
	t_check "$name: and fetched nothing back" sh -c "! grep -q 'C: f[0-9]* UID FETCH.*BODY.PEEK\\[\\]' '$T_TMP/$name/move.log'"
	t_check "$name: Dovecot's Archive holds the two" test "$(imap count Archive)" -eq 2
	printf '%s\n%s\n' "$sum_one" "$sum_two" | sort >"$T_TMP/$name/want_archive"
	imap hashes Archive >"$T_TMP/$name/archive"
	t_check "$name: byte for byte" cmp -s "$T_TMP/$name/want_archive" "$T_TMP/$name/archive"
	printf '%s\n' "$inbox_before" | grep -v -e "$sum_one" -e "$sum_two" >"$T_TMP/$name/want_inbox"
	imap hashes INBOX >"$T_TMP/$name/inbox"
	t_check "$name: Dovecot's INBOX holds the other four" test "$(imap count INBOX)" -eq 4
	t_check "$name: exactly them" cmp -s "$T_TMP/$name/want_inbox" "$T_TMP/$name/inbox"
	t_check "$name: Old is untouched" test "$(imap count Old)" -eq 2
	flagged_uid=$(files "$M/t/Archive" | grep ':2,FS$' | sed 's/.*,U=\([0-9]*\).*/\1/')
	t_check "$name: the flagged file took a server UID" test -n "$flagged_uid"
	t_check "$name: its \\Flagged reached the server" \
		sh -c "python3 tests/tools/imap_tool.py $DC_IMAPS flags Archive '$flagged_uid' | grep -q Flagged"
	t_check "$name: both Archive files carry UIDs" \
		test "$(files "$M/t/Archive" | grep -c ',U=[0-9]')" -eq 2
	t_check "$name: no duplicate here: 4 + 2 + 2 files" \
		test "$(find "$M/t" -path '*/cur/*' -o -path '*/new/*' | grep -c .)" -eq 8
	t_check "$name: and the Archive copies are the moved bytes" test \
		"$(for f in $(files "$M/t/Archive"); do crlf_sum "$f"; done | sort | tr '\n' ' ')" = \
		"$(tr '\n' ' ' <"$T_TMP/$name/want_archive")"
	find "$M/t" -path '*/cur/*' -o -path '*/new/*' | sort >"$T_TMP/$name/names1"

	t_run "$name-again" ./frank sync -F "$rc" --quiet -d "$T_TMP/$name/again.log"
	t_check "$name: a second sync succeeds" t_rc_is "$name-again" 0
	t_check "$name: it moves nothing" sh -c "! grep -q 'C: f[0-9]* UID \\(MOVE\\|COPY\\|EXPUNGE\\)' '$T_TMP/$name/again.log'"
	t_check "$name: fetches nothing" sh -c "! grep -q 'C: f[0-9]* UID FETCH.*BODY.PEEK\\[\\]' '$T_TMP/$name/again.log'"
	find "$M/t" -path '*/cur/*' -o -path '*/new/*' | sort >"$T_TMP/$name/names2"
	t_check "$name: and leaves every local file as it was" \
		cmp -s "$T_TMP/$name/names1" "$T_TMP/$name/names2"
	imap hashes Archive >"$T_TMP/$name/archive2"
	t_check "$name: the server's Archive too" cmp -s "$T_TMP/$name/archive" "$T_TMP/$name/archive2"
	dovecot_stop
}

run_case move "" MOVE
# Without MOVE: the COPY fallback (UIDPLUS stays, for COPYUID and UID EXPUNGE).
run_case copy "IMAP4rev1 SASL-IR ID ENABLE IDLE UIDPLUS CONDSTORE QRESYNC ESEARCH LIST-EXTENDED SPECIAL-USE LITERAL+" COPY
t_done
