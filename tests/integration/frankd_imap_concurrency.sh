#!/bin/sh
# frankd_imap_concurrency.sh: 20 IMAP sessions at once on one INBOX, each
# setting flags, deleting and expunging its own messages and looking
# around with NOOP, while frankd delivers 50 messages by SMTP.  After:
# no message lost or duplicated, exactly the deleted ones gone, and every
# message had one UID only, whoever looked and when.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib

fd_imaps_start "limit connections_per_ip 100"
PW=$(fd_password bob load)
M=$FD/mail/bob
python3 - "$M" <<'EOF'
import os, sys
for n in range(100):
    # sessions 0..19 each own messages own-S-0 and own-S-1 (to delete)
    subject = "own-%d-%d" % (n // 2, n % 2) if n < 40 else "pre-%d" % n
    with open(os.path.join(sys.argv[1], "new", "1700000%03d.M%dP1.test" % (n, n)), "w") as f:
        f.write("Subject: %s\n\nbody %d\n" % (subject, n))
EOF

cat >"$T_TMP/load.py" <<'EOF'
import random, smtplib, sys, threading
from frankd_imaps import connect

port, smtp_port, ca, name, pw = sys.argv[1:6]
seen = {}           # subject -> set of UIDs anyone saw it with
lock = threading.Lock()
errors = []

def look(m):
    typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER])")
    for item in data:
        if isinstance(item, tuple):
            uid = int(item[0].decode().split("UID ")[1].split(" ")[0])
            subject = item[1].decode().split("Subject: ")[1].split("\r\n")[0]
            with lock:
                seen.setdefault(subject, set()).add(uid)

def session(k):
    try:
        m = connect(port, ca, name)
        m.login("bob", pw)
        m.select("INBOX")
        rnd = random.Random(k)
        look(m)
        for step in range(8):
            n = int(m.select("INBOX")[1][0])
            if n:
                m.store("%d" % rnd.randint(1, n), "+FLAGS", "(\\Flagged)")
                m.store("%d:%d" % (1, n), "+FLAGS.SILENT", "(\\Seen)")
            if step == 5:
                for part in (0, 1):
                    typ, data = m.search(None, "SUBJECT", "own-%d-%d" % (k, part))
                    for seq in data[0].split():
                        m.store(seq.decode(), "+FLAGS", "(\\Deleted)")
                m.expunge()
            m.noop()
            if step % 4 == 3:
                look(m)
        look(m)
        m.logout()
    except Exception as e:
        errors.append("session %d: %r" % (k, e))

def deliver():
    try:
        for i in range(50):
            s = smtplib.SMTP("127.0.0.1", int(smtp_port), timeout=60)
            s.sendmail("alice@alice.test", ["bob@alice.test"], "Subject: live-%d\r\n\r\nhi\r\n" % i)
            s.quit()
    except Exception as e:
        errors.append("deliver: %r" % e)

threads = [threading.Thread(target=session, args=(k,)) for k in range(20)]
threads.append(threading.Thread(target=deliver))
for t in threads:
    t.start()
for t in threads:
    t.join()
print("errors", len(errors), errors[:3])
print("uids-per-subject-max", max(len(u) for u in seen.values()))
all_uids = [u for us in seen.values() for u in us]
print("uid-reused", len(all_uids) != len(set(all_uids)))
EOF
timeout 600 python3 "$T_TMP/load.py" "$FD_IMAPS" "$FD_SMTP" "$FD_CERT" "$FD_NAME" "$PW" \
	>"$T_TMP/load.out" 2>&1
t_contains "20 sessions and the deliveries ran without an error" "$T_TMP/load.out" "errors 0 []"
t_contains "no message was seen with two UIDs" "$T_TMP/load.out" "uids-per-subject-max 1"
t_contains "no UID was given to two messages" "$T_TMP/load.out" "uid-reused False"
# wait for the last deliveries' files
i=0
while [ "$(grep -l '^Subject: live-' "$M"/new/* "$M"/cur/* 2>/dev/null | wc -l)" -lt 50 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
subjects=$(cat "$M"/new/* "$M"/cur/* 2>/dev/null | sed -n 's/^Subject: //p' | sort)
t_check "every message delivered is there, once (50)" \
	test "$(echo "$subjects" | grep -c '^live-')" -eq 50 -a "$(echo "$subjects" | grep '^live-' | sort -u | wc -l)" -eq 50
t_check "the 60 others are there, once" \
	test "$(echo "$subjects" | grep -c '^pre-')" -eq 60 -a "$(echo "$subjects" | grep '^pre-' | sort -u | wc -l)" -eq 60
t_check "the 40 deleted and expunged are gone" test "$(echo "$subjects" | grep -c '^own-')" -eq 0
t_check "every file has the flag all sessions set (\\Seen) or came later" \
	test "$(ls "$M/cur" | grep -c ':2,.*S')" -ge 60
fd_stop
t_contains "frankd stops cleanly" "$FD_LOG" "info: stopped"
t_done
