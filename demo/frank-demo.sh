#!/bin/sh
# frank-demo.sh: the whole mail chain on one machine, offline.
#
#   sh demo/frank-demo.sh run     set up, seed, sync, open frank on alice's
#                                 inbox; quitting frank stops the daemons
#   sh demo/frank-demo.sh start   set up, seed and sync, leave the daemons up
#   sh demo/frank-demo.sh stop    stop the daemons of the demo directory
#
# Two mail domains, each with its own frankd on its own loopback address,
# both answering SMTP on the same port so that MX routing works as on the
# Internet: alice.test on 127.0.0.2, bob.test on 127.0.0.3.  A zone file
# publishes their MX, SPF, DKIM and DMARC records (alice.test p=reject,
# bob.test p=quarantine) and nothing for evil.test, the attacker's domain,
# who sends from 127.0.0.66.  Everything lives in one directory
# (FRANK_DEMO_DIR, default build/demo), made anew on each run; nothing is
# written outside it.  doc/demo.md walks through it.
set -u
me=frank-demo
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
# frank --demo says where the programs are; from the source tree they are
# in its root.
FRANK=${FRANK:-$root/frank}
FRANKD=${FRANKD:-$root/frankd}
D=${FRANK_DEMO_DIR:-$root/build/demo}
base=${FRANK_DEMO_PORT:-10000}
SMTP_PORT=$((base + 25))
SUBMISSION_PORT=$((base + 587))
IMAP_PORT=$((base + 143))
POP3_PORT=$((base + 110))
ALICE_IP=127.0.0.2
BOB_IP=127.0.0.3
ATTACKER_IP=127.0.0.66
ARCHIVE_IP=127.0.0.77

die() {
	echo "$me: $*" >&2
	exit 1
}
say() { echo "$me: $*"; }

# --- stopping ---------------------------------------------------------------

stop_daemons() {
	for who in alice bob; do
		pidfile=$D/$who/frankd.pid
		[ -f "$pidfile" ] || continue
		pid=$(cat "$pidfile")
		if kill "$pid" 2>/dev/null; then
			# SIGTERM drains: wait for it, within reason.
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			kill -9 "$pid" 2>/dev/null
		fi
		rm -f "$pidfile"
	done
}

# --- setting up ---------------------------------------------------------------

check_tools() {
	[ -x "$FRANK" ] && [ -x "$FRANKD" ] || die "build first: make"
	command -v /usr/bin/python3 >/dev/null || die "python3 is needed (apt-get install python3)"
	/usr/bin/python3 -c 'import dkim' 2>/dev/null ||
		die "dkimpy is needed to craft the attacks (apt-get install python3-dkim)"
	command -v openssl >/dev/null || die "openssl is needed (apt-get install openssl)"
}

keys() {
	mkdir -p "$D/keys"
	for dom in alice.test bob.test; do
		"$FRANK" dkim-keygen --out "$D/keys/$dom.pem" "$dom" demo >"$D/keys/$dom.txt" \
			2>>"$D/setup.log" || die "frank dkim-keygen $dom failed (see $D/setup.log)"
	done
}

zone() {
	{
		echo '; The whole DNS of the demo: frankd and frank read it, nothing asks the network.'
		echo '$ORIGIN alice.test.'
		echo '@        IN MX  10 mx.alice.test.'
		echo "mx       IN A   $ALICE_IP"
		echo '@        IN TXT "v=spf1 ip4:'"$ALICE_IP"' -all"'
		echo '_dmarc   IN TXT "v=DMARC1; p=reject; rua=mailto:postmaster@alice.test"'
		cat "$D/keys/alice.test.txt"
		echo '$ORIGIN bob.test.'
		echo '@        IN MX  10 mx.bob.test.'
		echo "mx       IN A   $BOB_IP"
		echo '@        IN TXT "v=spf1 ip4:'"$BOB_IP"' -all"'
		echo '_dmarc   IN TXT "v=DMARC1; p=quarantine; rua=mailto:postmaster@bob.test"'
		cat "$D/keys/bob.test.txt"
		echo '$ORIGIN evil.test.'
		echo '@        IN MX  10 mx.evil.test.'
		echo "mx       IN A   $ATTACKER_IP"
		echo '$ORIGIN in-addr.arpa.'
		echo "2.0.0.127 IN PTR mx.alice.test."
		echo "3.0.0.127 IN PTR mx.bob.test."
	} >"$D/demo.zone"
}

# frankd_conf WHO DOMAIN IP
frankd_conf() {
	who=$1 dom=$2 ip=$3
	mkdir -p "$D/$who"
	cat >"$D/$who/frankd.conf" <<EOF
# frankd for $dom, made by frank-demo.sh
hostname mx.$dom
listen $ip $SMTP_PORT smtp
listen $ip $SUBMISSION_PORT submission
listen $ip $IMAP_PORT imap
listen $ip $POP3_PORT pop3
queue $D/$who/queue
zone_file $D/demo.zone
dns offline
relay_port $SMTP_PORT
relay_from $ip
# The demo keeps every message, failed or not, in the inbox, with the
# verdict recorded: a real server would say "dmarc_policy follow".
dmarc_policy none
log stderr
domain $dom
postmaster $who
retry first 5s
retry max 30s

user $who {
    maildir $D/$who/Maildir
    address $who@$dom postmaster@$dom
    send_as *@$dom
}

dkim_key $dom demo $D/keys/$dom.pem
EOF
	"$FRANKD" -c "$D/$who/frankd.conf" check >>"$D/setup.log" 2>&1 ||
		die "frankd rejects $D/$who/frankd.conf (see $D/setup.log)"
	pw=$("$FRANKD" -c "$D/$who/frankd.conf" passwd add "$who" --label demo 2>>"$D/setup.log" |
		tail -n 1) || die "frankd passwd add $who failed (see $D/setup.log)"
	[ -n "$pw" ] || die "frankd passwd add $who printed no password"
	printf '%s\n' "$pw" >"$D/$who/app-password"
	chmod 600 "$D/$who/app-password"
}

