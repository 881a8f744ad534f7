#!/bin/sh
# tests/bench/submit.sh: frankd's submission rate against Postfix, and
# against smtp-sink (the no-storage ceiling), in the same run.
#
#   submit-postfix: BENCH_N messages (default 2000) of 10 KB sent by
#                   smtp-source with 10 concurrent sessions on 127.0.0.1 to
#                   frankd (its inbound SMTP listener: SPF/DKIM/DMARC from an
#                   offline zone, queue fsynced before each 250, delivery
#                   into a Maildir) vs a private Postfix instance (its own
#                   config and queue directories under the scratch
#                   directory; virtual delivery into a Maildir).
#   submit-sink:    the same against smtp-sink, which stores nothing.
# One sample is the wall time from the first connection until the last
# message is in the Maildir (smtp-source, then waiting for delivery), so
# both servers are timed for accepting AND delivering; messages/s is
# BENCH_N / time.  Peak memory is the server's (VmHWM of frankd; the sum
# over Postfix's master and its children; smtp-sink's), not the client's.
# Checks, every run: each Maildir holds exactly BENCH_N new messages,
# smtp-sink counted BENCH_N, smtp-source exited 0.
# Every run starts each server afresh with an empty queue and Maildir
# (not timed).  Postfix runs as root here (the bench runs as root): its
# master must start as root to set up the queue's ownership and to drop
# privileges to the postfix user; Maildir files belong to nobody.
. tests/bench/bench.lib
bench_begin submit
n=$(bench_size 2000)
bench_need smtp-source smtp-sink postfix postconf
[ -x ./frankd ] || bench_die "run make bench (it builds frankd)"
[ "$(id -u)" -eq 0 ] || bench_die "the Postfix side needs root (its master drops privileges to the postfix user)"
getent passwd postfix >/dev/null || bench_die "no postfix user (apt-get install postfix)"
w=$BENCH_WORK
chmod 755 "$w"
CONCURRENCY=10
SIZE=10240
FROM=sender@example.org
RCPT=rcpt@bench.test

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # PORT: until something accepts there (at most 30 s)
	python3 - "$1" <<'EOF'
import socket, sys, time
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

hwm_kb() { # PID...: the sum of their peak resident sets
	for p in "$@"; do
		sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$p/status" 2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}

# The last sample of LABEL gets the server's memory instead of the
# client's (bench_measure measured smtp-source).
server_memory() { # LABEL KB
	f=$w/.samples/$1
	[ -f "$f" ] && tail -n 1 "$f" | grep -q '^[0-9]' || return 0
	sed -i "\$ s/ [0-9]*\$/ $2/" "$f"
}

# The measured command: send, then wait until MAILDIR/new has N files.
cat >"$w/send" <<'EOF'
#!/bin/sh
# send PORT N CONCURRENCY SIZE FROM RCPT [MAILDIR]
smtp-source -s "$3" -l "$4" -m "$2" -f "$5" -t "$6" "127.0.0.1:$1" || exit 1
[ -n "$7" ] || exit 0
i=0
while [ "$(ls "$7/new" 2>/dev/null | wc -l)" -lt "$2" ]; do
	i=$((i + 1))
	[ "$i" -lt 30000 ] || { echo "send: $7/new has $(ls "$7/new" | wc -l) of $2 after 300 s" >&2; exit 1; }
	sleep 0.01
done
EOF
chmod +x "$w/send"

count_is() { # DIR N
	c=$(ls "$1" 2>/dev/null | wc -l)
	echo "$1: $c files"
	[ "$c" -eq "$2" ]
}

# frankd: its inbound listener, an offline zone where the sender's domain
# publishes an SPF record (so each message costs a real SPF evaluation).
printf '$ORIGIN example.org.\n@ IN TXT "v=spf1 ip4:127.0.0.1 -all"\n' >"$w/zone"
# stop_child VAR: SIGTERM to the child whose pid VAR holds, waited for.
stop_child() {
	eval "sc_pid=\${$1:-}"
	[ -n "$sc_pid" ] || return 0
	kill -TERM "$sc_pid" 2>/dev/null
	wait "$sc_pid" 2>/dev/null
	eval "$1="
}
FD_PID=""
bench_at_exit "stop_child FD_PID"
frankd_side() { # R
	d=$w/fd$1
	mkdir -p "$d"
	cat >"$d/frankd.conf" <<EOF
hostname fd.bench.test
listen 127.0.0.1 0 smtp
queue $d/queue
domain bench.test
dns offline
zone_file $w/zone
limit connections_per_ip 100
user rcpt {
    maildir $d/mail
    address $RCPT
}
EOF
	./frankd -c "$d/frankd.conf" 2>"$d/log" &
	FD_PID=$!
	i=0
	until grep -q 'info: started: ' "$d/log" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 300 ] && kill -0 "$FD_PID" 2>/dev/null || bench_die "frankd did not start: $(tail -n 1 "$d/log")"
		sleep 0.1
	done
	port=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (smtp)$/\1/p' "$d/log")
	sync
	bench_measure frankd "$w/send" "$port" "$n" $CONCURRENCY $SIZE $FROM $RCPT "$d/mail"
	server_memory frankd "$(hwm_kb "$FD_PID")"
	stop_child FD_PID
	cat "$d/log" >>"$BENCH_LOG"
	bench_check "frankd delivered $n messages into the Maildir (run $1)" count_is "$d/mail/new" "$n"
	rm -rf "$d"
}

