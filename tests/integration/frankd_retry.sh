#!/bin/sh
# frankd_retry.sh: frankd's relay against an independent next hop, Python's
# aiosmtpd (Debian python3-aiosmtpd, tests/tools/frankd_nexthop.py), found
# by MX in the zone file, with a short retry schedule: a 451 at the end of
# DATA is retried and then delivered (over opportunistic STARTTLS); a
# domain with no MX goes to its A record; a 550 at RCPT and an expired
# message bounce to the sender as RFC 3464 DSNs in her Maildir, after one
# warning of the delay; a message with a null sender never bounces.  Then
# the same frankd relays through a smarthost (aiosmtpd requiring STARTTLS
# and AUTH) with an app password read from a file, then printed by a
# password_command (and a failing command defers, saying why); never logged.
. tests/lib.sh
t_tmpdir
t_need timeout python3
. tests/integration/frankd_mta.lib
mta_aiosmtpd_nexthop
NEXT=$T_TMP/next
NEXT_PORT=$(cat "$T_TMP/next.port")

ZONE=$T_TMP/zone
{
	echo '$ORIGIN next.test.'
	echo '@       IN MX 10 mx.next.test.'
	echo 'mx      IN A 127.0.0.1'
	echo '$ORIGIN implicit.test.'
	echo '@       IN A 127.0.0.1'
} >"$ZONE"

A=$T_TMP/a
mkdir -p "$A"
conf() { # extra lines
	mta_alice_conf "$A" "$ZONE" "$NEXT_PORT" "retry warn 3s" "retry give_up 8s" "$@"
}
STARTS=0
start() {
	STARTS=$((STARTS + 1))
	mta_start "a$STARTS" "$A/frankd.conf"
	eval "LOG=\$a${STARTS}_LOG; PID=\$a${STARTS}_PID"
}
stop() { mta_stop "a$STARTS"; }
send() { # SENDER RCPT SUBJECT
	printf 'From: alice@alice.test\nTo: %s\nSubject: %s\n\nBody of %s.\n' "$2" "$3" "$3" |
		"$FRANKD" -c "$A/frankd.conf" sendmail -f "$1" "$2"
}
INBOX=$A/mail/alice/new

conf
start

# --- 4xx, then accepted after a retry ---------------------------------------------------
send alice@alice.test grey@next.test "greylisted once"
f=$(mta_wait_file "$NEXT" "Subject: greylisted once")
t_check "a message refused with 451 is delivered after a retry" test -n "$f"
t_contains "frankd deferred it, saying why" "$LOG" "deferred <grey@next.test>: mx.next.test[127.0.0.1] (TLS) said to the end of DATA: 451 4.7.1 Greylisted"
t_contains "...then relayed it" "$LOG" "relayed <grey@next.test>"
t_check "the next hop saw two DATA tries" test "$(cat "$NEXT/tries")" -ge 2
envf=${f%.eml}.env
t_contains "STARTTLS was used, opportunistically (the certificate is not judged)" "$envf" "tls yes"
t_contains "...the envelope sender is kept" "$envf" "alice@alice.test"

# --- no MX: the A record ------------------------------------------------------------------
send alice@alice.test someone@implicit.test "no mx record"
f=$(mta_wait_file "$NEXT" "Subject: no mx record")
t_check "a domain with no MX is reached at its A record (the implicit MX)" test -n "$f"

# --- 5xx: a DSN to the sender ----------------------------------------------------------------
send alice@alice.test nouser@next.test "refused at rcpt"
f=$(mta_wait_file "$INBOX" "Final-Recipient: rfc822; nouser@next.test")
t_check "a 550 at RCPT bounces: a DSN arrives in alice's Maildir" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "...multipart/report, report-type=delivery-status" "$f" "Content-Type: multipart/report; report-type=delivery-status;"
t_contains "...a message/delivery-status part" "$f" "Content-Type: message/delivery-status"
t_contains "...Reporting-MTA" "$f" "Reporting-MTA: dns; mail.alice.test"
t_contains "...Action: failed" "$f" "Action: failed"
t_contains "...Status from the next hop's reply" "$f" "Status: 5.1.1"
t_contains "...its reply as the Diagnostic-Code" "$f" "Diagnostic-Code: smtp; 550 5.1.1 <nouser@next.test>: no such user here"
t_contains "...the original headers as text/rfc822-headers" "$f" "Content-Type: text/rfc822-headers"
t_contains "...which hold the original Subject" "$f" "Subject: refused at rcpt"
t_contains "...sent with the null reverse-path" "$f" "Return-Path: <>"
t_contains "...addressed to the sender" "$f" "To: <alice@alice.test>"

# --- no bounce to a null sender ----------------------------------------------------------------
send "" nouser2@next.test "bounce of a bounce"
t_check "a message from the null sender that fails is not bounced" mta_log_wait "$LOG" "no bounce: the sender is null"
t_check "...and no DSN about it arrives" test -z "$(grep -l 'nouser2@next.test' "$INBOX"/* 2>/dev/null)"

