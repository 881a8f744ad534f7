#!/bin/sh
# frankd_8bitmime.sh: 8-bit mail to a next hop that does not offer
# 8BITMIME or SMTPUTF8 (tests/tools/smtp_script_server.py, which offers
# neither unless told), judged from the bytes it received:
#   - a message alice submits with 8-bit UTF-8 text is made 7-bit before
#     frankd DKIM-signs it (RFC 6376 5.3): the next hop gets 7-bit bytes
#     that decode to the original text, and dkimpy verifies the signature;
#   - so is one frankd sendmail injects and signs;
#   - an unsigned 8-bit message is made 7-bit when it is relayed (RFC 6152);
#   - a message whose header section is not ASCII (it needs SMTPUTF8)
#     bounces to the sender with a clear DSN (RFC 6531 3.5), 5.6.9;
#   - so does one whose envelope has an address that is not ASCII, 5.6.7.
. tests/lib.sh
t_tmpdir
t_need timeout python3
. tests/integration/frankd.lib
. tests/integration/frankd_mta.lib
PY=$(mta_python dkim) ||
	{ t_fail "dkimpy is installed" "install it: apt-get install -y python3-dkim"; exit 1; }

# start_hop HOP: the next hop of one case, taking one session (started
# just before its case: it waits at most 120 s for it)
start_hop() {
	python3 tests/tools/smtp_script_server.py --portfile "$T_TMP/$1.port" \
		--record "$T_TMP/$1.record" --data "$T_TMP/$1.data" --connections 1 \
		2>"$T_TMP/$1.err" &
	MTA_PIDS="$MTA_PIDS $!"
	i=0
	while [ ! -s "$T_TMP/$1.port" ]; do
		[ $i -ge 300 ] && { t_fail "the next hop $1 starts" "$(cat "$T_TMP/$1.err")"; exit 1; }
		sleep 0.1
		i=$((i + 1))
	done
}
ZONE=$T_TMP/zone
{
	for hop in signed sendmail unsigned utf8 utf8addr; do
		echo "\$ORIGIN $hop.test."
		echo "@ IN A 127.0.0.1"
	done
} >"$ZONE"

# relay_port is one for all: each case gets its own next hop and frankd run
run_case() { # HOP
	start_hop "$1"
	fd_conf "zone_file $ZONE" "dns offline" "relay_port $(cat "$T_TMP/$1.port")" \
		"dkim_key alice.test s1 $FD/s1.key" "log_level debug"
}
run_case signed
"$FRANKD" -c "$FD/frankd.conf" dkim-keygen alice.test s1 >"$T_TMP/keygen.out" 2>&1 ||
	{ t_fail "frankd dkim-keygen makes the key" "$(cat "$T_TMP/keygen.out")"; exit 1; }