# Postfix: a private instance, all of it under $w/pf$R.
PF_CONF=""
postfix_stop() {
	[ -n "$PF_CONF" ] || return 0
	postfix -c "$PF_CONF" stop >>"$BENCH_LOG" 2>&1
	PF_CONF=""
}
bench_at_exit postfix_stop
postfix_setup() { # DIR PORT
	mkdir -p "$1/etc" "$1/queue" "$1/data" "$1/mail"
	chmod 755 "$1"
	chown postfix "$1/data"
	chown nobody "$1/mail"
	cp /usr/share/postfix/master.cf.dist "$1/etc/master.cf" || return 1
	: >"$1/etc/main.cf"
	echo "$RCPT rcpt/" >"$1/etc/vmailbox"
	postconf -c "$1/etc" -e \
		"queue_directory=$1/queue" "data_directory=$1/data" \
		"maillog_file=$1/maillog" "maillog_file_prefixes=$1" \
		"meta_directory=/etc/postfix" "shlib_directory=/usr/lib/postfix" \
		"daemon_directory=/usr/lib/postfix/sbin" "command_directory=/usr/sbin" \
		"mail_owner=postfix" "setgid_group=postdrop" "compatibility_level=3.6" \
		"myhostname=pf.bench.test" "mydomain=bench.test" "mydestination=" \
		"inet_interfaces=127.0.0.1" "inet_protocols=ipv4" "mynetworks=127.0.0.0/8" \
		"alias_maps=" "alias_database=" "biff=no" "smtp_dns_support_level=disabled" \
		"smtpd_peername_lookup=no" \
		"virtual_mailbox_domains=bench.test" "virtual_mailbox_base=$1/mail" \
		"virtual_mailbox_maps=texthash:$1/etc/vmailbox" \
		"virtual_uid_maps=static:65534" "virtual_gid_maps=static:65534" &&
		postconf -c "$1/etc" -M "smtp/inet=127.0.0.1:$2 inet n - n - - smtpd" &&
		postconf -c "$1/etc" -F '*/*/chroot = n'
}
postfix_side() { # R
	d=$w/pf$1
	port=$(free_port)
	postfix_setup "$d" "$port" >>"$BENCH_LOG" 2>&1 || bench_die "could not configure Postfix in $d"
	PF_CONF=$d/etc
	postfix -c "$PF_CONF" start >>"$BENCH_LOG" 2>&1 || bench_die "Postfix did not start: $(tail -n 1 "$d/maillog")"
	wait_port "$port" || bench_die "Postfix does not listen on port $port"
	sync
	bench_measure postfix "$w/send" "$port" "$n" $CONCURRENCY $SIZE $FROM $RCPT "$d/mail/rcpt"
	master=$(sed -n '1s/ //gp' "$d/queue/pid/master.pid")
	# shellcheck disable=SC2046
	server_memory postfix "$(hwm_kb "$master" $(ps -o pid= --ppid "$master"))"
	postfix_stop
	cat "$d/maillog" >>"$BENCH_LOG"
	bench_check "Postfix delivered $n messages into the Maildir (run $1)" count_is "$d/mail/rcpt/new" "$n"
	rm -rf "$d"
}

SINK_PID=""
bench_at_exit "stop_child SINK_PID"
sink_counted() { # FILE N: smtp-sink's running counter ends at N
	c=$(tr '\r' '\n' <"$1" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -n 1)
	echo "smtp-sink counted ${c:-nothing}"
	[ "${c:-0}" -eq "$2" ]
}
sink_side() { # R
	port=$(free_port)
	smtp-sink -u nobody -c "127.0.0.1:$port" 256 >"$w/sink.out" 2>&1 &
	SINK_PID=$!
	wait_port "$port" || bench_die "smtp-sink does not listen on port $port"
	bench_measure sink "$w/send" "$port" "$n" $CONCURRENCY $SIZE $FROM $RCPT
	server_memory sink "$(hwm_kb "$SINK_PID")"
	stop_child SINK_PID
	bench_check "smtp-sink received $n messages (run $1)" sink_counted "$w/sink.out" "$n"
}

bench_alternate frankd_side postfix_side sink_side

pf_version=$(postconf -d -h mail_version 2>/dev/null)
feel="time to accept $n messages of 10 KB from 10 clients and deliver them to a Maildir"
bench_row submit-postfix "$feel" s frankd postfix "Postfix ${pf_version:-?} (virtual, Maildir)"
bench_row submit-sink "the same, against a server that stores nothing" s frankd sink "floor: smtp-sink (Postfix ${pf_version:-?})"
