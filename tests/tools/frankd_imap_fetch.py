#!/usr/bin/env python3
"""frankd_imap_fetch.py: FETCH ENVELOPE, BODY, BODYSTRUCTURE and BODY[n]
from frankd, checked against Dovecot and Python's email module.

  frankd_imap_fetch.py gen DIR
      writes the table of messages below into the Maildir DIR (new/), LF
      line ends as delivered mail has them
  frankd_imap_fetch.py compare FD_PORT CA NAME PASSWORD DC_PORT DC_CA
      fetches every message from frankd (bob) and from Dovecot (test) over
      TLS and prints one TAP-like line per check: "ok WHAT" / "not ok WHAT"
      with the two answers under it

Checks, per message: ENVELOPE, BODY and BODYSTRUCTURE equal Dovecot's
(after the documented differences: DIFFERENCES below); every BODY[n] (n
every part number, and n.MIME, n.HEADER, n.TEXT of message/rfc822 parts)
equal to Dovecot's bytes; every leaf part's BODY[n] equal to the payload
Python's email module finds for that part, and a slice of BODY[].
"""
import email
import email.policy
import imaplib
import os
import re
import socket
import ssl
import sys

# One message per case: X-Case names it (the two servers number messages
# in their own order).
CASES = {
    "single": """\
From: Alice Example <alice@alice.test>
To: bob@alice.test
Cc: "Carol, C." <carol@carol.test>, dave@example.org
Subject: A single part
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <single@alice.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Transfer-Encoding: 8bit

Hello Bob,
two lines and a t\xc3\xa9st.
""",
    "alternative": """\
From: alice@alice.test
To: Bob <bob@alice.test>
Subject: Alternative
Date: Mon, 23 Nov 2026 10:01:00 +0000
Message-ID: <alt@alice.test>
In-Reply-To: <single@alice.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-b"

This is a preamble.
--alt-b
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Caf=E9 au lait.
--alt-b
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

<p>Caf=E9 <b>au</b> lait.</p>
--alt-b--
An epilogue.
""",
    "mixed": """\
From: alice@alice.test
To: bob@alice.test
Subject: With an attachment
Date: Mon, 23 Nov 2026 10:02:00 +0000
Message-ID: <mixed@alice.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=mix

--mix
Content-Type: text/plain

See the file.

--mix
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64
Content-ID: <part2@alice.test>
Content-Description: The report
Content-Language: en
Content-Location: http://alice.test/report.pdf

JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURl
Y29kZT4+CnN0cmVhbQp4nDPQM1Qo5ypUMFAw0DOwUjA0MlUoSk3nUgpLLVIoyi9RMFJIzs8tKEot
--mix--
""",
    "nested": """\
From: alice@alice.test
To: bob@alice.test
Subject: Fwd: the original
Date: Mon, 23 Nov 2026 10:03:00 +0000
Message-ID: <nested@alice.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=us-ascii

Forwarding this.
--outer
Content-Type: message/rfc822
Content-Disposition: inline

From: Carol <carol@carol.test>
To: alice@alice.test
Subject: the original
Date: Sun, 22 Nov 2026 09:00:00 +0100
Message-ID: <orig@carol.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain

Original text.
--inner
Content-Type: text/html

<p>Original text.</p>
--inner--
--outer--
""",
    "missing": """\
From: nobody@alice.test

A message with no subject, date, id or MIME header.
""",
    "encoded": """\
From: =?ISO-8859-1?Q?Andr=E9?= Dupont <andre@alice.test>
To: =?UTF-8?B?w4lsb2TDrWU=?= <elodie@alice.test>
Subject: =?UTF-8?Q?Caf=C3=A9_cr=C3=A8me?= and more
Date: Mon, 23 Nov 2026 10:04:00 +0000
Message-ID: <encoded@alice.test>

Encoded words stay as they are in ENVELOPE.
""",
    "groups": """\
From: alice@alice.test
Sender: Mailing list <list@alice.test>
Reply-To: replies@alice.test
To: undisclosed-recipients:;
Cc: Team: a@alice.test, "Bee" <b@carol.test>;, solo@example.org
Bcc: "Quoted \\"name\\"" <q@example.org>
Subject: Groups
Date: Mon, 23 Nov 2026 10:05:00 +0000
Message-ID: <groups@alice.test>

Groups in ENVELOPE.
""",
    "eightbit": """\
From: J\xc3\xbcrgen <juergen@alice.test>
To: bob@alice.test
Subject: Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln
Date: Mon, 23 Nov 2026 10:06:00 +0000
Message-ID: <eightbit@alice.test>
Content-Type: text/plain; charset=utf-8

8-bit header text goes out as a literal.
""",
    "digest": """\
From: list@alice.test
To: bob@alice.test
Subject: Digest
Date: Mon, 23 Nov 2026 10:07:00 +0000
Message-ID: <digest@alice.test>
MIME-Version: 1.0
Content-Type: multipart/digest; boundary="dig"

--dig

From: one@alice.test
Subject: first

First.
--dig

From: two@alice.test
Subject: second

Second.
--dig--
""",
    "folded": """\
From: alice@alice.test,
 bob@alice.test
To: bob@alice.test
Subject: A subject
 folded over two lines
Date: Mon, 23 Nov 2026 10:08:00 +0000
Message-ID:
 <folded@alice.test>
Content-Type: text/plain;
 charset="us-ascii"

Folded header fields.
""",
}

