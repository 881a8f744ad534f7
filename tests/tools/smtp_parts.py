#!/usr/bin/python3
"""smtp_parts.py FILE: a message as Python's email package reads it, in
the format of smtp_parts.c (GMime), so that the two can be compared:
  from: ADDR
  to: ADDR, ADDR
  subject: TEXT
  part N: TYPE name=NAME bytes=LEN sha256=HEX
one line per leaf part, depth first; NAME "-" when the part has none.
A part not in base64 is text in transit: its CRLF line ends count as LF."""
import email
import email.policy
import hashlib
import sys


def addresses(msg, name):
    header = msg[name]
    if header is None:
        return ""
    return ", ".join(a.addr_spec for a in header.addresses)


def main():
    with open(sys.argv[1], "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    out = sys.stdout.buffer
    out.write(("from: %s\n" % addresses(msg, "from")).encode())
    out.write(("to: %s\n" % addresses(msg, "to")).encode())
    out.write(("subject: %s\n" % (msg["subject"] or "")).encode())
    n = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        n += 1
        data = part.get_payload(decode=True) or b""
        # Lines of text sent as text end in CRLF on the wire, LF here.
        if part.get("Content-Transfer-Encoding", "7bit").strip().lower() != "base64":
            data = data.replace(b"\r\n", b"\n")
        out.write(("part %d: %s name=%s bytes=%d sha256=%s\n" % (
            n, part.get_content_type(), part.get_filename() or "-", len(data),
            hashlib.sha256(data).hexdigest())).encode())


if __name__ == "__main__":
    main()
