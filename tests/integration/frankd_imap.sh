#!/bin/sh
# frankd_imap.sh: frankd's IMAP server against real clients on 127.0.0.1:
# Python's imaplib (STARTTLS with the certificate checked, LOGIN and
# AUTHENTICATE PLAIN, LIST, STATUS, SELECT/EXAMINE, FETCH, STORE, SEARCH,
# EXPUNGE, IDLE) and curl imaps://.  Each message fetched must equal its
# Maildir copy byte for byte (hashes); flags must land in the file names;
# UIDs and UIDVALIDITY must stay across sessions and a restart.
. tests/lib.sh
t_tmpdir
t_need curl python3 openssl timeout sha256sum swaks
. tests/integration/frankd.lib

fd_conf "listen 127.0.0.1 0 imap" "listen 127.0.0.1 0 imaps"
fd_start
imap_ports() {
	FD_IMAP=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (imap)$/\1/p' "$FD_LOG")
	FD_IMAPS=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (imaps)$/\1/p' "$FD_LOG")
}
imap_ports
t_check "frankd listens for imap and imaps" test -n "$FD_IMAP" -a -n "$FD_IMAPS"
PW=$(fd_password bob laptop)

# --- bob's folders: three messages by SMTP, one put in cur/ with flags, an Archive
n=1 # not i: frankd.lib's loops use it
for subj in "first by smtp" "second by smtp" "third by smtp"; do
	printf 'From: Alice <alice@alice.test>\nTo: bob@alice.test\nSubject: %s\n\nbody %s\n.dot line\n' \
		"$subj" "$n" >"$T_TMP/m$n.eml"
	timeout 60 swaks --server 127.0.0.1 --port "$FD_SMTP" --from alice@alice.test \
		--to bob@alice.test --data "$T_TMP/m$n.eml" >"$T_TMP/swaks$n.out" 2>&1
	fd_wait_file bob "Subject: $subj" >/dev/null
	n=$((n + 1))
done
M=$FD/mail/bob
sleep 1
printf 'From: carol@carol.test\nSubject: flagged one\n\nno final newline' \
	>"$M/cur/$(($(date +%s) + 5)).M1P1.test:2,FS"
mkdir -p "$M/.Archive/cur" "$M/.Archive/new" "$M/.Archive/tmp"
printf 'Subject: archived\n\nold\n' >"$M/.Archive/cur/1000000000.M1P1.test:2,S"

cat >"$T_TMP/imap.py" <<'EOF'
import hashlib, imaplib, os, socket, ssl, sys, time

port, ca, name, user, pw, maildir, what = sys.argv[1:8]
ctx = ssl.create_default_context(cafile=ca)

class IMAP(imaplib.IMAP4):
    def _create_socket(self, timeout):
        return socket.create_connection(("127.0.0.1", int(port)), 30)
    def starttls_checked(self):
        # imaplib's starttls() would check the certificate against 127.0.0.1
        typ, data = self._simple_command("STARTTLS")
        self.sock = ctx.wrap_socket(self.sock, server_hostname=name)
        self.file = self.sock.makefile("rb")
        self._tls_established = True
        self._get_capabilities()
        return typ

def show(label, x):
    print(label, repr(x))

def err(f, *a):
    try:
        return f(*a)
    except imaplib.IMAP4.error as e:
        return ("ERR", str(e))

def files():
    # base name -> sha256 of the file as IMAP serves it (every line ended)
    out = {}
    for sub in ("new", "cur"):
        for f in os.listdir(os.path.join(maildir, sub)):
            data = open(os.path.join(maildir, sub, f), "rb").read()
            if not data.endswith(b"\n"):
                data += b"\n"
            out[f.split(":")[0]] = (hashlib.sha256(data).hexdigest(), f)
    return out

def connect():
    m = IMAP(name, int(port))
    m.starttls_checked()
    return m

