#!/bin/sh
# frankd_relay.sh: two frankd instances on 127.0.0.1, offline, with one
# zone file: A serves alice.test (submission, DKIM key from frankd
# dkim-keygen), B serves bob.test (inbound MX).  Mail alice submits to
# bob@bob.test goes through A's MX lookup and SMTP relay and lands in
# bob's Maildir with B's Authentication-Results saying spf=pass dkim=pass
# dmarc=pass; dkimpy (python3-dkim) verifies A's signature on what B
# delivered, for swaks, Python's smtplib and curl.  On B: a forged From
# (unsigned, from an IP its SPF refuses) with p=reject gets 550 at the end
# of DATA and is not delivered; with p=quarantine it lands in Junk.  A null
# MX fails at once: a DSN comes back to alice.
. tests/lib.sh
t_tmpdir
t_need swaks curl python3 openssl timeout
. tests/integration/frankd_mta.lib
PY=$(mta_python dkim) ||
	{ t_fail "dkimpy is installed" "install it: apt-get install -y python3-dkim"; exit 1; }

ZONE=$T_TMP/zone
{
	echo '$ORIGIN alice.test.'
	echo '@       IN TXT "v=spf1 ip4:127.0.0.1 -all"'
	echo '_dmarc  IN TXT "v=DMARC1; p=reject"'
	echo '$ORIGIN bob.test.'
	echo '@       IN MX 10 mx.bob.test.'
	echo 'mx      IN A 127.0.0.1'
	echo '$ORIGIN forged.test.'
	echo '@       IN TXT "v=spf1 ip4:192.0.2.1 -all"'
	echo '_dmarc  IN TXT "v=DMARC1; p=reject"'
	echo '$ORIGIN quar.test.'
	echo '@       IN TXT "v=spf1 ip4:192.0.2.1 -all"'
	echo '_dmarc  IN TXT "v=DMARC1; p=quarantine"'
	echo '$ORIGIN nullmx.test.'
	echo '@       IN MX 0 .'
} >"$ZONE"

# --- B: bob.test, the inbound MX -------------------------------------------------
mkdir -p "$T_TMP/b"
cat >"$T_TMP/b/frankd.conf" <<EOF
hostname mx.bob.test
listen 127.0.0.1 0 smtp
listen 127.0.0.1 0 submission
queue $T_TMP/b/queue
zone_file $ZONE
domain bob.test
user bob {
    maildir $T_TMP/b/mail/bob
    address bob@bob.test
}
EOF
mta_start b "$T_TMP/b/frankd.conf"

# --- A: alice.test, submission and relay -------------------------------------------
mkdir -p "$T_TMP/a"
cat >"$T_TMP/a/frankd.conf" <<EOF
hostname mail.alice.test
listen 127.0.0.1 0 smtp
listen 127.0.0.1 0 submission
queue $T_TMP/a/queue
zone_file $ZONE
relay_port $b_SMTP
retry first 1s
retry max 2s
domain alice.test
dkim_key alice.test s1 $T_TMP/a/s1.key
user alice {
    maildir $T_TMP/a/mail/alice
    address alice@alice.test
}
EOF
t_run keygen "$FRANKD" -c "$T_TMP/a/frankd.conf" dkim-keygen alice.test s1
t_check "frankd dkim-keygen makes the key" t_rc_is keygen 0
t_contains "...and prints its TXT record as a zone line" "$T_TMP/keygen.out" \
	's1._domainkey.alice.test. IN TXT ( "v=DKIM1; k=rsa; p='