start_frankd() { # WHO IP
	who=$1 ip=$2
	"$FRANKD" -c "$D/$who/frankd.conf" >>"$D/$who/frankd.log" 2>&1 &
	echo $! >"$D/$who/frankd.pid"
	# Up when its SMTP port answers.
	i=0
	until /usr/bin/python3 -c "import socket,sys; socket.create_connection(('$ip', $SMTP_PORT), 1)" \
		2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "frankd for $who did not start (see $D/$who/frankd.log)"
		kill -0 "$(cat "$D/$who/frankd.pid")" 2>/dev/null ||
			die "frankd for $who exited (see $D/$who/frankd.log)"
		sleep 0.1
	done
}

fingerprint() { # WHO: SHA-256 of frankd's certificate, as frankrc pins it
	openssl x509 -in "$D/$1/frankd.crt" -noout -fingerprint -sha256 | sed 's/.*=//'
}

env_file() {
	cat >"$D/demo.env" <<EOF
SMTP_PORT=$SMTP_PORT
SUBMISSION_PORT=$SUBMISSION_PORT
ALICE_IP=$ALICE_IP
BOB_IP=$BOB_IP
ATTACKER_IP=$ATTACKER_IP
ARCHIVE_IP=$ARCHIVE_IP
ALICE_ADDRESS=alice@alice.test
BOB_ADDRESS=bob@bob.test
ALICE_CERT=$D/alice/frankd.crt
BOB_CERT=$D/bob/frankd.crt
ALICE_PASSWORD=$(cat "$D/alice/app-password")
BOB_PASSWORD=$(cat "$D/bob/app-password")
ALICE_MAILDIR=$D/alice/Maildir
BOB_MAILDIR=$D/bob/Maildir
BOB_DKIM_KEY=$D/keys/bob.test.pem
EOF
	chmod 600 "$D/demo.env"
}

frankrc() {
	cat >"$D/frankrc" <<EOF
# frank's configuration for the demo: alice reads over IMAP, bob over POP3.
set mail_root = $D/mail
set dns_zone_file = $D/demo.zone
set dns_offline

account alice {
    set from = "Alice Liddell <alice@alice.test>"
    set source = imap://alice@$ALICE_IP:$IMAP_PORT
    set smtp = smtp://alice@$ALICE_IP:$SUBMISSION_PORT
    set tls_fingerprint = $(fingerprint alice)
    set passcmd = "cat $D/alice/app-password"
    set trusted_received_host = mx.alice.test
}

account bob {
    set from = "Bob Builder <bob@bob.test>"
    set source = pop://bob@$BOB_IP:$POP3_PORT
    set smtp = smtp://bob@$BOB_IP:$SUBMISSION_PORT
    set tls_fingerprint = $(fingerprint bob)
    set passcmd = "cat $D/bob/app-password"
    set trusted_received_host = mx.bob.test
}
EOF
	chmod 600 "$D/frankrc"
}

setup() {
	check_tools
	[ -d "$D" ] && stop_daemons
	rm -rf "$D"
	mkdir -p "$D" || die "cannot make $D"
	say "demo directory: $D"
	: >"$D/setup.log"
	keys
	zone
	frankd_conf alice alice.test "$ALICE_IP"
	frankd_conf bob bob.test "$BOB_IP"
	start_frankd alice "$ALICE_IP"
	start_frankd bob "$BOB_IP"
	say "frankd for alice.test on $ALICE_IP, for bob.test on $BOB_IP" \
		"(SMTP $SMTP_PORT, submission $SUBMISSION_PORT, IMAP $IMAP_PORT, POP3 $POP3_PORT)"
	env_file
	frankrc
	say "seeding: sending mail through the chain"
	/usr/bin/python3 "$root/demo/seed.py" "$D" >"$D/seed.log" 2>&1
	seeded=$?
	sed "s/^/  /" "$D/seed.log"
	[ $seeded -eq 0 ] ||
		die "seeding failed (frankd logs: $D/alice/frankd.log, $D/bob/frankd.log)"
	say "syncing both accounts"
	"$FRANK" sync -F "$D/frankrc" -d "$D/sync.log" ||
		die "frank sync failed (see $D/sync.log)"
}

case ${1:-run} in
start)
	setup
	say "up; stop with: sh demo/frank-demo.sh stop"
	;;
stop)
	stop_daemons
	;;
run)
	setup
	trap stop_daemons EXIT
	trap 'stop_daemons; exit 130' INT TERM
	"$FRANK" -F "$D/frankrc"
	;;
*)
	echo "usage: sh demo/frank-demo.sh [run|start|stop]" >&2
	exit 2
	;;
esac
