#!/bin/sh
# frankd_smtp.sh: frankd's SMTP side against real clients on 127.0.0.1:
# swaks, Python's smtplib and curl submit over STARTTLS (and implicit TLS)
# with app passwords, and each message arrives byte for byte, after the
# headers frankd adds, in a local user's Maildir.  Submission rules (AUTH
# only after TLS, the allowed senders, SIZE) and inbound rules (local
# domains only) are checked on the replies.
. tests/lib.sh
t_tmpdir
t_need swaks curl python3 openssl timeout
. tests/integration/frankd.lib

# remote.test's MX is 127.0.0.1, where nothing listens on relay_port: a
# relayed recipient stays deferred, visible in frankd queue
printf '$ORIGIN remote.test.\n@ IN MX 10 mx.remote.test.\nmx IN A 127.0.0.1\n' >"$T_TMP/zone"
fd_conf "limit message_size 100k" "zone_file $T_TMP/zone" "relay_port 9"
fd_start
t_check "frankd made its self-signed certificate" test -s "$FD_CERT"
t_contains "the log says so" "$FD_LOG" "made a self-signed certificate for $FD_NAME"
t_check "it listens on three ports" test -n "$FD_SMTP" -a -n "$FD_SUB" -a -n "$FD_SUBS"
t_check "each user's Maildir is made at start" test -d "$FD/mail/carol/new" -a -d "$FD/mail/carol/cur"
t_check "...with a Junk folder for quarantine" test -d "$FD/mail/carol/.Junk/new"
PW=$(fd_password alice laptop)
t_check "an app password is made" test -n "$PW"

# --- swaks: AUTH over STARTTLS, PIPELINING, SIZE --------------------------------
printf 'From: Alice <alice@alice.test>\nTo: Bob <bob@alice.test>\nSubject: by swaks\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <swaks-1@alice.test>\n\nHello Bob,\n.a line that starts with a dot\n..and one with two\n\nbye\n' >"$T_TMP/swaks.eml"
timeout 60 swaks --server 127.0.0.1 --port "$FD_SUB" --tls --tls-verify --tls-ca-path "$FD_CERT" \
	--tls-sni "$FD_NAME" --auth PLAIN --auth-user alice --auth-password "$PW" --pipeline \
	--from alice@alice.test --to bob@alice.test --data "$T_TMP/swaks.eml" \
	>"$T_TMP/swaks.out" 2>&1
t_contains "swaks: STARTTLS is offered before TLS" "$T_TMP/swaks.out" "250-STARTTLS"
t_contains "swaks: AUTH PLAIN succeeds after STARTTLS" "$T_TMP/swaks.out" "235 2.7.0 Authentication successful"
t_contains "swaks: PIPELINING is announced" "$T_TMP/swaks.out" "250-PIPELINING"
t_contains "swaks: the message is queued" "$T_TMP/swaks.out" "250 2.0.0 Ok: queued as"
f=$(fd_wait_file bob "Subject: by swaks")
# swaks ends DATA with CRLF . CRLF after the text's own last line end
{ cat "$T_TMP/swaks.eml"; echo; } >"$T_TMP/swaks.sent"
t_check "swaks: the message arrives in bob's Maildir byte for byte" fd_ends_with "$f" "$T_TMP/swaks.sent"
t_check "swaks: a Return-Path comes first" test "$(head -n 1 "$f")" = "Return-Path: <alice@alice.test>"
t_contains "swaks: frankd's Received header says ESMTPSA and TLS" "$f" "with ESMTPSA id"
t_contains "swaks: ...with the TLS version" "$f" "(using TLSv1."
t_check "swaks: Date and Message-ID were present, none added" \
	test "$(grep -c '^Message-ID:\|^Date:' "$f")" -eq 2

head -c 150000 /dev/zero | tr '\0' 'x' | fold -w 76 >"$T_TMP/big.txt"
timeout 60 swaks --server 127.0.0.1 --port "$FD_SUB" --tls --auth PLAIN --auth-user alice \
	--auth-password "$PW" --from alice@alice.test --to bob@alice.test \
	--attach "$T_TMP/big.txt" >"$T_TMP/size.out" 2>&1
