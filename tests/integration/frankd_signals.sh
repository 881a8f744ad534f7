#!/bin/sh
# frankd_signals.sh: SIGHUP reloads the configuration (a broken one is
# refused and the old one kept); SIGTERM drains: no new connections, an
# open session finishes its message, an idle one gets 421 at the deadline.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/frankd.lib

inbound() { # NAME STEP...
	name=$1
	shift
	timeout 60 $SMTP_CLIENT "$FD_SMTP" --ca "$FD_CERT" --name "$FD_NAME" "$@" >"$T_TMP/$name.out" 2>&1
}
printf 'Subject: hello dave\n\nwelcome\n' >"$T_TMP/msg.eml"

# --- SIGHUP -------------------------------------------------------------------------
fd_conf
fd_start
inbound before ehlo "mail:x@remote.test" "rcpt:dave@alice.test" quit
t_contains "dave is unknown at first" "$T_TMP/before.out" "rcpt 550 5.1.1"
fd_conf "user dave {" "maildir $FD/mail/dave" "address dave@alice.test" "}" "limit recipients 2"
kill -HUP "$FD_PID"
fd_log_wait "reloaded the configuration"
t_contains "SIGHUP reloads" "$FD_LOG" "reloaded the configuration from $FD/frankd.conf (4 users, 2 domains)"
inbound after ehlo "mail:x@remote.test" "rcpt:dave@alice.test" "rcpt:bob@alice.test" \
	"rcpt:carol@carol.test" "data:$T_TMP/msg.eml" quit
t_contains "the new user is known after the reload" "$T_TMP/after.out" "rcpt 250 2.1.5 Ok"
t_contains "a new limit applies (recipients 2)" "$T_TMP/after.out" "rcpt 452 4.5.3 Too many recipients"
t_contains "the message is taken" "$T_TMP/after.out" "data 250 2.0.0 Ok: queued as"
f=$(fd_wait_file dave "Subject: hello dave")
t_check "and delivered to the new user's Maildir" test -n "$f"

cp "$FD/frankd.conf" "$T_TMP/good.conf"
echo "limit recipients none" >>"$FD/frankd.conf"
kill -HUP "$FD_PID"
fd_log_wait "reload failed"
t_contains "a broken configuration is refused on SIGHUP" "$FD_LOG" "reload failed, keeping the configuration: $FD/frankd.conf:"
inbound kept ehlo "mail:x@remote.test" "rcpt:dave@alice.test" quit
t_contains "...and the old one keeps working" "$T_TMP/kept.out" "rcpt 250 2.1.5 Ok"
cp "$T_TMP/good.conf" "$FD/frankd.conf"
fd_stop

# --- SIGTERM: an open session finishes --------------------------------------------------
printf 'Subject: sent while draining\n\nstill taken\n' >"$T_TMP/msg.eml"
fd_conf "limit drain_timeout 60"
fd_start
rm -f "$T_TMP/go"
timeout 90 $SMTP_CLIENT "$FD_SMTP" --ca "$FD_CERT" --name "$FD_NAME" ehlo "mail:x@remote.test" \
	"rcpt:bob@alice.test" "wait:$T_TMP/go" "data:$T_TMP/msg.eml" quit >"$T_TMP/drain.out" 2>&1 &
client=$!
fd_log_wait "session 1: connect from"
until grep -q "^rcpt 250" "$T_TMP/drain.out" 2>/dev/null; do sleep 0.1; done
kill -TERM "$FD_PID"
fd_log_wait "draining: no new connections; 1 session open"
t_contains "SIGTERM: frankd drains" "$FD_LOG" "draining: no new connections; 1 session open"
timeout 30 $SMTP_CLIENT "$FD_SMTP" ehlo >"$T_TMP/refused.out" 2>&1
t_check "a new connection is refused while draining" test $? -ne 0
t_contains "...at connect" "$T_TMP/refused.out" "Connection refused"
touch "$T_TMP/go"
wait "$client"
t_contains "the open session's message is still taken" "$T_TMP/drain.out" "data 250 2.0.0 Ok: queued as"
t_contains "...and it ends normally" "$T_TMP/drain.out" "quit 221 2.0.0 Bye"
wait "$FD_PID"
t_check "frankd exits 0 once the session has ended" test $? -eq 0
FD_PID=""
t_contains "...saying so" "$FD_LOG" "drained: every session has ended"
# the message was delivered before the exit, or is delivered at the next start
fd_start
f=$(fd_wait_file bob "Subject: sent while draining")
t_check "the message taken while draining is delivered" test -n "$f"
t_check "...once" test "$(grep -l 'Subject: sent while draining' "$FD/mail/bob/new/"* | wc -l)" -eq 1
fd_stop

# --- SIGTERM: an idle session gets 421 at the deadline ------------------------------------
fd_conf "limit drain_timeout 1"
fd_start
rm -f "$T_TMP/go"
timeout 90 $SMTP_CLIENT "$FD_SMTP" --ca "$FD_CERT" --name "$FD_NAME" ehlo "wait:$T_TMP/go" reply \
	>"$T_TMP/idle.out" 2>&1 &
client=$!
until grep -q "^ehlo 250" "$T_TMP/idle.out" 2>/dev/null; do sleep 0.1; done
kill -TERM "$FD_PID"
fd_log_wait "draining"
touch "$T_TMP/go"
wait "$client"
t_contains "an idle session gets 421 when the drain time is up" "$T_TMP/idle.out" "reply 421 4.3.2 $FD_NAME Service shutting down"
wait "$FD_PID"
t_check "then frankd exits 0" test $? -eq 0
FD_PID=""
t_contains "the log says the deadline came" "$FD_LOG" "drain deadline: closing 1 session"
t_done
