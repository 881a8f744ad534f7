#!/bin/sh
# sync_idle.sh: frank sync --idle stays connected to a real Dovecot's inbox
# with IMAP IDLE, and a message another client APPENDs arrives here
# without another command (polled for, up to 30 s; typically well under
# one second).
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need python3 /usr/sbin/dovecot
idle_pid=""
T_CLEANUP_HOOK='[ -n "$idle_pid" ] && kill "$idle_pid" 2>/dev/null; dovecot_stop'
tool() { python3 tests/tools/imap_tool.py "$DC_IMAPS" "$@"; }

dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
python3 tests/tools/gen-maildir --count 5 --seed 31 "$DC_MAIL" >/dev/null
dovecot_fix_owner
M=$T_TMP/mail
{
	echo "set mail_root = $M"
	echo "account t {"
	echo "    set from = test@example.org"
	echo "    set source = imaps://test@127.0.0.1:$DC_IMAPS"
	echo "    set tls_fingerprint = $DC_FP"
	echo "    set password = Tr0ub4dor-3"
	echo "}"
} >"$T_TMP/rc"
chmod 600 "$T_TMP/rc"
files() { find "$M/t/INBOX/cur" "$M/t/INBOX/new" -type f 2>/dev/null | wc -l; }
wait_files() { # N: up to 30 s for N files
	for _ in $(seq 1 300); do
		[ "$(files)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
idles() { grep -c 'C: f[0-9]* IDLE' "$T_TMP/idle.log" 2>/dev/null; }
wait_idles() { # N: up to 30 s for the Nth IDLE command
	for _ in $(seq 1 300); do
		[ "$(idles)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

./frank sync -F "$T_TMP/rc" --idle -d "$T_TMP/idle.log" >"$T_TMP/idle.out" 2>"$T_TMP/idle.err" &
idle_pid=$!
t_check "frank sync --idle makes the first sync" wait_files 5
t_check "then idles on the inbox" wait_idles 1
printf 'From: x@example.org\r\nSubject: pushed\r\nMessage-ID: <pushed@example.org>\r\n\r\nnew\r\n' >"$T_TMP/new.eml"
tool append INBOX "$T_TMP/new.eml"
t_check "a message another client appends arrives by itself" wait_files 6
t_check "it is that message" grep -rqs "Subject: pushed" "$M/t/INBOX/cur"
t_check "and it idles again" wait_idles 2
tool append INBOX "$T_TMP/new.eml"
t_check "so the next one arrives too" wait_files 7
t_check "frank sync --idle is still running" kill -0 "$idle_pid"
kill "$idle_pid"
wait "$idle_pid" 2>/dev/null
idle_pid=""
t_check "nothing went to its standard error" test ! -s "$T_TMP/idle.err"
t_done
