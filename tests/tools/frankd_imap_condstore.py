#!/usr/bin/env python3
"""frankd_imap_condstore.py: CONDSTORE and QRESYNC (RFC 7162) against an
IMAP server on 127.0.0.1 over TLS, with a raw client (imaplib does not
parse VANISHED or MODSEQ).  Each check prints "ok TEXT" or "not ok TEXT".

  frankd_imap_condstore.py before PORT CA NAME USER PW MAILDIR STATE
      every item of CONDSTORE and QRESYNC; the state for "after" to STATE
  frankd_imap_condstore.py after PORT CA NAME USER PW MAILDIR STATE
      after a restart of the server: modseqs go on increasing
"""
import json, os, re, socket, ssl, sys, time

failures = 0


def check(what, cond, detail=""):
    global failures
    if cond:
        print("ok " + what)
    else:
        failures += 1
        print("not ok " + what)
        if detail:
            for line in str(detail).splitlines()[:20]:
                print("#   " + line)


class Client:
    """One IMAP session: cmd() sends a command, returns (untagged, tagged)."""

    def __init__(self, port, ca, name):
        ctx = ssl.create_default_context(cafile=ca)
        sock = socket.create_connection(("127.0.0.1", int(port)), 30)
        self.s = ctx.wrap_socket(sock, server_hostname=name)
        self.f = self.s.makefile("rb")
        self.n = 0
        self.greeting = self.line()

    def line(self):
        data = self.f.readline()
        if not data:
            raise EOFError("connection closed")
        text = data.decode("utf-8", "replace").rstrip("\r\n")
        m = re.search(r"\{(\d+)\}$", text)
        if m:  # a literal: kept in the line, for the shape only
            text += self.f.read(int(m.group(1))).decode("utf-8", "replace")
            text += self.line()
        return text

    def send(self, text):
        self.s.sendall(text.encode() + b"\r\n")

    def cmd(self, text):
        self.n += 1
        tag = "c%d" % self.n
        self.send(tag + " " + text)
        untagged = []
        while True:
            line = self.line()
            if line.startswith(tag + " "):
                return untagged, line[len(tag) + 1:]
            untagged.append(line)

    def login(self, user, pw):
        return self.cmd('LOGIN "%s" "%s"' % (user, pw))

    def idle_start(self):
        self.n += 1
        self.idle_tag = "c%d" % self.n
        self.send(self.idle_tag + " IDLE")
        return self.line()

    def idle_wait(self, pattern, seconds):
        """Untagged lines until one matches (or the time is up)."""
        self.s.settimeout(seconds)
        got = []
        try:
            while True:
                line = self.line()
                got.append(line)
                if re.search(pattern, line):
                    break
        except (socket.timeout, TimeoutError):
            pass
        self.s.settimeout(30)
        return got

    def idle_done(self):
        self.send("DONE")
        rest = []
        while True:
            line = self.line()
            if line.startswith(self.idle_tag + " "):
                return rest, line
            rest.append(line)

    def close(self):
        try:
            self.cmd("LOGOUT")
        except Exception:
            pass
        self.s.close()


def code(text, name):
    m = re.search(r"\[" + name + r" ([^\]]*)\]", text)
    return m.group(1) if m else None


def codes(lines, name):
    for line in lines:
        v = code(line, name)
        if v is not None:
            return v
    return None


def fetches(lines):
    """{uid: (seq, flags, modseq)} of the untagged FETCH responses."""
    out = {}
    for line in lines:
        m = re.match(r"\* (\d+) FETCH \((.*)\)$", line, re.S)
        if not m:
            continue
        body = m.group(2)
        uid = re.search(r"\bUID (\d+)", body)
        flags = re.search(r"\bFLAGS \(([^)]*)\)", body)
        modseq = re.search(r"\bMODSEQ \((\d+)\)", body)
        out[int(uid.group(1)) if uid else -int(m.group(1))] = (
            int(m.group(1)), flags.group(1) if flags else None,
            int(modseq.group(1)) if modseq else None)
    return out


