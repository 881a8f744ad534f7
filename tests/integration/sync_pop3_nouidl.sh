#!/bin/sh
# sync_pop3_nouidl.sh: frank sync against a POP3 server without UIDL
# (tests/tools/pop3_nouidl_server.py, over TLS on 127.0.0.1): every
# message is fetched, and run after run none arrives twice: a message is
# known by its Message-ID even when the server rewrote its headers, and
# one without a Message-ID by its content; new messages are fetched.
. tests/lib.sh
t_tmpdir
t_need python3
srv_pid=""
T_CLEANUP_HOOK='[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null'

S=$T_TMP/drop
mkdir -p "$S"
msg() { # FILE MESSAGE-ID(or -) SUBJECT
	{ echo "From: sender@example.org"
	  [ "$2" = - ] || echo "Message-ID: <$2>"
	  echo "Subject: $3"
	  echo
	  echo "body of $3"; } >"$S/$1"
}
msg 01 one@example.org one
msg 02 two@example.org two
msg 03 - "no id"
msg 04 four@example.org four

build/tests/tools/net_certgen self "$T_TMP/cert" localhost >/dev/null
fp=$(build/tests/tools/net_certgen fingerprint "$T_TMP/cert.crt")
python3 tests/tools/pop3_nouidl_server.py "$S" "$T_TMP/cert.crt" "$T_TMP/cert.key" \
	"$T_TMP/port" "$T_TMP/server.log" &
srv_pid=$!
for _ in $(seq 1 100); do [ -s "$T_TMP/port" ] && break; sleep 0.1; done
t_check "the server without UIDL starts" test -s "$T_TMP/port"
M=$T_TMP/mail
cat >"$T_TMP/rc" <<EOF
set mail_root = $M
account p {
    set from = me@example.org
    set source = pops://me@127.0.0.1:$(cat "$T_TMP/port")
    set tls_fingerprint = $fp
    set password = secret
}
EOF
chmod 600 "$T_TMP/rc"
files() { find "$M/p/INBOX/cur" "$M/p/INBOX/new" -type f | wc -l; }
subjects() { cat "$M"/p/INBOX/cur/* "$M"/p/INBOX/new/* 2>/dev/null | grep "^Subject:" | tr -d "\r" | LC_ALL=C sort; }
sync() { # NAME
	t_run "$1" ./frank sync -F "$T_TMP/rc" -d "$T_TMP/$1.log"
	sed 's/^/#   stderr: /' "$T_TMP/$1.err"
}

sync first
t_check "the first sync succeeds" t_rc_is first 0
t_contains "the server was asked for UIDL, and had none" "$T_TMP/server.log" "UIDL"
t_contains "every message is fetched" "$T_TMP/first.out" "p: 1 folders, 4 new"
t_check "four files" test "$(files)" -eq 4

sync second
t_check "the second sync succeeds" t_rc_is second 0
t_contains "it fetches nothing new" "$T_TMP/second.out" "p: 1 folders, 0 new"
t_check "still four files: no duplicate" test "$(files)" -eq 4

# The server rewrites a message it already served (a Status: header, as
# some do), and two new ones arrive, one of them without a Message-ID.
{ echo "Status: RO"; cat "$S/02"; } >"$S/02.new" && mv "$S/02.new" "$S/02"
msg 05 five@example.org five
msg 06 - "six, no id"
sync third
t_check "the third sync succeeds" t_rc_is third 0
t_contains "only the two new messages arrive" "$T_TMP/third.out" "p: 1 folders, 2 new"
subjects >"$T_TMP/subjects"
printf "%s\n" "Subject: five" "Subject: four" "Subject: no id" "Subject: one" \
	"Subject: six, no id" "Subject: two" | LC_ALL=C sort >"$T_TMP/want"
if cmp -s "$T_TMP/want" "$T_TMP/subjects"; then
	t_ok "each message once: the rewritten one known by its Message-ID"
else
	t_fail "each message once: the rewritten one known by its Message-ID" "got:"
	sed 's/^/#     /' "$T_TMP/subjects"
fi

sync fourth
t_contains "a fourth sync fetches nothing" "$T_TMP/fourth.out" "p: 1 folders, 0 new"
t_check "six files" test "$(files)" -eq 6
t_done
