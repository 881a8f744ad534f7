#!/bin/sh
# frankd_queue.sh: frankd sendmail (arguments, -t with Bcc removed, -f,
# the "." line, unknown users, no daemon running) and frankd queue (list,
# flush, delete), with the daemon running and without it.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/frankd.lib

# remote.test's MX is 127.0.0.1, where nothing listens on relay_port: the
# remote recipient stays deferred
printf '$ORIGIN remote.test.\n@ IN MX 10 mx.remote.test.\nmx IN A 127.0.0.1\n' >"$T_TMP/zone"
fd_conf "retry first 1h" "zone_file $T_TMP/zone" "relay_port 9"
fd_start
sendmail() { # NAME ARG... (the message on standard input)
	name=$1
	shift
	"$FRANKD" -c "$FD/frankd.conf" sendmail "$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	echo $? >"$T_TMP/$name.rc"
}

# --- sendmail --------------------------------------------------------------------------
printf 'From: alice@alice.test\nSubject: sendmail plain\n\nfirst line\n.\nafter the dot line\n' |
	sendmail plain -f alice@alice.test bob@alice.test
t_check "sendmail queues a message" t_rc_is plain 0
t_check "...silently" test ! -s "$T_TMP/plain.err"
f=$(fd_wait_file bob "Subject: sendmail plain")
t_check "it arrives in bob's Maildir" test -n "$f"
t_check "Return-Path is the -f sender" test "$(head -n 1 "$f")" = "Return-Path: <alice@alice.test>"
t_contains "Received says local injection" "$f" "Received: from localhost (local injection)"
t_contains "...by protocol local" "$f" "with local id"
t_contains "a Message-ID is added" "$f" "@$FD_NAME>"
t_contains "a Date is added" "$f" "Date: "
t_contains "the text before the dot line is there" "$f" "first line"
t_lacks "a line with a dot alone ends the input (without -i)" "$f" "after the dot line"

printf 'Subject: sendmail -i\n\nbefore\n.\nafter\n' | sendmail dashi -i -f alice@alice.test bob@alice.test
f=$(fd_wait_file bob "Subject: sendmail -i")
printf 'Subject: sendmail -i\n\nbefore\n.\nafter\n' >"$T_TMP/dashi.eml"
t_check "with -i the dot line is data, and the message arrives byte for byte" fd_ends_with "$f" "$T_TMP/dashi.eml"

printf 'From: alice@alice.test\nTo: Bob <bob@alice.test>\nCc: "Carol, C." <carol@carol.test>\nBcc: alice@alice.test,\n  dave@remote.test\nSubject: sendmail -t\n\nto three local and one remote\n' |
	sendmail t -t -f alice@alice.test
t_check "sendmail -t queues" t_rc_is t 0
fb=$(fd_wait_file bob "Subject: sendmail -t")
fc=$(fd_wait_file carol "Subject: sendmail -t")
fa=$(fd_wait_file alice "Subject: sendmail -t")
t_check "-t: To gets it" test -n "$fb"
t_check "-t: Cc gets it" test -n "$fc"
t_check "-t: Bcc gets it" test -n "$fa"
t_lacks "-t: the Bcc field is removed" "$fb" "Bcc:"
t_lacks "-t: ...with its folded line" "$fb" "dave@remote.test"
t_contains "-t: To stays" "$fb" "To: Bob <bob@alice.test>"
fd_log_wait "deferred <dave@remote.test>"
t_contains "-t: the remote Bcc waits for its MX host" "$FD_LOG" "deferred <dave@remote.test>: mx.remote.test[127.0.0.1]: "

printf 'Subject: x\n\ny\n' | sendmail nouser -f alice@alice.test nobody@alice.test
t_check "an unknown local user is an error" t_rc_is nouser 1
t_contains "...that names it" "$T_TMP/nouser.err" "frankd: sendmail: <nobody@alice.test>: no such local user"
printf 'Subject: x\n\ny\n' | sendmail norcpt -f alice@alice.test
t_check "no recipient is an error" t_rc_is norcpt 1
printf 'Subject: x\n\ny\n' | sendmail badaddr -f alice@alice.test 'bob@@alice.test'
t_check "a malformed address is an error" t_rc_is badaddr 1
t_contains "...that names it" "$T_TMP/badaddr.err" "<bob@@alice.test>: not an address"
printf 'Subject: x\n\ny\n' | sendmail badopt -q
t_check "an unknown option is a usage error (2)" t_rc_is badopt 2

# --- queue list, flush, delete with the daemon running ------------------------------
"$FRANKD" -c "$FD/frankd.conf" queue >"$T_TMP/q1.out" 2>&1
t_contains "queue lists the waiting message" "$T_TMP/q1.out" "<alice@alice.test>"
t_contains "...its recipient, state, route, tries, next try" "$T_TMP/q1.out" \
	"<dave@remote.test> deferred (remote, 1 try, next try in "
