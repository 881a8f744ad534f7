#!/usr/bin/python3
"""frankd_badtls_hop.py PORTFILE OUTDIR MODE: an SMTP next hop on
127.0.0.1 (an ephemeral port written to PORTFILE) whose STARTTLS never
works, for frankd's opportunistic-TLS and smarthost tests.  It offers
STARTTLS and AUTH PLAIN LOGIN in its EHLO reply, answers STARTTLS with
220, and then, by MODE:

  garbage   writes bytes that are not TLS and closes
  close     closes at once

Everything else is a plain SMTP server that takes any AUTH (235) and any
message.  Every byte each connection sends is written to
OUTDIR/conns/connN (N from 1), each message taken to OUTDIR/msgN.eml (the DATA, dot-stuffing
undone) with OUTDIR/msgN.env (MAIL FROM, then one RCPT TO per line).
Only the Python standard library is used; it runs until killed."""
import os
import socket
import sys
import threading

EHLO_REPLY = (b"250-badtls.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-STARTTLS\r\n"
              b"250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n")


class Hop:
    def __init__(self, outdir, mode):
        self.outdir = outdir
        self.mode = mode
        self.lock = threading.Lock()
        self.conns = 0
        self.msgs = 0

    def next_number(self, what):
        with self.lock:
            setattr(self, what, getattr(self, what) + 1)
            return getattr(self, what)


class Session:
    def __init__(self, hop, sock):
        self.hop = hop
        self.sock = sock
        self.buf = b""
        self.record = open(os.path.join(hop.outdir, "conns", "conn%d" % hop.next_number("conns")),
                           "wb")
        self.sender = ""
        self.rcpts = []

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.record.write(data)
            self.record.flush()
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def send(self, data):
        self.sock.sendall(data)

    def data(self):
        self.send(b"354 go ahead\r\n")
        body = []
        while True:
            line = self.line()
            if line is None:
                return
            if line == b".":
                break
            body.append(line[1:] if line.startswith(b".") else line)
        n = self.hop.next_number("msgs")
        base = os.path.join(self.hop.outdir, "msg%d" % n)
        with open(base + ".env", "w") as f:
            f.write(self.sender + "\n" + "".join(r + "\n" for r in self.rcpts))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(b"".join(l + b"\r\n" for l in body))
        os.rename(base + ".eml.tmp", base + ".eml")
        self.send(b"250 2.0.0 stored as msg%d\r\n" % n)

    def starttls(self):
        self.send(b"220 2.0.0 ready to start TLS\r\n")
        if self.hop.mode == "garbage":
            self.send(b"this is not a TLS server hello\r\n" * 4)

    def serve(self):
        self.send(b"220 badtls.test ESMTP\r\n")
        while True:
            line = self.line()
            if line is None:
                return
            verb = line.split(b" ", 1)[0].upper()
            arg = line[len(verb) + 1:].decode("utf-8", "replace")
            if verb == b"EHLO":
                self.send(EHLO_REPLY)
            elif verb == b"HELO":
                self.send(b"250 badtls.test\r\n")
            elif verb == b"STARTTLS":
                self.starttls()
                return
            elif verb == b"AUTH":
                self.send(b"235 2.7.0 accepted\r\n")
            elif verb == b"MAIL":
                self.sender = arg.split(":", 1)[1].split(">")[0].strip("< ")
                self.rcpts = []
                self.send(b"250 2.1.0 ok\r\n")
            elif verb == b"RCPT":
                self.rcpts.append(arg.split(":", 1)[1].split(">")[0].strip("< "))
                self.send(b"250 2.1.5 ok\r\n")
            elif verb == b"DATA":
                self.data()
            elif verb == b"QUIT":
                self.send(b"221 2.0.0 bye\r\n")
                return
            else:
                self.send(b"250 2.0.0 ok\r\n")


def handle(hop, sock):
    session = Session(hop, sock)
    try:
        session.serve()
    except OSError:
        pass
    finally:
        session.record.close()
        sock.close()


def main():
    portfile, outdir, mode = sys.argv[1:4]
    if mode not in ("garbage", "close"):
        sys.exit("frankd_badtls_hop.py: MODE is garbage or close, not %s" % mode)
    os.makedirs(os.path.join(outdir, "conns"), exist_ok=True)
    hop = Hop(outdir, mode)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=handle, args=(hop, sock), daemon=True).start()


if __name__ == "__main__":
    main()
