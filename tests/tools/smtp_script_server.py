#!/usr/bin/env python3
"""smtp_script_server.py [OPTIONS]: a scripted SMTP submission server on
127.0.0.1 for the send tests.  It listens on an ephemeral port (written to
--portfile), serves --connections connections (default 1) one after the
other, and writes every byte it receives to --record: the plaintext as it
came, then, once TLS is up, the decrypted bytes after a line "[[TLS]]".
Other markers in the record:
  [[EARLY]]          a command arrived before the reply to the previous one
                     (the client pipelined without PIPELINING)
  [[NOT PIPELINED]]  with --expect-rcpts, the RCPTs did not come with MAIL
The DATA of each message (as sent, dot-stuffed, without the final dot)
goes to --data (appended).  Only the Python standard library is used.
"""
import argparse
import base64
import os
import socket
import ssl
import sys

# Greeting, and a few fixed replies.
GREETING = b"220 script.test ESMTP ready\r\n"


class Session:
    def __init__(self, conn, args, record, data_out):
        self.conn = conn
        self.args = args
        self.record = record
        self.data_out = data_out
        self.buf = b""
        self.tls = args.implicit_tls

    def recv(self, timeout=60):
        self.conn.settimeout(timeout)
        data = self.conn.recv(65536)
        if data:
            self.record.write(data)
            self.record.flush()
        return data

    def line(self):
        while b"\n" not in self.buf:
            data = self.recv()
            if not data:
                raise ConnectionError("closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def early_check(self):
        """Data already here before we replied: the client did not wait."""
        if self.buf:
            self.record.write(b"[[EARLY]]\n")
            return
        self.conn.setblocking(False)
        try:
            data = self.conn.recv(65536)
            if data:
                self.record.write(data + b"[[EARLY]]\n")
                self.buf += data
        except (BlockingIOError, ssl.SSLWantReadError):
            pass
        finally:
            self.conn.setblocking(True)

    def send(self, text):
        self.conn.sendall(text.encode() if isinstance(text, str) else text)

    def ehlo_reply(self):
        a = self.args
        lines = ["script.test greets you"]
        if a.pipelining:
            lines.append("PIPELINING")
        if a.size is not None:
            lines.append("SIZE %d" % a.size)
        if a.cert and not self.tls and not a.no_starttls:
            lines.append("STARTTLS")
        if a.auth:
            lines.append("AUTH " + a.auth)
        if a.eightbit:
            lines.append("8BITMIME")
        if a.smtputf8:
            lines.append("SMTPUTF8")
        lines.append("ENHANCEDSTATUSCODES")
        out = "".join("250-%s\r\n" % l for l in lines[:-1])
        return out + "250 %s\r\n" % lines[-1]

    def starttls(self):
        self.send("220 2.0.0 Ready to start TLS\r\n")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.args.cert, self.args.key)
        self.conn = ctx.wrap_socket(self.conn, server_side=True)
        self.tls = True
        self.record.write(b"[[TLS]]\n")
        self.record.flush()

    def check_login(self, user, password):
        ok = user == self.args.user.encode() and password == self.args.password.encode()
        self.send("235 2.7.0 Authentication successful\r\n" if ok
                  else "535 5.7.8 Authentication credentials invalid\r\n")

    def auth(self, words):
        mech = words[1].upper() if len(words) > 1 else b""
        if mech == b"PLAIN":
            if len(words) > 2:
                blob = words[2]
            else:
                self.send("334 \r\n")
                blob = self.line()
            parts = base64.b64decode(blob).split(b"\0")
            if len(parts) != 3:
                self.send("501 5.5.2 bad PLAIN\r\n")
                return
            self.check_login(parts[1], parts[2])
        elif mech == b"LOGIN":
            self.send("334 VXNlcm5hbWU6\r\n")
            user = base64.b64decode(self.line())
            self.send("334 UGFzc3dvcmQ6\r\n")
            self.check_login(user, base64.b64decode(self.line()))
        else:
            self.send("504 5.5.4 mechanism not supported\r\n")

    def wait_rcpts(self):
        """With --expect-rcpts N: MAIL and the N RCPTs must come together."""
        want = self.args.expect_rcpts
        try:
            while self.buf.count(b"RCPT TO:") < want:
                data = self.recv(timeout=20)
                if not data:
                    break
                self.buf += data
        except socket.timeout:
            pass
        if self.buf.count(b"RCPT TO:") < want:
            self.record.write(b"[[NOT PIPELINED]]\n")
            self.record.flush()
            return False
        return True

    def data(self):
        self.send("354 End data with <CR><LF>.<CR><LF>\r\n")
        body = b""
        while True:
            line = self.line()
            if line == b".":
                break
            body += line + b"\r\n"
        with open(self.args.data, "ab") as f:
            f.write(body)
        if self.args.drop_after_data:
            self.conn.close()
            raise ConnectionError("dropped after DATA")
        if self.args.refuse_message:
            self.send("554 5.7.1 Message refused: looks like spam\r\n")
        else:
            self.send("250 2.0.0 Ok: queued as SCRIPT1\r\n")

    def serve(self):
        self.send(self.args.greeting.encode().decode("unicode_escape").encode("latin-1")
                  if self.args.greeting else GREETING)
        while True:
            line = self.line()
            words = line.split()
            verb = words[0].upper() if words else b""
            if verb in (b"EHLO", b"HELO") or (verb in (b"MAIL", b"RCPT") and not self.args.pipelining):
                self.early_check()
            if verb == b"EHLO":
                self.send("502 5.5.2 EHLO not here\r\n" if self.args.reject_ehlo
                          else self.ehlo_reply())
            elif verb == b"HELO":
                self.send("250 script.test\r\n")
            elif verb == b"STARTTLS" and self.args.cert and not self.tls:
                self.starttls()
            elif verb == b"AUTH" and self.args.auth:
                self.auth(words)
            elif verb == b"MAIL":
                if self.args.pipelining and self.args.expect_rcpts and not self.wait_rcpts():
                    self.send("421 4.3.0 the RCPTs did not come with MAIL\r\n")
                    return
                self.send("250 2.1.0 Ok\r\n")
            elif verb == b"RCPT":
                addr = line.split(b":", 1)[1].strip()
                rejected = [("<%s>" % r).encode() for r in self.args.reject_rcpt]
                if addr in rejected:
                    self.send(b"550 5.1.1 " + addr + b": Recipient address rejected: "
                              b"User unknown\r\n")
                else:
                    self.send("250 2.1.5 Ok\r\n")
            elif verb == b"DATA":
                self.data()
            elif verb in (b"RSET", b"NOOP"):
                self.send("250 2.0.0 Ok\r\n")
            elif verb == b"QUIT":
                self.send("221 2.0.0 Bye\r\n")
                return
            else:
                self.send("500 5.5.2 Error: command not recognized\r\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--portfile", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--data", default=os.devnull)
    p.add_argument("--connections", type=int, default=1)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--no-starttls", action="store_true")
    p.add_argument("--pipelining", action="store_true")
    p.add_argument("--expect-rcpts", type=int, default=0)
    p.add_argument("--auth", default="")
    p.add_argument("--user", default="alice")
    p.add_argument("--password", default="secret")
    p.add_argument("--size", type=int)
    p.add_argument("--8bitmime", dest="eightbit", action="store_true")
    p.add_argument("--smtputf8", action="store_true")
    p.add_argument("--reject-rcpt", action="append", default=[])
    p.add_argument("--reject-ehlo", action="store_true")
    p.add_argument("--drop-after-data", action="store_true")
    p.add_argument("--refuse-message", action="store_true")
    p.add_argument("--greeting", help="the greeting bytes, with \\r\\n escapes")
    args = p.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(120)
    with open(args.portfile + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(args.portfile + ".tmp", args.portfile)
    with open(args.record, "wb") as record:
        for _ in range(args.connections):
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                break
            if args.implicit_tls:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(args.cert, args.key)
                try:
                    conn = ctx.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    conn.close()
                    continue
                record.write(b"[[TLS]]\n")
            session = Session(conn, args, record, None)
            try:
                session.serve()
            except (ConnectionError, socket.timeout, ssl.SSLError, OSError):
                pass
            try:
                session.conn.close()
            except OSError:
                pass
            record.write(b"[[CLOSED]]\n")
            record.flush()


if __name__ == "__main__":
    sys.exit(main())
