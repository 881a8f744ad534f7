#!/bin/sh
# frankd_imap_frank.sh: frank's own sync client against frankd's IMAP over
# TLS (the certificate pinned, as frank does): 300 messages in two folders
# arrive byte for byte as IMAP serves them; flags travel both ways;
# a message deleted on either side goes on the other.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib

fd_imaps_start
PW=$(fd_password bob frank)
M=$FD/mail/bob
python3 tests/tools/gen-maildir --count 200 --seed 21 "$T_TMP/gen" >/dev/null
mkdir -p "$M/.Archive"
python3 tests/tools/gen-maildir --count 100 --seed 22 "$M/.Archive" >/dev/null
cp "$T_TMP/gen/cur/"* "$M/cur/" 2>/dev/null
cp "$T_TMP/gen/new/"* "$M/new/" 2>/dev/null
t_check "200 messages in bob's INBOX, 100 in Archive" \
	test "$(ls "$M/cur" "$M/new" | grep -c '^[0-9]')" -eq 200 -a "$(ls "$M/.Archive/cur" "$M/.Archive/new" | grep -c '^[0-9]')" -eq 100

L=$T_TMP/mail
FP=$(build/tests/tools/net_certgen fingerprint "$FD_CERT")
cat >"$T_TMP/frankrc" <<EOF
set mail_root = $L
account t {
    set from = bob@alice.test
    set source = imaps://bob@127.0.0.1:$FD_IMAPS
    set tls_fingerprint = $FP
    set password = $PW
}
EOF
chmod 600 "$T_TMP/frankrc"
sync() { t_run "$1" timeout 300 ./frank sync -F "$T_TMP/frankrc" -d "$T_TMP/$1.log"; }

same() { # SERVER_DIR LOCAL_DIR
	fd_hashes "$1" crlf >"$T_TMP/a" && fd_hashes "$2" >"$T_TMP/b" && cmp -s "$T_TMP/a" "$T_TMP/b"
}
local_file() { ls "$L/t/$1"/cur/*",U=$2:2,"* 2>/dev/null | head -n 1; }

sync first
t_check "frank sync succeeds" t_rc_is first 0
t_contains "it fetched the 300" "$T_TMP/first.out" "300 new"
t_check "INBOX: every message as frankd serves it" same "$M" "$L/t/INBOX"
t_check "Archive: every message as frankd serves it" same "$M/.Archive" "$L/t/Archive"
t_lacks "no password in frank's debug log" "$T_TMP/first.log" "$PW"
t_lacks "nor in frankd's log" "$FD_LOG" "$PW"

# flags both ways
f5=$(local_file INBOX 5)
mv "$f5" "$(echo "$f5" | sed 's/:2,.*$/:2,FS/')"
cat >"$T_TMP/flag.py" <<'PY'
import sys
from frankd_imaps import connect
port, ca, name, pw, what = sys.argv[1:6]
m = connect(port, ca, name)
m.login("bob", pw)
m.select("INBOX")
if what == "flag":
    m.uid("STORE", "3", "+FLAGS", "(\\Answered)")
elif what == "delete":
    m.uid("STORE", "7", "+FLAGS", "(\\Deleted)")
    m.expunge()
else:
    for uid in what.split(","):
        print(uid, m.uid("FETCH", uid, "(FLAGS)")[1][0])
m.logout()
PY
flag() { timeout 60 python3 "$T_TMP/flag.py" "$FD_IMAPS" "$FD_CERT" "$FD_NAME" "$PW" "$@"; }
flag flag
sync flags
t_check "the flags sync succeeds" t_rc_is flags 0
t_check "a flag set on frankd is here" test -n "$(ls "$L/t/INBOX/cur" | grep ',U=3:2,.*R')"
flag 5 >"$T_TMP/flags5"
t_contains "a flag set here is on frankd" "$T_TMP/flags5" 'Flagged'
t_check "...in the file's name" test -n "$(ls "$M/cur" | grep ':2,FS$')"

# deletions both ways
before=$(ls "$L/t/INBOX/cur" | wc -l)
flag delete
rm "$(local_file INBOX 9)"
sync deletes
t_check "the deletion sync succeeds" t_rc_is deletes 0
t_check "deleted on frankd: gone here" test -z "$(local_file INBOX 7)"
t_check "deleted here: gone from frankd" test "$(ls "$M/cur" "$M/new" | grep -c '^[0-9]')" -eq 198
t_check "nothing else went" test "$(ls "$L/t/INBOX/cur" | wc -l)" -eq $((before - 2))
sync again
t_contains "a sync with nothing changed fetches nothing" "$T_TMP/again.out" "0 new"
fd_stop
t_done
