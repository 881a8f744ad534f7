#!/bin/sh
# send_smtp.sh: the SMTP submission client (src/proto/smtp_client.c)
# against a scripted server that records every byte it receives
# (tests/tools/smtp_script_server.py): STARTTLS before AUTH, no AUTH byte
# when STARTTLS is missing, PIPELINING batches, dot-stuffing, SIZE,
# 8BITMIME, refused recipients, a server that drops after DATA.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/send_smtp.lib

MSG=$T_TMP/msg
printf 'From: alice@example.org\nTo: bob@example.org\nSubject: test\n\nfirst line\n.\n.hidden\n..two\nlast\n' >"$MSG"

# send NAME [OPTION]... RCPT...: smtp_send to $port with $MSG; keeps the
# output in NAME.out and the status in NAME.rc, then waits for the server.
send() {
	name=$1
	shift
	timeout 60 "$tools/smtp_send" --ca "$c/ca.crt" --timeout 20000 "$@" >"$T_TMP/$name.out" 2>&1 <"${SEND_MSG:-$MSG}"
	echo $? >"$T_TMP/$name.rc"
	server_done
}
out() { echo "$T_TMP/$1.out"; }

# --- STARTTLS, then AUTH -------------------------------------------------
server starttls --auth "PLAIN LOGIN"
send starttls --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "a message goes through STARTTLS and AUTH PLAIN" t_rc_is starttls 0
t_contains "the server's 250 is reported" "$(out starttls)" "final: 250 2.0.0 Ok: queued as SCRIPT1"
before_tls "$rec" "$T_TMP/starttls.plain"
after_tls "$rec" "$T_TMP/starttls.tls"
t_contains "STARTTLS is asked in the clear" "$T_TMP/starttls.plain" "STARTTLS"
t_lacks "no AUTH byte before TLS" "$T_TMP/starttls.plain" "AUTH"
t_lacks "no MAIL before TLS" "$T_TMP/starttls.plain" "MAIL"
t_contains "EHLO again after TLS" "$T_TMP/starttls.tls" "EHLO client.test"
t_contains "AUTH PLAIN after TLS, with the initial response" "$T_TMP/starttls.tls" \
	"AUTH PLAIN AGFsaWNlAHNlY3JldA=="
t_check "the first EHLO came first" sh -c "head -n 1 '$rec' | grep -q '^EHLO client.test'"

server nostarttls --auth "PLAIN LOGIN" --no-starttls
send nostarttls --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "a server without STARTTLS is refused" t_rc_is nostarttls 1
t_contains "with a clear error" "$(out nostarttls)" \
	"ERROR 127.0.0.1: the server does not offer STARTTLS: refusing to go on without TLS (no password was sent)"
t_lacks "no AUTH byte reached that server" "$rec" "AUTH"
t_lacks "nor the password in any form" "$rec" "AGFsaWNlAHNlY3JldA"
t_lacks "nor a message" "$rec" "MAIL FROM"
t_contains "the session ends politely" "$rec" "QUIT"

server plainloop --auth PLAIN --no-starttls
send plainloop --user alice --password secret --plaintext-loopback 127.0.0.1 "$port" bob@example.org
t_check "plaintext to loopback works when the account allows it" t_rc_is plainloop 0
t_contains "and then AUTH goes in the clear, to loopback only" "$rec" "AUTH PLAIN AGFsaWNlAHNlY3JldA=="

server untrusted --auth PLAIN
timeout 60 "$tools/smtp_send" --user alice --password secret 127.0.0.1 "$port" bob@example.org \
	<"$MSG" >"$T_TMP/untrusted.out" 2>&1
echo $? >"$T_TMP/untrusted.rc"
server_done
t_check "an untrusted certificate stops the session" t_rc_is untrusted 1
t_contains "as untrusted" "$(out untrusted)" "certificate"
t_lacks "before any AUTH" "$rec" "AUTH"

server login --auth LOGIN
send login --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "AUTH LOGIN when the server offers only LOGIN" t_rc_is login 0
after_tls "$rec" "$T_TMP/login.tls"
t_contains "the command" "$T_TMP/login.tls" "AUTH LOGIN"
t_contains "the user name" "$T_TMP/login.tls" "YWxpY2U="
t_contains "the password" "$T_TMP/login.tls" "c2VjcmV0"

