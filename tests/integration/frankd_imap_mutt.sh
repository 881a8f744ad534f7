#!/bin/sh
# frankd_imap_mutt.sh: mutt, driven in tmux, reads a message from frankd's
# IMAP over TLS on 127.0.0.1 (the certificate checked against the test
# CA: frankd's own self-signed certificate, made for "localhost"), shows
# its subject in the index and its text in the pager, and saves it to a
# local mbox (copy-message), whose copy of the body is byte for byte the Maildir's.
. tests/lib.sh
t_tmpdir
t_need mutt tmux python3
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib
. tests/ui/tmux.lib
T_CLEANUP_HOOK='fd_kill; tmux -L "$UI_SOCK" kill-server 2>/dev/null'
FD_NAME=localhost # the name mutt connects to and checks the certificate for

fd_imaps_start
PW=$(fd_password bob mutt)
M=$FD/mail/bob
cat >"$M/new/1700000001.M1P1.mutt" <<'MSG'
From: Alice Example <alice@alice.test>
To: bob@alice.test
Subject: Lunch on Thursday
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <lunch@alice.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Shall we meet at the cafe at noon?
The second line of the text.
--b1
Content-Type: text/plain; name="menu.txt"
Content-Disposition: attachment; filename="menu.txt"
Content-Transfer-Encoding: base64

U291cCBvZiB0aGUgZGF5Cg==
--b1--
MSG

mkdir -p "$T_TMP/home"
cat >"$T_TMP/muttrc" <<EOF
set folder = "imaps://bob@localhost:$FD_IMAPS/"
set spoolfile = "+INBOX"
set imap_user = "bob"
set imap_pass = "$PW"
set ssl_force_tls = yes
set ssl_ca_certificates_file = "$FD_CERT"
set certificate_file = "$T_TMP/home/certificates"
set header_cache = ""
set message_cachedir = ""
set mbox_type = mbox
set confirmcreate = no
set confirmappend = no
set wait_key = no
set move = no
set mark_old = no
set sort = date
set record = ""
set timeout = 0
set pager_stop = yes
EOF
ui_start 100 30 "HOME=$T_TMP/home mutt -n -F $T_TMP/muttrc"
ui_expect "mutt: the index shows the message's subject" "Lunch on Thursday"
t_lacks "mutt: no certificate question (the certificate verified)" "$T_TMP/screen" "(r)eject"
ui_keys Enter
ui_expect "mutt: the pager shows the text of the message" "Shall we meet at the cafe at noon?"
ui_expect "mutt: the pager lists the attachment" "menu.txt"
# copy-message: save-message would also mark it for deletion
ui_keys C
ui_wait "Copy to mailbox" || t_fail "mutt asks where to copy the message" "$(cat "$T_TMP/screen")"
ui_keys C-u "$T_TMP/saved.mbox" Enter
i=0
while [ ! -s "$T_TMP/saved.mbox" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ui_keys q
ui_keys q
ui_wait "exited with 0" || ui_keys q
ui_expect "mutt: quits cleanly" "exited with 0"

cat >"$T_TMP/body.py" <<'PY'
import sys
# the body of the one message of an mbox, and of the Maildir file
mbox = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
maildir = open(sys.argv[2], "rb").read().replace(b"\r\n", b"\n")
assert mbox.startswith(b"From "), "not an mbox"
saved = mbox.split(b"\n\n", 1)[1]
if saved.endswith(b"\n\n"):
    saved = saved[:-1]  # the blank line mbox puts between messages
saved = saved.replace(b"\n>From ", b"\nFrom ")
original = maildir.split(b"\n\n", 1)[1]
if saved != original:
    sys.exit("saved body %r\n != Maildir's %r" % (saved[:300], original[:300]))

PY
t_check "mutt: the message was saved to the mbox" test -s "$T_TMP/saved.mbox"
t_contains "mutt: the saved copy has the subject" "$T_TMP/saved.mbox" "Subject: Lunch on Thursday"
file=$(ls "$M/cur/"*mutt* "$M/new/"*mutt* 2>/dev/null | head -n 1)
t_check "mutt: the saved body is the Maildir copy's, byte for byte" \
	python3 "$T_TMP/body.py" "$T_TMP/saved.mbox" "$file"
t_check "mutt: reading marked the message \\Seen in the Maildir" test -n "$(ls "$M/cur/" | grep 'mutt:2,.*S')"
fd_stop
t_done