def status_modseq(c, folder="INBOX"):
    u, t = c.cmd("STATUS %s (HIGHESTMODSEQ MESSAGES)" % folder)
    m = re.search(r"HIGHESTMODSEQ (\d+)", " ".join(u))
    return int(m.group(1)) if m else None


def expand(uidset):
    out = []
    for part in uidset.split(","):
        a, _, b = part.partition(":")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def vanished(lines, earlier):
    out = []
    for line in lines:
        m = re.match(r"\* VANISHED (\(EARLIER\) )?([0-9:,]+)$", line)
        if m and bool(m.group(1)) == earlier:
            out.extend(expand(m.group(2)))
    return sorted(out)


def connect(a):
    c = Client(a.port, a.ca, a.name)
    u, t = c.login(a.user, a.pw)
    if not t.startswith("OK"):
        raise SystemExit("login failed: " + t)
    return c


class Args:
    def __init__(self, argv):
        self.port, self.ca, self.name, self.user, self.pw, self.maildir, self.state = argv


def before(a):
    A = connect(a)
    u, t = A.cmd("CAPABILITY")
    caps = " ".join(u).split()
    check("CONDSTORE and QRESYNC are advertised", "CONDSTORE" in caps and "QRESYNC" in caps, u)

    bases_v1 = json.load(open(os.path.join(a.state + ".v1")))
    u, t = A.cmd("SELECT INBOX (CONDSTORE)")
    ul = [l.split() for l in open(os.path.join(a.maildir, "frankd-uidlist")).read().splitlines()]
    check("a version 1 uidlist is read without loss: the same UIDs and UIDVALIDITY",
          {int(l[0]): l[3] for l in ul[1:]} == {int(k): v for k, v in bases_v1.items()}
          and codes(u, "UIDVALIDITY") == "1700000000", (ul, bases_v1))
    check("and is written again as version 2", ul[0][:2] == ["frankd-uidlist", "2"], ul[0])
    h0 = codes(u + [t], "HIGHESTMODSEQ")
    check("SELECT (CONDSTORE) answers OK [HIGHESTMODSEQ n]", h0 is not None and int(h0) >= 1, u)
    h0 = int(h0 or 0)
    uidvalidity = int(codes(u, "UIDVALIDITY") or 0)
    u, t = A.cmd("FETCH 1:* (UID MODSEQ)")
    f = fetches(u)
    check("FETCH MODSEQ: every message has one, none above HIGHESTMODSEQ",
          len(f) == 10 and all(v[2] and 1 <= v[2] <= h0 for v in f.values()), u)
    u, t = A.cmd("FETCH 1:* (UID) (CHANGEDSINCE %d)" % h0)
    check("FETCH (CHANGEDSINCE highest) finds nothing", not fetches(u) and t.startswith("OK"), (u, t))

    B = connect(a)
    B.cmd("SELECT INBOX")
    u, t = B.cmd("UID STORE 3 +FLAGS (\\Flagged)")
    check("another session's STORE (CONDSTORE off) has no MODSEQ",
          t.startswith("OK") and len(u) == 1 and "MODSEQ" not in u[0] and "\\Flagged" in u[0], u)
    u, t = A.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % h0)
    f = fetches(u)
    check("session A sees B's change by FETCH CHANGEDSINCE, with its new MODSEQ",
          list(f) == [3] and "\\Flagged" in f[3][1] and f[3][2] > h0, u)
    m3 = f.get(3, (0, 0, 0))[2] or 0
    flags3 = f.get(3, (0, "", 0))[1]

    u, t = A.cmd("UID STORE 3 (UNCHANGEDSINCE %d) +FLAGS (\\Seen)" % h0)
    check("STORE UNCHANGEDSINCE on a message changed since: OK [MODIFIED 3]",
          code(t, "MODIFIED") == "3" and t.startswith("OK"), (u, t))
    u, t = A.cmd("UID FETCH 3 (FLAGS MODSEQ)")
    f = fetches(u)
    check("and the message is left as it was",
          3 in f and f[3][1] == flags3 and f[3][2] == m3, (u, t))
    u, t = A.cmd("STORE 1,3 (UNCHANGEDSINCE %d) +FLAGS (\\Answered)" % h0)
    check("STORE by sequence numbers: MODIFIED names the sequence number",
          code(t, "MODIFIED") == "3", (u, t))
    f = fetches(u)
    check("the other message is changed, its FETCH with UID and a new MODSEQ",
          list(f) == [1] and "\\Answered" in f[1][1] and f[1][2] > m3, u)
    m1 = f.get(1, (0, 0, 0))[2] or 0
    u, t = A.cmd("UID STORE 4 (UNCHANGEDSINCE %d) +FLAGS.SILENT ($Four)" % m1)
    f = fetches(u)
    check("STORE .SILENT with UNCHANGEDSINCE still tells the MODSEQ (no FLAGS)",
          list(f) == [4] and f[4][1] is None and f[4][2] > m1 and t.startswith("OK"), (u, t))
    m4 = f.get(4, (0, 0, 0))[2] or 0

    u, t = A.cmd("UID SEARCH MODSEQ %d" % (h0 + 1))
    check("SEARCH MODSEQ: the messages changed since, and (MODSEQ highest)",
          len(u) == 1 and u[0] == "* SEARCH 1 3 4 (MODSEQ %d)" % m4, u)
    u, t = A.cmd('SEARCH MODSEQ "/flags/\\\\draft" all %d' % (m4 + 1))
    check("SEARCH MODSEQ with an entry, nothing found: no (MODSEQ)", u == ["* SEARCH"], u)
    check("STATUS HIGHESTMODSEQ", status_modseq(B) == m4)

    # implicit enable by FETCH MODSEQ, then STORE answers carry MODSEQ
    C = connect(a)
    C.cmd("SELECT INBOX")
    u, t = C.cmd("STORE 5 +FLAGS (\\Draft)")
    check("without CONDSTORE a STORE's FETCH has no MODSEQ", "MODSEQ" not in " ".join(u), u)
    u, t = C.cmd("FETCH 5 (MODSEQ)")
    check("FETCH MODSEQ turns CONDSTORE on", "MODSEQ (" in " ".join(u), u)
    u, t = C.cmd("STORE 5 +FLAGS ($Five)")
    f = fetches(u)
    check("then a STORE's FETCH has UID and MODSEQ", 5 in f and f[5][2] and f[5][2] > m4, u)
    m5 = f.get(5, (0, 0, 0))[2] or 0
    u, t = C.cmd("FETCH 6 (BODY[HEADER.FIELDS (SUBJECT)])")
    f = fetches(u)
    check("a FETCH that sets \\Seen tells FLAGS with UID and MODSEQ",
          6 in f and "\\Seen" in f[6][1] and f[6][2] > m5, u)
    m6 = f.get(6, (0, 0, 0))[2] or 0

    # IDLE: pushes carry MODSEQ
    A.cmd("NOOP")
    A.idle_start()
    B.cmd("UID STORE 7 +FLAGS (\\Flagged)")
    got = A.idle_wait(r"FETCH .*UID 7\b", 5)
    A.idle_done()
    f = fetches(got)
    check("IDLE: another session's change comes with its MODSEQ",
          7 in f and "\\Flagged" in f[7][1] and f[7][2] > m6, got)
    m7 = f.get(7, (0, 0, 0))[2] or 0

    # a keyword new to the folder, made by another session: FLAGS at once
    B.cmd("UID STORE 7 +FLAGS.SILENT ($Brandnew)")
    u, t = A.cmd("NOOP")
    flags = [l for l in u if l.startswith("* FLAGS (")]
    check("another session's new keyword comes as * FLAGS before the next SELECT",
          len(flags) == 1 and "$Brandnew" in flags[0]
          and any("PERMANENTFLAGS" in l and "$Brandnew" in l for l in u)
          and u.index(flags[0]) < min([i for i, l in enumerate(u) if "FETCH" in l] or [99]), u)
    f = fetches(u)
    check("with the FETCH of the message that has it", 7 in f and "$Brandnew" in f[7][1], u)
    m7 = f.get(7, (0, 0, m7))[2] or m7
    u, t = A.cmd("NOOP")
    check("told once", not any(l.startswith("* FLAGS") for l in u), u)

    # a change made outside frankd, straight in the Maildir
    cur = os.path.join(a.maildir, "cur")
    u, t = A.cmd("UID SEARCH UNFLAGGED UNSEEN UNANSWERED UNDRAFT")
    target = int(u[0].split()[2]) if u and len(u[0].split()) > 2 else None
    u, t = A.cmd("UID FETCH %d (UID)" % (target or 0))
    bases = {}
    for d in ("cur", "new"):
        for n in os.listdir(os.path.join(a.maildir, d)):
            bases[n.split(":")[0]] = os.path.join(a.maildir, d, n)
    ul = [l.split() for l in open(os.path.join(a.maildir, "frankd-uidlist")).read().splitlines()[1:]]
    base = [l[3] for l in ul if l[0] == str(target)]
    path = bases.get(base[0]) if base else None
    if path:
        os.rename(path, os.path.join(cur, base[0] + ":2,F"))
    u, t = A.cmd("NOOP")
    f = fetches(u)
    check("a flag set by another program in the Maildir gets a new MODSEQ",
          path and target in f and "\\Flagged" in f[target][1] and f[target][2] > m7, (target, u))
    hx = status_modseq(B)
    check("and HIGHESTMODSEQ grows with it", hx and hx > m7, hx)

    # a delivery (a new file in new/) gets a modseq too
    with open(os.path.join(a.maildir, "tmp", "2000000000.M1P1.test"), "w") as out:
        out.write("From: x@example.org\nSubject: delivered\n\nbody\n")
    os.rename(os.path.join(a.maildir, "tmp", "2000000000.M1P1.test"),
              os.path.join(a.maildir, "new", "2000000000.M1P1.test"))
    u, t = A.cmd("NOOP")
    check("a delivery is seen (EXISTS)", "* 11 EXISTS" in u, u)
    u, t = A.cmd("FETCH 11 (UID MODSEQ)")
    f = fetches(u)
    new_uid = list(f)[0] if f else 0
    check("and has a modseq above everything before", f and f[new_uid][2] > hx, u)
    hd = f[new_uid][2] if f else 0
    msg = "Subject: appended\r\n\r\nhi\r\n"
    u, t = A.cmd('APPEND INBOX (\\Seen) {%d+}\r\n%s' % (len(msg), msg))
    ha = status_modseq(B)
    check("APPEND raises HIGHESTMODSEQ", ha and ha > hd and t.startswith("OK"), (t, ha))
    A.cmd('CREATE Other')
    ho = status_modseq(B, "Other")
    u, t = A.cmd("UID COPY 1 Other")
    ho2 = status_modseq(B, "Other")
    check("COPY into a folder raises its HIGHESTMODSEQ", ho and ho2 and ho2 > ho, (ho, ho2))

    # expunge, seen by QRESYNC later
    before_expunge = status_modseq(B)
    u, t = B.cmd("UID STORE 8,9 +FLAGS.SILENT (\\Deleted)")
    u, t = B.cmd("EXPUNGE")
    check("without QRESYNC, EXPUNGE answers EXPUNGE",
          len([l for l in u if l.endswith(" EXPUNGE")]) == 2 and not vanished(u, False), u)
    D = connect(a)
    u, t = D.cmd("SELECT INBOX (QRESYNC (%d %d))" % (uidvalidity, before_expunge))
    check("SELECT (QRESYNC ...) before ENABLE QRESYNC is BAD", t.startswith("BAD"), t)
    D.cmd("UNSELECT")
    u, t = D.cmd("ENABLE QRESYNC")
    check("ENABLE QRESYNC", u == ["* ENABLED QRESYNC"] and t.startswith("OK"), u)
    u, t = D.cmd("SELECT INBOX (QRESYNC (%d %d))" % (uidvalidity, before_expunge))
    check("QRESYNC SELECT after an expunge: VANISHED (EARLIER) with exactly the expunged UIDs",
          vanished(u, True) == [8, 9], u)
    check("and no FETCH (nothing else changed since)", not fetches(u) and t.startswith("OK"), u)
    u, t = D.cmd("SELECT INBOX (QRESYNC (%d %d 1:7))" % (uidvalidity, before_expunge))
    check("switching folders says [CLOSED]", any("[CLOSED]" in l for l in u), u)
    check("known-uids 1:7 leaves 8 and 9 out", not vanished(u, True), u)
    u, t = D.cmd("SELECT INBOX (QRESYNC (%d %d))" % (uidvalidity, h0))
    f = fetches(u)
    check("QRESYNC from an older modseq: the changed messages' FETCH with UID FLAGS MODSEQ",
          {1, 3, 4, 5, 6, 7, new_uid} <= set(f) and (target in f or target in (8, 9))
          and all(v[2] > h0 for v in f.values())
          and vanished(u, True) == [8, 9], u)
    u, t = D.cmd("SELECT INBOX (QRESYNC (%d %d))" % (uidvalidity + 1, h0))
    check("QRESYNC with another UIDVALIDITY: no VANISHED, no FETCH",
          not vanished(u, True) and not fetches(u) and t.startswith("OK"), u)
    hq = status_modseq(B)
    u, t = D.cmd("UID STORE 10 +FLAGS.SILENT (\\Deleted)")
    u, t = D.cmd("UID EXPUNGE 10")
    check("with QRESYNC, UID EXPUNGE answers VANISHED", vanished(u, False) == [10]
          and not any(l.endswith("EXPUNGE") for l in u), u)
    u, t = D.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % before_expunge)
    check("UID FETCH (CHANGEDSINCE n VANISHED): VANISHED (EARLIER) of those expunged since",
          vanished(u, True) == [8, 9, 10], u)
    u, t = D.cmd("FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")
    check("VANISHED without UID is BAD", t.startswith("BAD"), t)
    u, t = D.cmd("UID FETCH 1:* (FLAGS) (VANISHED)")
    check("VANISHED without CHANGEDSINCE is BAD", t.startswith("BAD"), t)
    A.idle_start()
    B.cmd("UID STORE 1 +FLAGS.SILENT (\\Deleted)")
    B.cmd("UID EXPUNGE 1")
    D.idle_start()
    got = D.idle_wait(r"VANISHED", 5)
    D.idle_done()
    A.idle_done()
    check("IDLE with QRESYNC: an expunge by another session comes as VANISHED",
          vanished(got, False) == [1] and not any(l.endswith("EXPUNGE") for l in got), got)
    u, t = D.cmd("UID MOVE 2 Other")
    check("MOVE with QRESYNC: VANISHED for the original", vanished(u, False) == [2], u)

    json.dump({"highest": status_modseq(B), "uidvalidity": uidvalidity},
              open(a.state, "w"))
    for c in (A, B, C, D):
        c.close()


