#!/usr/bin/env python3
"""frankd_smtp_flood.py PORTFILE STOPFILE ACKFILE: submits messages to frankd's
inbound port until STOPFILE exists (read from PORTFILE before each connection, since the test
restarts frankd on new ports), each "Subject: durable-N" to bob@alice.test.
When frankd answers 250 to the end of DATA, N is appended to ACKFILE (and
fsynced); on any failure the same N is tried again on a new connection, as
a real client would (so a message whose 250 was lost may come twice)."""
import os
import smtplib
import sys
import time


def body(n):
    lines = [b"From: flood@remote.test", b"To: bob@alice.test", b"Subject: durable-%d" % n, b""]
    lines += [b"line %d of message %d, some text to make it longer" % (i, n) for i in range(40)]
    lines += [b"END-OF-MESSAGE %d" % n, b""]
    return b"\r\n".join(lines)


def main(argv):
    portfile, stopfile, ackfile = argv[1], argv[2], argv[3]
    acks = open(ackfile, "a")
    s = None
    n = 1
    deadline = time.time() + 600
    while not os.path.exists(stopfile) and time.time() < deadline:
        try:
            if s is None:
                with open(portfile) as f:
                    port = int(f.read().strip())
                s = smtplib.SMTP("127.0.0.1", port, timeout=10)
                s.ehlo("flood.test")
            s.sendmail("flood@remote.test", ["bob@alice.test"], body(n))
            acks.write("%d\n" % n)
            acks.flush()
            os.fsync(acks.fileno())
            n += 1
        except (OSError, smtplib.SMTPException, ValueError):
            s = None
            time.sleep(0.05)
    print("sent", n - 1)
    return 0 if time.time() < deadline else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
