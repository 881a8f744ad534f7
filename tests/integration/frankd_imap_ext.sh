#!/bin/sh
# frankd_imap_ext.sh: the IMAP extensions and folder commands of frankd
# against Python's imaplib over imaps on 127.0.0.1: DELETE, RENAME (INBOX
# too), SUBSCRIBE/UNSUBSCRIBE/LSUB, NAMESPACE, ID, ENABLE, MOVE and UID
# MOVE.  Asserts on the server's replies and on the Maildir files: moved
# bytes are in the target and gone from the source, renamed folders'
# files moved, the subscriptions file written.
. tests/lib.sh
t_tmpdir
t_need python3 timeout sha256sum
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib

fd_imaps_start "limit errors 100"
PW=$(fd_password bob ext)
M=$FD/mail/bob
mkdir -p "$M/new" "$M/cur" "$M/tmp"
for n in 1 2 3 4; do
	printf 'From: alice@alice.test\nSubject: msg %s\n\nbody %s\n' "$n" "$n" \
		>"$M/cur/170000000$n.M${n}P1.test:2,S"
done
sha256sum "$M"/cur/* | cut -d' ' -f1 | sort >"$T_TMP/inbox.sha"

cat >"$T_TMP/ext.py" <<'EOF'
import imaplib, sys
from frankd_imaps import connect, err, show

port, ca, name, user, pw, what = sys.argv[1:7]
# imaplib knows commands by name and state
imaplib.Commands.update(ID=("NONAUTH", "AUTH", "SELECTED"), ENABLE=("AUTH", "SELECTED"),
                        MOVE=("SELECTED",))

m = connect(port, ca, name)
m.login(user, pw)
if what == "folders":
    show("caps", sorted(m.capabilities))
    show("namespace", m.namespace())
    typ, data = m._simple_command("ID", '("name" "ext.py" "version" "1")')
    show("id", m._untagged_response(typ, data, "ID"))
    show("id-nil", m._simple_command("ID", "NIL")[0])
    show("id-bad", err(m._simple_command, "ID", "foo"))
    typ, data = m._simple_command("ENABLE", "FOOBAR")
    show("enable", (typ, m.untagged_responses.pop("ENABLED", None)))
    show("create", [m.create(f)[0] for f in ("Work", "Work/Old", "Trash")])
    show("lsub-all", sorted(d.decode() for d in m.lsub()[1]))
    show("unsubscribe", m.unsubscribe("Trash"))
    show("unsubscribe-again", m.unsubscribe("Trash"))
    show("subscribe-missing", m.subscribe("Nope"))
    show("lsub-after", sorted(d.decode() for d in m.lsub()[1]))
    show("subscribe", m.subscribe("Trash")[0])
    m.unsubscribe("Work/Old")
    show("lsub-pattern", sorted(d.decode() for d in m.lsub('""', "W*")[1]))
    m.select("INBOX")
    typ, data = m.uid("MOVE", "2:3", "Work")
    show("uid-move", (typ, data))
    show("move-copyuid", m.untagged_responses.get("COPYUID"))
    show("move-expunge", m.untagged_responses.get("EXPUNGE"))
    m.untagged_responses.clear()
    typ, data = m._simple_command("MOVE", "1", "Work/Old")
    show("move", (typ, m.untagged_responses.get("EXPUNGE")))
    show("move-missing", m._simple_command("MOVE", "1", "Nope"))
    show("move-bad-seq", err(m._simple_command, "MOVE", "9", "Work"))
    show("inbox-left", m.select("INBOX")[1])
    show("status-work", m.status("Work", "(MESSAGES UIDNEXT)")[1][0].decode())
    show("delete-inbox", m.delete("INBOX"))
    show("delete-missing", m.delete("Nope"))
    m.select("Trash")
    show("delete-selected", m.delete("Trash"))
    m.unselect()
    show("delete", m.delete("Trash")[0])
    show("rename", m.rename("Work", "Job")[0])
    show("rename-taken", m.rename("Job", "Job/Old"))
    show("rename-missing", m.rename("Nope", "Other"))
    show("rename-to-inbox", m.rename("Job", "INBOX"))
    show("list", sorted(d.decode() for d in m.list()[1]))
    show("lsub-renamed", sorted(d.decode() for d in m.lsub()[1]))
    show("rename-inbox", m.rename("INBOX", "Saved")[0])
    show("inbox-after", m.select("INBOX")[1])
    show("saved", m.select("Saved")[1])
elif what == "keywords":
    typ, data = m.select("Job")
    show("flags", m.untagged_responses.get("FLAGS"))
    show("permanentflags", m.untagged_responses.get("PERMANENTFLAGS"))
    show("store-kw", m.store("1", "+FLAGS", "($Junk $Forwarded)")[1])
    show("store-kw2", m.uid("STORE", "2", "+FLAGS", "(\\Flagged custom $junk)")[1])
    show("flags-after", m.untagged_responses.get("FLAGS"))
    show("fetch", m.fetch("1:2", "(UID FLAGS)")[1])
    show("search-kw", m.search(None, "KEYWORD", "$Junk")[1])
    show("search-unkw", m.search(None, "UNKEYWORD", "$Forwarded")[1])
    show("search-kw-none", m.search(None, "KEYWORD", "never")[1])
    show("store-minus", m.store("1", "-FLAGS", "($Forwarded)")[1])
    show("store-bad", err(m.store, "1", "+FLAGS", "(\\Frob)"))
    show("store-bad-atom", err(m.store, "1", "+FLAGS", "(a]b)"))
    m.uid("COPY", "2", "INBOX")
    show("append-kw", m.append("INBOX", "(\\Seen $Forwarded)", None, b"Subject: kw\r\n\r\nx\r\n")[0])
    m.select("INBOX")
    show("copied-kw", m.fetch("1:2", "(FLAGS)")[1])
elif what == "keywords-again":
    m.select("Job")
    show("fetch-again", m.fetch("1:2", "(FLAGS)")[1])
    show("select-flags", m.untagged_responses.get("FLAGS"))
elif what == "readonly":
    m.select("Job", readonly=True)
    show("move-readonly", m._simple_command("MOVE", "1", "INBOX"))
    show("enable-selected", err(m._simple_command, "ENABLE", "CONDSTORE"))
m.logout()
EOF
py() { timeout 120 python3 "$T_TMP/ext.py" "$FD_IMAPS" "$FD_CERT" "$FD_NAME" bob "$PW" "$@"; }
py folders >"$T_TMP/f.out" 2>&1
out=$T_TMP/f.out
t_contains "CAPABILITY names NAMESPACE ID ENABLE MOVE" "$out" "'CHILDREN', 'CONDSTORE', 'ENABLE', 'ID', 'IDLE', 'IMAP4REV1', 'LITERAL+', 'MOVE', 'NAMESPACE'"
t_contains "NAMESPACE: one personal namespace, / between levels" "$out" "namespace ('OK', [b'((\"\" \"/\")) NIL NIL'])"
t_contains "ID answers frankd's name and version" "$out" "id ('OK', [b'(\"name\" \"frankd\" \"version\" \"$(./frankd --version | cut -d' ' -f2)\")'])"
t_contains "ID NIL" "$out" "id-nil 'OK'"
t_contains "ID with a bad argument is BAD" "$out" "id-bad ('ERR', 'ID command error: BAD [b\\'Syntax: ID"
t_contains "ENABLE of an unknown extension enables nothing" "$out" "enable ('OK', [b''])"
t_contains "CREATE of three folders" "$out" "create ['OK', 'OK', 'OK']"
t_contains "LSUB before any SUBSCRIBE: every folder" "$out" \
	"lsub-all ['(\\\\HasChildren) \"/\" \"Work\"', '(\\\\HasNoChildren \\\\Junk) \"/\" \"Junk\"', '(\\\\HasNoChildren \\\\Trash) \"/\" \"Trash\"', '(\\\\HasNoChildren) \"/\" \"INBOX\"', '(\\\\HasNoChildren) \"/\" \"Work/Old\"']"
t_contains "UNSUBSCRIBE" "$out" "unsubscribe ('OK', [b'UNSUBSCRIBE done'])"
t_contains "UNSUBSCRIBE of a name not subscribed is NO" "$out" "unsubscribe-again ('NO', [b'[NONEXISTENT] Not subscribed'])"
t_contains "SUBSCRIBE of a folder that is not there is NO" "$out" "subscribe-missing ('NO', [b'[NONEXISTENT] No such folder'])"
t_contains "LSUB lists the subscribed ones only" "$out" \
	"lsub-after ['(\\\\HasChildren) \"/\" \"Work\"', '(\\\\HasNoChildren \\\\Junk) \"/\" \"Junk\"', '(\\\\HasNoChildren) \"/\" \"INBOX\"', '(\\\\HasNoChildren) \"/\" \"Work/Old\"']"
t_contains "LSUB with a pattern" "$out" "lsub-pattern ['(\\\\HasChildren) \"/\" \"Work\"']"
# (read at the end: Work was renamed Job since)
t_check "the subscriptions file holds the names, one a line" \
	test "$(cat "$M/frankd-subscriptions")" = "$(printf 'frankd-subscriptions 1\nINBOX\nJunk\nJob\nTrash')"
t_contains "UID MOVE: tagged OK" "$out" "uid-move ('OK', [None])"
t_contains "...with COPYUID in an untagged OK" "$out" "move-copyuid [b'"
t_contains "...the UIDs on both sides" "$out" " 2,3 1,2']"
t_contains "...and EXPUNGE for both" "$out" "move-expunge [b'3', b'2']"
t_contains "MOVE by sequence number" "$out" "move ('OK', [b'1'])"
t_contains "MOVE to a folder that is not there: TRYCREATE" "$out" "move-missing ('NO', [b'[TRYCREATE] No such folder'])"
t_contains "MOVE of a number beyond the folder is BAD" "$out" "move-bad-seq ('ERR'"
t_contains "one message left in INBOX" "$out" "inbox-left [b'1']"
t_contains "two in Work" "$out" "status-work '\"Work\" (MESSAGES 2 UIDNEXT 3)'"
t_contains "DELETE INBOX is NO" "$out" "delete-inbox ('NO', [b'[CANNOT] INBOX cannot be deleted'])"
t_contains "DELETE of a folder that is not there is NO" "$out" "delete-missing ('NO', [b'[NONEXISTENT] No such folder'])"
t_contains "DELETE of the selected folder is NO" "$out" "delete-selected ('NO', [b'[INUSE]"
t_contains "DELETE" "$out" "delete 'OK'"
t_check "...its Maildir folder is gone" test ! -e "$M/.Trash"
t_check "...nothing left behind" test -z "$(ls -a "$M" | grep deleted)"
t_contains "RENAME Work to Job" "$out" "rename 'OK'"
t_contains "RENAME onto a folder that is there is NO" "$out" "rename-taken ('NO', [b'[ALREADYEXISTS]"
t_contains "RENAME of a folder that is not there is NO" "$out" "rename-missing ('NO', [b'[NONEXISTENT]"
t_contains "RENAME to INBOX is NO" "$out" "rename-to-inbox ('NO', [b'[CANNOT]"
t_contains "LIST after: Job and its child Job/Old" "$out" \
	"list ['(\\\\HasChildren) \"/\" \"Job\"', '(\\\\HasNoChildren \\\\Junk) \"/\" \"Junk\"', '(\\\\HasNoChildren) \"/\" \"INBOX\"', '(\\\\HasNoChildren) \"/\" \"Job/Old\"']"
t_contains "...the subscription follows it (Trash was deleted)" "$out" \
	"lsub-renamed ['(\\\\HasChildren) \"/\" \"Job\"', '(\\\\HasNoChildren \\\\Junk) \"/\" \"Junk\"', '(\\\\HasNoChildren) \"/\" \"INBOX\"', '(\\\\Noselect \\\\Trash) \"/\" \"Trash\"']"
t_check "...the Maildir folders were renamed, child too" test -d "$M/.Job/cur" -a -d "$M/.Job.Old/cur" -a ! -e "$M/.Work" -a ! -e "$M/.Work.Old"
t_contains "RENAME INBOX" "$out" "rename-inbox 'OK'"
t_contains "...INBOX stays, empty" "$out" "inbox-after [b'0']"
t_contains "...its message is in the new folder" "$out" "saved [b'1']"
t_check "moved and renamed: every message's bytes are in a folder, once" \
	test "$(sha256sum "$M"/.Job/cur/* "$M"/.Job.Old/cur/* "$M"/.Saved/cur/* | cut -d' ' -f1 | sort)" = "$(cat "$T_TMP/inbox.sha")"
t_check "...none left in INBOX" test -z "$(ls "$M/cur"; ls "$M/new")"
t_check "...Job holds msg 2 and 3" test "$(cat "$M"/.Job/cur/* | grep -c '^Subject: msg [23]$')" -eq 2
t_check "...Job/Old holds msg 1" grep -q '^Subject: msg 1$' "$M"/.Job.Old/cur/*
t_check "...Saved holds msg 4" grep -q '^Subject: msg 4$' "$M"/.Saved/cur/*

# --- keywords ------------------------------------------------------------------
py keywords >"$T_TMP/k.out" 2>&1
out=$T_TMP/k.out
t_contains "SELECT: FLAGS are the system flags while there are no keywords" "$out" \
	"flags [b'(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft)']"
t_contains "SELECT: PERMANENTFLAGS has \\*" "$out" \
	"permanentflags [b'(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft \\\\*)']"
t_contains "STORE +FLAGS with keywords" "$out" "store-kw [b'1 (FLAGS (\\\\Seen \$Junk \$Forwarded))']"
t_contains "UID STORE: a keyword in another case is the same" "$out" \
	"store-kw2 [b'2 (FLAGS (\\\\Flagged \\\\Seen \$Junk custom) UID 2)']"
t_contains "new keywords are told in FLAGS" "$out" \
	"\$Junk \$Forwarded custom)']"
t_contains "FETCH FLAGS returns them" "$out" \
	"fetch [b'1 (UID 1 FLAGS (\\\\Seen \$Junk \$Forwarded))', b'2 (UID 2 FLAGS (\\\\Flagged \\\\Seen \$Junk custom))']"
t_contains "SEARCH KEYWORD" "$out" "search-kw [b'1 2']"
t_contains "SEARCH UNKEYWORD" "$out" "search-unkw [b'2']"
t_contains "SEARCH KEYWORD of one never set" "$out" "search-kw-none [b'']"
t_contains "STORE -FLAGS of a keyword" "$out" "store-minus [b'1 (FLAGS (\\\\Seen \$Junk))']"
t_contains "an unknown \\ flag is BAD" "$out" "store-bad ('ERR'"
t_contains "a keyword that is not an atom is BAD" "$out" "store-bad-atom ('ERR'"
t_contains "COPY and APPEND keep keywords, by name" "$out" \
	"copied-kw [b'1 (FLAGS (\\\\Flagged \\\\Seen \$Junk custom))', b'2 (FLAGS (\\\\Seen \$Forwarded))']"
t_check "...the target folder has its own letters for them" \
	test "$(cat "$M/frankd-keywords")" = "$(printf 'frankd-keywords 1\n$Junk\ncustom\n$Forwarded')"
t_check "the folder's keywords file names the letters" \
	test "$(cat "$M/.Job/frankd-keywords")" = "$(printf 'frankd-keywords 1\n$Junk\n$Forwarded\ncustom')"
t_check "the keywords are letters in the file names (a: \$Junk, c: custom)" \
	test "$(ls "$M/.Job/cur" | sed 's/.*:2,//' | sort | tr '\n' ' ')" = "FSac Sa "
fd_stop
fd_start
FD_IMAPS=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\) (imaps)$/\1/p' "$FD_LOG")
py keywords-again >"$T_TMP/k2.out" 2>&1
t_contains "after a restart of frankd the keywords are there" "$T_TMP/k2.out" \
	"fetch-again [b'1 (FLAGS (\\\\Seen \$Junk))', b'2 (FLAGS (\\\\Flagged \\\\Seen \$Junk custom))']"
t_contains "...and in SELECT's FLAGS" "$T_TMP/k2.out" \
	"select-flags [b'(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft \$Junk \$Forwarded custom)']"

py readonly >"$T_TMP/r.out" 2>&1
t_contains "MOVE from a folder opened with EXAMINE is NO" "$T_TMP/r.out" "move-readonly ('NO', [b'[READ-ONLY]"
t_contains "ENABLE when selected is BAD" "$T_TMP/r.out" "enable-selected ('ERR'"
fd_stop
t_done
