#!/bin/sh
# sync_pop3.sh: frank sync of POP3 accounts against a real Dovecot: pops://
# and pop:// with STLS; with leave_on_server (the default) only messages
# not seen before are fetched and the server keeps all; with it off the
# server is emptied, and only of what arrived here.
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need python3 notmuch sha256sum /usr/sbin/dovecot
T_CLEANUP_HOOK=dovecot_stop
tool() { python3 tests/tools/imap_tool.py "$DC_IMAPS" "$@"; }
n=40

dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
python3 tests/tools/gen-maildir --count $n --seed 21 "$DC_MAIL" >/dev/null
dovecot_fix_owner
tool hashes INBOX >"$T_TMP/server.hashes"

M=$T_TMP/mail
rc=$T_TMP/frankrc
cat >"$rc" <<EOF
set mail_root = $M
account keep {
    set from = test@example.org
    set source = pops://test@127.0.0.1:$DC_POP3S
    set tls_fingerprint = $DC_FP
    set password = Tr0ub4dor-3
}
account stls {
    set from = test@example.org
    set source = pop://test@127.0.0.1:$DC_POP3
    set tls_fingerprint = $DC_FP
    set password = Tr0ub4dor-3
}
account move {
    set from = test@example.org
    set source = pops://test@127.0.0.1:$DC_POP3S
    set tls_fingerprint = $DC_FP
    set password = Tr0ub4dor-3
    set leave_on_server = no
}
EOF
chmod 600 "$rc"
cat >"$T_TMP/nm.conf" <<EOF
[database]
path=$M
EOF
nm() { NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch "$@"; }
hashes() { find "$1/cur" "$1/new" -type f -exec sha256sum {} + | cut -d' ' -f1 | sort; }
files() { find "$1/cur" "$1/new" -type f | wc -l; }
sync() { # NAME ACCOUNT
	t_run "$1" ./frank sync -F "$rc" -d "$T_TMP/$1.log" "$2"
	sed 's/^/#   stderr: /' "$T_TMP/$1.err"
}

sync keep1 keep
t_check "pops: the sync succeeds" t_rc_is keep1 0
t_contains "it fetched every message" "$T_TMP/keep1.out" "keep: 1 folders, $n new"
hashes "$M/keep/INBOX" >"$T_TMP/keep.hashes"
t_check "byte for byte what the server has" cmp -s "$T_TMP/server.hashes" "$T_TMP/keep.hashes"
t_check "the server kept them (leave_on_server)" test "$(tool count INBOX)" -eq $n
t_check "they are indexed" test "$(nm count --output=files 'folder:keep/INBOX')" -eq $n
t_contains "the password went hidden" "$T_TMP/keep1.log" "C: <secret,"
t_lacks "and never in the clear" "$T_TMP/keep1.log" "Tr0ub4dor"

sync keep2 keep
t_contains "a second sync fetches nothing" "$T_TMP/keep2.out" "keep: 1 folders, 0 new"
t_lacks "not a single RETR" "$T_TMP/keep2.log" "C: RETR"

printf 'From: x@example.org\r\nSubject: one more\r\nMessage-ID: <one.more@example.org>\r\n\r\nhi\r\n' >"$T_TMP/one.eml"
tool append INBOX "$T_TMP/one.eml"
sync keep3 keep
t_contains "a new message: only it is fetched" "$T_TMP/keep3.out" "keep: 1 folders, 1 new"
t_check "exactly one RETR" test "$(grep -c 'C: RETR' "$T_TMP/keep3.log")" -eq 1

sync stls stls
t_check "pop:// with STLS succeeds" t_rc_is stls 0
t_contains "STLS was asked" "$T_TMP/stls.log" "C: STLS"
t_check "every message arrived" test "$(files "$M/stls/INBOX")" -eq $((n + 1))

sync move move
t_check "leave_on_server = no: the sync succeeds" t_rc_is move 0
t_check "every message is here" test "$(files "$M/move/INBOX")" -eq $((n + 1))
t_check "and the server is empty" test "$(tool count INBOX)" -eq 0
first_dele=$(grep -n 'C: DELE' "$T_TMP/move.log" | head -n 1 | cut -d: -f1)
first_retr=$(grep -n 'C: RETR 1$' "$T_TMP/move.log" | head -n 1 | cut -d: -f1)
t_check "no DELE before its message was fetched" test "$first_retr" -lt "$first_dele"
t_check "QUIT only after the last DELE" \
	test "$(grep -n 'C: QUIT' "$T_TMP/move.log" | cut -d: -f1)" -gt "$(grep -n 'C: DELE' "$T_TMP/move.log" | tail -n 1 | cut -d: -f1)"
t_done