# Where frankd answers differently from Dovecot on purpose, and why; the
# answers are compared after these substitutions on both sides.
# Strings are compared by value: Dovecot sends some as literals ("{31}")
# that frankd quotes (RFC 3501 lets a server choose).
def as_quoted(m):
    text = m.group(2)
    if b"\r" in text or b"\n" in text or any(c >= 0x80 for c in text):
        return m.group(0)
    return b'"' + text.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def literals_quoted(raw):
    out, p = b"", 0
    for m in re.finditer(rb"\{(\d+)\}\r\n", raw):
        if m.start() < p:
            continue
        n = int(m.group(1))
        text = raw[m.end():m.end() + n]
        out += raw[p:m.start()] + as_quoted(re.match(rb"(.{0})(.*)", text, re.S))
        p = m.end() + n
    return out + raw[p:]


DIFFERENCES = []


def gen(directory):
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(directory, sub), exist_ok=True)
    for n, (case, text) in enumerate(sorted(CASES.items())):
        data = text.encode("latin-1")
        data = b"X-Case: " + case.encode() + b"\n" + data
        with open(os.path.join(directory, "new", "1700000%03d.M%dP1.fetchtest" % (n, n)), "wb") as f:
            f.write(data)


def connect(port, ca, name):
    ctx = ssl.create_default_context(cafile=ca)
    if name is None:
        ctx.check_hostname = False  # Dovecot's self-signed test certificate: pinned by the file

    class IMAPS(imaplib.IMAP4_SSL):
        def _create_socket(self, timeout):
            sock = socket.create_connection(("127.0.0.1", int(port)), 60)
            return ctx.wrap_socket(sock, server_hostname=name or "localhost")

    return IMAPS(name or "localhost", int(port), ssl_context=ctx)


def raw_fetch(m, uid, items):
    """The FETCH response of one message as bytes, literals inline as
    {N}CRLF + bytes (imaplib splits them)."""
    typ, data = m.uid("FETCH", uid, items)
    if typ != "OK":
        raise RuntimeError("FETCH %s: %s" % (items, data))
    out = b""
    for part in data:
        if isinstance(part, tuple):
            out += part[0] + b"\r\n" + part[1]
        else:
            out += part
    return out


def items_of(raw):
    """Splits "* n FETCH (A v B v)" -> {A: v} (values raw bytes)."""
    m = re.match(rb"^\d+ \(", raw)
    if not m:
        raise ValueError("not a FETCH answer: %r" % raw[:80])
    p = m.end()
    out = {}
    while p < len(raw) and raw[p:p + 1] != b")":
        name_end = raw.index(b" ", p)
        # a section name may hold spaces inside [...]
        if b"[" in raw[p:name_end] and b"]" not in raw[p:name_end]:
            name_end = raw.index(b" ", raw.index(b"]", p))
        name = raw[p:name_end].decode()
        p = name_end + 1
        start = p
        p = skip_value(raw, p)
        out[name] = raw[start:p]
        if raw[p:p + 1] == b" ":
            p += 1
    return out


def skip_value(raw, p):
    depth = 0
    while True:
        c = raw[p:p + 1]
        if c == b"(":
            depth += 1
            p += 1
        elif c == b")":
            depth -= 1
            p += 1
        elif c == b'"':
            p += 1
            while raw[p:p + 1] != b'"':
                p += 2 if raw[p:p + 1] == b"\\" else 1
            p += 1
        elif c == b"{":
            close = raw.index(b"}", p)
            n = int(raw[p + 1:close])
            p = close + 3 + n
        elif c == b" ":
            p += 1
        else:
            while raw[p:p + 1] not in (b" ", b")", b""):
                p += 1
        if depth == 0 and raw[p:p + 1] in (b" ", b")", b""):
            return p


def literal(value):
    """The bytes of a string value (literal, quoted or NIL)."""
    if value == b"NIL":
        return None
    if value.startswith(b"{"):
        return value[value.index(b"}") + 3:]
    if value.startswith(b'"'):
        return re.sub(rb"\\(.)", rb"\1", value[1:-1])
    raise ValueError(value[:40])