server badpass --auth PLAIN
send badpass --user alice --password wrong 127.0.0.1 "$port" bob@example.org
t_check "a wrong password is refused" t_rc_is badpass 1
t_contains "with the server's words" "$(out badpass)" \
	"ERROR 127.0.0.1: AUTH PLAIN refused (user alice): 535 5.7.8 Authentication credentials invalid"

server cram --auth "CRAM-MD5 GSSAPI"
send cram --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "no mechanism in common" t_rc_is cram 1
t_contains "names what was offered" "$(out cram)" "offered: CRAM-MD5 GSSAPI"

# --- PIPELINING ----------------------------------------------------------
server pipe --auth PLAIN --pipelining --expect-rcpts 3
send pipe --user alice --password secret 127.0.0.1 "$port" b@example.org c@example.org d@example.org
t_check "with PIPELINING, MAIL and the RCPTs go in one batch" t_rc_is pipe 0
t_lacks "the server had them all before its first reply" "$rec" "NOT PIPELINED"
t_contains "every recipient's reply is reported" "$(out pipe)" "rcpt d@example.org: 250 2.1.5 Ok"
tr -d '\r' <"$rec" | grep -A3 '^MAIL FROM' >"$T_TMP/pipe.batch"
t_check "in order, one after the other" sh -c "printf 'MAIL FROM:<alice@example.org>\nRCPT TO:<b@example.org>\nRCPT TO:<c@example.org>\nRCPT TO:<d@example.org>\n' | cmp -s - '$T_TMP/pipe.batch'"

server nopipe --auth PLAIN
send nopipe --user alice --password secret 127.0.0.1 "$port" b@example.org c@example.org
t_check "without PIPELINING it still goes" t_rc_is nopipe 0
t_lacks "one command at a time: nothing came before its reply" "$rec" "[[EARLY]]"

# --- the message ----------------------------------------------------------
t_contains "a line that is a dot is doubled" "$T_TMP/starttls.data" "$(printf '\r\n..\r\n')"
t_contains "a line that starts with a dot is doubled" "$T_TMP/starttls.data" "$(printf '\r\n..hidden\r\n')"
t_contains "two dots become three" "$T_TMP/starttls.data" "$(printf '\r\n...two\r\n')"
t_check "every line ends in CRLF" sh -c "! tr -d '\r' <'$T_TMP/starttls.data' | cmp -s - '$T_TMP/starttls.data'"
after_tls "$T_TMP/starttls.rec" "$T_TMP/starttls.tls"
t_contains "the message ends with CRLF . CRLF" "$T_TMP/starttls.tls" "$(printf 'last\r\n.\r\n')"

server size --auth PLAIN --size 100000
send size --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "SIZE: a message under the limit goes" t_rc_is size 0
t_contains "with its size declared" "$rec" "MAIL FROM:<alice@example.org> SIZE=100"

server toobig --auth PLAIN --size 50
send toobig --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "SIZE: a message over the limit is not sent" t_rc_is toobig 1
t_contains "says why" "$(out toobig)" "ERROR 127.0.0.1: the message is 100 bytes; the server takes at most 50"
t_lacks "before MAIL" "$rec" "MAIL FROM"

printf 'Subject: caf\303\251\n\n\303\247a va\n' >"$T_TMP/msg8"
server no8bit --auth PLAIN
SEND_MSG=$T_TMP/msg8 send no8bit --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "8-bit data without 8BITMIME is not sent" t_rc_is no8bit 1
t_contains "says why" "$(out no8bit)" "8-bit data and the server does not offer 8BITMIME"
t_lacks "before MAIL" "$rec" "MAIL FROM"

server with8bit --auth PLAIN --8bitmime
SEND_MSG=$T_TMP/msg8 send with8bit --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "8-bit data with 8BITMIME goes" t_rc_is with8bit 0
t_contains "as BODY=8BITMIME" "$rec" "MAIL FROM:<alice@example.org> BODY=8BITMIME"

server utf8 --auth PLAIN --8bitmime --smtputf8
send utf8 --user alice --password secret 127.0.0.1 "$port" "j$(printf '\303\266')rg@example.org"
t_check "an address that is not ASCII goes with SMTPUTF8" t_rc_is utf8 0
t_contains "declared" "$rec" "SMTPUTF8"

