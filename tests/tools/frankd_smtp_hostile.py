#!/usr/bin/env python3
"""frankd_smtp_hostile.py PORT SCENARIO: a hostile SMTP client on a raw socket for
frankd's bad-input tests.  It prints what the server answered, one line
per reply ("reply CODE TEXT"), and "closed" when the server hung up.

Scenarios:
  longline     a 10 MB line without a line end for a while, then its end,
               then NOOP: the server answers 500 and stays usable
  midline      a 5,000-byte command line (over the limit, under AUTH's)
  rcpts        10,000 pipelined RCPT lines: 452 beyond the limit, then 421
  middata      DATA, half a message, and the connection closed
  garbage      binary junk lines until the server hangs up
  inject       "STARTTLS" and "NOOP" in one packet (a STARTTLS injection)
  conns N      N sessions at once: prints each greeting
  idle         says nothing: waits for the server's timeout reply
  smuggle      a message with LF.LF and a second MAIL inside its text
"""
import socket
import sys
import time


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    return s, s.makefile("rb")


def replies(f, limit=None):
    """Prints every reply line until the connection closes (or limit)."""
    n = 0
    while limit is None or n < limit:
        try:
            line = f.readline()
        except (ConnectionResetError, socket.timeout) as e:
            print("closed", type(e).__name__)
            return
        if not line:
            print("closed")
            return
        print("reply", line.decode("utf-8", "replace").rstrip("\r\n"))
        n += 1


def until(f, prefix):
    """Prints replies up to and with the first that starts with prefix."""
    while True:
        line = f.readline()
        if not line:
            print("closed")
            return
        print("reply", line.decode("utf-8", "replace").rstrip("\r\n"))
        if line.startswith(prefix):
            return


def longline(port):
    s, f = connect(port)
    replies(f, 1)
    chunk = b"X" * 65536
    for _ in range(160):  # 10 MB
        s.sendall(chunk)
    s.sendall(b"\r\nNOOP\r\nQUIT\r\n")
    replies(f)


def midline(port):
    s, f = connect(port)
    replies(f, 1)
    s.sendall(b"NOOP " + b"y" * 5000 + b"\r\nNOOP\r\nQUIT\r\n")
    replies(f)


def rcpts(port):
    s, f = connect(port)
    replies(f, 1)
    lines = [b"EHLO hostile.test", b"MAIL FROM:<x@remote.test>"]
    lines += [b"RCPT TO:<bob+%d@alice.test>" % i for i in range(10000)]
    lines += [b"DATA", b"Subject: 10000 rcpts", b"", b"x", b".", b"QUIT"]
    send_then_read(s, f, [b"\r\n".join(lines) + b"\r\n"])


def send_then_read(s, f, chunks):
    """Sends the chunks (the server may hang up meanwhile), then prints
    every reply."""
    try:
        for chunk in chunks:
            s.sendall(chunk)
    except (BrokenPipeError, ConnectionResetError):
        print("send stopped: the server closed")
    replies(f)


def open_data(port):
    """A session up to the 354 of DATA, for bob@alice.test."""
    s, f = connect(port)
    replies(f, 1)
    s.sendall(b"EHLO hostile.test\r\nMAIL FROM:<x@remote.test>\r\nRCPT TO:<bob@alice.test>\r\n"
              b"DATA\r\n")
    until(f, b"354")
    return s, f


def middata(port):
    s, f = open_data(port)
    s.sendall(b"Subject: cut in the middle\r\n\r\nhalf a mess")
    time.sleep(0.2)
    s.close()
    print("closed by us")


def garbage(port):
    s, f = connect(port)
    replies(f, 1)
    send_then_read(s, f, [bytes([0x80 + i % 100, 0x01, 0xff, 0x00]) + b"junk\r\n"
                          for i in range(50)])


def inject(port):
    s, f = connect(port)
    replies(f, 1)
    s.sendall(b"EHLO hostile.test\r\n")
    until(f, b"250 ")
    s.sendall(b"STARTTLS\r\nNOOP\r\n")
    replies(f, 1)
    s.close()


def conns(port, n):
    socks = []
    for _ in range(n):
        s, f = connect(port)
        socks.append(s)
        replies(f, 1)
    for s in socks:
        s.close()


def idle(port):
    s, f = connect(port)
    replies(f)


def smuggle(port):
    s, f = open_data(port)
    s.sendall(b"Subject: smuggler\r\n\r\ntext\n.\nMAIL FROM:<ceo@alice.test>\r\n"
              b"RCPT TO:<carol@carol.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\nQUIT\r\n")
    replies(f)


def main(argv):
    port, scenario = int(argv[1]), argv[2]
    if scenario == "conns":
        conns(port, int(argv[3]))
        return 0
    table = {"longline": longline, "midline": midline, "rcpts": rcpts, "middata": middata,
             "garbage": garbage, "inject": inject, "idle": idle, "smuggle": smuggle}
    table[scenario](port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