def after(a):
    state = json.load(open(a.state))
    A = connect(a)
    u, t = A.cmd("SELECT INBOX (CONDSTORE)")
    h = int(codes(u + [t], "HIGHESTMODSEQ") or 0)
    check("after a restart: the same HIGHESTMODSEQ", h == state["highest"], (h, state))
    check("and the same UIDVALIDITY", int(codes(u, "UIDVALIDITY") or 0) == state["uidvalidity"])
    u, t = A.cmd("STORE 1 +FLAGS ($Restarted)")
    f = fetches(u)
    check("a change after the restart gets a modseq above those before",
          f and list(f.values())[0][2] > state["highest"], u)
    A.close()

    # The list of the expunged is bounded: as if it had dropped them all
    # (E at the highest modseq), a client from before is told every UID
    # that is not there.
    path = os.path.join(a.maildir, "frankd-uidlist")
    lines = open(path).read().splitlines()
    head = lines[0].split()
    highest = int(head[4][1:])
    head[5] = "E%d" % highest
    entries = [l for l in lines[1:] if not l.startswith("-")]
    with open(path + ".new", "w") as out:
        out.write(" ".join(head) + "\n" + "".join(l + "\n" for l in entries))
    os.rename(path + ".new", path)
    present = {int(l.split()[0]) for l in entries}
    uidnext = int(head[3][1:])
    absent = [x for x in range(1, uidnext) if x not in present]
    D = connect(a)
    D.cmd("ENABLE QRESYNC")
    u, t = D.cmd("SELECT INBOX (QRESYNC (%d %d))" % (state["uidvalidity"], highest - 1))
    check("QRESYNC from before the expunged kept: every UID not there",
          vanished(u, True) == absent and t.startswith("OK"), (absent, u))
    u, t = D.cmd("SELECT INBOX (QRESYNC (%d %d 2:5))" % (state["uidvalidity"], highest - 1))
    check("within known-uids only", vanished(u, True) == [x for x in absent if 2 <= x <= 5], u)
    u, t = D.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % (highest - 1))
    check("UID FETCH VANISHED the same", vanished(u, True) == absent, u)
    u, t = D.cmd("SELECT INBOX (QRESYNC (%d %d))" % (state["uidvalidity"], highest))
    check("QRESYNC from the modseq of the last dropped: nothing vanished", not vanished(u, True), u)
    D.close()