if what == "main":
    m = IMAP(name, int(port))
    show("caps-clear", sorted(m.capabilities))
    show("login-clear", err(m.login, user, pw))
    m.starttls_checked()
    show("caps-tls", sorted(m.capabilities))
    show("login-wrong", err(m.login, user, "wrong" + pw))
    show("login", m.login(user, pw)[0])
    typ, data = m.list()
    show("list", sorted(d.decode() for d in data))
    show("list-pct", m.list('""', "%")[1])
    show("status", m.status("Archive", "(MESSAGES UIDNEXT UNSEEN)")[1][0].decode())
    show("status-missing", m.status("Nope", "(MESSAGES)")[0])
    typ, data = m.select("INBOX")
    show("select", (typ, data[0].decode()))
    show("uidvalidity", m.untagged_responses.get("UIDVALIDITY"))
    typ, data = m.fetch("1:*", "(UID FLAGS RFC822.SIZE)")
    listing = [d.decode() for d in data]
    for line in listing:
        print("meta", line)
    known = files()
    uids = [l.split("UID ")[1].split(" ")[0] for l in listing]
    for uid in uids:
        typ, data = m.uid("FETCH", uid, "(BODY.PEEK[] RFC822.SIZE)")
        body = data[0][1]
        size = int(data[0][0].decode().split("RFC822.SIZE ")[1].split(" ")[0])
        lf = body.replace(b"\r\n", b"\n")
        digest = hashlib.sha256(lf).hexdigest()
        same = any(digest == h for h, f in known.values())
        print("body", uid, same, size == len(body))
    show("peek-keeps-unseen", m.search(None, "UNSEEN")[1][0].decode())
    typ, data = m.fetch("1", "(BODY.PEEK[HEADER])")
    show("header-ends-blank", data[0][1].endswith(b"\r\n\r\n"))
    typ, data = m.fetch("4", "(BODY.PEEK[HEADER.FIELDS (subject FROM)])")
    show("header-fields", data[0])
    typ, data = m.fetch("4", "(BODY.PEEK[HEADER.FIELDS.NOT (Subject)])")
    show("header-fields-not", data[0])
    typ, data = m.fetch("1", "(BODY.PEEK[TEXT]<0.6>)")
    show("text-partial", (data[0][0].decode(), data[0][1]))
    typ, data = m.fetch("2", "(BODY[])")
    show("fetch-sets-seen", data[0][0].decode())
    show("store", m.store("3", "+FLAGS", "(\\Flagged)")[1][0].decode())
    show("store-silent", m.store("3", "-FLAGS.SILENT", "(\\Flagged)"))
    show("store-keyword", err(m.store, "3", "+FLAGS", "(custom)"))
    show("uid-store", m.uid("STORE", uids[0], "+FLAGS", "(\\Answered)")[1][0].decode())
    show("search-unseen", m.search(None, "UNSEEN")[1][0].decode())
    show("search-flagged", m.search(None, "FLAGGED")[1][0].decode())
    show("search-subject", m.search(None, "SUBJECT", '"second by"')[1][0].decode())
    show("search-from", m.search(None, "FROM", "carol")[1][0].decode())
    show("search-body", m.search(None, "BODY", '"body 3"')[1][0].decode())
    show("search-text", m.search(None, "TEXT", "alice@alice.test")[1][0].decode())
    show("search-not-or", m.search(None, "NOT", "OR", "SEEN", "FLAGGED")[1][0].decode())
    show("search-uid", m.uid("SEARCH", "UID", uids[1] + ":" + uids[2])[1][0].decode())
    show("search-larger", m.search(None, "LARGER", "100000")[1][0].decode())
    show("search-since", m.search(None, "SINCE", "1-Jan-2000")[1][0].decode())
    show("search-charset", m.search("UTF-8", "ALL")[1][0].decode())
    show("search-bad", err(m.search, None, "FROB", "x"))
    show("fetch-bad-seq", err(m.fetch, "99", "FLAGS"))
    show("bad-section", err(m.fetch, "1", "BODY[1.X]"))
    m.store("1:2", "+FLAGS", "(\\Deleted)")
    typ, data = m._simple_command("UID", "EXPUNGE", "1")  # imaplib's uid() lacks it
    show("uid-expunge", m._untagged_response(typ, data, "EXPUNGE"))
    m.uid("STORE", "2", "-FLAGS", "(\\Deleted)")
    typ, data = m.expunge()
    show("expunge", (typ, data))
    show("after-expunge", m.select("INBOX")[1][0].decode())
    msg = b"From: bob@alice.test\r\nSubject: appended\r\n\r\n.a dot\r\nbye\r\n"
    show("append", m.append("Archive", "(\\Seen \\Draft)", '"05-Mar-2024 10:00:00 +0100"', msg))
    show("append-missing", err(m.append, "Nope", None, None, msg))
    show("create", m.create("Sent")[0])
    show("create-again", m.create("Sent"))
    show("list-sent", [d.decode() for d in m.list('""', "Sent")[1]])
    typ, data = m.uid("COPY", "2:3", "Sent")
    show("copy", (typ, m.untagged_responses.get("COPYUID"), data))
    show("copy-status", m.status("Sent", "(MESSAGES)")[1][0].decode())
    show("examine", m.select("Archive", readonly=True))
    typ, data = m.fetch("2", "(FLAGS INTERNALDATE BODY.PEEK[])")
    show("appended", (data[0][0].decode(), data[0][1] == msg))
    show("examine-store", err(m.store, "1", "+FLAGS", "(\\Flagged)"))
    show("unselect", m._simple_command("UNSELECT")[0])
    show("logout", m.logout()[0])
