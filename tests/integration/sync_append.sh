#!/bin/sh
# sync_append.sh: the Sent copy of a message frank send submitted reaches
# the IMAP server.  frank send files it in the local Sent folder and, with
# no IMAP session of its own, lists it for the server; the next frank sync
# APPENDs it to Dovecot's Sent (UIDPLUS gives it a UID, which the local
# file takes), so the server has it once, the mail root has it once, and
# the list is empty.  The SMTP server is Python's aiosmtpd.
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need timeout sha256sum /usr/sbin/dovecot
. tests/integration/send_smtp.lib
# Both the SMTP server and Dovecot stop when the test ends.
T_CLEANUP_HOOK="stop_servers; dovecot_stop"
[ -x ./frank ] || { t_fail "frank is built" "run: make"; exit 1; }

dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
for sub in cur new tmp; do mkdir -p "$DC_MAIL/.Sent/$sub"; done
dovecot_fix_owner

# One certificate for both servers: the account pins one fingerprint.
aiosmtpd_start "$DC_DIR/cert.crt" "$DC_DIR/cert.key" test Tr0ub4dor-3

M=$T_TMP/Mail
cat >"$T_TMP/frankrc" <<EOF
set mail_root = "$M"
set timeout = 20
account t {
	set from = "Test User <test@example.org>"
	set source = imaps://test@127.0.0.1:$DC_IMAPS
	set tls_fingerprint = $DC_FP
	set smtp = smtp://test@127.0.0.1:$port
	set password = Tr0ub4dor-3
}
EOF
chmod 600 "$T_TMP/frankrc"
export HOME=$T_TMP

# A first sync makes the local folders, Sent among them.
t_run first ./frank sync -F "$T_TMP/frankrc"
t_check "a first sync succeeds" t_rc_is first 0

printf 'The minutes, as promised.\n' | timeout 60 ./frank send -F "$T_TMP/frankrc" \
	-s "Minutes" bob@example.org >"$T_TMP/send.out" 2>"$T_TMP/send.err"
echo $? >"$T_TMP/send.rc"
t_check "frank send sends" t_rc_is send 0
[ "$(cat "$T_TMP/send.rc")" = 0 ] || sed 's/^/#   /' "$T_TMP/send.err"
t_check "the SMTP server has it" test "$(find "$OUT" -type f | wc -l)" -ge 1
sent_files() { find "$M/t/Sent/cur" "$M/t/Sent/new" -type f 2>/dev/null | wc -l | tr -d ' '; }
t_check "the Sent copy is in the local Sent folder" test "$(sent_files)" -eq 1
t_contains "and listed for the server" "$M/t/.frank-append-pending" "$M/t/Sent/"
local_sum=$(sed 's/\r$//' "$(find "$M/t/Sent" -type f -path '*/cur/*' | head -n 1)" | sha256sum | cut -d' ' -f1)

t_run sync ./frank sync -F "$T_TMP/frankrc" -d "$T_TMP/sync.log"
t_check "the next sync succeeds" t_rc_is sync 0
t_contains "it appended the copy" "$T_TMP/sync.log" "appended"
t_check "Dovecot's Sent holds it once" test "$(python3 tests/tools/imap_tool.py "$DC_IMAPS" count Sent)" -eq 1
server_sum=$(python3 tests/tools/imap_tool.py "$DC_IMAPS" hashes Sent)
crlf_sum=$(sed 's/\r$//; s/$/\r/' "$(find "$M/t/Sent" -type f -path '*/cur/*' | head -n 1)" | sha256sum | cut -d' ' -f1)
t_check "byte for byte what was sent (CRLF on the server)" test "$server_sum" = "$crlf_sum"
t_check "the local copy was not rewritten" test "$(sed 's/\r$//' "$(find "$M/t/Sent" -type f -path '*/cur/*' | head -n 1)" | sha256sum | cut -d' ' -f1)" = "$local_sum"
t_check "still one local copy (not fetched back as a second)" test "$(sent_files)" -eq 1
t_check "the local file took the server's UID" test -n "$(find "$M/t/Sent/cur" -name '*,U=*' | head -n 1)"
t_check "the list is empty" test ! -s "$M/t/.frank-append-pending"

t_run again ./frank sync -F "$T_TMP/frankrc" -d "$T_TMP/again.log"
t_check "a third sync succeeds" t_rc_is again 0
t_lacks "and appends nothing again" "$T_TMP/again.log" "appended"
t_check "Dovecot's Sent still holds it once" test "$(python3 tests/tools/imap_tool.py "$DC_IMAPS" count Sent)" -eq 1
t_check "and the mail root too" test "$(sent_files)" -eq 1
t_done