t_contains "...and last error" "$T_TMP/q1.out" "m): mx.remote.test[127.0.0.1]: "
t_contains "...and the done ones" "$T_TMP/q1.out" "<bob@alice.test> delivered (local, 1 try)"
t_contains "...and counts" "$T_TMP/q1.out" "1 message"
id=$(sed -n 's/^\([0-9A-F]\{20\}\) .*/\1/p' "$T_TMP/q1.out" | head -n 1)
t_check "the queue id is shown" test -n "$id"

"$FRANKD" -c "$FD/frankd.conf" queue flush >"$T_TMP/flush.out" 2>&1
t_contains "queue flush asks the daemon" "$T_TMP/flush.out" "ok flushed"
t_contains "the daemon tries the message again at once" "$FD_LOG" "queue: flush: trying 1 message now"
# the log line comes before the try ends: wait (at most 30 s) for its count
i=0
while :; do
	"$FRANKD" -c "$FD/frankd.conf" queue >"$T_TMP/q2.out" 2>&1
	grep -q "<dave@remote.test> deferred (remote, 2 tries" "$T_TMP/q2.out" || [ $i -ge 300 ] && break
	sleep 0.1
	i=$((i + 1))
done
t_contains "the try is counted" "$T_TMP/q2.out" "<dave@remote.test> deferred (remote, 2 tries"

kill -USR1 "$FD_PID"
i=0
until "$FRANKD" -c "$FD/frankd.conf" queue 2>&1 | grep -q "3 tries" || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$FRANKD" -c "$FD/frankd.conf" queue >"$T_TMP/q3.out" 2>&1
t_contains "SIGUSR1 flushes the queue too" "$T_TMP/q3.out" "(remote, 3 tries"

"$FRANKD" -c "$FD/frankd.conf" queue delete 0123 >"$T_TMP/del0.out" 2>&1
t_check "queue delete refuses what is not an id" test $? -eq 1
"$FRANKD" -c "$FD/frankd.conf" queue delete "$id" >"$T_TMP/del.out" 2>&1
t_check "queue delete removes the message" test $? -eq 0
t_contains "...the daemon says so" "$T_TMP/del.out" "ok deleted $id"
t_contains "...and logs it" "$FD_LOG" "$id: deleted from the queue"
"$FRANKD" -c "$FD/frankd.conf" queue >"$T_TMP/q4.out" 2>&1
t_contains "the queue is empty" "$T_TMP/q4.out" "the queue is empty"
t_check "no files are left in the queue" test -z "$(ls "$FD/queue/messages")"
"$FRANKD" -c "$FD/frankd.conf" queue delete "$id" >"$T_TMP/del2.out" 2>&1
t_check "deleting it again is an error" test $? -eq 1
t_contains "...that says there is no such message" "$T_TMP/del2.out" "no message $id in the queue"
fd_stop

# --- without a daemon -------------------------------------------------------------------
printf 'Subject: while frankd was down\n\nqueued offline\n' | sendmail offline -f alice@alice.test bob@alice.test dave@remote.test
t_check "sendmail queues while frankd is down" t_rc_is offline 0
t_contains "...and says it goes when frankd starts" "$T_TMP/offline.err" "frankd is not running, it goes when frankd starts"
t_check "nothing is delivered yet" test -z "$(fd_maildir_file bob 'while frankd was down')"
"$FRANKD" -c "$FD/frankd.conf" queue flush >"$T_TMP/flush2.out" 2>&1
t_check "queue flush without a daemon fails" test $? -eq 1
t_contains "...saying so" "$T_TMP/flush2.out" "no frankd is running"
"$FRANKD" -c "$FD/frankd.conf" queue >"$T_TMP/q5.out" 2>&1
t_contains "queue lists it without a daemon" "$T_TMP/q5.out" "<bob@alice.test> pending (local, 0 tries, next try now)"
fd_start
f=$(fd_wait_file bob "while frankd was down")
t_check "frankd delivers it when it starts" test -n "$f"
fd_log_wait "deferred <dave@remote.test>"
fd_stop
id=$("$FRANKD" -c "$FD/frankd.conf" queue | sed -n 's/^\([0-9A-F]\{20\}\) .*/\1/p' | head -n 1)
"$FRANKD" -c "$FD/frankd.conf" queue delete "$id" >"$T_TMP/del3.out" 2>&1
t_check "queue delete works without a daemon" test $? -eq 0
t_contains "...and says so" "$T_TMP/del3.out" "deleted $id"
t_check "the queue folder is empty" test -z "$(ls "$FD/queue/messages")"
t_done