elif what == "uids":
    m = connect()
    m.login(user, pw)
    m.select("INBOX")
    print("uidvalidity", m.untagged_responses["UIDVALIDITY"][0].decode())
    typ, data = m.fetch("1:*", "(UID FLAGS)")
    for d in data:
        print(d.decode())
    m.logout()
elif what == "plain":
    m = connect()
    show("authenticate-plain", m.authenticate("PLAIN", lambda _: b"\0" + user.encode() + b"\0" + pw.encode())[0])
    m.logout()
elif what == "idle":
    import smtplib
    smtp_port = int(sys.argv[8])
    m = connect()
    m.login(user, pw)
    typ, data = m.select("INBOX")
    before = int(data[0])
    tag = m._new_tag().decode()
    m.send(("%s IDLE\r\n" % tag).encode())
    show("idle-continuation", m.readline().decode().strip())
    s = smtplib.SMTP("127.0.0.1", smtp_port)
    s.sendmail("alice@alice.test", ["bob@alice.test"], "Subject: while idle\r\n\r\nhi\r\n")
    s.quit()
    start = time.time()
    line = m.readline().decode().strip()
    print("idle-seen-after %.2f s" % (time.time() - start), file=sys.stderr)
    show("idle-exists", line == "* %d EXISTS" % (before + 1))
    m.send(b"DONE\r\n")
    show("idle-done", m.readline().decode().strip())
    m.logout()
EOF

py() { timeout 120 python3 "$T_TMP/imap.py" "$FD_IMAP" "$FD_CERT" "$FD_NAME" bob "$PW" "$M" "$@"; }
py main >"$T_TMP/main.out" 2>&1
out=$T_TMP/main.out
t_contains "imaplib: before TLS, STARTTLS and LOGINDISABLED are announced" "$out" "caps-clear ['CHILDREN', 'CONDSTORE', 'ENABLE', 'ID', 'IDLE', 'IMAP4REV1', 'LITERAL+', 'LOGINDISABLED', 'MOVE', 'NAMESPACE', 'QRESYNC', 'SASL-IR', 'STARTTLS', 'UIDPLUS', 'UNSELECT']"
t_contains "imaplib: LOGIN before TLS is refused" "$out" "[PRIVACYREQUIRED] LOGIN only after STARTTLS"
t_contains "imaplib: after STARTTLS (certificate checked), AUTH=PLAIN, no STARTTLS" "$out" "caps-tls ['AUTH=PLAIN', 'CHILDREN', 'CONDSTORE', 'ENABLE', 'ID', 'IDLE', 'IMAP4REV1', 'LITERAL+', 'MOVE', 'NAMESPACE', 'QRESYNC', 'SASL-IR', 'UIDPLUS', 'UNSELECT']"
t_contains "imaplib: a wrong password fails" "$out" "[AUTHENTICATIONFAILED] Authentication failed"
t_contains "imaplib: LOGIN with the app password" "$out" "login 'OK'"
t_lacks "the log never holds the password" "$FD_LOG" "$PW"
t_contains "imaplib: LIST shows INBOX, Archive and Junk (special use)" "$out" \
	"list ['(\\\\HasNoChildren \\\\Archive) \"/\" \"Archive\"', '(\\\\HasNoChildren \\\\Junk) \"/\" \"Junk\"', '(\\\\HasNoChildren) \"/\" \"INBOX\"']"
