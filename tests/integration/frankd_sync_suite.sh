#!/bin/sh
# frankd_sync_suite.sh: the rest of issue 7's sync suite, against frankd
# instead of Dovecot (frankd_imap_frank.sh has the first fetch, flags and
# deletions): a folder whose UIDVALIDITY changes keeps its local copies
# with no duplicate; syncs killed with SIGKILL at random points lose and
# double nothing; POP3 with leave_on_server on (nothing fetched twice,
# the server keeps all) and off (the server emptied of what arrived).
. tests/lib.sh
t_tmpdir
t_need python3 timeout notmuch sha256sum
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib

fd_imaps_start "listen 127.0.0.1 0 pop3s"
FD_POP3S=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (pop3s)$/\1/p' "$FD_LOG")
t_check "frankd serves imaps and pop3s" test -n "$FD_IMAPS" -a -n "$FD_POP3S"
PW=$(fd_password bob frank)
B=$FD/mail/bob
gen() { # COUNT SEED DIR
	python3 tests/tools/gen-maildir --count "$1" --seed "$2" "$T_TMP/gen$2" >/dev/null &&
		mkdir -p "$3/cur" "$3/new" "$3/tmp" && cp "$T_TMP/gen$2/cur/"* "$3/cur/" 2>/dev/null
	cp "$T_TMP/gen$2/new/"* "$3/new/" 2>/dev/null
	return 0
}
gen 120 41 "$B"
gen 80 42 "$B/.Lists.dev"

L=$T_TMP/mail
FP=$(build/tests/tools/net_certgen fingerprint "$FD_CERT")
rc=$T_TMP/frankrc
cat >"$rc" <<EOF
set mail_root = $L
account t {
    set from = bob@alice.test
    set source = imaps://bob@127.0.0.1:$FD_IMAPS
    set tls_fingerprint = $FP
    set password = $PW
}
account keep {
    set from = bob@alice.test
    set source = pops://bob@127.0.0.1:$FD_POP3S
    set tls_fingerprint = $FP
    set password = $PW
}
account move {
    set from = bob@alice.test
    set source = pops://bob@127.0.0.1:$FD_POP3S
    set tls_fingerprint = $FP
    set password = $PW
    set leave_on_server = no
}
EOF
chmod 600 "$rc"
cat >"$T_TMP/nm.conf" <<EOF
[database]
path=$L
EOF
nm() { NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch "$@"; }
# files the index holds in one folder (gen-maildir repeats Message-IDs
# across folders, and notmuch lists every file of a matching message)
indexed() { nm search --output=files "folder:$1" | grep -c "/$1/"; }
sync() { # NAME ACCOUNT
	t_run "$1" timeout 300 ./frank sync -F "$rc" -d "$T_TMP/$1.log" "$2"
	sed 's/^/#   stderr: /' "$T_TMP/$1.err"
}
# the messages of a frankd Maildir as IMAP serves them, and a local copy
same() { # SERVER_DIR LOCAL_DIR
	fd_hashes "$1" crlf >"$T_TMP/a" && fd_hashes "$2" >"$T_TMP/b" && cmp -s "$T_TMP/a" "$T_TMP/b"
}
files() { find "$1/cur" "$1/new" -type f | wc -l; }

sync first t
t_check "frank sync of frankd over IMAP succeeds" t_rc_is first 0
t_check "Lists/dev arrived byte for byte" same "$B/.Lists.dev" "$L/t/Lists/dev"

# --- UIDVALIDITY changes ------------------------------------------------------
# frankd keeps UIDVALIDITY in the folder's uidlist; a new number there is
# what a server does when it lost its UID map.
ul=$B/.Lists.dev/frankd-uidlist
v1=$(sed -n '1s/^frankd-uidlist [0-9]* V\([0-9]*\) .*/\1/p' "$ul")
t_check "frankd wrote the folder's UIDVALIDITY" test -n "$v1"
v2=$((v1 + 1000))
sed "1s/ V$v1 / V$v2 /" "$ul" >"$ul.new" && mv "$ul.new" "$ul"
sync uidv t
t_check "the sync after the change succeeds" t_rc_is uidv 0
t_contains "it fetches nothing again" "$T_TMP/uidv.out" "0 new"
t_check "every local copy is kept and matched" same "$B/.Lists.dev" "$L/t/Lists/dev"
t_contains "the state has the new UIDVALIDITY" "$L/t/Lists/dev/.frank-sync" "uidvalidity $v2"
t_check "the index holds each message once" \
	test "$(indexed t/Lists/dev)" -eq 80

# --- killed at random points ------------------------------------------------
gen 400 43 "$B/.Killed"
t_kill_randomly 4 ./frank sync -F "$rc" t
sync killed t
t_check "a sync after four killed ones succeeds" t_rc_is killed 0
t_check "nothing lost, nothing twice" same "$B/.Killed" "$L/t/Killed"
t_check "the index holds each once" test "$(indexed t/Killed)" -eq 400
t_check "no file is left in tmp/" test -z "$(ls "$L/t/Killed/tmp")"

# --- POP3 ---------------------------------------------------------------------
n=$(files "$B")
sync keep1 keep
t_check "pops: the sync succeeds" t_rc_is keep1 0
t_contains "it fetched every message of the inbox" "$T_TMP/keep1.out" "keep: 1 folders, $n new"
t_check "byte for byte as POP3 serves them" same "$B" "$L/keep/INBOX"
t_check "the server kept them (leave_on_server)" test "$(files "$B")" -eq "$n"
sync keep2 keep
t_contains "a second sync fetches nothing" "$T_TMP/keep2.out" "keep: 1 folders, 0 new"
t_lacks "not a single RETR" "$T_TMP/keep2.log" "C: RETR"
t_lacks "no password in frank's log" "$T_TMP/keep2.log" "$PW"

sync move move
t_check "leave_on_server = no: the sync succeeds" t_rc_is move 0
t_check "every message is here" test "$(files "$L/move/INBOX")" -eq "$n"
t_check "and frankd's inbox is empty" test "$(files "$B")" -eq 0
t_check "the Maildirs beside it are untouched" test "$(files "$B/.Killed")" -eq 400
last_dele=$(grep -n 'C: DELE' "$T_TMP/move.log" | tail -n 1 | cut -d: -f1)
t_check "QUIT only after the last DELE" \
	test "$(grep -n 'C: QUIT' "$T_TMP/move.log" | cut -d: -f1)" -gt "${last_dele:-999999}"
t_lacks "no password in frankd's log" "$FD_LOG" "$PW"
t_done
