#!/usr/bin/env python3
"""arc_suite_convert.py: turns the ARC test suite (ValiMail's, as kept in
../shared/testdata/arc, see its SOURCE.md) into the cases that
`build/tests/tools/arc_tool suite` runs.

Usage: arc_suite_convert.py OUTDIR VALIDATION.yml

Writes OUTDIR/cases (one case a line: ID, expected cv, zone file, message
file, note; tab-separated), a zone file per YAML document (its
txt-records, RFC 1035 syntax) and a message file per case.  The messages
are LF in the YAML; the files get CRLF, as on the wire.

The signing suite (arc-draft-sign-tests.yml) is not used: frank does not
seal, and the ARC-Seals it expects do not verify once added to their
messages (dkimpy's arc_verify agrees), so they are no validation vectors.

Where the suite, written against a draft, contradicts RFC 8617 (or the
RFCs it builds on), DEVIATIONS gives frank's answer and the heading of
doc/rfc-deviations.md that argues it: the case is run against frank's
answer and its TAP line says so.  A stale entry (a case not found, or
with another expectation) is an error.
"""
import os
import sys

try:
    import yaml
except ImportError:
    sys.exit("arc_suite_convert: python3-yaml is missing (Debian package python3-yaml)")

DOC = "doc/rfc-deviations.md"

# id -> (suite's cv, frank's cv, heading in doc/rfc-deviations.md)
DEVIATIONS = {
    "cv_fail_i1_as_cv_fail": ("", "fail", "ARC: a seal that says cv=fail fails the chain"),
    "cv_fail_i2_as2_fail": ("", "fail", "ARC: a seal that says cv=fail fails the chain"),
    "cv_fail_i2_as1_fail": ("", "fail", "ARC: a seal that says cv=fail fails the chain"),
    "ams_fields_a_sha1": ("pass", "fail", "ARC: rsa-sha1 is refused as in DKIM"),
    "as_fields_a_sha1": ("pass", "fail", "ARC: rsa-sha1 is refused as in DKIM"),
    "ams_fields_h_empty": ("pass", "fail", "ARC: an ARC-Message-Signature's h= is DKIM's"),
    "ams_fields_h_mis_hdr": ("pass", "fail", "ARC: an ARC-Message-Signature's h= is DKIM's"),
}

# The suite writes cv as Pass/Fail/None, and "" where its draft let a
# validator stop without a verdict.
def suite_cv(value):
    return "" if value is None else str(value).strip().lower()


def zone_string(data):
    """One TXT <character-string>, quoted, with RFC 1035 escapes."""
    out = []
    for byte in data:
        ch = chr(byte)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append("\\%03d" % byte)
    return '"' + "".join(out) + '"'


def write_zone(path, records):
    with open(path, "w") as f:
        for name, value in sorted(records.items()):
            # A record of the YAML may be folded over lines: joined, as the
            # strings of a TXT record are.
            data = str(value).replace("\n", "").encode()
            chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
            strings = " ".join(zone_string(c) for c in chunks)
            f.write("%s. 300 IN TXT ( %s )\n" % (name.rstrip("."), strings))


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def write_message(path, text):
    with open(path, "wb") as f:
        f.write(crlf(text))


def validation_cases(outdir, path, seen):
    cases = []
    for n, doc in enumerate(yaml.safe_load_all(open(path))):
        if not doc:
            continue
        zone = os.path.join(outdir, "validation-%d.zone" % n)
        write_zone(zone, doc.get("txt-records") or {})
        for tid, test in doc["tests"].items():
            message = os.path.join(outdir, tid + ".eml")
            write_message(message, test.get("message") or "")
            want = suite_cv(test.get("cv"))
            note = "spec %s" % test.get("spec") if test.get("spec") else ""
            if tid in DEVIATIONS:
                suite, frank, heading = DEVIATIONS[tid]
                if suite != want:
                    sys.exit("arc_suite_convert: stale deviation %s: the suite says %r, not %r"
                             % (tid, want, suite))
                seen.add(tid)
                want = frank
                note = "the suite says %r; frank follows the RFC: %s \"%s\"" % (
                    suite, DOC, heading)
            if want not in ("pass", "fail", "none"):
                sys.exit("arc_suite_convert: %s expects %r and has no deviation entry"
                         % (tid, want))
            cases.append((tid, want, zone, message, note))
    return cases


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    seen = set()
    cases = validation_cases(outdir, sys.argv[2], seen)
    stale = sorted(set(DEVIATIONS) - seen)
    if stale:
        sys.exit("arc_suite_convert: deviations for cases not in the suite: %s" % ", ".join(stale))
    with open(os.path.join(outdir, "cases"), "w") as f:
        for case in cases:
            f.write("\t".join(case) + "\n")
    counts = {}
    for case in cases:
        counts[case[1]] = counts.get(case[1], 0) + 1
    print(" ".join("%s=%d" % kv for kv in sorted(counts.items())))


if __name__ == "__main__":
    main()
