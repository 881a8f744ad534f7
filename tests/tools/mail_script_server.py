#!/usr/bin/env python3
"""mail_script_server.py MODE CERT KEY PORTFILE: a scripted IMAP or POP3
server over TLS on 127.0.0.1 (an ephemeral port, written to PORTFILE) for
the sync tests: it plays a well-behaved server or a hostile one.  It serves
connections one after another until killed; MODEFILE (PORTFILE.mode), when
present, overrides MODE for the next connection.

IMAP modes (one folder INBOX with messages 1 and 2; UIDVALIDITY 7):
  ok          answers everything properly
  traversal   also lists a folder named "../../x" holding the same messages
  bigliteral  sends message 1, then announces a 1 GiB literal for message 2
  drop        sends message 1, then closes in the middle of message 2
  silent      after SELECT, never answers again
POP3 mode:
  pop3-nouidl two messages, LIST but no UIDL
"""
import os
import socket
import ssl
import sys
import time

MSGS = [
    b"From: a@example.org\r\nSubject: first\r\nMessage-ID: <first@script>\r\n\r\none\r\n",
    b"From: b@example.org\r\nSubject: second\r\nMessage-ID: <second@script>\r\n\r\ntwo\r\n",
]


class Lines:
    def __init__(self, conn):
        self.conn = conn
        self.buf = b""

    def read(self):
        while b"\n" not in self.buf:
            data = self.conn.recv(65536)
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")


def fetch_reply(uid, with_body):
    head = b"* %d FETCH (UID %d FLAGS ()" % (uid, uid)
    if not with_body:
        return head + b")\r\n"
    body = MSGS[uid - 1]
    return head + b" RFC822.SIZE %d BODY[] {%d}\r\n%s)\r\n" % (len(body), len(body), body)


def imap(conn, mode):
    send = conn.sendall
    lines = Lines(conn)
    send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR UIDPLUS] scripted\r\n")
    while True:
        line = lines.read()
        if line is None:
            return
        parts = line.split(b" ")
        tag, cmd = parts[0], b" ".join(parts[1:3]).upper()
        if cmd.startswith(b"AUTHENTICATE") or cmd.startswith(b"LOGIN"):
            send(tag + b" OK [CAPABILITY IMAP4rev1 UIDPLUS] logged in\r\n")
        elif cmd.startswith(b"CAPABILITY"):
            send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
        elif cmd.startswith(b"LIST"):
            if mode == "traversal":
                send(b'* LIST () "/" "../../x"\r\n')
            send(b'* LIST () "/" INBOX\r\n' + tag + b" OK listed\r\n")
        elif cmd.startswith(b"SELECT"):
            send(b"* 2 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 3] ok\r\n")
            if mode == "silent":
                time.sleep(120)
                return
            send(tag + b" OK [READ-WRITE] selected\r\n")
        elif cmd == b"UID FETCH":
            with_body = b"BODY.PEEK[]" in line
            uids = [u for u in (1, 2) if str(u).encode() in parts[3] or parts[3] == b"1:*"]
            for uid in uids:
                if with_body and uid == 2 and mode == "bigliteral":
                    send(b"* 2 FETCH (UID 2 BODY[] {1073741824}\r\n")
                    time.sleep(5)
                    return
                if with_body and uid == 2 and mode == "drop":
                    send(b"* 2 FETCH (UID 2 BODY[] {500}\r\npartial")
                    return
                send(fetch_reply(uid, with_body))
            send(tag + b" OK fetched\r\n")
        elif cmd.startswith(b"LOGOUT"):
            send(b"* BYE bye\r\n" + tag + b" OK bye\r\n")
            return
        else:
            send(tag + b" OK\r\n")


def pop3(conn):
    send = conn.sendall
    lines = Lines(conn)
    send(b"+OK scripted POP3\r\n")
    while True:
        line = lines.read()
        if line is None:
            return
        cmd = line.split(b" ")[0].upper()
        if cmd == b"CAPA":
            send(b"+OK\r\nUSER\r\n.\r\n")
        elif cmd in (b"USER", b"PASS"):
            send(b"+OK\r\n")
        elif cmd == b"LIST":
            send(b"+OK\r\n" + b"".join(b"%d %d\r\n" % (i + 1, len(m)) for i, m in enumerate(MSGS))
                 + b".\r\n")
        elif cmd == b"UIDL":
            send(b"-ERR no UIDL here\r\n")
        elif cmd == b"RETR":
            n = int(line.split(b" ")[1])
            send(b"+OK\r\n" + MSGS[n - 1] + b".\r\n")
        elif cmd == b"QUIT":
            send(b"+OK bye\r\n")
            return
        else:
            send(b"-ERR unknown\r\n")


def main():
    mode, cert, key, portfile = sys.argv[1:5]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(300)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        raw, _ = listener.accept()
        try:
            if os.path.exists(portfile + ".mode"):
                with open(portfile + ".mode") as f:
                    mode = f.read().strip()
            conn = ctx.wrap_socket(raw, server_side=True)
            conn.settimeout(300)
            if mode.startswith("pop3"):
                pop3(conn)
            else:
                imap(conn, mode)
            conn.close()
        except (OSError, ssl.SSLError):
            pass
        finally:
            raw.close()


if __name__ == "__main__":
    main()
