#!/bin/sh
# send_frankd.sh: frank send to frankd's submission port (STARTTLS, then
# AUTH with an app password), the same three messages as to aiosmtpd
# (send_aiosmtpd.sh): 0, 1 and 5 attachments, Bcc carol.  frankd delivers
# them to bob's and carol's Maildirs; GMime and Python's email read each
# back to the same parts, every file byte for byte, and the Bcc is in no
# copy.
. tests/lib.sh
t_tmpdir
t_need timeout sha256sum openssl
. tests/integration/send_smtp.lib
. tests/integration/frankd_mta.lib
T_CLEANUP_HOOK='stop_servers; for p in $MTA_PIDS; do kill -KILL $p 2>/dev/null; wait $p 2>/dev/null; done'
[ -x ./frank ] || { t_fail "frank is built" "run: make"; exit 1; }
[ -x "$tools/smtp_parts" ] || { t_fail "smtp_parts is built" "run: make unit-tests"; exit 1; }
APY=$(mta_python email) || { t_fail "python3 is installed"; exit 1; }

mkdir -p "$T_TMP/fd"
cat >"$T_TMP/fd/frankd.conf" <<EOF
hostname mail.example.org
listen 127.0.0.1 0 submission
queue $T_TMP/fd/queue
domain example.org
user alice {
    maildir $T_TMP/fd/alice
    address alice@example.org
}
user bob {
    maildir $T_TMP/fd/bob
    address bob@example.org
}
user carol {
    maildir $T_TMP/fd/carol
    address carol@example.org
}
EOF
pw=$("$FRANKD" -c "$T_TMP/fd/frankd.conf" passwd add alice --label test 2>/dev/null | tail -n 1)
t_check "an app password for alice" test -n "$pw"
mta_start fd "$T_TMP/fd/frankd.conf"
fp=$(openssl x509 -in "$T_TMP/fd/frankd.crt" -noout -fingerprint -sha256 | sed 's/.*=//')

export HOME=$T_TMP
printf '%s\n' "$pw" >"$T_TMP/pw"
cat >"$T_TMP/frankrc" <<EOF
set mail_root = "$T_TMP/Mail"
set timeout = 20
account fd {
	set from = "Alice Example <alice@example.org>"
	set source = imaps://alice@127.0.0.1
	set smtp = smtp://alice@127.0.0.1:$fd_SUB
	set tls_fingerprint = $fp
	set passcmd = "cat $T_TMP/pw"
}
EOF
chmod 600 "$T_TMP/frankrc"

send_three
t_contains "frankd took it" "$T_TMP/zero.out" "sent: 250"

# The delivered copies, in the order sent (delivery time: the sends were
# one after the other, each waiting for its 250).
count() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }
i=0
while [ "$(count "$T_TMP/fd/bob/new")" -lt 3 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
t_check "bob got the three" test "$(count "$T_TMP/fd/bob/new")" -eq 3
t_check "carol, the Bcc, got the three" test "$(count "$T_TMP/fd/carol/new")" -eq 3
OUT=$T_TMP/delivered
mkdir -p "$OUT"
n=0
for f in $(ls -tr "$T_TMP/fd/bob/new"); do
	n=$((n + 1))
	cp "$T_TMP/fd/bob/new/$f" "$OUT/msg$n.eml"
done
sent_parts_check "$OUT"
t_lacks "the log never shows the app password" "$fd_LOG" "$pw"
t_check "the Sent folder holds the three" test "$(find "$T_TMP/Mail/fd/Sent/cur" -type f | wc -l)" -eq 3
t_done