t_contains "swaks: SIZE is announced with the limit" "$T_TMP/size.out" "250-SIZE 102400"
t_contains "swaks: a message over SIZE gets 552" "$T_TMP/size.out" "552 5.3.4 Message too big"
timeout 60 swaks --server 127.0.0.1 --port "$FD_SUB" --tls --auth PLAIN --auth-user alice \
	--auth-password "$PW" --from alice@alice.test --to bob@alice.test \
	--add-header "X-Size-Test: yes" >"$T_TMP/after552.out" 2>&1
t_contains "swaks: the next message goes through" "$T_TMP/after552.out" "250 2.0.0 Ok: queued as"

# --- Python smtplib ---------------------------------------------------------------
client() { # NAME STEP...
	name=$1
	shift
	timeout 60 $SMTP_CLIENT "$FD_SUB" --ca "$FD_CERT" --name "$FD_NAME" "$@" >"$T_TMP/$name.out" 2>&1
}
printf 'From: alice@alice.test\nTo: bob@alice.test\nSubject: by smtplib %s\n\nNo Date, no Message-ID here.\n\xc3\xa9t\xc3\xa9 in UTF-8\n' PLAIN >"$T_TMP/py-plain.eml"
printf 'From: alice@alice.test\nTo: bob@alice.test\nSubject: by smtplib %s\n\nNo Date, no Message-ID here.\n' LOGIN >"$T_TMP/py-login.eml"

client plaintext ehlo "raw:AUTH PLAIN AGFsaWNlAHNlY3JldA==" "mail:alice@alice.test" quit
t_lacks "smtplib: AUTH is not advertised before TLS" "$T_TMP/plaintext.out" " AUTH"
t_contains "smtplib: STARTTLS is" "$T_TMP/plaintext.out" "STARTTLS"
t_contains "smtplib: AUTH before TLS is answered 530" "$T_TMP/plaintext.out" "raw 530 5.7.0 Must issue a STARTTLS command first"
t_contains "smtplib: MAIL without AUTH on submission is 530" "$T_TMP/plaintext.out" "mail 530 5.7.0 Authentication required"

client plain starttls ehlo "auth:PLAIN:alice:$PW" "mail:alice@alice.test" "rcpt:bob@alice.test" \
	"data:$T_TMP/py-plain.eml" quit
t_contains "smtplib: AUTH is advertised after STARTTLS" "$T_TMP/plain.out" " AUTH=PLAIN LOGIN "
t_lacks "smtplib: STARTTLS is not offered twice" "$T_TMP/plain.out" "STARTTLS"
t_contains "smtplib: AUTH PLAIN after STARTTLS" "$T_TMP/plain.out" "auth 235 2.7.0 Authentication successful"
t_contains "smtplib: queued" "$T_TMP/plain.out" "data 250 2.0.0 Ok: queued as"

client login starttls "auth:LOGIN:alice:$PW" "mail:alice@alice.test" "rcpt:bob@alice.test" \
	"data:$T_TMP/py-login.eml" quit
t_contains "smtplib: AUTH LOGIN after STARTTLS" "$T_TMP/login.out" "auth 235 2.7.0 Authentication successful"
t_contains "smtplib: queued (LOGIN)" "$T_TMP/login.out" "data 250 2.0.0 Ok: queued as"

client wrong starttls "auth:PLAIN:alice:not-the-password" "auth:LOGIN:alice:not-it-either" quit
t_contains "smtplib: a wrong password is 535 (PLAIN)" "$T_TMP/wrong.out" "auth 535 5.7.8 Authentication credentials invalid"
t_check "smtplib: ...and 535 (LOGIN)" test "$(grep -c 'auth 535' "$T_TMP/wrong.out")" -eq 2

client sender starttls "auth:PLAIN:alice:$PW" "mail:carol@carol.test" "mail:bob@alice.test" \
	raw:RSET "mail:someone@elsewhere.test" quit
t_contains "smtplib: MAIL FROM another user's address is 553" "$T_TMP/sender.out" "mail 553 5.7.1 Sender address <carol@carol.test> not allowed for user alice"
t_contains "smtplib: an address of send_as *@alice.test is allowed" "$T_TMP/sender.out" "mail 250 2.1.0 Ok"
t_contains "smtplib: a foreign sender is 553" "$T_TMP/sender.out" "mail 553 5.7.1 Sender address <someone@elsewhere.test>"

