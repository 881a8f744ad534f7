#!/bin/sh
# frankd_relay_tls.sh: outbound TLS, judged from the bytes the next hop
# received and from frankd's log.
#   - By MX, STARTTLS is opportunistic (RFC 3207, RFC 7435): a next hop
#     that offers STARTTLS but whose handshake fails (garbage after its
#     220, or a close) gets the message on a new plaintext session.
#   - A next hop whose certificate does not verify still gets it over TLS
#     (opportunistic means unauthenticated), and the log says so.
#   - A smarthost requires TLS: a failed handshake defers the message and
#     neither the password nor the message ever goes in clear.
. tests/lib.sh
t_tmpdir
t_need timeout python3
. tests/integration/frankd_mta.lib
mta_aiosmtpd_nexthop
for mode in garbage close; do
	mkdir -p "$T_TMP/$mode"
	mta_start_py "$mode" tests/tools/frankd_badtls_hop.py "$T_TMP/$mode.port" "$T_TMP/$mode" "$mode"
done

ZONE=$T_TMP/zone
{
	echo '$ORIGIN next.test.'
	echo '@       IN MX 10 mx.next.test.'
	echo 'mx      IN A 127.0.0.1'
} >"$ZONE"

A=$T_TMP/a
mkdir -p "$A"
conf() { # RELAY_PORT extra-lines...
	mta_alice_conf "$A" "$ZONE" "$@" "log_level debug"
}
STARTS=0
start() {
	STARTS=$((STARTS + 1))
	mta_start "a$STARTS" "$A/frankd.conf"
	eval "LOG=\$a${STARTS}_LOG"
}
stop() { mta_stop "a$STARTS"; }
send() { # RCPT SUBJECT
	printf 'From: alice@alice.test\nTo: %s\nSubject: %s\n\nBody of %s.\n' "$1" "$2" "$2" |
		"$FRANKD" -c "$A/frankd.conf" sendmail -f alice@alice.test "$1"
}
# conn_with DIR TEXT: the connection records of DIR that hold TEXT.
conn_with() { grep -l -F -- "$2" "$1"/conns/conn* 2>/dev/null; }

# --- by MX: STARTTLS offered, the handshake fails -> plaintext, delivered --------------
for mode in garbage close; do
	D=$T_TMP/$mode
	conf "$(cat "$T_TMP/$mode.port")"
	start
	send "bob-$mode@next.test" "tls $mode"
	f=$(mta_wait_file "$D" "Subject: tls $mode")
	t_check "$mode after 220 to STARTTLS: the message is delivered" test -n "$f"
	[ -n "$f" ] || f=/dev/null
	t_contains "...to the right recipient" "${f%.eml}.env" "bob-$mode@next.test"
	t_check "...first a session that asked for STARTTLS and sent no mail" \
		sh -c "grep -l STARTTLS '$D'/conns/conn* | xargs grep -L 'MAIL FROM' | grep -q ."
	plain=$(conn_with "$D" "MAIL FROM:<alice@alice.test>")
	t_check "...then one plaintext session with the mail (one only)" test "$(echo "$plain" | wc -w)" -eq 1
	t_lacks "...which did not ask for STARTTLS again" "${plain:-/dev/null}" "STARTTLS"
	t_contains "...carrying the message in the clear" "${plain:-/dev/null}" "Subject: tls $mode"
	t_contains "the log says the session was plaintext" "$LOG" \
		"session with mx.next.test[127.0.0.1]: plaintext"
	t_contains "...and that it was relayed" "$LOG" "relayed <bob-$mode@next.test>"
	stop
done

# --- by MX: a certificate that does not verify -> TLS anyway, said so -----------------
conf "$(cat "$T_TMP/next.port")"
start
send bob-unverified@next.test "tls unverified"
f=$(mta_wait_file "$T_TMP/next" "Subject: tls unverified")
t_check "a next hop whose certificate does not verify gets the message" test -n "$f"
t_contains "...over TLS (what the next hop saw)" "${f%.eml}.env" "tls yes"
t_contains "...and the log says TLS without a verified certificate" "$LOG" \
	"session with mx.next.test[127.0.0.1]: TLS, certificate not verified (opportunistic)"
t_contains "...relayed" "$LOG" "relayed <bob-unverified@next.test>"
stop

# --- the smarthost: TLS required; a failed handshake defers, nothing in clear ---------
SECRET=relay-pw-2c9e1
printf '%s\n' "$SECRET" >"$A/sh.pw"
chmod 600 "$A/sh.pw"
for mode in garbage close; do
	D=$T_TMP/$mode
	conf 25 "smarthost 127.0.0.1 $(cat "$T_TMP/$mode.port") user relayuser password_file $A/sh.pw ca_file $c/ca.crt"
	rm -f "$D"/conns/conn* # the MX tests' sessions
	start
	send "friend-$mode@far.test" "smarthost $mode"
	t_check "smarthost, $mode after 220 to STARTTLS: the message is deferred" \
		mta_log_wait "$LOG" "deferred <friend-$mode@far.test>: smarthost 127.0.0.1"
	t_check "...after the smarthost was connected to, asked for STARTTLS" test -n "$(conn_with "$D" STARTTLS)"
	t_check "...no AUTH was ever sent to it" test -z "$(conn_with "$D" AUTH)"
	t_check "...nor the password, in any form" \
		test -z "$(conn_with "$D" "$SECRET")$(conn_with "$D" "$(printf '\0relayuser\0%s' "$SECRET" | base64)")"
	t_check "...nor the mail" test -z "$(conn_with "$D" "smarthost $mode")$(conn_with "$D" "MAIL FROM")"
	t_lacks "...and the log never shows the password" "$LOG" "$SECRET"
	stop
done
t_done
