#!/bin/sh
# frankd_imap_mbsync.sh: mbsync (isync) against frankd's IMAP over TLS on
# 127.0.0.1: a 2,000-message INBOX synced down (every message's bytes
# equal on both sides), then a flag changed on each side and synced both
# ways, landing in the Maildir file names.
. tests/lib.sh
t_tmpdir
t_need mbsync python3 timeout
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib

fd_imaps_start
PW=$(fd_password bob mbsync)
M=$FD/mail/bob
python3 - "$M" <<'EOF'
import os, sys
m = sys.argv[1]
for n in range(2000):
    flags = ":2,S" if n % 3 == 0 else ""
    sub = "cur" if flags else "new"
    with open(os.path.join(m, sub, "17000%05d.M%dP1.test%s" % (n, n, flags)), "w") as f:
        f.write("From: a%d@alice.test\nSubject: message %d\n\nbody %d\n%s\n" % (n, n, n, "x" * (n % 97)))
EOF
t_check "2000 messages in bob's Maildir" test "$(ls "$M/new" "$M/cur" | grep -c "P1\.test")" -eq 2000

L=$T_TMP/local
mkdir -p "$L"
cat >"$T_TMP/mbsyncrc" <<EOF
IMAPAccount frankd
# isync trusts the certificates of CertificateFile as they are (the name
# in them is not compared with Host)
Host 127.0.0.1
Port $FD_IMAPS
User bob
Pass $PW
SSLType IMAPS
CertificateFile $FD_CERT

IMAPStore remote
Account frankd

MaildirStore local
Path $L/
Inbox $L/INBOX

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Create Near
Sync Pull Push
SyncState *
EOF
sync_both() { timeout 300 mbsync -c "$T_TMP/mbsyncrc" inbox >"$T_TMP/mbsync.$1" 2>&1; }
hashes() { fd_hashes "$1" notuid; }

sync_both 1
t_check "mbsync: the first sync succeeds" test "$(ls "$L/INBOX/new" "$L/INBOX/cur" | grep -c ,U=)" -eq 2000
hashes "$M" >"$T_TMP/far.sums"
hashes "$L/INBOX" >"$T_TMP/near.sums"
t_check "mbsync: every message's bytes are the same on both sides (sha256)" cmp -s "$T_TMP/far.sums" "$T_TMP/near.sums"
t_check "mbsync: \\Seen came down (667 seen)" test "$(ls "$L/INBOX/cur" | grep -c ':2,S$')" -eq 667

# a flag on each side
near=$(ls "$L/INBOX/new" | head -n 1)
mv "$L/INBOX/new/$near" "$L/INBOX/cur/$near:2,F"
subject=$(sed -n 's/^Subject: //p' "$L/INBOX/cur/$near:2,F")
cat >"$T_TMP/flag.py" <<'EOF'
import sys
from frankd_imaps import connect
port, ca, name, pw = sys.argv[1:5]
m = connect(port, ca, name)
m.login("bob", pw)
m.select("INBOX")
m.store("2000", "+FLAGS", "(\\Answered)")
print(m.fetch("2000", "(BODY.PEEK[HEADER])")[1][0][1].decode().split("Subject: ")[1].split("\r\n")[0])
m.logout()
EOF
far_subject=$(timeout 60 python3 "$T_TMP/flag.py" "$FD_IMAPS" "$FD_CERT" "$FD_NAME" "$PW")
sync_both 2
t_check "mbsync: a flag set near (\\Flagged) is in frankd's file name" \
	test -n "$(grep -l "^Subject: $subject\$" "$M"/cur/*:2,*F* 2>/dev/null)"
t_check "mbsync: a flag set far (\\Answered, by imaplib) reaches the near file" \
	test -n "$(grep -l "^Subject: $far_subject\$" "$L"/INBOX/cur/*:2,*R* 2>/dev/null)"
sync_both 3
hashes "$M" >"$T_TMP/far.sums2"
t_check "mbsync: after the syncs, frankd's messages are unchanged" cmp -s "$T_TMP/far.sums" "$T_TMP/far.sums2"
t_check "mbsync: still 2000 near" test "$(ls "$L/INBOX/new" "$L/INBOX/cur" | grep -c ,U=)" -eq 2000
t_lacks "mbsync: no error" "$T_TMP/mbsync.3" "rror"
fd_stop
t_done
