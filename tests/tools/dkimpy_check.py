#!/usr/bin/python3
"""dkimpy_check.py: dkimpy (Debian python3-dkim) as the independent DKIM
peer of the interoperability tests.  DNS never leaves the process: the
dnsfunc hook serves the key records of a file of "NAME VALUE" lines.

  dkimpy_check.py verify DNSFILE < MSG
      prints "pass" and exits 0 when every signature verifies, else
      prints "fail: ..." and exits 1
  dkimpy_check.py sign --key FILE --domain D --selector S
                  [--algo rsa-sha256|ed25519-sha256] [--canon H/B]
                  [--length] [--identity I] < MSG
      writes the signed message (dkimpy's DKIM-Signature on top); FILE is
      a PEM RSA key, or for Ed25519 the base64 of the 32-byte seed
"""
import sys

import dkim


def load_dns(path):
    records = {}
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\r\n")
            if not line or line[:1] in (b"#", b";"):
                continue
            name, _, value = line.partition(b" ")
            records[name.rstrip(b".").lower()] = value.strip()
    return records


def verify(dnsfile):
    records = load_dns(dnsfile)

    def dnsfunc(name, timeout=5):
        if isinstance(name, str):
            name = name.encode()
        return records.get(name.rstrip(b".").lower())

    msg = sys.stdin.buffer.read()
    d = dkim.DKIM(msg)
    count = len([h for h in d.headers if h[0].lower() == b"dkim-signature"])
    if count == 0:
        print("fail: no signature")
        return 1
    for i in range(count):
        try:
            ok = d.verify(idx=i, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            print("fail: signature %d: %s" % (i + 1, e))
            return 1
        if not ok:
            print("fail: signature %d did not verify" % (i + 1))
            return 1
    print("pass")
    return 0


def sign(args):
    opts = {"--algo": "rsa-sha256", "--canon": "relaxed/relaxed"}
    flags = set()
    i = 0
    while i < len(args):
        if args[i] == "--length":
            flags.add("--length")
            i += 1
            continue
        opts[args[i]] = args[i + 1]
        i += 2
    with open(opts["--key"], "rb") as f:
        key = f.read().strip()
    header, body = opts["--canon"].encode().split(b"/")
    msg = sys.stdin.buffer.read()
    identity = opts.get("--identity")
    sig = dkim.sign(msg, opts["--selector"].encode(), opts["--domain"].encode(), key,
                    identity=identity.encode() if identity else None,
                    canonicalize=(header, body),
                    signature_algorithm=opts["--algo"].encode(),
                    length="--length" in flags)
    sys.stdout.buffer.write(sig + msg)
    return 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "verify":
        return verify(sys.argv[2])
    if len(sys.argv) >= 2 and sys.argv[1] == "sign":
        return sign(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
