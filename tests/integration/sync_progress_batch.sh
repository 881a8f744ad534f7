#!/bin/sh
# sync_progress_batch.sh: frank sync --progress-fd reports a large folder
# as it goes, not once per fetch batch: against a real Dovecot with 600
# messages in the inbox (three batches of 200), the folder lines come at
# least every 50 messages within a batch, their counts only grow and end
# at the total, and a "new" line comes as each batch is indexed, adding
# up to the 600 that arrived.
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need python3 awk /usr/sbin/dovecot
T_CLEANUP_HOOK=dovecot_stop
[ -x ./frank ] || { t_fail "frank is built" "run: make"; exit 1; }

dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
python3 tests/tools/gen-maildir --count 600 --seed 43 "$DC_MAIL" >/dev/null
dovecot_fix_owner
M=$T_TMP/mail
{
	echo "set mail_root = $M"
	dovecot_account t
} >"$T_TMP/rc"
chmod 600 "$T_TMP/rc"

t_run sync sh -c "./frank sync -F '$T_TMP/rc' --quiet --progress-fd 3 t 3>'$T_TMP/events'"
t_check "the sync succeeds" t_rc_is sync 0
t_check "600 messages are here" \
	test "$(find "$M/t/INBOX/cur" "$M/t/INBOX/new" -type f | wc -l)" -eq 600
grep '^folder t INBOX ' "$T_TMP/events" | cut -d' ' -f4,5 >"$T_TMP/counts"
grep '^new t INBOX ' "$T_TMP/events" | cut -d' ' -f4 >"$T_TMP/news"
t_check "the inbox starts at 0 of 600" test "$(head -n 1 "$T_TMP/counts")" = "0 600"
t_check "and ends at 600 of 600" test "$(tail -n 1 "$T_TMP/counts")" = "600 600"
t_check "every folder line has the same total" \
	test "$(cut -d' ' -f2 "$T_TMP/counts" | sort -u)" = 600
t_check "the counts never go back" \
	awk 'NR > 1 && $1 < last { exit 1 } { last = $1 }' "$T_TMP/counts"
t_check "at least one line every 50 messages (12 or more)" \
	test "$(awk '$1 > 0' "$T_TMP/counts" | sort -u | wc -l)" -ge 12
t_check "lines within a batch, not only at its end" \
	sh -c "awk '\$1 > 0 && \$1 < 600 && \$1 % 200 != 0' '$T_TMP/counts' | grep -q ."
t_check "no gap of more than 50 messages between two lines" \
	awk 'NR > 1 && $1 - last > 50 { exit 1 } { last = $1 }' "$T_TMP/counts"
t_check "three new lines, one as each batch of 200 is indexed" \
	test "$(wc -l <"$T_TMP/news")" -eq 3
t_check "which add up to the 600 that arrived" \
	test "$(awk '{ s += $1 } END { print s }' "$T_TMP/news")" -eq 600
t_check "the account's end is the last line" test "$(tail -n 1 "$T_TMP/events")" = "done t 0"
t_done
