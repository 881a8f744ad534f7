#!/usr/bin/env python3
"""dmarc_cases.py: turns the shared DMARC YAML test data into the line
format tests/tools/dmarc_check.c reads ("dmarc_check cases FILE").

  dmarc_cases.py authheaders DIR     DIR/authheaders-cases.yml and its messages
  dmarc_cases.py treewalk FILE       dmarcbis-treewalk-examples.yml

It only converts: every expectation comes from the data, except the cases
frank deliberately answers otherwise, listed in FRANK_ANSWERS with the
doc/rfc-deviations.md heading that argues each.

Line format: one item per line, tab-separated, a case ending with "end".
  case ID / method treewalk|psl / authserv ID / from VALUE (%XX escapes)
  prev FIELD / dmarc no / spf RESULT DOMAIN mailfrom|helo
  dkim RESULT D I S ("-" for none)
  dns NAME TYPE answer|nodata|nxdomain|tempfail [DATA]
  expect KEY VALUE
"""
import re
import sys

import yaml

# authheaders' own answers frank does not give, and frank's instead.
FRANK_ANSWERS = {
    "test_authenticate_dmarc_mult_from": (
        "Several From mailboxes are a permerror",
        "Authentication-Results: example.com; "
        "dkim=fail header.d=example.com header.i=@example.com; "
        "dkim=pass header.d=example.org header.i=@example.org; "
        "dmarc=permerror (From holds 2 mailboxes: example.org, example.com)"),
    "test_authenticate_dmarc_mult_from2": (
        "Several From mailboxes are a permerror",
        "Authentication-Results: example.com; "
        "dkim=fail header.d=example.com header.i=@example.com; "
        "dkim=pass header.d=example.org header.i=@example.org; "
        "dmarc=permerror (From holds 2 mailboxes: example.com, example.org)"),
}

# SOURCE.md: "DKIM results were cross-checked with dkimpy 1.1.4:
# test.message_signed and testcomma.message verify (pass)".  Cases that
# run authheaders' own DKIM check take their result from there.
DKIMPY_RESULTS = {"test.message_signed": "pass", "testcomma.message": "pass"}


def esc(value):
    """%XX for the bytes that would break a line or a field."""
    out = []
    for ch in value:
        if ch in "%\t\r\n":
            out.append("%%%02X" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def line(*fields):
    print("\t".join(fields))


def header_fields(path):
    """The header fields of a message file as (name, raw value) pairs."""
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "replace")
    head = re.split(r"\r?\n\r?\n", data, maxsplit=1)[0]
    fields = []
    for ln in re.split(r"(?<=\n)", head):
        if ln[:1] in (" ", "\t") and fields:
            fields[-1][1] += ln
        elif ":" in ln:
            name, value = ln.split(":", 1)
            fields.append([name.strip(), value])
    return [(n, v.rstrip("\r\n")) for n, v in fields]


def dkim_tags(value):
    tags = {}
    for part in value.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            tags[k.strip()] = re.sub(r"\s+", "", v)
    return tags


def dns_lines(dns):
    """authheaders' fake resolver as answers.  TXT names: a string is the
    record, "" a name without one, null NXDOMAIN.  Bare names are its
    existence probe, where its resolver answers A, MX and AAAA alike with
    the value: a value is an existing name (kept as an MX answer), while
    null and "" are no answer at all, which authheaders treats as a name
    that does not exist: NXDOMAIN."""
    for name, value in dns.items():
        name = name.rstrip(".")
        if "._domainkey." in name:
            continue
        if name.startswith("_dmarc."):
            if value is None:
                line("dns", name, "TXT", "nxdomain")
            elif value == "":
                line("dns", name, "TXT", "nodata")
            else:
                line("dns", name, "TXT", "answer", value)
        elif value:
            line("dns", name, "MX", "answer", value)
            line("dns", name, "A", "nodata")
            line("dns", name, "AAAA", "nodata")
        else:
            for qtype in ("A", "AAAA", "MX"):
                line("dns", name, qtype, "nxdomain")


