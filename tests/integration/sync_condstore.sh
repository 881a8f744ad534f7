#!/bin/sh
# sync_condstore.sh: frank sync against a Dovecot that offers CONDSTORE but
# not QRESYNC (its capabilities set by the test): an unchanged folder costs
# the SELECT alone, flag changes come by CHANGEDSINCE, and a deletion on
# the server is still found (by a listing, as CONDSTORE cannot tell it).
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need python3 script /usr/sbin/dovecot
T_CLEANUP_HOOK=dovecot_stop
tool() { python3 tests/tools/imap_tool.py "$DC_IMAPS" "$@"; }
DC_CAPS="IMAP4rev1 SASL-IR ID ENABLE IDLE UIDPLUS CONDSTORE ESEARCH LIST-EXTENDED SPECIAL-USE LITERAL+"
dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
python3 tests/tools/gen-maildir --count 60 --seed 41 "$DC_MAIL" >/dev/null
dovecot_fix_owner
M=$T_TMP/mail
{
	echo "set mail_root = $M"
	echo "account t {"
	echo "    set from = test@example.org"
	echo "    set source = imaps://test@127.0.0.1:$DC_IMAPS"
	echo "    set tls_fingerprint = $DC_FP"
	echo "    set password = Tr0ub4dor-3"
	echo "}"
} >"$T_TMP/rc"
chmod 600 "$T_TMP/rc"
sync() {
	t_run "$1" ./frank sync -F "$T_TMP/rc" -d "$T_TMP/$1.log"
	sed 's/^/#   stderr: /' "$T_TMP/$1.err"
}
commands() { grep ' C: f' "$T_TMP/$1.log" | grep -v -e LOGOUT -e ' ID ' -e ' LIST ' -e CAPABILITY; }
files() { find "$M/t/INBOX/cur" "$M/t/INBOX/new" -type f | wc -l; }

# On a terminal (script(1) gives it one), a progress line per folder.
script -qec "./frank sync -F '$T_TMP/rc' -d '$T_TMP/first.log'" "$T_TMP/typescript" >/dev/null 2>&1
echo $? >"$T_TMP/first.rc"
t_check "the first sync succeeds" t_rc_is first 0
t_contains "on a terminal it shows progress per folder" "$T_TMP/typescript" "t/INBOX: 60/60"
t_contains "with the time it took" "$T_TMP/typescript" ", done in "
t_contains "rewriting its line" "$T_TMP/typescript" "$(printf '\r')"
t_check "every message arrived" test "$(files)" -eq 60
t_lacks "QRESYNC is not asked of a server without it" "$T_TMP/first.log" "ENABLE QRESYNC"
t_contains "CONDSTORE is used" "$T_TMP/first.log" "SELECT \"INBOX\" (CONDSTORE)"

sync same
commands same >"$T_TMP/same.cmds"
t_check "an unchanged folder costs the SELECT alone" test "$(wc -l <"$T_TMP/same.cmds")" -eq 1

tool store INBOX 4 + '\Flagged'
sync flag
t_contains "a flag change is asked for since the last modseq" "$T_TMP/flag.log" "(CHANGEDSINCE "
t_check "and arrives" sh -c "ls '$M/t/INBOX/cur/' | grep -q ',U=4:2,F'"

tool expunge INBOX 6
sync del
t_check "a deletion on the server is found" test -z "$(ls "$M/t/INBOX/cur/" | grep ',U=6:2,')"
t_check "and only it" test "$(files)" -eq 59
t_done