timeout 60 $SMTP_CLIENT "$FD_SUBS" --ssl --ca "$FD_CERT" --name "$FD_NAME" ehlo \
	"auth:PLAIN:alice:$PW" "send:alice@alice.test:carol@carol.test:$T_TMP/py-login.eml" quit \
	>"$T_TMP/implicit.out" 2>&1
t_contains "smtplib: implicit TLS (port 465 mode) greets" "$T_TMP/implicit.out" "connect 220 $FD_NAME ESMTP frankd"
t_contains "smtplib: AUTH is offered at once under implicit TLS" "$T_TMP/implicit.out" " AUTH=PLAIN LOGIN "
t_contains "smtplib: and the message goes" "$T_TMP/implicit.out" "send 250 sent"

fd_log_wait "delivered <carol@carol.test>"
f=$(fd_maildir_file bob "Subject: by smtplib PLAIN")
t_check "smtplib: the PLAIN message arrives byte for byte" fd_ends_with "$f" "$T_TMP/py-plain.eml"
t_contains "smtplib: a missing Message-ID is added on submission (RFC 6409 8.3)" "$f" "Message-ID: <"
t_contains "smtplib: ...with frankd's host name" "$f" "@$FD_NAME>"
t_check "smtplib: a missing Date is added (RFC 6409 8.2)" test "$(grep -c '^Date: ' "$f")" -eq 1
f=$(fd_maildir_file bob "Subject: by smtplib LOGIN")
t_check "smtplib: the LOGIN message arrives byte for byte" fd_ends_with "$f" "$T_TMP/py-login.eml"
f=$(fd_maildir_file carol "Subject: by smtplib LOGIN")
t_check "smtplib: carol's copy (another local domain) arrives too" fd_ends_with "$f" "$T_TMP/py-login.eml"

# --- curl smtp:// with --ssl-reqd and the certificate checked -----------------------
printf 'From: alice@alice.test\r\nTo: bob@alice.test\r\nSubject: by curl\r\nDate: Tue, 2 Jan 2024 10:00:00 +0000\r\nMessage-ID: <curl-1@alice.test>\r\n\r\nSent by curl.\r\n.hidden dot\r\n' >"$T_TMP/curl.eml"
timeout 60 curl -sS --ssl-reqd --cacert "$FD_CERT" --resolve "$FD_NAME:$FD_SUB:127.0.0.1" \
	--user "alice:$PW" --mail-from alice@alice.test --mail-rcpt bob@alice.test \
	--upload-file "$T_TMP/curl.eml" "smtp://$FD_NAME:$FD_SUB" >"$T_TMP/curl.out" 2>&1
echo $? >"$T_TMP/curl.rc"
t_check "curl: submits over STARTTLS with the certificate verified" t_rc_is curl 0
timeout 60 curl -sS --ssl-reqd --resolve "$FD_NAME:$FD_SUB:127.0.0.1" --user "alice:$PW" \
	--mail-from alice@alice.test --mail-rcpt bob@alice.test --upload-file "$T_TMP/curl.eml" \
	"smtp://$FD_NAME:$FD_SUB" >"$T_TMP/curl-untrusted.out" 2>&1
t_check "curl: without the certificate it refuses (the check is real)" test $? -ne 0
f=$(fd_wait_file bob "Subject: by curl")
tr -d '\r' <"$T_TMP/curl.eml" >"$T_TMP/curl.lf"
t_check "curl: the message arrives byte for byte (LF line ends in the Maildir)" fd_ends_with "$f" "$T_TMP/curl.lf"
t_lacks "curl: no header is added to a message that has Date and Message-ID" "$f" "@$FD_NAME>"

# --- inbound (port 25 mode): local domains only ------------------------------------
inbound() {
	name=$1
	shift
	timeout 60 $SMTP_CLIENT "$FD_SMTP" --ca "$FD_CERT" --name "$FD_NAME" "$@" >"$T_TMP/$name.out" 2>&1
}
inbound in ehlo "mail:someone@remote.test" "rcpt:bob@alice.test" "rcpt:nobody@alice.test" \
	"rcpt:victim@elsewhere.test" "rcpt:Postmaster@carol.test" "data:$T_TMP/py-login.eml" \
	"raw:AUTH PLAIN AGFsaWNlAHNlY3JldA==" quit
