#!/bin/sh
# frankd_pop3.sh: frankd's POP3 server against real clients on 127.0.0.1:
# Python's poplib (STLS, then every command) and curl (pop3s://, and
# pop3:// in the clear when "plaintext_auth loopback" allows it).  Each
# message retrieved must equal its Maildir copy byte for byte (hashes);
# DELE removes files only at QUIT; UIDL is stable across sessions; a
# second session is refused while one holds the maildrop.
. tests/lib.sh
t_tmpdir
t_need curl python3 openssl timeout sha256sum swaks
. tests/integration/frankd.lib

fd_conf "listen 127.0.0.1 0 pop3" "listen 127.0.0.1 0 pop3s"
fd_start
FD_POP3=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (pop3)$/\1/p' "$FD_LOG")
FD_POP3S=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (pop3s)$/\1/p' "$FD_LOG")
t_check "frankd listens for pop3 and pop3s" test -n "$FD_POP3" -a -n "$FD_POP3S"
PW=$(fd_password bob phone)
t_check "an app password for bob is made" test -n "$PW"

# --- the maildrop: one message delivered by SMTP, two put in place -------------
printf 'From: alice@alice.test\nTo: bob@alice.test\nSubject: via smtp\n\nfirst\n' >"$T_TMP/m1.eml"
timeout 60 swaks --server 127.0.0.1 --port "$FD_SMTP" --from alice@alice.test \
	--to bob@alice.test --data "$T_TMP/m1.eml" >"$T_TMP/swaks.out" 2>&1
f1=$(fd_wait_file bob "Subject: via smtp")
t_check "a message delivered by SMTP is in bob's new/" test -n "$f1"
M=$FD/mail/bob
sleep 1 # the later files get later names (Maildir names begin with the time)
now=$(date +%s)
printf 'From: carol@carol.test\nSubject: dots\n\n.a line with a dot\n..two dots\n.\nend\n' \
	>"$M/cur/$((now + 1)).M1P1.test:2,S"
printf 'Subject: no final newline\n\nlast line without one' >"$M/cur/$((now + 2)).M2P2.test:2,"
printf 'Subject: long\n\n' >"$M/new/$((now + 3)).M3P3.test"
i=0
while [ $i -lt 200 ]; do echo "line $i of the body, somewhat long to make it bigger"; i=$((i + 1)); done \
	>>"$M/new/$((now + 3)).M3P3.test"

# expected: "uid sha256" of each file, in POP3's order (by name, oldest first)
for f in "$f1" "$M/cur/$((now + 1)).M1P1.test:2,S" "$M/cur/$((now + 2)).M2P2.test:2," \
	"$M/new/$((now + 3)).M3P3.test"; do
	b=$(basename "$f")
	# the last message's copy as POP3 gives it: every line ended
	{ cat "$f"; [ -n "$(tail -c 1 "$f")" ] && echo; } | sha256sum | sed "s/ .*//; s/^/${b%%:*} /"
done >"$T_TMP/expected"

cat >"$T_TMP/pop.py" <<'EOF'
import hashlib, poplib, socket, ssl, sys

port, ca, name, user, pw, what = sys.argv[1:7]
ctx = ssl.create_default_context(cafile=ca)  # the certificate is checked...

class POP3S(poplib.POP3_SSL):
    def _create_socket(self, timeout):
        sock = socket.create_connection(("127.0.0.1", int(port)), timeout)
        return ctx.wrap_socket(sock, server_hostname=name)  # ...against its name

def connect(tls_now=False):
    if tls_now:
        return POP3S(name, int(port), context=ctx, timeout=30)
    return poplib.POP3("127.0.0.1", int(port), timeout=30)

def stls_connect():
    # poplib's stls() would check the certificate against "127.0.0.1"
    p = connect()
    p._shortcmd("STLS")
    p.sock = ctx.wrap_socket(p.sock, server_hostname=name)
    p.file = p.sock.makefile("rb")
    return p

def err(f, *a):
    try:
        f(*a)
        return "no error"
    except poplib.error_proto as e:
        return e.args[0].decode()

