#!/bin/sh
# frankd_retry_local.sh: a local delivery that fails temporarily (the
# user's Maildir cannot be made: a plain file stands where it goes) is
# retried on the same schedule as a relay; when the trouble goes away the
# message is delivered, and when it lasts past retry.give_up it bounces to
# the sender as an RFC 3464 DSN, with the Maildir's error as the reason.
# (The tests run as root, which no permission bits stop: a file in the
# way fails for root too.)
. tests/lib.sh
t_tmpdir
. tests/integration/frankd.lib

fd_conf "queue_scan 1s" "retry first 1s" "retry max 1s" "retry warn 1h" "retry give_up 6s"
mkdir -p "$FD/mail"
: >"$FD/mail/bob"   # bob's Maildir cannot be made
: >"$FD/mail/carol" # nor carol's, for now
fd_start

send() { # RCPT SUBJECT
	printf 'From: alice@alice.test\nTo: %s\nSubject: %s\n\nBody of %s.\n' "$1" "$2" "$2" |
		"$FRANKD" -c "$FD/frankd.conf" sendmail -f alice@alice.test "$1"
}

# --- a failure that goes away: delivered on a later try -----------------------------
send carol@carol.test "carol later"
t_check "a Maildir that cannot be written: the delivery is deferred" \
	fd_log_wait "deferred <carol@carol.test>"
"$FRANKD" -c "$FD/frankd.conf" queue >"$T_TMP/q.out" 2>&1
t_contains "...and frankd queue shows the Maildir's error" "$T_TMP/q.out" "$FD/mail/carol"
rm "$FD/mail/carol"
f=$(fd_wait_file carol "Subject: carol later")
t_check "...once it can be written, a retry delivers it" test -n "$f"
t_check "...on a later try" grep -q "delivered <carol@carol.test>" "$FD_LOG"
t_lacks "...and nothing bounced" "$FD_LOG" "failed <carol@carol.test>"

# --- a failure that lasts: a DSN after retry.give_up ---------------------------------
send bob@alice.test "bob never"
t_check "bob's delivery is deferred" fd_log_wait "deferred <bob@alice.test>"
t_check "...tried again on the schedule" fd_log_wait "(try 2)"
t_check "...and given up after retry.give_up" fd_log_wait "failed <bob@alice.test>: gave up after"
f=$(fd_wait_file alice "Final-Recipient: rfc822; bob@alice.test")
t_check "a DSN comes back to the sender, alice" test -n "$f"
[ -n "$f" ] || f=/dev/null
t_contains "...a multipart/report of delivery-status" "$f" "report-type=delivery-status"
t_contains "...from the null sender" "$f" "Return-Path: <>"
t_contains "...Action: failed" "$f" "Action: failed"
t_contains "...with the status of an expired delivery (RFC 3463)" "$f" "Status: 5.4.7"
t_contains "...the Maildir's error as the reason" "$f" "$FD/mail/bob"
t_contains "...and the original header section" "$f" "Subject: bob never"
t_check "bob's Maildir still is not there (nothing was half-delivered)" test -f "$FD/mail/bob"
i=0
while [ -n "$(ls "$FD/queue/messages")" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
t_check "the queue is empty at the end" test -z "$(ls "$FD/queue/messages")"
fd_stop
t_done
