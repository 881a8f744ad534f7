#!/bin/sh
# bgsync.sh: frank syncs in the background while its index stays usable,
# against a real Dovecot: as it starts, the status line shows the sync's
# progress (folder, done/total) over a few hundred messages, which then
# appear in the index; a message another client (imaplib) appends
# arrives by IMAP IDLE without a key press; an account that cannot log
# in says why on the message line; and when frank quits, no frank sync
# process is left behind.  Waits are polls (up to 30 s), not timings.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
. tests/tools/dovecot_lib.sh
t_need /usr/sbin/dovecot ps
T_CLEANUP_HOOK='tmux -L "$UI_SOCK" kill-server 2>/dev/null; dovecot_stop'

dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
M=$T_TMP/mail
RCF=$T_TMP/rc
: >"$T_TMP/empty.zone"
{
	echo "set mail_root = $M"
	echo "set dns_zone_file = $T_TMP/empty.zone"
	echo "set dns_offline"
	dovecot_account t
	dovecot_account bad wrong-password
	dovecot_account o Tr0ub4dor-3 other
} >"$RCF"
chmod 600 "$RCF"
python3 tests/tools/gen-maildir --count 400 --seed 51 "$DC_MAIL" >/dev/null
dovecot_fix_owner
# The mail root exists (another user's empty inbox synced) before frank
# starts; t's 400 messages are fetched by frank's background sync.
t_run empty ./frank sync -F "$RCF" o
sed "s/^/#   /" "$T_TMP/empty.err"
t_check "a first sync of an empty inbox makes the mail root" t_rc_is empty 0

# wait_screen ERE: up to 30 s for a line of the screen to match.
wait_screen() {
	for _ in $(seq 1 300); do
		ui_screen
		grep -qE -- "$1" "$T_TMP/screen" && return 0
		sleep 0.1
	done
	return 1
}
expect_screen() { # DESCRIPTION ERE
	if wait_screen "$2"; then
		t_ok "$1"
	else
		t_fail "$1" "expected on screen: $2" "screen:"
		sed 's/^/#     |/' "$T_TMP/screen"
	fi
}
# syncs: the frank sync processes of this test (by its frankrc).
syncs() { ps -eo pid=,stat=,args= | grep -F "sync -F $RCF" | grep -v grep; }

ui_start 100 20 "./frank -F $RCF"
expect_screen "frank opens at once, before the sync is done" "frank: t/INBOX"
expect_screen "the status line shows the sync's progress" \
	"^-\*-frank: .*Sync t: INBOX [0-9]+/400"
t_lacks "the progress is not drawn over the index" "$T_TMP/screen" "$(sed -n 2p "$T_TMP/screen" | grep -F 'Sync t:')x"
expect_screen "the messages appear in the index when the sync reports them" "Msgs:400 "
expect_screen "an account that cannot log in says why on the message line" \
	"^sync bad: account bad: .*(auth|Auth|login|LOGIN)"
syncs >"$T_TMP/ps.running"
t_contains "an IDLE child watches t's inbox" "$T_TMP/ps.running" "--idle t"
t_check "no child is a zombie" sh -c "! grep -q ' Z' '$T_TMP/ps.running'"
expect_screen "the progress leaves the status line when the sync is done" \
	"^-\*-frank: t/INBOX \[Msgs:400 [^]]*\]---"

# Dated after every other message: the newest, listed last, on the page
# the cursor (on message 400, the newest until now) is on.
printf 'From: carol@example.org\r\nDate: Mon, 1 Jan 2035 10:00:00 +0000\r\nSubject: pushed by imaplib\r\nMessage-ID: <push1@example.org>\r\n\r\nhello\r\n' >"$T_TMP/push.eml"
python3 tests/tools/imap_tool.py "$DC_IMAPS" append INBOX "$T_TMP/push.eml"
expect_screen "a message appended on the server appears without a key press" \
	"pushed by imaplib"
expect_screen "and the count follows" "Msgs:401 "
ui_keys Enter
expect_screen "the cursor stayed on the message it was on" "^Subject: Test message 400"
ui_keys q

ui_keys q
ui_expect "frank quits" "exited with 0"
syncs >"$T_TMP/ps.after"
t_check "no frank sync process is left (none orphaned, none a zombie)" test ! -s "$T_TMP/ps.after"
t_done
