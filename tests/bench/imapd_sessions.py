#!/usr/bin/env python3
"""imapd_sessions.py [--select] PORT CA USER PASSWORD N PID: the memory an
idle, authenticated IMAP session costs a server.

Sums VmRSS (from /proc/PID/status) over PID and its descendants (frankd
is one process; Dovecot a master with login, auth and one imap process
per session), opens N TLS sessions to 127.0.0.1:PORT that LOGIN (and
with --select, SELECT INBOX: then the session holds the folder's list of
messages, whose size grows with the folder), waits until the sum settles, sums again, and prints
"KB_PER_SESSION PEAK_KB": the growth divided by N, and the sum with the
N sessions open.  The certificate is checked against CA (name not
compared: both servers' test certificates are pinned by file).
"""
import imaplib
import os
import socket
import ssl
import sys
import time


def tree(root):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def rss_kb(root):
    total = 0
    for pid in tree(root):
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def settled(root):
    last = rss_kb(root)
    for _ in range(20):
        time.sleep(0.25)
        now = rss_kb(root)
        if now == last:
            return now
        last = now
    return last


def main():
    select = sys.argv[1:2] == ["--select"]
    args = sys.argv[2:] if select else sys.argv[1:]
    port, ca, user, password, n, pid = args[:6]
    n, pid = int(n), int(pid)
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False

    class IMAPS(imaplib.IMAP4_SSL):
        def _create_socket(self, timeout):
            sock = socket.create_connection(("127.0.0.1", int(port)), 60)
            return ctx.wrap_socket(sock, server_hostname="localhost")

    # one session first: what every session shares (caches, the folder's
    # index, TLS contexts) is not the cost of a session
    first = IMAPS("localhost", int(port), ssl_context=ctx)
    first.login(user, password)
    first.select("INBOX", readonly=True)
    before = settled(pid)
    sessions = []
    for _ in range(n):
        m = IMAPS("localhost", int(port), ssl_context=ctx)
        m.login(user, password)
        if select:
            m.select("INBOX", readonly=True)
        sessions.append(m)
    after = settled(pid)
    for m in sessions + [first]:
        m.logout()
    print("%.1f %d" % ((after - before) / n, after))


if __name__ == "__main__":
    main()
