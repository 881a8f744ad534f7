#!/usr/bin/env python3
"""dnscheck_json.py: reads the output of frank dnscheck --json (a file),
checks its shape with Python's json module, and prints the report as frank
dnscheck prints it without --json, so a test can compare the two forms.

Checks: one JSON object and a newline; "domain" a string; "max" 10;
"checks" a list of objects with exactly the keys check, rule, status,
points, text, fix; status pass/warn/fail; points in tenths, 0 for a pass,
negative for a fail, never positive; text one line; fix null or one line;
"score" equal to max(0, 10 + the sum of points).  Exit 1 with a message on
the first check that fails."""
import json
import sys


def fail(msg):
    print("dnscheck_json: " + msg, file=sys.stderr)
    sys.exit(1)


def tenths(x):
    t = round(x * 10)
    if abs(x * 10 - t) > 1e-9:
        fail("%r is not a number of tenths" % x)
    return t


def shown(t):
    return str(t // 10) if t % 10 == 0 else "%d.%d" % (t // 10, t % 10)


def main():
    raw = open(sys.argv[1], encoding="utf-8").read()
    if not raw.endswith("}\n") or raw.count("\n") != 1:
        fail("not one line of JSON")
    doc = json.loads(raw)
    if set(doc) != {"domain", "score", "max", "checks"}:
        fail("members: %s" % sorted(doc))
    if doc["max"] != 10 or not isinstance(doc["domain"], str):
        fail("max or domain")
    lost = 0
    out = []
    for row in doc["checks"]:
        if set(row) != {"check", "rule", "status", "points", "text", "fix"}:
            fail("row members: %s" % sorted(row))
        if row["status"] not in ("pass", "warn", "fail"):
            fail("status %r" % row["status"])
        p = -tenths(row["points"])
        if p < 0 or (row["status"] == "pass" and p) or (row["status"] == "fail" and not p):
            fail("points %r for status %s" % (row["points"], row["status"]))
        for key in ("text", "fix"):
            if row[key] is not None and ("\n" in row[key] or any(ord(c) < 32 for c in row[key])):
                fail("%s is not one line of text" % key)
        lost += p
        line = "%-4s  %-6s  %s" % (row["status"], row["check"], row["text"])
        if p:
            line += " (-%s)" % shown(p)
        out.append(line)
        if row["fix"] is not None:
            out.append(" " * 14 + "fix: " + row["fix"])
    score = max(0, 100 - lost)
    if tenths(doc["score"]) != score:
        fail("score %r, but the rows say %s" % (doc["score"], shown(score)))
    out.append("score: %s/10 for %s" % (shown(score), doc["domain"]))
    sys.stdout.write("\n".join(out) + "\n")


main()
