#!/bin/sh
# demo.sh: the whole chain offline, driven like a user (issue 10).  The
# demo starts (two frankd, a zone file, mail sent through the chain, both
# accounts synced); frank opens on alice's inbox with a badge of every
# kind; alice composes a message to bob with an attachment and sends it
# through her frankd's submission port (STARTTLS, app password), which
# signs it and relays it by MX to bob's frankd; $ in frank syncs both
# accounts (bob's over POP3); in bob's inbox the message says verified,
# the verification view shows spf=pass, dkim=pass (d=alice.test),
# dmarc=pass; the attachment saved is byte for byte the file sent.  The forged and altered messages show
# failed with their reasons.  Then bob's frankd is stopped while alice
# sends: the message waits in alice's frankd's queue and is delivered once
# bob's frankd is back.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
t_need /usr/bin/python3 openssl
[ -x ./frank ] && [ -x ./frankd ] || { t_fail "frank and frankd are built" "run: make"; exit 1; }

D=$T_TMP/demo
FRANK_DEMO_DIR=$D
# Ports of their own, so that a demo someone runs meanwhile is not touched.
FRANK_DEMO_PORT=$((20000 + ($$ % 400) * 100))
export FRANK_DEMO_DIR FRANK_DEMO_PORT
T_CLEANUP_HOOK='tmux -L "$UI_SOCK" kill-server 2>/dev/null; sh demo/frank-demo.sh stop'

t_run start sh demo/frank-demo.sh start
t_check "the demo starts (exit 0)" t_rc_is start 0
[ "$(cat "$T_TMP/start.rc")" = 0 ] || { sed 's/^/#   /' "$T_TMP/start.err"; t_done; exit 1; }
t_contains "it says where it lives" "$T_TMP/start.out" "demo directory: $D"
t_contains "it syncs alice over IMAP" "$T_TMP/start.out" "alice: 2 folders, 9 new"
t_contains "and bob over POP3" "$T_TMP/start.out" "bob: 1 folders, 2 new"

# row SUBJECT: the index line of that message; badge_is DESC SUBJECT GLYPH.
row() { grep -F -- "$1" "$T_TMP/screen" | head -1; }
badge_is() {
	ui_screen
	if row "$2" | grep -qF -- " $3 "; then
		t_ok "$1"
	else
		t_fail "$1" "expected $3 on the line of \"$2\":" "$(row "$2")"
	fi
}
# only SUBJECT: limit the index to that subject (l), so keys act on it.
only() {
	ui_keys l C-u
	ui_keys -l "subject:\"$1\""
	ui_keys Enter
}

head -c 30000 /dev/urandom >"$T_TMP/plans.bin"
cat >"$T_TMP/editor" <<'ED'
#!/bin/sh
printf 'The plans for Friday are attached.\n' >>"$1"
ED
chmod +x "$T_TMP/editor"
echo "set editor = $T_TMP/editor" >>"$D/frankrc"

ui_start 160 40 "./frank -F $D/frankrc"
ui_expect "frank opens on alice's inbox" "frank: alice/INBOX"
badge_is "bob's signed reply is verified" "Re: Lunch on Friday?" "✓"
badge_is "the forged From is failed" "Urgent: new bank details" "✗"
badge_is "the message altered after signing is failed" "Invoice 2024-118" "✗"
badge_is "the replayed l= signature is partial" "Minutes of the meeting" "~"
badge_is "the unsigned message from evil.test has nothing to verify" "You have won!" "·"
badge_is "the old message whose key is gone is unknown" "Old news: the 2019 party" "?"

only "Urgent: new bank details"
ui_keys V
ui_expect "the forged message: SPF fails from the attacker's address" "Result: spf=fail: FAILED"
ui_expect "the client address is the attacker's" "Sending server (client IP): 127.0.0.66"
ui_expect "and DMARC fails" "Result: dmarc=fail: FAILED"
ui_keys q
only "Invoice 2024-118"
ui_keys V
ui_expect "the altered message: the body hash no longer matches" "body hash mismatch"
ui_keys q
only "Your invoice is ready"
ui_keys Enter
ui_expect "the display-name spoof carries its warning" "names bob.test, but the mail is from billing@evil.test"
ui_keys q
only "Change of plans"
ui_keys Enter
ui_expect "the lookalike domain carries its warning" \
	"The sender's domain b0b.test looks like bob.test, a domain you get verified mail from"
