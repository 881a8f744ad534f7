#!/bin/sh
# store_lock.sh: a flag set from the UI while another process (a
# background sync) holds the notmuch index's one writer lock waits for it
# and then lands, in the file name and in the index.
. tests/lib.sh
t_tmpdir
t_need python3 notmuch
T=build/tests/tools/view_flag
M=$T_TMP/Maildir
python3 tests/tools/gen-maildir --count 3 --seed 5 "$M" >/dev/null
printf '[database]\npath=%s\n' "$M" >"$T_TMP/nm.conf"
NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch new --quiet
flagged() { ls "$M/cur" "$M/new" | grep -c ':2,[A-Z]*F'; }
before=$(flagged)

"$T" lock "$M" 3 >"$T_TMP/lock.out" &
lock_pid=$!
while ! grep -q locked "$T_TMP/lock.out" 2>/dev/null; do sleep 0.1; done
t_run flag "$T" flag "$M" 0
wait "$lock_pid"
t_check "a flag set while the lock is held succeeds once it is free" t_rc_is flag 0
t_check "the file carries the flag" test "$(flagged)" -eq $((before + 1))
t_check "so does the index" \
	test "$(NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch count tag:flagged)" -eq $((before + 1))

t_done
