#!/bin/sh
# sync_progress.sh: frank sync --progress-fd N against a real Dovecot: the
# event lines name each folder with its counts, the messages that arrived,
# and the end of each account with its status; a failing account writes
# its reason; a bad descriptor is a usage error.
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need python3 /usr/sbin/dovecot
T_CLEANUP_HOOK=dovecot_stop

dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
python3 tests/tools/gen-maildir --count 30 --seed 41 "$DC_MAIL" >/dev/null
python3 tests/tools/gen-maildir --count 4 --seed 42 "$DC_MAIL/.Sent Items" >/dev/null
dovecot_fix_owner
M=$T_TMP/mail
{
	echo "set mail_root = $M"
	dovecot_account t
	dovecot_account bad wrong
} >"$T_TMP/rc"
chmod 600 "$T_TMP/rc"

t_run first sh -c "./frank sync -F '$T_TMP/rc' --quiet --progress-fd 3 t 3>'$T_TMP/events'"
t_check "the sync succeeds" t_rc_is first 0
t_check "--quiet keeps standard output empty" test ! -s "$T_TMP/first.out"
t_contains "the inbox starts at 0 of 30" "$T_TMP/events" "folder t INBOX 0 30"
t_contains "and ends at 30 of 30" "$T_TMP/events" "folder t INBOX 30 30"
t_contains "30 new messages are announced" "$T_TMP/events" "new t INBOX 30"
t_contains "a name with a space is escaped" "$T_TMP/events" "new t Sent%20Items 4"
t_check "the account's end is the last line" test "$(tail -n 1 "$T_TMP/events")" = "done t 0"
t_check "every line is an event" sh -c "! grep -qvE '^(folder|new|error|done) ' '$T_TMP/events'"

printf 'From: x@example.org\r\nSubject: one more\r\nMessage-ID: <more@example.org>\r\n\r\nx\r\n' >"$T_TMP/more.eml"
python3 tests/tools/imap_tool.py "$DC_IMAPS" append INBOX "$T_TMP/more.eml"
t_run second sh -c "./frank sync -F '$T_TMP/rc' --quiet --progress-fd 3 t 3>'$T_TMP/events2'"
t_contains "a second sync announces the one new message" "$T_TMP/events2" "new t INBOX 1"
t_lacks "and no other folder's" "$T_TMP/events2" "new t Sent%20Items"

t_run bad sh -c "./frank sync -F '$T_TMP/rc' --quiet --progress-fd 3 bad 3>'$T_TMP/events3'"
t_check "a failing account fails the sync" t_rc_is bad 1
t_check "its reason is one error line" \
	sh -c "grep '^error bad ' '$T_TMP/events3' | grep -qi 'auth\|login\|password'"
t_check "then its end, with status 1" test "$(tail -n 1 "$T_TMP/events3")" = "done bad 1"

t_run badfd ./frank sync -F "$T_TMP/rc" --progress-fd 9 t
t_check "a descriptor that is not open is a usage error (2)" t_rc_is badfd 2
t_contains "which says so" "$T_TMP/badfd.err" "--progress-fd 9: not an open descriptor"
t_done
