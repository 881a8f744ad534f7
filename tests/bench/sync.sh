#!/bin/sh
# tests/bench/sync.sh: frank sync against mbsync + notmuch new, in the same
# run, from the same Dovecot over TLS on 127.0.0.1.
#
#   sync-initial: a mailbox of BENCH_N messages (default 2000: about 6
#                 minutes on 2 cores; the issue's figure is 50000, N=50000
#                 takes well over an hour) synced into an empty mail root,
#                 indexed:  frank sync (which also verifies every message
#                 and indexes it)  vs  mbsync, then notmuch new on its
#                 Maildir (one measured command: sh -c 'mbsync && notmuch new').
#   sync-again:   the same again with nothing changed on either side.
# Every run starts from an empty mail root (not timed).  Checks, for every
# run: frank's INBOX holds the messages Dovecot serves, byte for byte
# (SHA-256 of each, sorted: tests/bench/maildir_digest.py), and mbsync's the
# same bytes but for the CRs and the X-TUID field mbsync adds; both indexes
# count BENCH_N messages.
. tests/bench/bench.lib
bench_begin sync
n=$(bench_size 2000)
bench_need mbsync notmuch /usr/sbin/dovecot sha256sum
[ -x ./frank ] && [ -x build/tests/tools/net_certgen ] || bench_die "run make bench (it builds frank and the tools)"
w=$BENCH_WORK
. tests/lib.sh
. tests/tools/dovecot_lib.sh
bench_at_exit dovecot_stop

# The corpus is made once and kept (bench_corpus); Dovecot gets hard links
# to it (Maildir files are never rewritten; the checks compare with what
# Dovecot serves).
bench_corpus realistic 5 "$n" --realistic
bench_say "starting Dovecot"
dovecot_start "$w/dc" >>"$BENCH_LOG" 2>&1 || bench_die "Dovecot did not start (see $BENCH_LOG)"
cp -al "$BENCH_CORPUS/cur" "$BENCH_CORPUS/new" "$DC_MAIL/" || bench_die "cannot link the corpus into $DC_MAIL"
dovecot_fix_owner
# Dovecot builds its own index on the first access: not either side's cost.
python3 tests/tools/imap_tool.py "$DC_IMAPS" hashes INBOX >"$w/served" 2>>"$BENCH_LOG" ||
	bench_die "Dovecot does not serve the mailbox"
[ "$(wc -l <"$w/served")" -eq "$n" ] || bench_die "Dovecot serves $(wc -l <"$w/served") messages, not $n"

# frank verifies each message as it arrives; DNS is an offline zone (the
# generated senders publish nothing, so every lookup is answered there).
printf '$ORIGIN example.org.\n@ IN TXT "v=spf1 -all"\n' >"$w/bench.zone"

setup_round() { # R: an empty mail root for each side, and their configs
	rm -rf "${w:?}/frank$1" "$w/mb$1"
	mkdir -p "$w/mb$1/INBOX"
	cat >"$w/frankrc$1" <<EOF
set mail_root = $w/frank$1
set dns_zone_file = $w/bench.zone
set dns_offline
account b {
    set from = test@example.org
    set source = imaps://test@127.0.0.1:$DC_IMAPS
    set tls_fingerprint = $DC_FP
    set password = Tr0ub4dor-3
}
EOF
	chmod 600 "$w/frankrc$1"
	cat >"$w/mbsyncrc$1" <<EOF
IMAPAccount b
Host 127.0.0.1
Port $DC_IMAPS
User test
Pass Tr0ub4dor-3
SSLType IMAPS
CertificateFile $DC_DIR/cert.crt

IMAPStore remote
Account b

MaildirStore local
Path $w/mb$1/
Inbox $w/mb$1/INBOX
SubFolders Verbatim

Channel b
Far :remote:
Near :local:
Patterns *
Create Near
SyncState *
EOF
	# mbsync's state files are not mail: notmuch is told, as a user would.
	printf '[database]\npath=%s\n[new]\ntags=unread;inbox;\nignore=%s\n[maildir]\nsynchronize_flags=true\n' \
		"$w/mb$1" '.mbsyncstate;.mbsyncstate.journal;.mbsyncstate.new;.mbsyncstate.lock;.uidvalidity' \
		>"$w/nm$1.conf"
	sync
}

frank_sync() { # R LABEL
	bench_measure "$2" ./frank sync -F "$w/frankrc$1" --quiet
}
peer_sync() { # R LABEL
	bench_measure "$2" sh -c 'mbsync -c "$1" -a -q && NOTMUCH_CONFIG="$2" notmuch new --quiet' \
		sh "$w/mbsyncrc$1" "$w/nm$1.conf"
}
initial_frank() { frank_sync "$1" frank-initial; }
initial_peer() { peer_sync "$1" peer-initial; }
again_frank() { frank_sync "$1" frank-again; }
again_peer() { peer_sync "$1" peer-again; }

r=1
while [ "$r" -le "$BENCH_RUNS" ]; do
	setup_round "$r"
	r=$((r + 1))
done

same_bytes() { # DIR: its messages are the ones Dovecot serves
	python3 tests/bench/maildir_digest.py "$1" >"$w/got" && cmp "$w/served" "$w/got"
}
# mbsync keeps LF line ends and adds X-TUID: the same bytes apart from those.
same_bytes_mbsync() { # DIR
	python3 tests/bench/maildir_digest.py --as-mbsync-stores "$DC_MAIL" >"$w/served-lf" &&
		python3 tests/bench/maildir_digest.py --as-mbsync-stores "$1" >"$w/got" &&
		cmp "$w/served-lf" "$w/got"
}
indexed() { # CONFIG
	c=$(NOTMUCH_CONFIG=$1 notmuch count '*') && echo "notmuch count: $c" && [ "$c" -eq "$n" ]
}
frank_nm() { # R: a notmuch config over frank's mail root
	printf '[database]\npath=%s\n' "$w/frank$1" >"$w/frank-nm$1.conf"
	echo "$w/frank-nm$1.conf"
}
check_rounds() {
	r=1
	while [ "$r" -le "$BENCH_RUNS" ]; do
		bench_check "run $r: frank's INBOX is what Dovecot serves, byte for byte" same_bytes "$w/frank$r/b/INBOX"
		bench_check "run $r: mbsync's INBOX is what Dovecot serves, byte for byte (but CRs and X-TUID)" \
			same_bytes_mbsync "$w/mb$r/INBOX"
		bench_check "run $r: frank's index counts $n messages" indexed "$(frank_nm "$r")"
		bench_check "run $r: notmuch new's index counts $n messages" indexed "$w/nm$r.conf"
		r=$((r + 1))
	done
}
peer="mbsync $(mbsync --version | cut -d' ' -f2) + notmuch new $(notmuch --version | cut -d' ' -f2)"
server="Dovecot $(/usr/sbin/dovecot --version | cut -d' ' -f1)"
bench_alternate initial_frank initial_peer
check_rounds
bench_row sync-initial "time to sync $n new messages from IMAP ($server, TLS), indexed" s \
	frank-initial peer-initial "$peer"
bench_alternate again_frank again_peer
check_rounds
bench_row sync-again "time to sync a mailbox of $n messages when nothing changed" s \
	frank-again peer-again "$peer"