if what == "main":
    p = connect()
    caps = p.capa()
    print("capa-clear", " ".join(sorted(caps)))
    print("user-clear", err(p.user, user))
    # poplib's stls() would check the certificate against "127.0.0.1"
    p._shortcmd("STLS")
    p.sock = ctx.wrap_socket(p.sock, server_hostname=name)
    p.file = p.sock.makefile("rb")
    caps = p.capa()
    print("capa-tls", " ".join(sorted(caps)))
    print("pass-before-user", err(p.pass_, pw))
    p.user(user)
    print("wrong-password", err(p.pass_, "wrong" + pw))
    p.user(user)
    print("login", p.pass_(pw).decode())
    count, size = p.stat()
    print("stat", count, size)
    listing = p.list()[1]
    uidl = p.uidl()[1]
    total = 0
    for line, uline in zip(listing, uidl):
        n, sz = line.split()
        un, uid = uline.split()
        resp, lines, octets = p.retr(int(n))
        body = b"\n".join(lines) + b"\n"
        total += int(sz)
        # octets counts the CRLF form with the dots doubled
        crlf = b"\r\n".join(lines) + b"\r\n"
        print("retr", uid.decode(), hashlib.sha256(body).hexdigest(), int(sz) == len(crlf))
    print("sizes-add-up", total == size)
    print("list-1", p.list(1).decode())
    print("uidl-9", err(p.uidl, 9))
    top = p.top(2, 1)[1]
    print("top-2-1", b"|".join(top).decode())
    top = p.top(1, 0)[1]
    print("top-1-0-ends-blank", top[-1] == b"")
    print("noop", p.noop().decode())
    print("dele-1", p.dele(1).decode())
    print("dele-1-again", err(p.dele, 1))
    print("retr-1-deleted", err(p.retr, 1))
    print("rset", p.rset().decode())
    print("dele-2", p.dele(2).decode())
    print("stat-after-dele", *p.stat())
    # a second session meanwhile: the maildrop is held
    q = stls_connect()
    q.user(user)
    print("second-session", err(q.pass_, pw))
    q.quit()
    print("quit", p.quit().decode())
elif what == "drop":
    # DELE, then the connection is cut without QUIT
    p = connect(True)
    p.user(user)
    p.pass_(pw)
    p.dele(1)
    p.sock.close()
    print("dropped")
elif what == "uidl":
    p = connect(True)
    p.user(user)
    p.pass_(pw)
    for line in p.uidl()[1]:
        print(line.decode())
    p.quit()
EOF

py() { timeout 60 python3 "$T_TMP/pop.py" "$1" "$FD_CERT" "$FD_NAME" bob "$PW" "$2"; }
py "$FD_POP3S" uidl >"$T_TMP/uidl1" 2>&1
py "$FD_POP3" main >"$T_TMP/main.out" 2>&1
out=$T_TMP/main.out
t_contains "poplib: CAPA in the clear offers STLS" "$out" "capa-clear AUTH-RESP-CODE IMPLEMENTATION PIPELINING RESP-CODES STLS TOP UIDL"
t_contains "poplib: USER before TLS is refused" "$out" "user-clear -ERR [AUTH] Plaintext authentication disallowed: issue STLS first"
t_contains "poplib: after STLS (certificate checked), CAPA offers USER, not STLS" "$out" "capa-tls AUTH-RESP-CODE IMPLEMENTATION PIPELINING RESP-CODES TOP UIDL USER"
t_contains "poplib: PASS before USER is refused" "$out" "pass-before-user -ERR USER first"
t_contains "poplib: a wrong password fails" "$out" "wrong-password -ERR [AUTH] Authentication failed"
t_contains "poplib: login with the app password" "$out" "login +OK Logged in: 4 messages"
t_lacks "the log never holds the password" "$FD_LOG" "$PW"
sed -n 's/^retr \([^ ]*\) \([^ ]*\) True$/\1 \2/p' "$out" >"$T_TMP/got"
t_check "poplib: RETR of every message equals the Maildir copy (sha256), sizes in CRLF" \
	cmp -s "$T_TMP/got" "$T_TMP/expected"
t_contains "poplib: STAT's size is the sum of LIST's" "$out" "sizes-add-up True"
t_check "poplib: UIDL gives the Maildir base names" \
	test "$(sed 's/ .*//' "$T_TMP/expected" | tr '\n' ' ')" = "$(sed 's/^[0-9]* //' "$T_TMP/uidl1" | tr '\n' ' ')"
t_contains "poplib: UIDL of a message that is not there" "$out" "uidl-9 -ERR No such message"
t_contains "poplib: TOP 2 1: the header, the blank line, one line (a dot unstuffed)" "$out" \
	"top-2-1 From: carol@carol.test|Subject: dots||.a line with a dot"
t_contains "poplib: TOP 1 0 ends with the blank line" "$out" "top-1-0-ends-blank True"
t_contains "poplib: DELE" "$out" "dele-1 +OK Message 1 deleted"
t_contains "poplib: DELE twice is an error" "$out" "dele-1-again -ERR Message 1 is deleted"
t_contains "poplib: a deleted message cannot be retrieved" "$out" "retr-1-deleted -ERR Message 1 is deleted"
t_contains "poplib: RSET undeletes" "$out" "rset +OK Maildrop has 4 messages"
t_contains "poplib: STAT leaves deleted messages out" "$out" "stat-after-dele 3 "
t_contains "poplib: a second session is refused while the maildrop is held" "$out" "second-session -ERR [IN-USE]"
t_contains "poplib: QUIT deletes in the UPDATE state" "$out" "quit +OK Bye: 1 messages deleted"
t_check "...and message 2's file is gone" test ! -e "$M/cur/$((now + 1)).M1P1.test:2,S"
t_check "...and the others are there" test -e "$f1" -a -e "$M/new/$((now + 3)).M3P3.test"

