#!/bin/sh
# sync_imap.sh: frank sync against a real Dovecot (started here with a
# generated config and certificate on free ports of 127.0.0.1): a mailbox
# of SYNC_N messages (5000 by default) in several folders arrives byte for
# byte and indexed; an unchanged folder costs one SELECT; flags and
# deletions travel both ways; a new UIDVALIDITY fetches nothing again;
# a sync killed with SIGKILL at random points loses and duplicates nothing.
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need python3 notmuch sha256sum /usr/sbin/dovecot
T_CLEANUP_HOOK=dovecot_stop
tool() { python3 tests/tools/imap_tool.py "$DC_IMAPS" "$@"; }
n=${SYNC_N:-5000}
n_inbox=$((n * 6 / 10))
n_archive=$((n * 3 / 10))
n_dev=$((n - n_inbox - n_archive))

dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
t_ok "Dovecot starts (imaps on port $DC_IMAPS)"

# The server's folders, written straight into Dovecot's Maildir++.
# gen COUNT SEED DIR: messages whose Message-IDs are unique to the seed.
gen() {
	python3 tests/tools/gen-maildir --count "$1" --seed "$2" "$3" >/dev/null &&
		find "$3/cur" "$3/new" -type f -exec sed -i "s/^Message-ID: <msg\([0-9]*\)\.seed@/Message-ID: <msg\1.s$2@/" {} +
}
gen "$n_inbox" 11 "$DC_MAIL"
gen "$n_archive" 12 "$DC_MAIL/.Archive"
gen "$n_dev" 13 "$DC_MAIL/.Lists.dev"
dovecot_fix_owner

M=$T_TMP/mail
rc=$T_TMP/frankrc
cat >"$rc" <<EOF
set mail_root = $M
account t {
    set from = test@example.org
    set source = imaps://test@127.0.0.1:$DC_IMAPS
    set tls_fingerprint = $DC_FP
    set password = Tr0ub4dor-3
}
EOF
chmod 600 "$rc"
cat >"$T_TMP/nm.conf" <<EOF
[database]
path=$M
EOF
nm() { NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch "$@"; }