grep '^ehlo' "$T_TMP/in.out" >"$T_TMP/in.ehlo"
t_lacks "inbound: AUTH is not offered on the MX port" "$T_TMP/in.ehlo" "AUTH"
t_contains "inbound: STARTTLS is" "$T_TMP/in.ehlo" "STARTTLS"
t_contains "inbound: mail for a local user is taken without AUTH" "$T_TMP/in.out" "rcpt 250 2.1.5 Ok"
t_contains "inbound: an unknown local user is 550 5.1.1" "$T_TMP/in.out" "rcpt 550 5.1.1 <nobody@alice.test>: Recipient address rejected: User unknown"
t_contains "inbound: another domain is 550 relay denied" "$T_TMP/in.out" "rcpt 550 5.7.1 <victim@elsewhere.test>: Relay access denied"
t_contains "inbound: the message is queued" "$T_TMP/in.out" "data 250 2.0.0 Ok: queued as"
t_contains "inbound: AUTH on the MX port is refused" "$T_TMP/in.out" "raw 503 5.5.1 AUTH not available on this port"
fd_log_wait "delivered <Postmaster@carol.test> to user alice"
t_contains "inbound: postmaster@ reaches the postmaster user (the first user)" "$FD_LOG" "delivered <Postmaster@carol.test> to user alice"
f=$(fd_maildir_file bob "someone@remote.test")
t_check "inbound: bob has the message" test -n "$f"
t_contains "inbound: Received says ESMTP (no TLS, no AUTH)" "$f" "with ESMTP id"
t_lacks "inbound: no Message-ID is added to inbound mail" "$f" "@$FD_NAME>"

inbound utf8 ehlo "raw:MAIL FROM:<jörg@remote.test>" \
	"raw:MAIL FROM:<jörg@remote.test> SMTPUTF8 BODY=8BITMIME" "raw:RCPT TO:<bob@alice.test>" \
	"data:$T_TMP/py-plain.eml" quit
t_contains "SMTPUTF8 is announced" "$T_TMP/utf8.out" "SMTPUTF8"
t_contains "a UTF-8 sender without SMTPUTF8 is 553 5.6.7" "$T_TMP/utf8.out" "raw 553 5.6.7"
t_contains "with SMTPUTF8 it is taken" "$T_TMP/utf8.out" "raw 250 2.1.0 Ok"
t_contains "...and the message too" "$T_TMP/utf8.out" "data 250 2.0.0 Ok: queued as"
fd_log_wait "from <jörg@remote.test>"
f=$(fd_wait_file bob "Return-Path: <jörg@remote.test>")
t_contains "the Received field says UTF8SMTP" "$f" "with UTF8SMTP id"

# --- authenticated relay: queued, deferred, visible --------------------------------
client relay starttls "auth:PLAIN:alice:$PW" "send:alice@alice.test:dave@remote.test:$T_TMP/py-login.eml" quit
t_contains "relay: an authenticated user may send to another domain" "$T_TMP/relay.out" "send 250 sent"
fd_log_wait "deferred <dave@remote.test>: mx.remote.test[127.0.0.1]: "
"$FRANKD" -c "$FD/frankd.conf" queue >"$T_TMP/queue.out" 2>&1
t_contains "relay: frankd queue shows the waiting recipient and why" "$T_TMP/queue.out" "<dave@remote.test> deferred (remote, 1 try, next try in"
t_contains "relay: ...with the last error" "$T_TMP/queue.out" ": mx.remote.test[127.0.0.1]: "

# --- the log ------------------------------------------------------------------------
t_lacks "the log never shows the app password" "$FD_LOG" "$PW"
t_contains "the log has the connections" "$FD_LOG" "connect from 127.0.0.1 (submission)"
t_contains "the log has auth ok" "$FD_LOG" "auth ok: user alice (password laptop)"
t_contains "the log has auth failures" "$FD_LOG" "auth failed: user alice from 127.0.0.1: wrong password"
t_contains "the log has TLS" "$FD_LOG" "TLS established with 127.0.0.1: TLSv1."
fd_stop
t_contains "SIGTERM stops frankd" "$FD_LOG" "info: stopped"
t_done