def uids_by_case(m):
    typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (X-Case)])")
    out = {}
    for part in data:
        if isinstance(part, tuple):
            uid = re.search(rb"UID (\d+)", part[0]).group(1).decode()
            case = part[1].decode().split(":", 1)[1].strip()
            out[case] = uid
    return out


def part_numbers(msg, prefix=""):
    """[(number, email part, is_leaf)] as IMAP numbers the parts."""
    out = []
    if msg.is_multipart() and msg.get_content_maintype() == "multipart":
        for i, sub in enumerate(msg.get_payload(), 1):
            n = prefix + str(i)
            out += inner(sub, n)
    else:
        out.append((prefix + "1", msg, True))
    return out


def inner(part, n):
    if part.get_content_type() == "message/rfc822":
        embedded = part.get_payload()[0]
        return [(n, part, False)] + part_numbers(embedded, n + ".")
    if part.get_content_maintype() == "multipart":
        return [(n, part, False)] + [(a, b, c) for a, b, c in part_numbers(part, n + ".")
                                     if a != n + ".1" or b is not part]
    return [(n, part, True)]


class Report:
    def __init__(self):
        self.failed = 0

    def check(self, what, ok, *detail):
        print(("ok " if ok else "not ok ") + what)
        if not ok:
            self.failed += 1
            for d in detail:
                print("#   %r" % (d,))


def compare(fd_port, ca, name, password, dc_port, dc_ca):
    fd = connect(fd_port, ca, name)
    fd.login("bob", password)
    fd.select("INBOX", readonly=True)
    dc = connect(dc_port, dc_ca, None)
    dc.login("test", "Tr0ub4dor-3")
    dc.select("INBOX", readonly=True)
    fd_uids, dc_uids = uids_by_case(fd), uids_by_case(dc)
    r = Report()
    r.check("both servers hold every case", set(fd_uids) == set(dc_uids) == set(CASES),
            sorted(fd_uids), sorted(dc_uids))
    for case in sorted(CASES):
        fu, du = fd_uids.get(case), dc_uids.get(case)
        if not fu or not du:
            continue
        items = "(ENVELOPE BODY BODYSTRUCTURE)"
        f = items_of(raw_fetch(fd, fu, items))
        d = items_of(raw_fetch(dc, du, items))
        for item in ("ENVELOPE", "BODY", "BODYSTRUCTURE"):
            a, b = literals_quoted(f.get(item, b"")), literals_quoted(d.get(item, b""))
            for pattern, repl in DIFFERENCES:
                a, b = re.sub(pattern, repl, a), re.sub(pattern, repl, b)
            r.check("%s: %s is Dovecot's" % (case, item), a == b, a, b)
        whole = literal(items_of(raw_fetch(fd, fu, "(BODY.PEEK[])"))["BODY[]"])
        msg = email.message_from_bytes(whole, policy=email.policy.compat32)
        for n, part, leaf in part_numbers(msg):
            sections = [n] + ([n + ".MIME"] if "." in n or msg.is_multipart() else [])
            if part.get_content_type() == "message/rfc822":
                sections += [n + ".HEADER", n + ".TEXT"]
            for sec in sections:
                key = "BODY[%s]" % sec
                got = literal(items_of(raw_fetch(fd, fu, "(BODY.PEEK[%s])" % sec))[key])
                want = literal(items_of(raw_fetch(dc, du, "(BODY.PEEK[%s])" % sec))[key])
                r.check("%s: %s is Dovecot's" % (case, key), got == want, got, want)
            body = literal(items_of(raw_fetch(fd, fu, "(BODY.PEEK[%s])" % n))["BODY[%s]" % n])
            r.check("%s: BODY[%s] is a slice of BODY[]" % (case, n), body is not None and body in whole)
            if leaf:
                payload = part.get_payload(decode=False).encode("utf-8", "surrogateescape")
                r.check("%s: BODY[%s] is the email module's payload" % (case, n), body == payload,
                        body, payload)
        partial = items_of(raw_fetch(fd, fu, "(BODY.PEEK[1]<2.5>)"))
        dpartial = items_of(raw_fetch(dc, du, "(BODY.PEEK[1]<2.5>)"))
        r.check("%s: BODY[1]<2.5> is Dovecot's" % case, partial == dpartial, partial, dpartial)
    fd.logout()
    dc.logout()
    return 1 if r.failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["gen"]:
        gen(sys.argv[2])
    elif sys.argv[1:2] == ["compare"]:
        sys.exit(compare(*sys.argv[2:8]))
    else:
        sys.exit(__doc__)