def authheaders_case(case, method, suffix, data, folder):
    opts = case.get("options", {})
    fields = header_fields("%s/%s" % (folder, case["message"]))
    line("case", case["id"] + suffix)
    line("method", method)
    line("authserv", data["authserv_id"])
    for name, value in fields:
        if name.lower() == "from":
            line("from", esc(value))
    if "prev" in case:
        line("prev", case["prev"])
    # authheaders runs its own DKIM check only when prev has no dkim= result
    if opts.get("dkim") and "dkim=" not in case.get("prev", ""):
        for name, value in fields:
            if name.lower() == "dkim-signature":
                t = dkim_tags(value)
                line("dkim", DKIMPY_RESULTS[case["message"]], t["d"], t.get("i", "-"),
                     t.get("s", "-"))
    if not opts.get("dmarc"):
        line("dmarc", "no")
    dns_lines(data["dns"])
    if case["id"] in FRANK_ANSWERS:
        doc, header = FRANK_ANSWERS[case["id"]]
        line("expect", "authres-exact", header)
        line("expect", "result", "permerror")
    else:
        line("expect", "authres-like", case["expected"])
    line("end")


def authheaders(folder):
    with open(folder + "/authheaders-cases.yml") as f:
        data = yaml.safe_load(f)
    for case in data["cases"]:
        bis = case.get("options", {}).get("dmarcbis")
        authheaders_case(case, "treewalk" if bis else "psl", "", data, folder)
        # RFC 7489 cases say the same with the RFC 9989 tree walk
        if not bis and case.get("options", {}).get("dmarc"):
            authheaders_case(case, "treewalk", " (tree walk)", data, folder)
    for raw, domain in data["from_domain_extraction"]:
        line("case", "from_domain_extraction " + raw)
        line("method", "treewalk")
        line("from", esc(raw))
        line("expect", "header-from", domain)
        line("end")


def treewalk(path):
    with open(path) as f:
        data = yaml.safe_load(f)
    for case in data["cases"]:
        line("case", case["id"])
        line("method", "treewalk")
        if "author_domain" in case:
            line("from", "someone@" + case["author_domain"])
        if "mailfrom_domain" in case:
            line("spf", "pass", case["mailfrom_domain"], "mailfrom")
        if "dkim_d" in case:
            line("dkim", "pass", case["dkim_d"], "-", "-")
        for name, record in (case.get("dmarc_records") or {}).items():
            line("dns", "_dmarc." + name, "TXT", "answer", record)
        if "queries" in case:
            line("expect", "author-queries", " ".join(case["queries"]))
        if "queries_for_author_domain" in case:
            line("expect", "author-queries", " ".join(case["queries_for_author_domain"]))
        if "queries_for_dkim_d" in case:
            line("expect", "org-queries",
                 case["dkim_d"] + " " + " ".join(case["queries_for_dkim_d"]))
        org = case.get("org_domain")
        if isinstance(org, dict):
            for domain, od in org.items():
                line("expect", "org", domain + " " + od)
        elif org:
            line("expect", "org", case["identifier"] + " " + org)
        if "policy_domain" in case:
            pd = case["policy_domain"]
            line("expect", "policy-domain", pd if pd else "-")
            if pd is None:
                line("expect", "result", "none")
        for method, state in (case.get("relaxed_alignment") or {}).items():
            line("expect", method + "-aligned", "yes" if state == "aligned" else "no")
        line("end")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "authheaders":
        authheaders(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "treewalk":
        treewalk(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "deviations":
        for doc, _ in FRANK_ANSWERS.values():
            print(doc)
    else:
        sys.exit("usage: dmarc_cases.py authheaders DIR | treewalk FILE | deviations")


if __name__ == "__main__":
    main()