t_contains "imaplib: STATUS of Archive" "$out" "status '\"Archive\" (MESSAGES 1 UIDNEXT 2 UNSEEN 0)'"
t_contains "imaplib: STATUS of a folder that is not there" "$out" "status-missing 'NO'"
t_contains "imaplib: SELECT INBOX: 4 messages" "$out" "select ('OK', '4')"
t_check "imaplib: every message fetched (BODY.PEEK[]) equals its Maildir copy (sha256)" \
	test "$(grep -c '^body [0-9]* True True$' "$out")" -eq 4
t_check "imaplib: UIDs 1 to 4 in order of delivery" \
	test "$(sed -n 's/^meta \([0-9]*\) (UID \([0-9]*\) .*/\1:\2/p' "$out" | tr '\n' ' ')" = "1:1 2:2 3:3 4:4 "
t_contains "imaplib: flags come from the file name" "$out" "meta 4 (UID 4 FLAGS (\\Flagged \\Seen)"
t_contains "imaplib: BODY.PEEK leaves messages unseen" "$out" "peek-keeps-unseen '1 2 3'"
t_contains "imaplib: BODY.PEEK[HEADER] ends with the blank line" "$out" "header-ends-blank True"
t_contains "imaplib: BODY[HEADER.FIELDS (subject FROM)]" "$out" \
	"header-fields (b'4 (BODY[HEADER.FIELDS (subject FROM)] {48}', b'From: carol@carol.test\\r\\nSubject: flagged one\\r\\n\\r\\n')"
t_contains "imaplib: BODY[HEADER.FIELDS.NOT (Subject)]" "$out" \
	"header-fields-not (b'4 (BODY[HEADER.FIELDS.NOT (Subject)] {26}', b'From: carol@carol.test\\r\\n\\r\\n')"
