#!/usr/bin/python3
"""verify_dkimpy.py: dkimpy (Debian python3-dkim) verifying the messages of
the verify benchmark, every signature of each, with a dnsfunc that reads
the same zone file frank verify --dns reads (its TXT records only).

  verify_dkimpy.py ZONEFILE FILE...

Prints "verify_dkimpy: N messages, S signatures (P pass) in T s", the
time being the loop over the files (reading included), not the start of
Python.
"""
import re
import sys
import time

import dkim


def zone_txt(path):
    """TXT records of a zone file as frank's bench.zone writes them:
    NAME [TTL] [IN] TXT "..." ["..."] or ( "..." ... ), $ORIGIN, @,
    ; comments.  Names are absolute (lowercase, no final dot)."""
    records, origin = {}, ""
    for line in open(path, encoding="utf-8"):
        line = re.sub(r';[^"]*$', "", line).rstrip()
        if line.startswith("$ORIGIN"):
            origin = line.split()[1].rstrip(".")
            continue
        m = re.match(r'(\S+)\s+(?:\d+\s+)?(?:IN\s+)?TXT\s+\(?(.*?)\)?\s*$', line)
        if not m:
            continue
        name = m.group(1)
        if name == "@":
            name = origin
        elif name.endswith("."):
            name = name[:-1]
        else:
            name = name + "." + origin
        text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        records[name.lower()] = text.encode()
    return records


def main():
    records = zone_txt(sys.argv[1])

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode()
        return records.get(name.rstrip(".").lower())

    messages = sigs = passed = 0
    t0 = time.perf_counter()
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            msg = f.read()
        d = dkim.DKIM(msg)
        count = len([h for h in d.headers if h[0].lower() == b"dkim-signature"])
        for i in range(count):
            try:
                passed += bool(d.verify(idx=i, dnsfunc=dnsfunc))
            except dkim.DKIMException:
                pass
        sigs += count
        messages += 1
    t = time.perf_counter() - t0
    print("verify_dkimpy: %d messages, %d signatures (%d pass) in %.3f s"
          % (messages, sigs, passed, t))
    return 0 if passed == sigs else 1


if __name__ == "__main__":
    sys.exit(main())
