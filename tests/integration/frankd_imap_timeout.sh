#!/bin/sh
# frankd_imap_timeout.sh: IMAP autologout (RFC 3501 5.4) and partial
# commands.  A silent client that has not logged in is sent "* BYE" after
# limit imap_login_timeout; a logged-in one (in IDLE too) after limit
# imap_idle_timeout, and not after the login timeout; a command whose bytes
# trickle in is cut after limit timeout from its first byte.  The client
# waits up to 30 s for each BYE: the limits here are 2 s.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib

cat >"$T_TMP/slow.py" <<'EOF'
import socket, ssl, sys, time
port, ca, name, user, pw, what = sys.argv[1:7]
ctx = ssl.create_default_context(cafile=ca)
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(port)), 30), server_hostname=name)
f = s.makefile("rb")

def line():
    try:
        return f.readline().decode().rstrip("\r\n")
    except OSError as e:
        return "no reply: %s" % e

def until_tagged(tag):
    out = line()
    while out.startswith("*"):
        out = line()
    return out

print("greeting", line()[:4])
if what == "silent":
    print("after silence:", line())
    sys.exit(0)
s.sendall(b"a1 LOGIN %s %s\r\n" % (user.encode(), pw.encode()))
print("login", until_tagged("a1")[:5])
if what == "logged-in-wait":
    time.sleep(5)  # beyond the login timeout (2 s), within the logged-in one
    s.sendall(b"a2 NOOP\r\n")
    print("noop after 5 s:", until_tagged("a2"))
elif what == "idle":
    s.sendall(b"a2 SELECT INBOX\r\n")
    until_tagged("a2")
    s.sendall(b"a3 IDLE\r\n")
    print("idle", line())
    print("in IDLE, after silence:", line())
elif what == "trickle":
    s.sendall(b"a2 NOOP")
    s.settimeout(0.3)
    got = ""
    for _ in range(100):  # 30 s at most
        try:
            s.sendall(b"x")
            got = f.readline().decode().rstrip("\r\n")
            if got:
                break
        except (socket.timeout, ssl.SSLError):
            f = s.makefile("rb")
        except OSError as e:
            got = "closed: %s" % e
            break
    print("trickled command:", got)
EOF
PW=""
slow() { timeout 60 python3 "$T_TMP/slow.py" "$FD_IMAPS" "$FD_CERT" "$FD_NAME" bob "$PW" "$@"; }

fd_imaps_start "limit imap_login_timeout 2" "limit imap_idle_timeout 10m" "limit timeout 10m"
PW=$(fd_password bob slow)
slow silent >"$T_TMP/silent.out" 2>&1
t_contains "not logged in, silent: * BYE after imap_login_timeout" "$T_TMP/silent.out" \
	"after silence: * BYE Autologout: idle for too long"
slow logged-in-wait >"$T_TMP/wait.out" 2>&1
t_contains "logged in: the login timeout no longer applies" "$T_TMP/wait.out" "noop after 5 s: a2 OK NOOP done"
fd_stop

fd_imaps_start "limit imap_login_timeout 10m" "limit imap_idle_timeout 2" "limit timeout 2"
slow idle >"$T_TMP/idle.out" 2>&1
t_contains "logged in and in IDLE, silent: * BYE after imap_idle_timeout" "$T_TMP/idle.out" \
	"in IDLE, after silence: * BYE Autologout: idle for too long"
slow trickle >"$T_TMP/trickle.out" 2>&1
t_contains "a command trickling in a byte at a time is cut after limit timeout" "$T_TMP/trickle.out" \
	"trickled command: * BYE Command not finished in time"
t_contains "...and logged" "$FD_LOG" "command not whole in time from 127.0.0.1"
fd_stop
t_done