# --- refusals -------------------------------------------------------------
server rcpt --auth PLAIN --pipelining --reject-rcpt nobody@example.org
send rcpt --user alice --password secret 127.0.0.1 "$port" bob@example.org nobody@example.org
t_check "a refused recipient stops the message" t_rc_is rcpt 1
t_contains "each recipient's reply is shown: the accepted" "$(out rcpt)" "rcpt bob@example.org: 250 2.1.5 Ok"
t_contains "and the refused, with the server's text" "$(out rcpt)" \
	"rcpt nobody@example.org: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"
t_contains "the error names it" "$(out rcpt)" \
	"1 of 2 recipients refused, so the message went to none: RCPT TO:<nobody@example.org>: 550 5.1.1"
t_lacks "nothing was half-sent: no DATA" "$rec" "DATA"
t_contains "the transaction was reset" "$rec" "RSET"

server drop --auth PLAIN --drop-after-data
send drop --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "a server that drops after the message: not reported as sent" t_rc_is drop 1
t_contains "the stage is unknown" "$(out drop)" "stage: unknown"
t_contains "and the error says so" "$(out drop)" "may or may not have been delivered"

server refuse --auth PLAIN --refuse-message
send refuse --user alice --password secret 127.0.0.1 "$port" bob@example.org
t_check "a message refused after its final dot" t_rc_is refuse 1
t_contains "shows the server's text" "$(out refuse)" \
	"ERROR 127.0.0.1: message refused: 554 5.7.1 Message refused: looks like spam"

server badrcpt --auth PLAIN
send badrcpt --user alice --password secret 127.0.0.1 "$port" "bob@example.org>
RCPT TO:<evil@example.org"
t_check "an address that would inject a command is refused" t_rc_is badrcpt 1
t_lacks "and never written" "$rec" "evil@example.org"

# --- EHLO refused: HELO only where allowed ---------------------------------
server noehlo --reject-ehlo --implicit-tls
timeout 60 "$tools/smtp_send" --tls --ca "$c/ca.crt" 127.0.0.1 "$port" bob@example.org \
	<"$MSG" >"$T_TMP/noehlo.out" 2>&1
echo $? >"$T_TMP/noehlo.rc"
server_done
t_check "HELO after a refused EHLO, on TLS and without AUTH" t_rc_is noehlo 0
t_contains "HELO was used" "$rec" "HELO client.test"

server noehloauth --reject-ehlo --implicit-tls --auth PLAIN
timeout 60 "$tools/smtp_send" --tls --ca "$c/ca.crt" --user alice --password secret 127.0.0.1 \
	"$port" bob@example.org <"$MSG" >"$T_TMP/noehloauth.out" 2>&1
echo $? >"$T_TMP/noehloauth.rc"
server_done
t_check "no HELO when AUTH is needed" t_rc_is noehloauth 1
t_contains "says why" "$T_TMP/noehloauth.out" "EHLO refused (AUTH needs it, HELO has no AUTH): 502 5.5.2"
t_lacks "HELO was not tried" "$rec" "HELO"

server noehloplain --reject-ehlo
send noehloplain 127.0.0.1 "$port" bob@example.org
t_check "no HELO on a plaintext connection that needs STARTTLS" t_rc_is noehloplain 1
t_lacks "HELO was not tried" "$rec" "HELO"

# --- a hostile server --------------------------------------------------------
server hostile --greeting "$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "220-spam\\r\\n" }')"
send hostile 127.0.0.1 "$port" bob@example.org
t_check "an endless greeting is cut" t_rc_is hostile 1
t_contains "with a clear error" "$(out hostile)" "SMTP reply: more than 128 lines"

server garbage --greeting 'HTTP/1.1 400 Bad Request\r\n'
send garbage 127.0.0.1 "$port" bob@example.org
t_check "a peer that is not SMTP" t_rc_is garbage 1
t_contains "is named" "$(out garbage)" "SMTP reply: not a reply line: \"HTTP/1.1 400 Bad Request\""

server refused --greeting '554 5.3.2 not now\r\n'
send refused 127.0.0.1 "$port" bob@example.org
t_check "a server that refuses in its greeting" t_rc_is refused 1
t_contains "is quoted" "$(out refused)" "the server refused the connection: 554 5.3.2 not now"
t_done