# --- still failing: a warning, then expiry and a bounce -----------------------------------------
send alice@alice.test slow@next.test "always deferred"
f=$(mta_wait_file "$INBOX" "Action: delayed")
t_check "after retry.warn the sender gets a delay notice" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "...a DSN saying delayed for slow@next.test" "$f" "Final-Recipient: rfc822; slow@next.test"
t_contains "...with the time it will be tried until" "$f" "Will-Retry-Until:"
f=$(mta_wait_file "$INBOX" "gave up after")
t_check "after retry.give_up it bounces" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "...as failed" "$f" "Action: failed"
t_contains "...with the status of an expired delivery (RFC 3463)" "$f" "Status: 5.4.7"
t_check "only one delay notice was sent" test "$(grep -l 'Action: delayed' "$INBOX"/* | wc -l)" -eq 1
i=0
while [ -n "$(ls "$A/queue/messages")" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
t_check "the queue is empty at the end" test -z "$(ls "$A/queue/messages")"
stop

# --- the smarthost: STARTTLS required, AUTH with an app password from a file -------------------
SH=$T_TMP/smarthost
mkdir -p "$SH"
SECRET=sh-secret-7f3a9
mta_start_py smarthost tests/tools/smtp_aiosmtpd_server.py "$T_TMP/smarthost.port" "$SH" \
	"$c/ip.crt" "$c/ip.key" relayuser "$SECRET"
printf '%s\n' "$SECRET" >"$A/smarthost.pw"
chmod 600 "$A/smarthost.pw"
conf "smarthost 127.0.0.1 $(cat "$T_TMP/smarthost.port") user relayuser password_file $A/smarthost.pw ca_file $c/ca.crt" \
	"log_level debug"
start
send alice@alice.test friend@far.test "through the smarthost"
f=$(mta_wait_file "$SH" "Subject: through the smarthost")
t_check "with a smarthost every remote message goes through it (no MX needed)" test -n "$f"
t_contains "...with the envelope kept" "${f%.eml}.env" "friend@far.test"
t_contains "frankd logs the relay" "$LOG" "relayed <friend@far.test>"
t_lacks "the log never shows the smarthost's password" "$LOG" "$SECRET"
stop

# --- the smarthost's password from a command, run at each connection ---------------------------
# (the password is split in the command, so its text is only ever in the
# command's output, never in the configuration)
printf 'printf "%%s-%%s\\n" sh-secret 7f3a9\necho ran >>"%s"\n' "$T_TMP/pwcmd.runs" >"$T_TMP/pwcmd.sh"
conf "smarthost 127.0.0.1 $(cat "$T_TMP/smarthost.port") user relayuser password_command \"sh $T_TMP/pwcmd.sh\" ca_file $c/ca.crt" \
	"log_level debug"
t_lacks "(the configuration does not hold the password)" "$A/frankd.conf" "$SECRET"
start
send alice@alice.test cmd1@far.test "password from a command"
f=$(mta_wait_file "$SH" "Subject: password from a command")
t_check "password_command: the smarthost took AUTH with its output and the mail arrived" test -n "$f"
t_contains "...with the envelope kept" "${f%.eml}.env" "cmd1@far.test"
t_contains "...logged as relayed" "$LOG" "relayed <cmd1@far.test>"
send alice@alice.test cmd2@far.test "password from a command again"
f=$(mta_wait_file "$SH" "Subject: password from a command again")
t_check "...a second message goes too" test -n "$f"
t_check "...the command ran at each connection (twice)" test "$(wc -l <"$T_TMP/pwcmd.runs")" -eq 2
t_lacks "...the log never shows the password" "$LOG" "$SECRET"
stop

# a failing command: deferred, and frankd queue says why
conf "smarthost 127.0.0.1 $(cat "$T_TMP/smarthost.port") user relayuser password_command 'echo not-the-password; exit 3' ca_file $c/ca.crt"
start
send alice@alice.test cmd3@far.test "password command fails"
t_check "a failing password_command defers the message" \
	mta_log_wait "$LOG" "deferred <cmd3@far.test>: password_command failed (exit status 3)"
"$FRANKD" -c "$A/frankd.conf" queue >"$T_TMP/pwq.out" 2>&1
t_contains "...and frankd queue shows the reason" "$T_TMP/pwq.out" "password_command failed (exit status 3)"
t_lacks "...the command's output is not logged" "$LOG" "not-the-password"
t_check "...nothing reached the smarthost" test -z "$(grep -l 'password command fails' "$SH"/* 2>/dev/null)"
"$FRANKD" -c "$A/frankd.conf" queue delete "$(sed -n 's/^\([0-9A-F]\{20\}\).*/\1/p' "$T_TMP/pwq.out" | head -n 1)" >/dev/null 2>&1
stop

# a smarthost whose certificate cannot be verified gets nothing
conf "smarthost 127.0.0.1 $(cat "$T_TMP/smarthost.port") user relayuser password_file $A/smarthost.pw"
start
send alice@alice.test friend2@far.test "unverified smarthost"
t_check "a smarthost whose certificate does not verify: deferred" mta_log_wait "$LOG" "deferred <friend2@far.test>: smarthost 127.0.0.1"
t_check "...nothing reached it" test -z "$(grep -l 'unverified smarthost' "$SH"/* 2>/dev/null)"
stop
t_done