def facts(port, ca, name, user, pw):
    """The same script on a server with ten messages in INBOX: what each
    step answered, as facts that do not depend on the server's numbering
    (messages by their first sequence number, modseqs by order)."""
    out = []

    def conn():
        c = Client(port, ca, name)
        u, t = c.login(user, pw)
        if not t.startswith("OK"):
            raise SystemExit("login failed: " + t)
        return c

    A, B = conn(), conn()
    u, t = A.cmd("ENABLE QRESYNC")
    out.append(("ENABLE QRESYNC", u))
    u, t = A.cmd("SELECT INBOX (CONDSTORE)")
    h0 = int(codes(u + [t], "HIGHESTMODSEQ") or 0)
    uidvalidity = codes(u, "UIDVALIDITY")
    out.append(("SELECT (CONDSTORE) has HIGHESTMODSEQ", h0 > 0))
    u, t = A.cmd("FETCH 1:* (UID)")
    seq = {uid: v[0] for uid, v in fetches(u).items()}  # UID -> first sequence number
    uid_of = {v: k for k, v in seq.items()}

    def seqs(uids):  # a message told twice (unsolicited, then asked for) counts once
        return sorted(set(seq.get(x, -x) for x in uids))

    B.cmd("SELECT INBOX")
    u, t = B.cmd("STORE 3 +FLAGS (\\Flagged)")
    out.append(("a STORE without CONDSTORE: MODSEQ in its FETCH", "MODSEQ" in " ".join(u)))
    u, t = A.cmd("FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % h0)
    f = fetches(u)
    out.append(("FETCH CHANGEDSINCE: the messages", seqs(f)))
    out.append(("FETCH CHANGEDSINCE: each with MODSEQ above", all(v[2] and v[2] > h0 for v in f.values())))
    m3 = max([v[2] or 0 for v in f.values()] or [0])
    u, t = A.cmd("STORE 3,5 (UNCHANGEDSINCE %d) +FLAGS (\\Answered)" % h0)
    out.append(("STORE UNCHANGEDSINCE: MODIFIED", code(t, "MODIFIED")))
    out.append(("STORE UNCHANGEDSINCE: status", t.split()[0]))
    f = fetches(u)
    out.append(("STORE UNCHANGEDSINCE: the FETCH of the changed one", seqs(f)))
    out.append(("its modseq is above", all(v[2] and v[2] > m3 for v in f.values())))
    u, t = A.cmd("FETCH 4 (MODSEQ)")
    m4 = list(fetches(u).values())[0][2]
    u, t = A.cmd("STORE 4 (UNCHANGEDSINCE %d) +FLAGS.SILENT ($Four)" % m4)
    f = fetches(u)
    out.append(("STORE .SILENT UNCHANGEDSINCE: FETCH told", seqs(f)))
    out.append(("with FLAGS", any(v[1] is not None for v in f.values())))
    out.append(("with MODSEQ", all(v[2] for v in f.values())))
    u, t = A.cmd("SEARCH MODSEQ %d" % (h0 + 1))
    words = u[0].split() if u else []
    out.append(("SEARCH MODSEQ: found", sorted(int(w) for w in words[2:] if w.isdigit())))
    out.append(("SEARCH MODSEQ: ends with (MODSEQ n)", bool(re.search(r"\(MODSEQ \d+\)$", u[0] if u else ""))))
    u, t = A.cmd("SEARCH MODSEQ %d" % (h0 + 1000))
    out.append(("SEARCH MODSEQ, nothing found", u))
    u, t = B.cmd("STORE 6,7 +FLAGS.SILENT (\\Deleted)")
    u, t = B.cmd("EXPUNGE")
    out.append(("EXPUNGE without QRESYNC", [l for l in u if "EXPUNGE" in l]))
    u, t = A.cmd("NOOP")
    out.append(("NOOP with QRESYNC: VANISHED", seqs(vanished(u, False))))
    out.append(("NOOP with QRESYNC: no EXPUNGE", not any(l.endswith("EXPUNGE") for l in u)))
    u, t = A.cmd("SELECT INBOX (QRESYNC (%s %d))" % (uidvalidity, h0))
    out.append(("SELECT QRESYNC: [CLOSED] first", bool(u and "[CLOSED]" in u[0])))
    out.append(("SELECT QRESYNC: VANISHED (EARLIER)", seqs(vanished(u, True))))
    f = fetches(u)
    out.append(("SELECT QRESYNC: FETCH of the changed", seqs(f)))
    out.append(("SELECT QRESYNC: with UID, FLAGS and MODSEQ", all(v[1] is not None and v[2] for v in f.values())))
    u, t = A.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % h0)
    out.append(("UID FETCH CHANGEDSINCE VANISHED: VANISHED (EARLIER)", seqs(vanished(u, True))))
    out.append(("UID FETCH CHANGEDSINCE VANISHED: FETCH", seqs(fetches(u))))
    u, t = A.cmd("FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)")
    out.append(("FETCH (not UID) with VANISHED", t.split()[0]))
    u, t = A.cmd("UID STORE %d +FLAGS.SILENT (\\Deleted)" % uid_of[8])
    u, t = A.cmd("UID EXPUNGE %d" % uid_of[8])
    out.append(("UID EXPUNGE with QRESYNC", seqs(vanished(u, False))))
    u, t = A.cmd("STORE 1 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)")
    out.append(("UNCHANGEDSINCE 0", code(t, "MODIFIED")))
    A.close()
    B.close()
    return out


def compare(argv):
    """compare PORT CA NAME USER PW  DPORT DCA DNAME DUSER DPW"""
    ours = facts(*argv[0:5])
    theirs = facts(*argv[5:10])
    for (label, x), (_, y) in zip(ours, theirs):
        check("as Dovecot: %s: %r" % (label, x), x == y, "frankd %r\nDovecot %r" % (x, y))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "compare":
        compare(sys.argv[2:12])
    else:
        a = Args(sys.argv[2:9])
        {"before": before, "after": after}[mode](a)
    sys.exit(1 if failures else 0)
