#!/usr/bin/env python3
"""imap_tool.py PORT COMMAND [ARGS...]: another IMAP client for the sync
tests (Python's imaplib over TLS to 127.0.0.1, user "test", password
"secret"), doing on the server what a test needs and printing results.

Commands:
  flags FOLDER UID                 prints the message's flags, or "gone"
  store FOLDER UID +|- FLAGS       changes flags, e.g. store INBOX 3 + \\Flagged
  expunge FOLDER UID               deletes the message (\\Deleted, EXPUNGE)
  count FOLDER                     prints the number of messages
  uidvalidity FOLDER               prints it
  append FOLDER FILE               appends the file's bytes
  recreate FOLDER                  copies every message out, deletes the
                                   folder, creates it again (a new
                                   UIDVALIDITY) and appends them back
  create FOLDER
  hashes FOLDER                    prints the SHA-256 of every message as
                                   the server serves it (BODY[]), sorted
"""
import hashlib
import imaplib
import re
import ssl
import sys


def connect(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # loopback test server, made by the test
    m = imaplib.IMAP4_SSL("127.0.0.1", int(port), ssl_context=ctx)
    m.login("test", "Tr0ub4dor-3")
    return m


def quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check(res, what):
    if res[0] != "OK":
        sys.exit("imap_tool: %s failed: %r" % (what, res))
    return res[1]


def main():
    port, cmd = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    m = connect(port)
    if cmd == "create":
        check(m.create(quote(args[0])), "create")
    elif cmd == "count":
        print(check(m.select(quote(args[0])), "select")[0].decode())
    elif cmd == "uidvalidity":
        data = check(m.status(quote(args[0]), "(UIDVALIDITY)"), "status")[0].decode()
        print(re.search(r"UIDVALIDITY (\d+)", data).group(1))
    elif cmd == "flags":
        check(m.select(quote(args[0])), "select")
        data = check(m.uid("FETCH", args[1], "(FLAGS)"), "fetch")
        found = [d for d in data if d]
        if not found:
            print("gone")
        else:
            print(re.search(rb"FLAGS \(([^)]*)\)", found[0]).group(1).decode())
    elif cmd == "store":
        check(m.select(quote(args[0])), "select")
        check(m.uid("STORE", args[1], args[2] + "FLAGS", "(" + " ".join(args[3:]) + ")"),
              "store")
    elif cmd == "expunge":
        check(m.select(quote(args[0])), "select")
        check(m.uid("STORE", args[1], "+FLAGS", "(\\Deleted)"), "store")
        check(m.expunge(), "expunge")
    elif cmd == "append":
        with open(args[1], "rb") as f:
            data = f.read()
        check(m.append(quote(args[0]), None, None, data.replace(b"\r\n", b"\n")
                       .replace(b"\n", b"\r\n")), "append")
    elif cmd == "hashes":
        check(m.select(quote(args[0]), readonly=True), "select")
        data = check(m.uid("FETCH", "1:*", "(BODY.PEEK[])"), "fetch")
        sums = [hashlib.sha256(item[1]).hexdigest() for item in data if isinstance(item, tuple)]
        print("\n".join(sorted(sums)))
    elif cmd == "recreate":
        check(m.select(quote(args[0])), "select")
        data = check(m.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])"), "fetch")
        msgs = []
        for item in data:
            if isinstance(item, tuple):
                flags = re.search(rb"FLAGS \(([^)]*)\)", item[0]).group(1).decode()
                flags = " ".join(f for f in flags.split() if f != "\\Recent")
                msgs.append((flags, item[1]))
        m.close()
        check(m.delete(quote(args[0])), "delete")
        check(m.create(quote(args[0])), "create")
        for flags, body in msgs:
            check(m.append(quote(args[0]), "(" + flags + ")", None, body), "append")
        print(len(msgs))
    else:
        sys.exit("imap_tool: unknown command " + cmd)
    m.logout()


if __name__ == "__main__":
    main()
