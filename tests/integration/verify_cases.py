#!/usr/bin/env python3
"""verify_cases.py: authheaders' cases (../shared/testdata/dmarc/authheaders,
see its SOURCE.md) end to end through "frank verify --json": the message
files as they are, their DNS answers as a zone file, and the expected
Authentication-Results compared by method results, header.d, header.from
and the policy applied (not authheaders' comment text).

  verify_cases.py FRANK DATA_DIR SCRATCH_DIR

Prints one TAP line ("ok - ..." / "not ok - ...") per check.

Where a case feeds results through "prev" (an Authentication-Results
field authheaders trusted), frank does what a client does: a prev spf=
result is a trusted Authentication-Results field on top of the message
(--trust example.com); prev dkim= results are not taken, frank verifies
the signatures itself, and SOURCE.md says none passes dkimpy's check.
Cases frank deliberately answers otherwise come from dmarc_cases.py's
FRANK_ANSWERS, each argued in doc/rfc-deviations.md.
"""
import json
import os
import re
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
import dmarc_cases  # noqa: E402  (FRANK_ANSWERS: the deliberate deviations)

NOW = "1700000000"
failures = 0


def tap(ok, what, detail=""):
    global failures
    print("%s - %s" % ("ok" if ok else "not ok", what))
    if not ok:
        failures += 1
        for line in str(detail).splitlines():
            print("#   " + line)


def zone_text(dns):
    """The fake resolver's answers as a zone file.  A TXT value becomes a
    record (strings of at most 255 bytes); "" under _dmarc is no record;
    a bare name with a value exists (an A record), one without does not."""
    out = []
    for name, value in dns.items():
        name = name.rstrip(".") + "."
        if name.startswith("_dmarc.") or "._domainkey." in name:
            if not value:
                continue
            quoted = " ".join('"%s"' % value[i:i + 255].replace("\\", "\\\\").replace('"', '\\"')
                              for i in range(0, len(value), 255))
            out.append("%s 300 IN TXT %s" % (name, quoted))
        elif value:
            out.append("%s 300 IN A 192.0.2.1" % name)
    return "\n".join(out) + "\n"


def split_resinfo(value):
    """The resinfo parts of a field body, split at ";" outside comments
    and quoted strings; the first part is the authserv-id."""
    parts, depth, quoted, cur = [], 0, False, ""
    for ch in value:
        if quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    parts.append(cur)
    return [p.strip() for p in parts]


def results_of(field):
    """[(method, result, {ptype.property: value})] of a field."""
    body = field.split(":", 1)[1]
    out = []
    for part in split_resinfo(body)[1:]:
        part = re.sub(r"\([^)]*\)", " ", part)
        words = part.split()
        if not words or "=" not in words[0]:
            continue
        method, result = words[0].split("=", 1)
        props = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        out.append((method.lower(), result.lower(), props))
    return out


def run_frank(frank, zone, msg, trust):
    args = [frank, "verify", "--dns", zone, "--authserv-id", "example.com", "--now", NOW,
            "--json"]
    if trust:
        args += ["--trust", "example.com"]
    p = subprocess.run(args + [msg], capture_output=True, text=True)
    return p, (json.loads(p.stdout) if p.returncode == 0 and p.stdout else None)


def message_for(case, folder, scratch):
    """The message file; with a prev spf= result, a copy with prev on top."""
    path = os.path.join(folder, case["message"])
    prev = case.get("prev", "")
    if "spf=" not in prev:
        return path, False
    copy = os.path.join(scratch, case["id"] + ".eml")
    with open(path, "rb") as src, open(copy, "wb") as dst:
        dst.write(prev.encode() + b"\n" + src.read())
    return copy, True


def check_dkim(case, want, verdict):
    sigs = verdict["dkim"]
    prev_dkim = "dkim=" in case.get("prev", "")
    if prev_dkim:
        # prev's dkim= results are authheaders' inputs, not this message's:
        # its signatures (if any) do not verify, for frank as for dkimpy
        results = [s["result"] + " (" + s["reason"] + ")" for s in sigs]
        tap(all(s["result"] != "pass" for s in sigs),
            "%s: no signature passes frank's own check, as with dkimpy" % case["id"],
            "frank says %s" % results)
        return
    want_dkim = [(r, p.get("header.d")) for m, r, p in want if m == "dkim"]
    got_dkim = [(s["result"], s["domain"]) for s in sigs]
    tap(got_dkim == want_dkim, "%s: dkim results and header.d %s" % (case["id"], want_dkim),
        "frank says %s" % got_dkim)


def check_dmarc(case, want, verdict):
    want_dm = [(r, p) for m, r, p in want if m == "dmarc"]
    if not want_dm:
        return
    result, props = want_dm[0]
    dm = verdict["dmarc"]
    name = case["id"]
    if name in dmarc_cases.FRANK_ANSWERS:
        doc, header = dmarc_cases.FRANK_ANSWERS[name]
        result = [r for m, r, p in results_of(header) if m == "dmarc"][0]
        name += " (frank's answer: %s)" % doc
    tap(dm["result"] == result, "%s: dmarc=%s" % (name, result),
        "frank says %s: %s" % (dm["result"], dm["reason"]))
    from_ = props.get("header.from")
    if from_ and from_ != "none" and result != "permerror":
        tap(dm["author_domain"] == from_.lower(), "%s: header.from=%s" % (name, from_),
            "frank says %s" % dm["author_domain"])
    policy = props.get("policy.dmarc")
    if result in ("pass", "fail") and policy:
        tap(dm["policy"] == policy, "%s: policy.dmarc=%s" % (name, policy),
            "frank says %s" % dm["policy"])


def check_case(frank, zone, folder, scratch, case):
    msg, trust = message_for(case, folder, scratch)
    p, out = run_frank(frank, zone, msg, trust)
    if out is None:
        tap(False, "%s: frank verify runs" % case["id"], p.stderr)
        return
    verdict = out["verdict"]
    want = results_of(case["expected"])
    field = verdict["authentication_results"]
    tap(field.startswith("Authentication-Results: example.com; "),
        "%s: the field carries our authserv-id" % case["id"], field)
    for method, result, props in want:
        if method == "spf":
            tap(verdict["spf"]["result"] == result and
                verdict["spf"]["domain"] == props.get("smtp.mailfrom") and
                verdict["spf"]["source"] == "authentication-results",
                "%s: spf=%s from the trusted field" % (case["id"], result),
                json.dumps(verdict["spf"]))
    check_dkim(case, want, verdict)
    check_dmarc(case, want, verdict)


def main():
    frank, folder, scratch = sys.argv[1:4]
    with open(os.path.join(folder, "authheaders-cases.yml")) as f:
        data = yaml.safe_load(f)
    zone = os.path.join(scratch, "authheaders.zone")
    with open(zone, "w") as f:
        f.write(zone_text(data["dns"]))
    for case in data["cases"]:
        check_case(frank, zone, folder, scratch, case)
    tap(len(data["cases"]) == 13, "authheaders-cases.yml has its 13 cases",
        "%d cases" % len(data["cases"]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