ui_keys q

# alice writes to bob, with an attachment.
ui_keys =
ui_keys m
ui_expect "m asks for the recipient" "To:"
ui_keys -l "bob@bob.test"
ui_keys Enter
ui_expect "then the subject" "Subject:"
ui_keys -l "Plans for Friday"
ui_keys Enter
ui_expect "the compose screen" "To: bob@bob.test"
ui_keys a
ui_expect "a asks for a file" "Attach file ('?' for list):"
ui_keys -l "$T_TMP/plans.bin"
ui_keys Enter
ui_keys y
ui_wait "Mail sent: 250" 30
ui_expect "alice's frankd accepts it on the submission port" "Mail sent: 250"

# in_bob SUBJECT: bob's Maildir (at his frankd) has a message with it.
in_bob() { grep -lq "^Subject: $1" "$D"/bob/Maildir/new/* "$D"/bob/Maildir/cur/* 2>/dev/null; }
wait_bob() { # SUBJECT SECONDS
	i=0
	while ! in_bob "$1" && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	in_bob "$1"
}
t_check "relayed by MX to bob's frankd" wait_bob "Plans for Friday" 30
ui_keys '$'
ui_wait "Synced." 60
ui_expect "$ syncs every account from within frank (bob's over POP3)" "Synced."

ui_keys B
ui_expect "the sidebar shows both accounts" "bob/INBOX"
# The sidebar lists All mail, then alice's Drafts, INBOX (open), Junk, Sent, then bob's INBOX.
ui_keys C-n C-n C-n C-o
ui_wait "frank: bob/INBOX" 5
ui_expect "frank switches to bob's inbox" "frank: bob/INBOX"
badge_is "alice's message to bob is verified" "Plans for Friday" "✓"
only "Plans for Friday"
ui_keys V
ui_expect "SPF passes" "Result: spf=pass"
ui_expect "DKIM passes, signed by alice.test" "Signature 1: d=alice.test s=demo"
ui_expect "...with a pass" "Result: dkim=pass"
ui_expect "DMARC passes" "Result: dmarc=pass"
ui_keys q v
ui_expect "the attachment is listed" "plans.bin"
mkdir -p "$T_TMP/saved"
ui_keys j j s C-u
ui_keys -l "$T_TMP/saved"
ui_keys Enter
ui_expect "it is saved" "Saved to $T_TMP/saved/plans.bin"
t_check "byte for byte the file alice attached" cmp -s "$T_TMP/saved/plans.bin" "$T_TMP/plans.bin"
ui_keys q q
ui_expect "frank quits" "exited with 0"

# Bob's server is down while alice sends: alice's frankd keeps the message
# and delivers it when bob's is back.
kill "$(cat "$D/bob/frankd.pid")"
while kill -0 "$(cat "$D/bob/frankd.pid")" 2>/dev/null; do sleep 0.1; done
printf 'Are you there?\n' | ./frank send -F "$D/frankrc" -a alice -s "While you were away" \
	bob@bob.test >"$T_TMP/away.out" 2>"$T_TMP/away.err"
echo $? >"$T_TMP/away.rc"
t_check "alice sends while bob's server is down" t_rc_is away 0
sleep 2
./frankd -c "$D/alice/frankd.conf" queue >"$T_TMP/queue.out" 2>&1
t_contains "the message waits in alice's frankd's queue" "$T_TMP/queue.out" "<bob@bob.test>"
t_check "bob does not have it yet" sh -c "! grep -lq '^Subject: While you were away' '$D'/bob/Maildir/new/* 2>/dev/null"
./frankd -c "$D/bob/frankd.conf" >>"$D/bob/frankd.log" 2>&1 &
echo $! >"$D/bob/frankd.pid"
t_check "bob's server back, the retry delivers it" wait_bob "While you were away" 60
t_done
