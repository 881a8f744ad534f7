#!/usr/bin/python3
"""arc_dkimpy.py: dkimpy (Debian python3-dkim, whose ARC sealing needs
python3-authres) as the independent ARC peer of tests/integration/arc_dkimpy.sh.
DNS never leaves the process: key records come from a zone file of lines
'NAME. [TTL] IN TXT ( "..." ... )', the strings of each record joined.

  arc_dkimpy.py seal --key PEM --domain D --selector S --srv-id ID < MSG
      writes MSG with dkimpy's ARC set for the next instance on top; the
      set records the message's Authentication-Results fields of ID (and
      their arc= result as its cv), as an ARC sealer does.  Exits 1 when
      dkimpy adds no set.
  arc_dkimpy.py verify ZONE < MSG
      prints "cv=pass|fail|none: REASON" (dkimpy's words), exit 0
"""
import re
import sys

import dkim

TXT = re.compile(r'^(\S+?)\.?\s+(?:\d+\s+)?IN\s+TXT\s+(.*)$')
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def load_zone(path):
    records = {}
    with open(path) as f:
        for line in f:
            m = TXT.match(line.strip())
            if m:
                text = "".join(s.replace('\\"', '"').replace("\\\\", "\\")
                               for s in STRING.findall(m.group(2)))
                records[m.group(1).lower().encode()] = text.encode()
    return records


def verify(zone):
    records = load_zone(zone)

    def dnsfunc(name, timeout=5):
        return records.get(name.rstrip(b".").lower())

    msg = sys.stdin.buffer.read()
    cv, _results, reason = dkim.arc_verify(msg, dnsfunc=dnsfunc)
    word = cv.decode() if cv else "none"
    print("cv=%s: %s" % (word, reason))
    return 0


def seal(args):
    opts = dict(zip(args[::2], args[1::2]))
    with open(opts["--key"], "rb") as f:
        key = f.read()
    msg = sys.stdin.buffer.read()
    fields = dkim.arc_sign(msg, opts["--selector"].encode(), opts["--domain"].encode(), key,
                           opts["--srv-id"].encode(), timestamp=1700000000)
    if not fields:
        sys.stderr.write("arc_dkimpy: dkimpy added no ARC set\n")
        return 1
    sys.stdout.buffer.write(b"".join(fields) + msg)
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "verify":
        return verify(sys.argv[2])
    if len(sys.argv) >= 2 and sys.argv[1] == "seal":
        return seal(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
