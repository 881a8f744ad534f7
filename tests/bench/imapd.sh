#!/bin/sh
# tests/bench/imapd.sh: frankd's IMAP serving against Dovecot's, in the
# same run, over TLS on 127.0.0.1, both serving the same Maildir content.
#
#   imapd-fetch:   mbsync pulling every message of a BENCH_N-message INBOX
#                  (default 20000, gen-maildir --realistic) into an empty
#                  Maildir: from frankd  vs  from Dovecot.  Each server
#                  has served the folder once before (not timed), so
#                  Dovecot's index and frankd's uidlist exist, as they
#                  would for a user's mailbox.
#   imapd-session: the memory one more idle, authenticated IMAP session
#                  (LOGIN) costs: the growth of the server's
#                  resident memory (VmRSS, summed over its processes) with
#                  90 sessions open, divided by 90 (the "peak" columns
#                  hold the whole sum).  frankd is restarted before each
#                  count, so memory freed by earlier sessions is not
#                  counted as free; Dovecot keeps one TLS proxy process per
#                  session and allows 100 of them by default, hence 90.
#   imapd-session-selected: the same with INBOX selected (SELECT): the
#                  session then holds the folder's list of messages.
# Checks: every fetched Maildir is the source, byte for byte but for the
# CRs and the X-TUID field mbsync adds (tests/bench/maildir_digest.py).
. tests/bench/bench.lib
bench_begin imapd
n=$(bench_size 20000)
sessions=90
bench_need mbsync /usr/sbin/dovecot
[ -x ./frankd ] && [ -x build/tests/tools/net_certgen ] || bench_die "run make bench (it builds frankd and the tools)"
w=$BENCH_WORK
. tests/lib.sh
. tests/tools/dovecot_lib.sh
T_TMP=$w
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib
bench_at_exit "dovecot_stop; fd_kill"
# frankd.lib reports through the TAP helpers; here a failure ends the bench
t_fail() { bench_die "$1: $2"; }

# The corpus is made once and kept (bench_corpus), with its digest; each
# server gets hard links to it: Maildir files never change, and there is
# no copy to write or remove.  The check against the kept digest would see
# a kept file that changed.
bench_corpus realistic 5 "$n" --realistic
src=$BENCH_CORPUS
if [ ! -f "$src.mbsync-sums" ]; then
	python3 tests/bench/maildir_digest.py --as-mbsync-stores "$src" >"$src.mbsync-sums.new" &&
		mv "$src.mbsync-sums.new" "$src.mbsync-sums" || bench_die "cannot digest $src"
fi
cp "$src.mbsync-sums" "$w/source.sums"

bench_say "starting Dovecot and frankd"
dovecot_start "$w/dc" >>"$BENCH_LOG" 2>&1 || bench_die "Dovecot did not start (see $BENCH_LOG)"
cp -al "$src/cur" "$src/new" "$DC_MAIL/"
dovecot_fix_owner

fd_imaps_start "limit connections_per_ip 1000"
cp -al "$src/cur" "$src/new" "$FD/mail/bob/"
PW=$(fd_password bob bench)

# The servers are measured, not this machine's disk: mbsync writes into
# memory (a tmpfs) without fsync.  On disk, removing the copy of the
# previous run took about a minute a side each round.
bench_ram_dir
near=$BENCH_RAM
mbsyncrc() { # NAME PORT USER PASS CERT
	cat >"$w/mbsyncrc.$1" <<EOF2
FSync no

IMAPAccount a
Host 127.0.0.1
Port $2
User $3
Pass $4
SSLType IMAPS
CertificateFile $5

IMAPStore remote
Account a

MaildirStore local
Path $near/near.$1/
Inbox $near/near.$1/INBOX

Channel a
Far :remote:INBOX
Near :local:INBOX
Create Near
Sync Pull
SyncState *
EOF2
}
mbsyncrc frankd "$FD_IMAPS" bob "$PW" "$FD_CERT"
mbsyncrc dovecot "$DC_IMAPS" test Tr0ub4dor-3 "$DC_DIR/cert.crt"