# hashes DIR: the sorted SHA-256 of every message file of a Maildir.
hashes() { find "$1/cur" "$1/new" -type f -exec sha256sum {} + | cut -d' ' -f1 | sort; }
files() { find "$1/cur" "$1/new" -type f | wc -l; }
same_messages() { # SERVER_FOLDER LOCAL_DIR: byte for byte what IMAP serves
	tool hashes "$1" >"$T_TMP/a" && hashes "$2" >"$T_TMP/b" && cmp -s "$T_TMP/a" "$T_TMP/b"
}
local_file() { ls "$M/t/$1"/cur/*",U=$2:2,"* 2>/dev/null | head -n 1; }
sync() { # NAME: a sync whose output, errors and status are kept as NAME.*
	t_run "$1" ./frank sync -F "$rc" -d "$T_TMP/$1.log"
	sed 's/^/#   stderr: /' "$T_TMP/$1.err"
}

# --- initial sync --------------------------------------------------------
sync first
t_check "the first sync succeeds" t_rc_is first 0
t_contains "it says what it fetched" "$T_TMP/first.out" "t: 3 folders, $n new"
t_check "INBOX: every message arrived byte for byte" same_messages INBOX "$M/t/INBOX"
t_check "Archive: every message arrived byte for byte" same_messages Archive "$M/t/Archive"
t_check "Lists/dev: a nested folder, byte for byte" same_messages Lists/dev "$M/t/Lists/dev"
t_check "the state is kept next to the Maildir" test -s "$M/t/INBOX/.frank-sync"
t_check "one notmuch index for the mail root holds all $n" test "$(nm count --output=files '*')" -eq "$n"
t_check "a query spans the folders" test "$(nm count --output=files 'folder:t/Lists/dev')" -eq "$n_dev"
t_check "Maildir flags became tags" test "$(nm count --output=files tag:unread)" -eq "$(find "$M" -path '*/cur/*' -type f ! -name '*:2,*S*' | wc -l)"
t_lacks "no password in the debug log" "$T_TMP/first.log" "Tr0ub4dor"
t_contains "the debug log shows the credential hidden" "$T_TMP/first.log" "<secret,"

# --- nothing changed: one round trip per folder --------------------------
sync again
t_check "a sync with nothing changed succeeds" t_rc_is again 0
t_contains "and fetches nothing" "$T_TMP/again.out" "t: 3 folders, 0 new"
grep ' C: ' "$T_TMP/again.log" | grep -v -e ' LOGOUT' -e '<secret' -e ' ID ' -e ' ENABLE ' \
	-e ' LIST ' -e 'CAPABILITY' >"$T_TMP/again.cmds"
t_check "each unchanged folder costs one SELECT (QRESYNC), no FETCH" \
	test "$(grep -c 'SELECT' "$T_TMP/again.cmds")" -eq 3 -a "$(wc -l <"$T_TMP/again.cmds")" -eq 3

# --- flags both ways --------------------------------------------------------
tool store INBOX 3 + '\Flagged' '\Seen'
f5=$(local_file INBOX 5)
mv "$f5" "$(echo "$f5" | sed 's/:2,.*$/:2,FS/')"
sync flags
t_check "the flags sync succeeds" t_rc_is flags 0
t_check "a flag set on the server is here" sh -c "ls '$M/t/INBOX/cur/' | grep -q ',U=3:2,FS\$'"
t_check "and in notmuch's tags" test "$(nm count --output=files 'tag:flagged and folder:t/INBOX')" -ge 1
tool flags INBOX 5 >"$T_TMP/flags5"
t_contains "a flag set here is on the server" "$T_TMP/flags5" '\Flagged'
t_contains "with the other one" "$T_TMP/flags5" '\Seen'
tool store INBOX 3 - '\Flagged'
sync unflag
t_check "a flag cleared on the server is cleared here" sh -c "ls '$M/t/INBOX/cur/' | grep -q ',U=3:2,S\$'"
tool store INBOX 11 + '\Flagged'
f11=$(local_file INBOX 11)
mv "$f11" "$(echo "$f11" | sed 's/:2,.*$/:2,RS/')"
sync both
t_check "a change on each side of one message: both are here" sh -c "ls '$M/t/INBOX/cur/' | grep -q ',U=11:2,FRS\$'"
tool flags INBOX 11 >"$T_TMP/flags11"
t_check "and both are there" grep -q 'Answered.*Flagged.*Seen' "$T_TMP/flags11"


# --- deletions both ways ----------------------------------------------------
before=$(files "$M/t/INBOX")
tool expunge INBOX 7
rm "$(local_file INBOX 9)"
sync deletes
t_check "the deletion sync succeeds" t_rc_is deletes 0
t_check "deleted on the server: gone here" test -z "$(local_file INBOX 7)"
tool flags INBOX 9 >"$T_TMP/flags9"
t_contains "deleted here: gone from the server" "$T_TMP/flags9" "gone"
t_check "nothing else went" test "$(files "$M/t/INBOX")" -eq $((before - 2))
t_check "the index forgot both" test "$(nm count --output=files 'folder:t/INBOX')" -eq $((before - 2))
t_check "server and here agree" test "$(tool count INBOX)" -eq $((before - 2))

# --- UIDVALIDITY changes ---------------------------------------------------------
v1=$(tool uidvalidity Lists/dev)
tool recreate Lists/dev >/dev/null
v2=$(tool uidvalidity Lists/dev)
t_check "the server's folder has a new UIDVALIDITY" test "$v1" != "$v2"
sync uidv
t_check "the sync after it succeeds" t_rc_is uidv 0
t_contains "it fetches nothing again" "$T_TMP/uidv.out" "0 new"
t_check "every local copy is kept and matched, no duplicate" \
	same_messages Lists/dev "$M/t/Lists/dev"
t_contains "the state has the new UIDVALIDITY" "$M/t/Lists/dev/.frank-sync" "uidvalidity $v2"
t_check "the index has no duplicate" test "$(nm count --output=files 'folder:t/Lists/dev')" -eq "$n_dev"

# --- killed at random points ------------------------------------------------------
tool create Killed
gen "$n_archive" 14 "$DC_MAIL/.Killed"
dovecot_fix_owner
t_kill_randomly 4 ./frank sync -F "$rc"
sync killed
t_check "a sync after four killed ones succeeds" t_rc_is killed 0
t_check "nothing lost, nothing twice" same_messages Killed "$M/t/Killed"
killed_count=$(nm count --output=files 'folder:t/Killed' 2>"$T_TMP/nm.err")
t_check "the index holds each once" test "$killed_count" = "$n_archive"
[ "$killed_count" = "$n_archive" ] || sed 's/^/#   notmuch: /' "$T_TMP/nm.err"
t_check "no file is left in tmp/" test -z "$(ls "$M/t/Killed/tmp")"

# --- the arrival hook: every new message once, its properties indexed -------
tool create Hooked
gen 30 15 "$DC_MAIL/.Hooked"
dovecot_fix_owner
t_check "a sync with an arrival hook succeeds" build/tests/tools/sync_hook "$rc" t "$T_TMP/hooked"
t_check "the hook saw each new message once" test "$(sort -u "$T_TMP/hooked" | wc -l)" -eq 30 -a "$(wc -l <"$T_TMP/hooked")" -eq 30
t_check "only the new ones" test "$(grep -c '/t/Hooked/cur/' "$T_TMP/hooked")" -eq 30
t_check "its properties are in the index with each message" \
	test "$(nm count 'property:frank-test=arrived:Hooked')" -eq 30

t_done
