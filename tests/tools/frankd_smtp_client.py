#!/usr/bin/env python3
"""frankd_smtp_client.py PORT [--ca CERT] [--name HOST] [--ssl] STEP...: drives
Python's smtplib against frankd on 127.0.0.1 for the integration tests.
Each step prints one line, "STEP CODE TEXT" (the server's reply), so the
shell checks what the server said.  The TLS certificate is verified against
CERT and HOST (the server's name), never skipped.

Steps:
  ehlo                 EHLO; prints "ehlo 250 <the extensions, space-separated>"
  starttls             STARTTLS and the TLS handshake, then EHLO again
  auth:MECH:USER:PASS  AUTH PLAIN or LOGIN through smtplib's own code
  raw:LINE             sends LINE as a command (e.g. "raw:AUTH PLAIN AGEAYg==")
  mail:ADDR            MAIL FROM:<ADDR>
  rcpt:ADDR            RCPT TO:<ADDR>
  data:FILE            DATA with FILE's bytes (smtplib makes the line ends
                       CRLF and stuffs dots)
  send:FROM:TO:FILE    mail, rcpt, data in one
  quit                 QUIT
  wait:PATH            waits (at most 30 s) until PATH exists
  reply                reads one reply without sending anything
A step that raises prints "STEP error TEXT" and the script goes on; a
closed connection stops it.
"""
import os
import re
import smtplib
import ssl
import sys
import time


def reply_text(msg):
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8", "replace")
    return " ".join(msg.split("\n"))


def crlf(path):
    """The file's bytes with CRLF line ends, as a client must send them
    (smtplib fixes line ends of str messages only)."""
    with open(path, "rb") as f:
        return re.sub(rb"(?<!\r)\n", b"\r\n", f.read())


def main(argv):
    port = int(argv[1])
    i = 2
    ca, name, implicit = None, "localhost", False
    while i < len(argv) and argv[i].startswith("--"):
        if argv[i] == "--ca":
            ca = argv[i + 1]
            i += 2
        elif argv[i] == "--name":
            name = argv[i + 1]
            i += 2
        elif argv[i] == "--ssl":
            implicit = True
            i += 1
        else:
            print("usage: frankd_smtp_client.py PORT [--ca CERT] [--name HOST] [--ssl] STEP...")
            return 2
    ctx = ssl.create_default_context(cafile=ca)
    if implicit:
        s = smtplib.SMTP_SSL(context=ctx, timeout=30)
        s._host = name  # the name the certificate must carry
        code, msg = s.connect("127.0.0.1", port)
    else:
        s = smtplib.SMTP(timeout=30)
        code, msg = s.connect("127.0.0.1", port)
        s._host = name
    print("connect", code, reply_text(msg))
    for step in argv[i:]:
        kind, _, rest = step.partition(":")
        try:
            if kind == "ehlo":
                code, msg = s.ehlo("client.test")
                print("ehlo", code, " ".join(sorted(k.upper() + ("=" + v.strip() if v else "")
                                                    for k, v in s.esmtp_features.items())))
                continue
            if kind == "starttls":
                code, msg = s.starttls(context=ctx)
                s.ehlo("client.test")
            elif kind == "auth":
                mech, user, password = rest.split(":", 2)
                s.user, s.password = user, password
                method = s.auth_plain if mech == "PLAIN" else s.auth_login
                code, msg = s.auth(mech, method, initial_response_ok=(mech == "PLAIN"))
            elif kind == "raw":
                s.command_encoding = "utf-8"  # as smtplib does for SMTPUTF8
                code, msg = s.docmd(rest)
            elif kind == "mail":
                code, msg = s.mail(rest)
            elif kind == "rcpt":
                code, msg = s.rcpt(rest)
            elif kind == "data":
                code, msg = s.data(crlf(rest))
            elif kind == "send":
                sender, rcpt, path = rest.split(":", 2)
                s.sendmail(sender, [rcpt], crlf(path))
                code, msg = 250, "sent"
            elif kind == "wait":
                for _ in range(300):
                    if os.path.exists(rest):
                        break
                    time.sleep(0.1)
                print("wait", "ok" if os.path.exists(rest) else "timeout")
                continue
            elif kind == "reply":
                code, msg = s.getreply()
            elif kind == "quit":
                code, msg = s.quit()
            else:
                print(step, "error unknown step")
                continue
            print(kind, code, reply_text(msg))
        except smtplib.SMTPServerDisconnected as e:
            print(kind, "disconnected", e)
            return 1
        except smtplib.SMTPResponseException as e:
            print(kind, e.smtp_code, reply_text(e.smtp_error))
        except (smtplib.SMTPException, ssl.SSLError, OSError) as e:
            print(kind, "error", e)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