t_contains "imaplib: BODY[TEXT]<0.6>" "$out" "text-partial ('1 (BODY[TEXT]<0> {6}', b'body 1')"
t_contains "imaplib: FETCH BODY[] sets \\Seen" "$out" "fetch-sets-seen '2 (FLAGS (\\\\Seen) BODY[] {"
t_contains "imaplib: STORE +FLAGS" "$out" "store '3 (FLAGS (\\\\Flagged))'"
t_contains "imaplib: STORE .SILENT answers nothing" "$out" "store-silent ('OK', [None])"
t_contains "imaplib: a keyword is kept" "$out" "store-keyword ('OK', [b'3 (FLAGS (custom))'])"
t_contains "imaplib: UID STORE answers with the UID" "$out" "uid-store '1 (FLAGS (\\\\Answered) UID 1)'"
t_contains "imaplib: SEARCH UNSEEN" "$out" "search-unseen '1 3'"
t_contains "imaplib: SEARCH FLAGGED" "$out" "search-flagged '4'"
t_contains "imaplib: SEARCH SUBJECT" "$out" "search-subject '2'"
t_contains "imaplib: SEARCH FROM" "$out" "search-from '4'"
t_contains "imaplib: SEARCH BODY" "$out" "search-body '3'"
t_contains "imaplib: SEARCH TEXT (header and body)" "$out" "search-text '1 2 3'"
t_contains "imaplib: SEARCH NOT OR" "$out" "search-not-or '1 3'"
t_contains "imaplib: UID SEARCH UID" "$out" "search-uid '2 3'"
t_contains "imaplib: SEARCH LARGER (none)" "$out" "search-larger ''"
t_contains "imaplib: SEARCH SINCE" "$out" "search-since '1 2 3 4'"
t_contains "imaplib: SEARCH CHARSET UTF-8" "$out" "search-charset '1 2 3 4'"
t_contains "imaplib: an unknown search key is BAD" "$out" "search-bad ('ERR', \"SEARCH command error: BAD [b'Unknown search key']\")"
t_contains "imaplib: a sequence number beyond the folder is BAD" "$out" "Invalid message sequence number"
t_contains "imaplib: a bad section is BAD" "$out" "Bad section: [1.2], [1.2.MIME], [HEADER], [TEXT] or [HEADER.FIELDS (...)] expected"
t_contains "imaplib: UID EXPUNGE removes only the UIDs given" "$out" "uid-expunge ('OK', [b'1'])"
t_contains "imaplib: EXPUNGE: nothing else was \\Deleted" "$out" "expunge ('OK', [None])"
t_contains "imaplib: 3 messages left" "$out" "after-expunge '3'"
t_check "...and its file is gone (UID 1, the first by smtp)" test -z "$(grep -l 'first by smtp' "$M"/cur/* "$M"/new/* 2>/dev/null)"
t_check "flags are in the file names: \\Seen on the second" test -n "$(ls "$M/cur" | grep ':2,S$')"
t_check "...\\Answered and \\Flagged gone from the third (R, no F)" test -z "$(ls "$M/cur" | grep ':2,F$')"
t_contains "imaplib: APPEND with flags and a date answers APPENDUID" "$out" "append ('OK', [b'[APPENDUID "
t_contains "...UID 2 in Archive" "$out" " 2] APPEND done'])"
t_contains "imaplib: APPEND to a folder that is not there: TRYCREATE" "$out" "[TRYCREATE] No such folder"
t_contains "imaplib: CREATE" "$out" "create 'OK'"
t_contains "imaplib: CREATE of a folder that is there" "$out" "create-again ('NO', [b'[ALREADYEXISTS] Folder exists'])"
t_check "...as a Maildir++ folder" test -d "$M/.Sent/cur" -a -d "$M/.Sent/new" -a -d "$M/.Sent/tmp"
t_contains "imaplib: LIST shows it with \\Sent" "$out" "list-sent ['(\\\\HasNoChildren \\\\Sent) \"/\" \"Sent\"']"
t_contains "imaplib: UID COPY answers COPYUID" "$out" "copy ('OK', [b'"
t_contains "...with the UIDs on both sides" "$out" " 2,3 1,2'], [None])"
t_contains "...and the copies are there" "$out" "copy-status '\"Sent\" (MESSAGES 2)'"
t_contains "imaplib: EXAMINE is read-only" "$out" "examine ('OK', [b'2'])"
t_contains "imaplib: the appended message: its flags, date and bytes" "$out" \
	"appended ('2 (FLAGS (\\\\Seen \\\\Draft) INTERNALDATE \"05-Mar-2024 09:00:00 +0000\" BODY[] {56}', True)"
t_check "...stored with LF line ends, flags in its name" test -n "$(ls "$M/.Archive/cur" | grep ':2,DS$')"
t_contains "imaplib: STORE in a read-only folder is refused" "$out" "[READ-ONLY] Folder is read-only"
t_contains "imaplib: UNSELECT" "$out" "unselect 'OK'"
t_contains "imaplib: LOGOUT" "$out" "logout 'BYE'"

py uids >"$T_TMP/uids1" 2>&1
t_contains "UIDs stay in a new session" "$T_TMP/uids1" "1 (UID 2 FLAGS (\\Seen))"
t_contains "...the others too" "$T_TMP/uids1" "3 (UID 4 FLAGS (\\Flagged \\Seen))"
t_check "frankd-uidlist is written beside cur/" grep -q '^frankd-uidlist 2 V[0-9]* N5 M[0-9]* E0$' "$M/frankd-uidlist"
py plain >"$T_TMP/plain.out" 2>&1
t_contains "imaplib: AUTHENTICATE PLAIN" "$T_TMP/plain.out" "authenticate-plain 'OK'"

py idle "$FD_SMTP" >"$T_TMP/idle.out" 2>"$T_TMP/idle.err"
t_contains "IDLE: the continuation" "$T_TMP/idle.out" "idle-continuation '+ idling'"
t_contains "IDLE: a delivery shows as EXISTS" "$T_TMP/idle.out" "idle-exists True"
t_contains "IDLE: DONE ends it" "$T_TMP/idle.out" "OK IDLE done"
echo "# $(cat "$T_TMP/idle.err")"

