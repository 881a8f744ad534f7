#!/usr/bin/env python3
"""pop3_nouidl_server.py DIR CERT KEY PORTFILE LOG: a small POP3 server over
TLS on 127.0.0.1 (an ephemeral port, written to PORTFILE) that lacks UIDL
(RFC 1939 leaves it optional): UIDL and CAPA's UIDL line are absent, so a
client must tell messages apart by their content.  Each connection serves
the files of DIR as they are then, sorted by name, as the maildrop; any
user with password "secret" may log in.  Every command (PASS hidden) is
appended to LOG.  DELE takes effect at QUIT, as RFC 1939 says.  Serves
connections one after another until killed."""
import os
import socket
import ssl
import sys


def serve(conn, folder, log):
    names = sorted(n for n in os.listdir(folder) if not n.startswith("."))
    msgs = []
    for n in names:
        with open(os.path.join(folder, n), "rb") as f:
            data = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        msgs.append(data)
    deleted = set()
    buf = b""
    authed = False

    def send(line):
        conn.sendall(line + b"\r\n")

    send(b"+OK no-UIDL test server")
    while True:
        while b"\n" not in buf:
            data = conn.recv(65536)
            if not data:
                return
            buf += data
        line, buf = buf.split(b"\n", 1)
        line = line.rstrip(b"\r")
        words = line.split()
        cmd = words[0].upper() if words else b""
        log.write(("PASS <hidden>" if cmd == b"PASS" else line.decode("latin-1")) + "\n")
        log.flush()
        arg = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
        valid = authed and 1 <= arg <= len(msgs) and arg not in deleted
        if cmd == b"CAPA":
            send(b"+OK\r\nUSER\r\nTOP\r\n.")
        elif cmd == b"USER":
            send(b"+OK")
        elif cmd == b"PASS":
            authed = len(words) > 1 and words[1] == b"secret"
            send(b"+OK" if authed else b"-ERR [AUTH] bad password")
        elif not authed and cmd != b"QUIT":
            send(b"-ERR log in first")
        elif cmd == b"STAT":
            live = [m for i, m in enumerate(msgs, 1) if i not in deleted]
            send(b"+OK %d %d" % (len(live), sum(len(m) for m in live)))
        elif cmd == b"LIST" and len(words) == 1:
            out = [b"+OK"] + [b"%d %d" % (i, len(m)) for i, m in enumerate(msgs, 1)
                              if i not in deleted] + [b"."]
            send(b"\r\n".join(out))
        elif cmd == b"RETR" and valid:
            body = msgs[arg - 1].split(b"\r\n")
            if body and body[-1] == b"":
                body.pop()
            stuffed = [b"." + l if l.startswith(b".") else l for l in body]
            send(b"\r\n".join([b"+OK"] + stuffed + [b"."]))
        elif cmd == b"DELE" and valid:
            deleted.add(arg)
            send(b"+OK")
        elif cmd == b"NOOP":
            send(b"+OK")
        elif cmd == b"RSET":
            deleted.clear()
            send(b"+OK")
        elif cmd == b"QUIT":
            for i in sorted(deleted):
                os.unlink(os.path.join(folder, names[i - 1]))
            send(b"+OK bye")
            return
        else:
            send(b"-ERR unknown command")


def main():
    folder, cert, key, portfile, logname = sys.argv[1:6]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    with open(logname, "a") as log:
        while True:
            raw, _ = srv.accept()
            try:
                with ctx.wrap_socket(raw, server_side=True) as conn:
                    serve(conn, folder, log)
            except (OSError, ssl.SSLError) as e:
                log.write("# connection: %s\n" % e)
                log.flush()


if __name__ == "__main__":
    main()
