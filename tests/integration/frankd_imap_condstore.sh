#!/bin/sh
# frankd_imap_condstore.sh: CONDSTORE and QRESYNC (RFC 7162) in frankd's
# IMAP server, over TLS on 127.0.0.1, with a raw client
# (tests/tools/frankd_imap_condstore.py): a version 1 uidlist read without
# loss; HIGHESTMODSEQ, FETCH MODSEQ and CHANGEDSINCE, STORE UNCHANGEDSINCE
# and MODIFIED, SEARCH MODSEQ, STATUS; modseqs for changes by other
# sessions, by another program in the Maildir, deliveries, APPEND and
# COPY; VANISHED (EARLIER) after expunges, VANISHED in IDLE, UID EXPUNGE
# and MOVE; CLOSED; modseqs still growing after a restart.  Then frank's
# own sync client against it: an unchanged folder costs no flag listing.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib

fd_imaps_start
PW=$(fd_password bob condstore)
M=$FD/mail/bob
python3 tests/tools/gen-maildir --count 10 --seed 61 "$T_TMP/gen" >/dev/null
mkdir -p "$M/cur" "$M/new" "$M/tmp"
cp "$T_TMP/gen/cur/"* "$M/cur/" 2>/dev/null
cp "$T_TMP/gen/new/"* "$M/new/" 2>/dev/null
# A uidlist as frankd wrote it before CONDSTORE: UIDs newest first, which
# frankd would not give by itself (it gives them oldest first).
python3 - "$M" "$T_TMP/state.v1" <<'PY'
import json, os, sys
m = sys.argv[1]
bases = sorted(n.split(":")[0] for d in ("cur", "new") for n in os.listdir(os.path.join(m, d)))
bases.sort(key=lambda b: (int(b.split(".")[0]), b), reverse=True)
with open(os.path.join(m, "frankd-uidlist"), "w") as f:
    f.write("frankd-uidlist 1 V1700000000 N11\n")
    for i, b in enumerate(bases):
        f.write("%d %s\n" % (i + 1, b))
json.dump({i + 1: b for i, b in enumerate(bases)}, open(sys.argv[2], "w"))
PY
t_check "ten messages and a version 1 uidlist" test "$(ls "$M/cur" "$M/new" | grep -c '^[0-9]')" -eq 10

run() { # MODE
	timeout 120 python3 tests/tools/frankd_imap_condstore.py "$1" "$FD_IMAPS" "$FD_CERT" "$FD_NAME" \
		bob "$PW" "$M" "$T_TMP/state" >"$T_TMP/$1.out" 2>&1
	echo $? >"$T_TMP/$1.rc"
	while IFS= read -r line; do
		case $line in
		"ok "*) t_ok "${line#ok }" ;;
		"not ok "*) t_fail "${line#not ok }" ;;
		*) echo "$line" ;;
		esac
	done <"$T_TMP/$1.out"
}
run before
t_check "the first part ran to its end" grep -q "^ok MOVE with QRESYNC" "$T_TMP/before.out"
t_check "the uidlist keeps the expunged UIDs with their modseqs" grep -q '^-8 [0-9]*$' "$M/frankd-uidlist"

fd_stop
fd_start
FD_IMAPS=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (imaps)$/\1/p' "$FD_LOG")
run after
t_check "the part after the restart ran to its end" grep -q "^ok QRESYNC from the modseq of the last" "$T_TMP/after.out"

# --- frank's sync client (src/store/sync_imap.c) against frankd -------------
L=$T_TMP/mail
FP=$(build/tests/tools/net_certgen fingerprint "$FD_CERT")
cat >"$T_TMP/frankrc" <<RC
set mail_root = $L
account t {
    set from = bob@alice.test
    set source = imaps://bob@127.0.0.1:$FD_IMAPS
    set tls_fingerprint = $FP
    set password = $PW
}
RC
chmod 600 "$T_TMP/frankrc"
sync() { t_run "$1" timeout 300 ./frank sync -F "$T_TMP/frankrc" -d "$T_TMP/$1.log"; }
commands() { grep ' C: f' "$T_TMP/$1.log" | grep -v -e LOGOUT -e ' ID ' -e ' LIST ' -e CAPABILITY; }

sync first
t_check "frank sync succeeds" t_rc_is first 0
t_contains "frank enables QRESYNC on frankd" "$T_TMP/first.log" "ENABLE QRESYNC"
sync same
t_check "the second sync succeeds" t_rc_is same 0
t_contains "and selects with QRESYNC and the modseq of the first" "$T_TMP/same.log" "(QRESYNC ("
commands same >"$T_TMP/same.cmds"
t_lacks "nothing changed: no UID FETCH of flags" "$T_TMP/same.cmds" "UID FETCH"
t_check "nothing changed: only SELECTs" test -n "$(cat "$T_TMP/same.cmds")" -a -z "$(grep -v -e SELECT -e ENABLE "$T_TMP/same.cmds")"

cat >"$T_TMP/flag.py" <<'PY'
import sys
from frankd_imaps import connect
port, ca, name, pw = sys.argv[1:5]
m = connect(port, ca, name)
m.login("bob", pw)
m.select("INBOX")
typ, data = m.uid("STORE", "4", "+FLAGS", "(\\Flagged)")
print(typ, data)
m.logout()
PY
python3 "$T_TMP/flag.py" "$FD_IMAPS" "$FD_CERT" "$FD_NAME" "$PW" >"$T_TMP/flag.out" 2>&1
t_contains "a flag set on the server" "$T_TMP/flag.out" "OK"
sync flag
t_check "the next sync succeeds" t_rc_is flag 0
t_check "the flag reaches the local Maildir" sh -c "ls '$L/t/INBOX/cur/' | grep -q ',U=4:2,[A-Z]*F'"
commands flag >"$T_TMP/flag.cmds"
t_lacks "by QRESYNC's answer to SELECT: still no UID FETCH of every flag" "$T_TMP/flag.cmds" "UID FETCH 1:* (UID FLAGS)"

fd_stop
t_done