printf 's1._domainkey.alice.test %s\n' \
	"$(grep -o '"[^"]*"' "$T_TMP/keygen.out" | tr -d '"\n')" >"$T_TMP/dkimpy.dns"
PW=$(fd_password alice t)

# check_7bit HOP ORIGINAL-TEXT: the next hop's DATA is 7-bit, says how it
# was encoded, and its text decodes to ORIGINAL-TEXT
check_7bit() {
	python3 - "$T_TMP/$1.data" "$2" >"$T_TMP/$1.check" 2>&1 <<'EOF'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
# the DATA as sent: dot-stuffed, CRLF
raw = b"\r\n".join(l[1:] if l.startswith(b".") else l for l in raw.split(b"\r\n"))
bad = [b for b in raw if b > 127]
print("8-bit bytes: %d" % len(bad))
msg = email.message_from_bytes(raw, policy=email.policy.default)
part = msg.get_body(("plain",))
print("cte: %s" % part["Content-Transfer-Encoding"])
text = part.get_content().replace("\r\n", "\n")
want = sys.argv[2]
print("decodes to the original: %s" % ("yes" if text.rstrip("\n") == want else "no: %r" % text))
EOF
	t_contains "$1: every byte the next hop got is 7-bit" "$T_TMP/$1.check" "8-bit bytes: 0"
	t_contains "...the text part quoted-printable" "$T_TMP/$1.check" "cte: quoted-printable"
	t_contains "...and it decodes to the original text" "$T_TMP/$1.check" "decodes to the original: yes"
}

# --- submitted, signed: made 7-bit first, then signed ---------------------------------
TEXT='Grüße aus Köln — naïve café, 10 € (ok)'
printf 'From: alice@alice.test\nTo: bob@signed.test\nSubject: signed 8bit\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n' \
	"$TEXT" >"$T_TMP/signed.eml"
fd_start
timeout 60 $SMTP_CLIENT "$FD_SUB" --ca "$FD_CERT" --name "$FD_NAME" ehlo starttls "auth:PLAIN:alice:$PW" \
	"send:alice@alice.test:bob@signed.test:$T_TMP/signed.eml" quit >"$T_TMP/sub.out" 2>&1
t_contains "alice submits an 8-bit message" "$T_TMP/sub.out" "send 250"
t_check "frankd makes it 7-bit before signing" fd_log_wait "made 7-bit before signing"
t_check "...relays it" fd_log_wait "relayed <bob@signed.test>"
check_7bit signed "$TEXT"
t_contains "...signed by alice.test" "$T_TMP/signed.data" "d=alice.test"
"$PY" tests/tools/dkimpy_check.py verify "$T_TMP/dkimpy.dns" <"$T_TMP/signed.data" >"$T_TMP/dkimpy.out" 2>&1
t_check "...and dkimpy verifies the signature on what the next hop got" test $? -eq 0
t_contains "...(pass)" "$T_TMP/dkimpy.out" "pass"
t_lacks "...sent without BODY=8BITMIME (the next hop does not offer it)" "$T_TMP/signed.record" "BODY=8BITMIME"
fd_stop

# --- injected by frankd sendmail and signed: made 7-bit first, as submission does --------
run_case sendmail
fd_start
sed 's/bob@signed.test/bob@sendmail.test/' "$T_TMP/signed.eml" |
	"$FRANKD" -c "$FD/frankd.conf" sendmail -f alice@alice.test bob@sendmail.test
t_check "frankd sendmail: the 8-bit message is relayed" fd_log_wait "relayed <bob@sendmail.test>"
check_7bit sendmail "$TEXT"
"$PY" tests/tools/dkimpy_check.py verify "$T_TMP/dkimpy.dns" <"$T_TMP/sendmail.data" >"$T_TMP/dkimpy2.out" 2>&1
t_check "...and dkimpy verifies its signature on what the next hop got" test $? -eq 0
fd_stop

# --- not signed (no key for carol.test): made 7-bit when relayed -------------------------
run_case unsigned
fd_start
printf 'From: carol@carol.test\nTo: bob@unsigned.test\nSubject: unsigned 8bit\nContent-Type: text/plain; charset=utf-8\n\n%s\n' \
	"$TEXT" | "$FRANKD" -c "$FD/frankd.conf" sendmail -f carol@carol.test bob@unsigned.test
t_check "an unsigned 8-bit message is relayed" fd_log_wait "relayed <bob@unsigned.test>"
t_contains "...in a 7-bit form, said in the log" "$FD_LOG" "does not offer 8BITMIME: sent in a 7-bit form"
check_7bit unsigned "$TEXT"
t_contains "...with MIME-Version added (its Content-Transfer-Encoding needs it)" "$T_TMP/unsigned.data" "MIME-Version: 1.0"
fd_stop

# --- a header that is not ASCII, to a next hop without SMTPUTF8: a DSN -----------------------
run_case utf8
fd_start
printf 'From: carol@carol.test\nTo: bob@utf8.test\nSubject: Grüße\nContent-Type: text/plain; charset=utf-8\n\n%s\n' \
	"$TEXT" | "$FRANKD" -c "$FD/frankd.conf" sendmail -f carol@carol.test bob@utf8.test
t_check "a message with a UTF-8 Subject fails at a next hop without SMTPUTF8" \
	fd_log_wait "failed <bob@utf8.test>"
f=$(fd_wait_file carol "Final-Recipient: rfc822; bob@utf8.test")
t_check "...and bounces to the sender" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "...Status 5.6.9 (RFC 6531, 6533)" "$f" "Status: 5.6.9"
t_contains "...saying why" "$f" "does not offer SMTPUTF8"
t_check "...and the next hop never got its DATA" test ! -s "$T_TMP/utf8.data"
fd_stop

# --- an address that is not ASCII, to a next hop without SMTPUTF8: a DSN ---------------------
run_case utf8addr
fd_start
printf 'From: carol@carol.test\nTo: bob@utf8addr.test\nSubject: plain\n\nhello\n' |
	"$FRANKD" -c "$FD/frankd.conf" sendmail -f carol@carol.test 'bøb@utf8addr.test'
t_check "a message to a UTF-8 address fails at a next hop without SMTPUTF8" \
	fd_log_wait "failed <bøb@utf8addr.test>"
f=$(fd_wait_file carol "Final-Recipient: rfc822; bøb@utf8addr.test")
[ -n "$f" ] || f=$(fd_wait_file carol "utf8addr.test")
t_check "...and bounces to the sender" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "...Status 5.6.7 (non-ASCII address, RFC 6531)" "$f" "Status: 5.6.7"
t_contains "...saying why" "$f" "address that is not ASCII"
t_check "...and the next hop never got a MAIL command" sh -c "! grep -q '^MAIL' '$T_TMP/utf8addr.record'"
fd_stop
t_done