pull() { # NAME: an empty Maildir, then mbsync into it
	rm -rf "${near:?}/near.$1"
	mkdir -p "$near/near.$1"
	sync
}
# Not timed: the first look at the folder (Dovecot indexes it, frankd
# writes its uidlist), both servers at once: they share nothing.
bench_say "the first look at the folder (not timed), both servers at once"
first_look() { # NAME
	pull "$1"
	mbsync -c "$w/mbsyncrc.$1" -q a >"$w/first-look.$1.log" 2>&1
}
first_look frankd &
fl_frankd=$!
first_look dovecot
fl_dovecot=$?
wait "$fl_frankd"
fl_frankd=$?
cat "$w/first-look.frankd.log" "$w/first-look.dovecot.log" >>"$BENCH_LOG"
[ "$fl_frankd" -eq 0 ] || bench_die "mbsync from frankd failed (see $BENCH_LOG)"
[ "$fl_dovecot" -eq 0 ] || bench_die "mbsync from Dovecot failed (see $BENCH_LOG)"
bench_say "measuring"

same_bytes() { # NAME
	python3 tests/bench/maildir_digest.py --as-mbsync-stores "$near/near.$1/INBOX" >"$w/got.$1" &&
		cmp "$w/source.sums" "$w/got.$1"
}
fetch_frankd() {
	pull frankd
	bench_measure frankd-fetch mbsync -c "$w/mbsyncrc.frankd" -q a
	bench_check "run $1: mbsync's copy from frankd is the source, byte for byte" same_bytes frankd
}
fetch_dovecot() {
	pull dovecot
	bench_measure dovecot-fetch mbsync -c "$w/mbsyncrc.dovecot" -q a
	bench_check "run $1: mbsync's copy from Dovecot is the source, byte for byte" same_bytes dovecot
}
server="Dovecot $(/usr/sbin/dovecot --version | cut -d' ' -f1)"
bench_alternate fetch_frankd fetch_dovecot
bench_row imapd-fetch "time for mbsync to fetch a $n-message INBOX over TLS" s \
	frankd-fetch dovecot-fetch "mbsync $(mbsync --version | cut -d' ' -f2) from $server"

# A session's memory: the samples are "KB-per-session whole-sum-KB".
session_cost() { # LABEL PORT USER PASS CERT PID [--select]
	echo "## $1: $sessions sessions $7" >>"$BENCH_LOG"
	# shellcheck disable=SC2086
	if out=$(python3 tests/bench/imapd_sessions.py $7 "$2" "$5" "$3" "$4" "$sessions" "$6" 2>>"$BENCH_LOG"); then
		echo "$out" >>"$w/.samples/$1"
		echo "## $1: $out" >>"$BENCH_LOG"
	else
		echo "FAIL imapd_sessions.py failed (see $BENCH_LOG)" >>"$w/.samples/$1"
	fi
}
frankd_fresh() {
	fd_stop
	fd_start
	FD_IMAPS=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (imaps)$/\1/p' "$FD_LOG")
}
dovecot_pid() { cat "$DC_DIR/run/master.pid"; }
login_frankd() { frankd_fresh; session_cost frankd-login "$FD_IMAPS" bob "$PW" "$FD_CERT" "$FD_PID"; }
login_dovecot() { session_cost dovecot-login "$DC_IMAPS" test Tr0ub4dor-3 "$DC_DIR/cert.crt" "$(dovecot_pid)"; }
select_frankd() {
	frankd_fresh
	session_cost frankd-select "$FD_IMAPS" bob "$PW" "$FD_CERT" "$FD_PID" --select
}
select_dovecot() {
	session_cost dovecot-select "$DC_IMAPS" test Tr0ub4dor-3 "$DC_DIR/cert.crt" "$(dovecot_pid)" --select
}
bench_say "session memory"
# One round each: the counts hardly vary (the fetch row shows the spread
# of this machine), and 90 TLS sessions to Dovecot take a while.
runs=$BENCH_RUNS
BENCH_RUNS=1
bench_alternate login_frankd login_dovecot
bench_row imapd-session "memory per idle authenticated IMAP session (LOGIN; $sessions open; VmRSS)" KB \
	frankd-login dovecot-login "$server"
bench_alternate select_frankd select_dovecot
bench_row imapd-session-selected "memory per idle IMAP session with the $n-message INBOX selected" KB \
	frankd-select dovecot-select "$server"
BENCH_RUNS=$runs
