#!/usr/bin/env python3
"""maildir_digest.py [--as-mbsync-stores] DIR: the sorted SHA-256 of every
message file of a Maildir (DIR/cur, DIR/new), one a line, for the
benchmarks' byte-for-byte checks.

--as-mbsync-stores compares what mbsync keeps: mbsync stores a message with
LF line ends and adds an X-TUID field to its header, so the digest is taken
with every CR and the X-TUID line of the header left out.  Nothing else may
differ.
"""
import hashlib
import os
import sys


def normalized(data):
    data = data.replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    lines = [line for line in head.split(b"\n") if not line.startswith(b"X-TUID: ")]
    return b"\n".join(lines) + sep + body


def main():
    args = sys.argv[1:]
    mbsync = bool(args) and args[0] == "--as-mbsync-stores"
    if mbsync:
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: maildir_digest.py [--as-mbsync-stores] DIR")
    digests = []
    for sub in ("cur", "new"):
        folder = os.path.join(args[0], sub)
        if not os.path.isdir(folder):
            sys.exit("maildir_digest.py: %s is not a directory" % folder)
        for name in os.listdir(folder):
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            digests.append(hashlib.sha256(normalized(data) if mbsync else data).hexdigest())
    sys.stdout.write("".join(d + "\n" for d in sorted(digests)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