py "$FD_POP3S" uidl >"$T_TMP/uidl2" 2>&1
t_check "UIDL is stable across sessions (the same ids, less the deleted one)" \
	test "$(grep -v M1P1 "$T_TMP/uidl1" | sed 's/^[0-9]* //')" = "$(sed 's/^[0-9]* //' "$T_TMP/uidl2")"
mv "$f1" "$M/cur/$(basename "$f1"):2,FS"
py "$FD_POP3S" uidl >"$T_TMP/uidl3" 2>&1
t_check "UIDL stays when another client renames the file (flags)" \
	test "$(sed 's/^[0-9]* //' "$T_TMP/uidl2")" = "$(sed 's/^[0-9]* //' "$T_TMP/uidl3")"
f1=$M/cur/$(basename "$f1"):2,FS

py "$FD_POP3S" drop >"$T_TMP/drop.out" 2>&1
t_contains "a session deletes and drops the connection" "$T_TMP/drop.out" "dropped"
fd_log_wait "pop3" >/dev/null
sleep 1
t_check "...without QUIT nothing is removed" test -e "$f1"

# --- curl: pop3s:// ------------------------------------------------------------
curl_pop() { # URL-SCHEME PORT PATH [curl options]
	scheme=$1 port=$2 path=$3
	shift 3
	timeout 60 curl -sS --cacert "$FD_CERT" --resolve "$FD_NAME:$port:127.0.0.1" \
		-u "bob:$PW" "$@" "$scheme://$FD_NAME:$port/$path"
}
curl_pop pop3s "$FD_POP3S" 1 >"$T_TMP/curl1" 2>"$T_TMP/curl1.err"
tr -d '\r' <"$T_TMP/curl1" >"$T_TMP/curl1.lf"
t_check "curl pop3s: message 1 equals the Maildir copy" cmp -s "$T_TMP/curl1.lf" "$f1"
curl_pop pop3s "$FD_POP3S" "" >"$T_TMP/curl-list" 2>&1
t_check "curl pop3s: LIST gives the three messages" test "$(wc -l <"$T_TMP/curl-list")" -eq 3
curl_pop pop3 "$FD_POP3" 1 >"$T_TMP/curl-clear" 2>&1
t_check "curl pop3:// without TLS cannot log in" test ! -s "$T_TMP/curl1.err" -a "$(grep -c 'Subject' "$T_TMP/curl-clear")" -eq 0
curl_pop pop3 "$FD_POP3" 1 --ssl-reqd >"$T_TMP/curl-stls" 2>&1
tr -d '\r' <"$T_TMP/curl-stls" >"$T_TMP/curl-stls.lf"
t_check "curl pop3:// with STLS (--ssl-reqd) retrieves message 1" cmp -s "$T_TMP/curl-stls.lf" "$f1"

# --- bad input ----------------------------------------------------------------------
cat >"$T_TMP/raw.py" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
f = s.makefile("rb")
print(f.readline().decode().strip())
for data in [b"X" * 5000 + b"\r\n", b"NOOP\x00\r\n", b"RETR 1\r\n", b"LIST 99999999999\r\n",
             b"FOO\r\n", b"capa\r\n"]:
    s.sendall(data)
    line = f.readline().decode().strip()
    print(line)
    if line.startswith("+OK Capa"):
        while line != ".":
            line = f.readline().decode().strip()
s.sendall(b"QUIT\r\n")
print(f.readline().decode().strip())
EOF
timeout 60 python3 "$T_TMP/raw.py" "$FD_POP3" >"$T_TMP/raw.out" 2>&1
t_contains "a line of 5000 bytes gets one error" "$T_TMP/raw.out" "-ERR Line too long"
t_contains "a NUL byte is refused" "$T_TMP/raw.out" "-ERR Control character in the command"
t_contains "RETR before login is out of state" "$T_TMP/raw.out" "-ERR RETR not valid in this state"
t_contains "an unknown command" "$T_TMP/raw.out" "-ERR Unknown command"
t_contains "the session goes on after them" "$T_TMP/raw.out" "+OK Bye"

# --- plaintext_auth loopback ---------------------------------------------------------
fd_stop
fd_conf "listen 127.0.0.1 0 pop3" "plaintext_auth loopback"
fd_start
FD_POP3=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (pop3)$/\1/p' "$FD_LOG")
curl_pop pop3 "$FD_POP3" 1 >"$T_TMP/curl-plain" 2>&1
tr -d '\r' <"$T_TMP/curl-plain" >"$T_TMP/curl-plain.lf"
t_check "plaintext_auth loopback: curl pop3:// logs in without TLS from 127.0.0.1" \
	cmp -s "$T_TMP/curl-plain.lf" "$f1"
fd_stop
t_contains "frankd stops cleanly" "$FD_LOG" "info: stopped"
t_done