# --- curl ------------------------------------------------------------------------
f2=$(grep -l 'second by smtp' "$M"/cur/*)
timeout 60 curl -sS --cacert "$FD_CERT" --resolve "$FD_NAME:$FD_IMAPS:127.0.0.1" -u "bob:$PW" \
	"imaps://$FD_NAME:$FD_IMAPS/INBOX;UID=2" >"$T_TMP/curl2" 2>"$T_TMP/curl2.err"
tr -d '\r' <"$T_TMP/curl2" >"$T_TMP/curl2.lf"
t_check "curl imaps: UID 2 equals the Maildir copy" cmp -s "$T_TMP/curl2.lf" "$f2"
timeout 60 curl -sS --cacert "$FD_CERT" --resolve "$FD_NAME:$FD_IMAP:127.0.0.1" -u "bob:$PW" \
	--ssl-reqd "imap://$FD_NAME:$FD_IMAP/INBOX;UID=2" >"$T_TMP/curl-stls" 2>&1
tr -d '\r' <"$T_TMP/curl-stls" >"$T_TMP/curl-stls.lf"
t_check "curl imap:// with STARTTLS: the same" cmp -s "$T_TMP/curl-stls.lf" "$f2"

# --- literals and bad input ----------------------------------------------------------
cat >"$T_TMP/raw.py" <<'EOF'
import socket, ssl, sys
port, ca, name, pw = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(port)), timeout=30), server_hostname=name)
f = s.makefile("rb")
def line():
    return f.readline().decode().rstrip("\r\n")
print(line())
s.sendall(b"a1 LOGIN {3}\r\n")
print(line())
s.sendall(b"bob {%d+}\r\n%s\r\n" % (len(pw), pw.encode()))
print(line())
for data in [b"a2 FROB\r\n", b"a3 NOOP\x00\r\n", b"a4 SELECT \"unterminated\r\n",
             b"a5 SELECT ((((((((((INBOX))))))))))\r\n", b"a6 SELECT ../../etc\r\n",
             b"a7 FETCH 1 FLAGS\r\n", b"a8 LIST \"\" \"\"\r\n"]:
    s.sendall(data)
    out = line()
    while out.startswith("*"):
        out = line()
    print(out)
s.sendall(b"a9 SELECT " + b"x" * 70000 + b"\r\n")
print(line())
EOF
timeout 60 python3 "$T_TMP/raw.py" "$FD_IMAPS" "$FD_CERT" "$FD_NAME" "$PW" >"$T_TMP/raw.out" 2>&1
t_contains "a synchronizing literal gets a continuation" "$T_TMP/raw.out" "+ Ready for literal data"
t_contains "LOGIN with literals (LITERAL+ too)" "$T_TMP/raw.out" "a1 OK [CAPABILITY"
t_contains "an unknown command is BAD" "$T_TMP/raw.out" "a2 BAD Unknown command"
t_contains "a NUL byte is BAD" "$T_TMP/raw.out" "a3 BAD"
t_contains "an unterminated string is BAD" "$T_TMP/raw.out" "a4 BAD Bad quoted string"
t_contains "nesting beyond the limit is BAD" "$T_TMP/raw.out" "a5 BAD Too deeply nested"
t_contains "a folder name with dots is not one" "$T_TMP/raw.out" "a6 NO [NONEXISTENT]"
t_contains "FETCH without a selected folder" "$T_TMP/raw.out" "a7 BAD Command not valid in this state"
t_contains "LIST \"\" \"\" gives the separator" "$T_TMP/raw.out" "a8 OK LIST done"
t_contains "a line of 70000 bytes ends the session" "$T_TMP/raw.out" "* BYE Command too long"

# --- UIDs across a restart ------------------------------------------------------------
fd_stop
fd_start
imap_ports
py uids >"$T_TMP/uids2" 2>&1
t_check "after a restart: the same UIDVALIDITY and UIDs (and the IDLE delivery as UID 5)" \
	test "$(grep -v '^4 ' "$T_TMP/uids2")" = "$(cat "$T_TMP/uids1")"
t_contains "...the message delivered during IDLE has UID 5" "$T_TMP/uids2" "4 (UID 5 FLAGS ())"
fd_stop
t_contains "frankd stops cleanly" "$FD_LOG" "info: stopped"
t_done
