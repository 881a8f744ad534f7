#!/bin/sh
# tests/bench/sync.sh: frank sync against mbsync + notmuch new, in the same
# run, from the same Dovecot over TLS on 127.0.0.1.
#
#   initial: a mailbox of BENCH_N messages (default 10000; the issue's
#            figure is 50000: BENCH_N=50000) synced into an empty mail root,
#            notmuch index included:  frank sync  vs  mbsync, then
#            notmuch new on its Maildir;
#   again:   the same with nothing changed on either side.
# Each side runs once per row (a second initial run would need a new
# mailbox); wall time and peak memory (maximum resident set) of the whole
# process come from /usr/bin/time.  Nothing is asserted: this reports, as
# the first bench does.  The rows go to stdout and are appended to
# build/bench/results.txt.
set -u
me=tests/bench/sync.sh
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
die() { echo "$me: $*" >&2; exit 1; }
for tool in mbsync notmuch python3 /usr/sbin/dovecot /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool is not installed (apt-get install isync notmuch dovecot-imapd time)"
done
[ -x ./frank ] && [ -x build/tests/tools/net_certgen ] || die "run make bench (it builds frank and the tools)"
n=${BENCH_N:-10000}
case $n in '' | *[!0-9]*) die "BENCH_N must be a number" ;; esac
out=$root/build/bench
work=$(mktemp -d "${TMPDIR:-/tmp}/frank-bench-sync.XXXXXX") || exit 2
mkdir -p "$out"
. tests/lib.sh
. tests/tools/dovecot_lib.sh
cleanup() { dovecot_stop; rm -rf "$work"; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

echo "# sync bench: $n messages"
dovecot_start "$work/dc" >/dev/null || die "Dovecot did not start"
python3 tests/tools/gen-maildir --count "$n" --seed 5 "$DC_MAIL" >/dev/null || die "gen-maildir failed"
dovecot_fix_owner
# Dovecot builds its own index on the first access: not either side's cost.
python3 tests/tools/imap_tool.py "$DC_IMAPS" count INBOX >/dev/null || die "Dovecot does not serve the mailbox"

# frank verifies each message as it arrives; DNS is an offline zone (the
# generated senders publish nothing, so every lookup is answered there).
printf '$ORIGIN example.org.\n@ IN TXT "v=spf1 -all"\n' >"$work/bench.zone"
cat >"$work/frankrc" <<EOF
set mail_root = $work/frank
set dns_zone_file = $work/bench.zone
set dns_offline
account b {
    set from = test@example.org
    set source = imaps://test@127.0.0.1:$DC_IMAPS
    set tls_fingerprint = $DC_FP
    set password = Tr0ub4dor-3
}
EOF
chmod 600 "$work/frankrc"
mkdir -p "$work/mb/INBOX"
cat >"$work/mbsyncrc" <<EOF
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
Path $work/mb/
Inbox $work/mb/INBOX
SubFolders Verbatim

Channel b
Far :remote:
Near :local:
Patterns *
Create Near
SyncState *
EOF
cat >"$work/nm.conf" <<EOF
[database]
path=$work/mb
[new]
tags=unread;inbox;
[maildir]
synchronize_flags=true
EOF

# measure LABEL COMMAND...: sets secs and kb (peak RSS) for the command.
measure() {
	label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >>"$work/log" 2>&1 ||
		{ tail -5 "$work/log" >&2; die "$label failed: $*"; }
	read -r secs kb <"$work/time"
}
both() { # the mbsync side: mbsync, then notmuch new
	mbsync -c "$work/mbsyncrc" -a -q && NOTMUCH_CONFIG=$work/nm.conf notmuch new --quiet
}

measure "frank sync" ./frank sync -F "$work/frankrc" --quiet
f1=$secs f1kb=$kb
measure "mbsync" mbsync -c "$work/mbsyncrc" -a -q
m1=$secs m1kb=$kb
export NOTMUCH_CONFIG="$work/nm.conf"
measure "notmuch new" notmuch new --quiet
n1=$secs n1kb=$kb
measure "frank sync again" ./frank sync -F "$work/frankrc" --quiet
f2=$secs
measure "mbsync again" mbsync -c "$work/mbsyncrc" -a -q
m2=$secs
measure "notmuch new again" notmuch new --quiet
n2=$secs
unset NOTMUCH_CONFIG

frank_files=$(find "$work/frank/b" -path '*/cur/*' -type f | wc -l)
mb_files=$(find "$work/mb" -path '*/cur/*' -type f -o -path '*/new/*' -type f | wc -l)
{
	echo
	echo "sync bench: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $n messages from Dovecot $(/usr/sbin/dovecot --version | cut -d' ' -f1) over TLS on 127.0.0.1, $(mbsync --version 2>/dev/null | head -n 1)"
	printf "%-44s | %8s | %14s | %s\n" "what" "frank s" "mbsync+nm s" "ratio frank/(mbsync+notmuch)"
	awk -v f="$f1" -v m="$m1" -v nm="$n1" 'BEGIN {
		printf "%-44s | %8.2f | %14.2f | %.2f  (mbsync %.2f + notmuch new %.2f)\n",
			"initial sync with indexing", f, m + nm, f / (m + nm), m, nm }'
	awk -v f="$f2" -v m="$m2" -v nm="$n2" 'BEGIN {
		r = 0
		if (m + nm > 0) r = f / (m + nm)
		printf "%-44s | %8.2f | %14.2f | %.2f  (mbsync %.2f + notmuch new %.2f)\n",
			"second sync, nothing changed", f, m + nm, r, m, nm }'
	echo "peak memory (max RSS): frank sync $((f1kb / 1024)) MB; mbsync $((m1kb / 1024)) MB; notmuch new $((n1kb / 1024)) MB"
	echo "messages: frank $frank_files files, mbsync $mb_files files"
} | tee -a "$out/results.txt"
