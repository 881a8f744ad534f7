#!/bin/sh
# sync_hostile.sh: frank sync against scripted servers (over TLS, on
# 127.0.0.1) that misbehave: a 1 GiB literal, a server that stops
# answering, a connection dropped in the middle of a FETCH, a folder named
# "../../x", a POP3 server without UIDL.  Each gets a clear one-line error
# (or, for the folder name, a safe path), and the local store stays
# consistent: what arrived is whole and indexed, and the next sync brings
# the rest with no duplicate.
. tests/lib.sh
t_tmpdir
t_need python3 notmuch timeout setsid
certgen=build/tests/tools/net_certgen
[ -x "$certgen" ] || { t_fail "$certgen is built" "run: make unit-tests"; exit 1; }
"$certgen" self "$T_TMP/cert" localhost >/dev/null
fp=$("$certgen" fingerprint "$T_TMP/cert.crt")
pid=""
T_CLEANUP_HOOK='[ -n "$pid" ] && kill "$pid" 2>/dev/null'

start_server() { # MODE
	rm -f "$T_TMP/port" "$T_TMP/port.mode"
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	python3 tests/tools/mail_script_server.py "$1" "$T_TMP/cert.crt" "$T_TMP/cert.key" \
		"$T_TMP/port" &
	pid=$!
	for _ in $(seq 1 100); do [ -s "$T_TMP/port" ] && break; sleep 0.05; done
	port=$(cat "$T_TMP/port")
}
write_rc() { # SCHEME
	cat >"$T_TMP/rc" <<EOF
set mail_root = $T_TMP/mail
set timeout = 3
account h {
    set from = me@example.org
    set source = $1://me@127.0.0.1:$port
    set tls_fingerprint = $fp
    set password = pw
}
EOF
	chmod 600 "$T_TMP/rc"
}
cat >"$T_TMP/nm.conf" <<EOF
[database]
path=$T_TMP/mail
EOF
nm() { NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch "$@"; }
files() { find "$T_TMP/mail/h/$1/cur" "$T_TMP/mail/h/$1/new" -type f 2>/dev/null | wc -l; }
sync() { t_run "$1" timeout 60 ./frank sync -F "$T_TMP/rc"; }
mode() { echo "$1" >"$T_TMP/port.mode"; }

# --- a 1 GiB literal -------------------------------------------------------
start_server bigliteral
write_rc imaps
sync big
t_check "a 1 GiB literal: the sync fails" t_rc_is big 1
t_contains "with a clear error" "$T_TMP/big.err" "announced a literal of 1073741824 bytes, more than the limit"
t_check "in one line" t_one_line big
t_check "what came before it is here, whole" test "$(files INBOX)" -eq 1
t_check "and indexed" test "$(nm count --output=files 'folder:h/INBOX')" -eq 1
mode ok
sync after_big
t_check "the next sync succeeds" t_rc_is after_big 0
t_check "and brings only the rest" test "$(files INBOX)" -eq 2
t_check "each message once in the index" test "$(nm count --output=files '*')" -eq 2
rm -rf "$T_TMP/mail"

# --- dropped in the middle of a FETCH ----------------------------------------
start_server drop
write_rc imaps
sync drop
t_check "a connection cut mid-FETCH: the sync fails" t_rc_is drop 1
t_contains "saying the server closed it" "$T_TMP/drop.err" "the server closed the connection"
t_check "the whole first message is kept" test "$(files INBOX)" -eq 1
t_check "nothing half-written is left" test -z "$(ls "$T_TMP/mail/h/INBOX/tmp")"
mode ok
sync after_drop
t_check "the next sync completes it" test "$(files INBOX)" -eq 2
rm -rf "$T_TMP/mail"

# --- a server that stops answering ----------------------------------------------
start_server silent
write_rc imaps
sync silent
t_check "a silent server: the sync fails" t_rc_is silent 1
t_contains "with a timeout named" "$T_TMP/silent.err" "timed out reading after 3 s"
rm -rf "$T_TMP/mail"

# --- a folder named ../../x ----------------------------------------------------
start_server traversal
write_rc imaps
sync trav
t_check "a folder named ../../x syncs" t_rc_is trav 0
t_check "into a folder inside the account's" test "$(find "$T_TMP/mail/h/%2E./%2E./x" -type f -path '*/cur/*' | wc -l)" -eq 2
t_check "and nothing outside the mail root" test ! -e "$T_TMP/x" -a ! -e "$T_TMP/mail/x"
rm -rf "$T_TMP/mail"

# --- POP3 without UIDL ---------------------------------------------------------------
start_server pop3-nouidl
write_rc pops
sync pop1
t_check "POP3 without UIDL syncs" t_rc_is pop1 0
t_check "every message arrives" test "$(files INBOX)" -eq 2
sync pop2
t_check "again: nothing twice (deduplicated by content)" test "$(files INBOX)" -eq 2
# --- no password and no terminal to ask on -----------------------------------
grep -v 'set password' "$T_TMP/rc" >"$T_TMP/rc.nopw"
t_run nopw setsid ./frank sync -F "$T_TMP/rc.nopw"
t_check "no password, no terminal: the sync fails" t_rc_is nopw 1
t_contains "saying why" "$T_TMP/nopw.err" "account h: no password (set passcmd or password) and no terminal to ask for one"
t_done
