#!/bin/sh
# frankd_badinput.sh: hostile clients get an error or are dropped, frankd
# stays up with bounded memory, and nothing half-written is delivered: a
# 10 MB line, 10,000 RCPT, a connection closed in the middle of DATA,
# binary junk, a STARTTLS injection, too many connections, silence, and an
# SMTP smuggling attempt.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/frankd.lib

hostile() { # NAME SCENARIO [ARG]
	name=$1
	shift
	timeout 120 python3 tests/tools/frankd_smtp_hostile.py "$FD_SMTP" "$@" >"$T_TMP/$name.out" 2>&1
}
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$FD_PID/status"; }

fd_conf "limit connections_per_ip 3" "limit timeout 2"
fd_start

hostile longline longline
t_contains "a 10 MB line gets 500" "$T_TMP/longline.out" "reply 500 5.5.2 Line too long (limit 2048)"
t_contains "...and the session goes on (NOOP after it)" "$T_TMP/longline.out" "reply 250 2.0.0 Ok"
t_contains "...to QUIT" "$T_TMP/longline.out" "reply 221 2.0.0 Bye"
t_check "frankd's memory stayed small (under 64 MB) while the line streamed in" test "$(rss_kb)" -lt 65536

hostile midline midline
t_contains "a 5,000-byte line gets 500" "$T_TMP/midline.out" "reply 500 5.5.2 Line too long (limit 2048)"
t_contains "...and the next command works" "$T_TMP/midline.out" "reply 250 2.0.0 Ok"

hostile rcpts rcpts
t_check "the first 100 RCPT are taken" test "$(grep -c 'reply 250 2.1.5 Ok' "$T_TMP/rcpts.out")" -eq 100
t_contains "the 101st gets 452" "$T_TMP/rcpts.out" "reply 452 4.5.3 Too many recipients"
t_contains "after too many errors: 421" "$T_TMP/rcpts.out" "reply 421 4.7.0 $FD_NAME Too many errors, closing connection"
t_contains "...and the connection is closed" "$T_TMP/rcpts.out" "closed"
t_lacks "the message is not taken" "$T_TMP/rcpts.out" "queued as"

hostile middata middata
fd_log_wait "connection lost during DATA"
t_contains "closing mid-DATA is logged" "$FD_LOG" "connection lost during DATA from 127.0.0.1; the message is discarded"
t_check "no half message is left in the queue" test -z "$(find "$FD/queue/tmp" "$FD/queue/messages" -type f)"

hostile garbage garbage
t_contains "binary junk gets 500" "$T_TMP/garbage.out" "reply 500 5.5.2"
t_contains "...until 421" "$T_TMP/garbage.out" "Too many errors, closing connection"
t_contains "...and a hang-up" "$T_TMP/garbage.out" "closed"

hostile inject inject
t_contains "STARTTLS is answered" "$T_TMP/inject.out" "reply 220 2.0.0 Ready to start TLS"
t_lacks "the command pipelined after it in the clear is not answered" "$T_TMP/inject.out" "reply 250 2.0.0 Ok"
fd_log_wait "bytes after STARTTLS discarded"
t_contains "...it is discarded and logged" "$FD_LOG" "6 bytes after STARTTLS discarded"

hostile conns conns 4
t_check "three sessions from one address are greeted" test "$(grep -c 'reply 220' "$T_TMP/conns.out")" -eq 3
t_contains "the fourth gets 421" "$T_TMP/conns.out" "reply 421 4.7.0 $FD_NAME Too many connections from your address"

hostile idle idle
t_contains "a silent client gets 421 at the timeout" "$T_TMP/idle.out" "reply 421 4.4.2 $FD_NAME Timeout, closing connection"
t_contains "...and is dropped" "$T_TMP/idle.out" "closed"

hostile smuggle smuggle
t_check "a smuggling attempt is one message" test "$(grep -c 'queued as' "$T_TMP/smuggle.out")" -eq 1
f=$(fd_wait_file bob "Subject: smuggler")
t_contains "...whose text keeps the smuggled lines as data" "$f" "MAIL FROM:<ceo@alice.test>"
t_check "...and nothing reaches carol" test -z "$(ls "$FD/mail/carol/new" 2>/dev/null)"

t_check "frankd is still running after all that" kill -0 "$FD_PID"
timeout 60 $SMTP_CLIENT "$FD_SMTP" --ca "$FD_CERT" --name "$FD_NAME" ehlo quit >"$T_TMP/after.out" 2>&1
t_contains "...and serves a normal client" "$T_TMP/after.out" "quit 221"
t_check "nothing was delivered but the smuggler's one message" \
	test "$(ls "$FD/mail/bob/new" | wc -l)" -eq 1
fd_stop
t_done