t_check "...the key file is private (0600)" test "$(stat -c %a "$T_TMP/a/s1.key")" = 600
t_run keygen2 "$FRANKD" -c "$T_TMP/a/frankd.conf" dkim-keygen alice.test s1
t_check "...and it never replaces a key" t_rc_is keygen2 1
cat "$T_TMP/keygen.out" >>"$ZONE"
# dkimpy's DNS: the record's strings joined
printf 's1._domainkey.alice.test %s\n' \
	"$(grep -o '"[^"]*"' "$T_TMP/keygen.out" | tr -d '"\n')" >"$T_TMP/dkimpy.dns"
mta_start a "$T_TMP/a/frankd.conf"
PW=$("$FRANKD" -c "$T_TMP/a/frankd.conf" passwd add alice --label relay 2>/dev/null)
CERT_A=$T_TMP/a/frankd.crt
INBOX=$T_TMP/b/mail/bob/new

# --- alice.test -> bob.test by MX, signed, verified by B ------------------------------
printf 'From: Alice <alice@alice.test>\nTo: Bob <bob@bob.test>\nSubject: relayed by swaks\n\nHello Bob, across domains.\n' >"$T_TMP/swaks.eml"
timeout 60 swaks --server 127.0.0.1 --port "$a_SUB" --tls --tls-verify --tls-ca-path "$CERT_A" \
	--tls-sni mail.alice.test --auth PLAIN --auth-user alice --auth-password "$PW" \
	--from alice@alice.test --to bob@bob.test --data "$T_TMP/swaks.eml" >"$T_TMP/swaks.out" 2>&1
t_contains "swaks: A queues the message for bob.test" "$T_TMP/swaks.out" "250 2.0.0 Ok: queued as"
f=$(mta_wait_file "$INBOX" "Subject: relayed by swaks")
t_check "the message reaches bob's Maildir on B" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "A relayed it after an MX lookup" "$a_LOG" "relayed <bob@bob.test>"
t_contains "B's Authentication-Results has its authserv-id and spf=pass" "$f" \
	"Authentication-Results: mx.bob.test;"
t_contains "...spf=pass for alice.test" "$f" "spf=pass"
t_contains "...dkim=pass" "$f" "dkim=pass"
t_contains "...dmarc=pass" "$f" "dmarc=pass"
t_contains "B added its Received header naming A's HELO" "$f" "from mail.alice.test"
t_contains "A's DKIM-Signature is for d=alice.test, s=s1" "$f" "d=alice.test"
t_check "A's Received header is there too (by mail.alice.test)" grep -q "by mail.alice.test" "$f"
"$PY" tests/tools/dkimpy_check.py verify "$T_TMP/dkimpy.dns" <"$f" >"$T_TMP/dkimpy.out" 2>&1
t_check "dkimpy verifies A's signature on the delivered message" test $? -eq 0
t_contains "...and says pass" "$T_TMP/dkimpy.out" "pass"

# smtplib and curl, each relayed, each signature verified by dkimpy
printf 'From: alice@alice.test\nTo: bob@bob.test\nSubject: relayed by smtplib\n\nVia smtplib.\n' >"$T_TMP/py.eml"
timeout 60 python3 tests/tools/frankd_smtp_client.py "$a_SUB" --ca "$CERT_A" --name mail.alice.test \
	starttls ehlo "auth:PLAIN:alice:$PW" "mail:alice@alice.test" "rcpt:bob@bob.test" \
	"data:$T_TMP/py.eml" quit >"$T_TMP/py.out" 2>&1
t_contains "smtplib: queued on A" "$T_TMP/py.out" "data 250 2.0.0 Ok: queued as"
printf 'From: alice@alice.test\r\nTo: bob@bob.test\r\nSubject: relayed by curl\r\n\r\nVia curl.\r\n' >"$T_TMP/curl.eml"
timeout 60 curl -sS --ssl-reqd --cacert "$CERT_A" --resolve "mail.alice.test:$a_SUB:127.0.0.1" \
	--user "alice:$PW" --mail-from alice@alice.test --mail-rcpt bob@bob.test \
	--upload-file "$T_TMP/curl.eml" "smtp://mail.alice.test:$a_SUB" >"$T_TMP/curl.out" 2>&1
t_check "curl: submitted to A" test $? -eq 0
for who in smtplib curl; do
	f=$(mta_wait_file "$INBOX" "Subject: relayed by $who")
	[ -n "$f" ] || f=/dev/null
	t_contains "$who: relayed to bob with dmarc=pass" "$f" "dmarc=pass"
	"$PY" tests/tools/dkimpy_check.py verify "$T_TMP/dkimpy.dns" <"$f" >"$T_TMP/dkimpy_$who.out" 2>&1
	t_check "$who: dkimpy verifies the signature" test $? -eq 0
	t_contains "$who: ...pass" "$T_TMP/dkimpy_$who.out" "pass"
done
t_lacks "A's log never shows the app password" "$a_LOG" "$PW"

# frankd sendmail on A: signed like a submission
printf 'From: alice@alice.test\nTo: bob@bob.test\nSubject: relayed from sendmail\n\nVia frankd sendmail.\n' |
	"$FRANKD" -c "$T_TMP/a/frankd.conf" sendmail -f alice@alice.test bob@bob.test
f=$(mta_wait_file "$INBOX" "Subject: relayed from sendmail")
[ -n "$f" ] || f=/dev/null
t_contains "sendmail: signed by A, B says dkim=pass" "$f" "dkim=pass header.d=alice.test"
"$PY" tests/tools/dkimpy_check.py verify "$T_TMP/dkimpy.dns" <"$f" >"$T_TMP/dkimpy_sendmail.out" 2>&1
t_check "sendmail: dkimpy verifies the signature" test $? -eq 0

# --- forged From on B's port 25 ---------------------------------------------------------
printf 'From: CEO <ceo@forged.test>\nTo: bob@bob.test\nSubject: forged reject\n\nPay this invoice.\n' >"$T_TMP/forged.eml"
timeout 60 swaks --server 127.0.0.1 --port "$b_SMTP" --helo evil.example --from ceo@forged.test \
	--to bob@bob.test --data "$T_TMP/forged.eml" >"$T_TMP/forged.out" 2>&1
t_contains "a forged From with p=reject gets 550 at the end of DATA" "$T_TMP/forged.out" \
	"<** 550 5.7.1 Message refused: DMARC policy of forged.test (p=reject)"
t_contains "B logs the refusal" "$b_LOG" "refused a message from <ceo@forged.test>"
t_check "...and nothing of it is delivered" test -z "$(grep -l 'forged reject' "$INBOX"/* "$T_TMP/b/mail/bob/.Junk/new"/* 2>/dev/null)"

printf 'From: news@quar.test\nTo: bob@bob.test\nSubject: forged quarantine\n\nMaybe spam.\n' >"$T_TMP/quar.eml"
timeout 60 swaks --server 127.0.0.1 --port "$b_SMTP" --helo evil.example --from news@quar.test \
	--to bob@bob.test --data "$T_TMP/quar.eml" >"$T_TMP/quar.out" 2>&1
t_contains "p=quarantine: accepted" "$T_TMP/quar.out" "250 2.0.0 Ok: queued as"
f=$(mta_wait_file "$T_TMP/b/mail/bob/.Junk/new" "Subject: forged quarantine")
t_check "...and delivered into bob's Junk folder" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "...with spf=fail and dmarc=fail recorded" "$f" "spf=fail"
t_contains "...dmarc=fail" "$f" "dmarc=fail"
t_check "...not in the inbox" test -z "$(grep -l 'forged quarantine' "$INBOX"/* 2>/dev/null)"

# --- a null MX fails at once, and the DSN comes back -------------------------------------
printf 'From: alice@alice.test\nTo: x@nullmx.test\nSubject: to a null MX\nMessage-ID: <nullmx-1@alice.test>\n\nNobody there.\n' >"$T_TMP/null.eml"
timeout 60 swaks --server 127.0.0.1 --port "$a_SUB" --tls --auth PLAIN --auth-user alice \
	--auth-password "$PW" --from alice@alice.test --to x@nullmx.test --data "$T_TMP/null.eml" \
	>"$T_TMP/null.out" 2>&1
t_contains "a null MX recipient is queued" "$T_TMP/null.out" "250 2.0.0 Ok: queued as"
f=$(mta_wait_file "$T_TMP/a/mail/alice/new" "Final-Recipient: rfc822; x@nullmx.test")
t_check "a DSN arrives in alice's Maildir at once" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "...a multipart/report of delivery-status" "$f" "Content-Type: multipart/report; report-type=delivery-status;"
t_contains "...with a message/delivery-status part" "$f" "Content-Type: message/delivery-status"
t_contains "...saying failed" "$f" "Action: failed"
t_contains "...with the null MX status (RFC 7505)" "$f" "Status: 5.1.10"
t_contains "...from the null sender" "$f" "Return-Path: <>"
t_contains "...quoting the original headers" "$f" "Message-ID: <nullmx-1@alice.test>"
t_check "A's queue is empty again" test -z "$(ls "$T_TMP/a/queue/messages")"

mta_stop a
mta_stop b
t_done
