#!/bin/sh
# badges.sh: frank on a mail root made as frank sync makes it (no -f):
# the default account's inbox, one badge per message (character and
# word), the pager's badge line and warnings, the verification view with
# each step's reason, verify-again, and the ASCII badges without UTF-8.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
. tests/ui/mailroot.lib
mailroot_make || { t_fail "make the mail root"; exit 1; }
t_ok "a mail root with verdicts is made"

# row SUBJECT: the screen line of the message with that subject.
row() { grep -F -- "$1" "$T_TMP/screen" | head -1; }
# badge_is DESC SUBJECT GLYPH: that line shows the glyph before the date.
badge_is() {
	ui_screen
	if row "$2" | grep -qF -- " $3 Jan 01"; then
		t_ok "$1"
	else
		t_fail "$1" "expected badge $3 on the line of \"$2\":" "$(row "$2")"
	fi
}
# reason NAME FIELD: a string from the verdict JSON of work message NAME.
reason() {
	python3 - "$M" "$1" "$2" <<'PY'
import glob, hashlib, json, sys
root, name, field = sys.argv[1:]
for path in glob.glob(root + "/work/INBOX/cur/*"):
    data = open(path, "rb").read()
    if ("<%s@test>" % name).encode() in data:
        h = hashlib.sha256(data).hexdigest()
        v = json.load(open("%s/.frank-verdicts/%s/%s.json" % (root, h[:2], h)))
        print(eval(field, {"v": v}))
PY
}

ui_start 200 40 "./frank -F $RC"
ui_expect "frank opens the default account's inbox from mail_root" \
	"frank: work/INBOX [Msgs:10 Unread:10]"
badge_is "a signed message from its domain shows verified (✓)" "signed lunch" "✓"
badge_is "a message changed after signing shows failed (✗)" "altered lunch" "✗"
badge_is "a forged sender shows failed (✗)" "forged lunch" "✗"
badge_is "an l= signature with text added shows partial (~)" "partial lunch" "~"
badge_is "an unsigned message shows none (·)" "plain lunch" "·"
# colour_of GLYPH SUBJECT: the SGR colour the glyph is drawn in on that line.
colour_of() {
	ui_tmux capture-pane -e -p -t ui >"$T_TMP/screen.e"
	python3 - "$T_TMP/screen.e" "$1" "$2" <<'PY'
import re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if sys.argv[3] in line:
        # the last SGR before the glyph, and its colour parameter
        before = line[:line.index(sys.argv[2] + " ")]
        sgr = re.findall(r"\x1b\[([0-9;]*)m", before)
        cols = [p for s in sgr[-1:] for p in s.split(";") if p in "30 31 32 33 34 35 36 37".split()]
        print(cols[-1] if cols else "none")
        break
PY
}
t_check "verified is drawn green (SGR 32)" test "$(colour_of ✓ 'signed lunch')" = 32
t_check "failed is drawn red (SGR 31)" test "$(colour_of ✗ 'forged lunch')" = 31
t_check "partial is drawn yellow (SGR 33)" test "$(colour_of '~' 'partial lunch')" = 33
t_check "the attachment mark is on the message with files" \
	sh -c "grep -F 'the files you asked for' '$T_TMP/screen' | grep -qF ')@ '"

# The pager: the badge line in words, from the verdict.
ui_keys = j Enter
ui_expect "the altered message opens" "Subject: altered lunch"
ui_expect "the pager's badge line says failed, with the explanation" \
	"Authenticity: ✗ failed: $(reason altered 'v["explanation"]')"
ui_keys V
ui_expect "V from the pager opens the verification view" "== Was it changed on the way?  DKIM signatures (RFC 6376) =="
ui_expect "the DKIM step says the signature failed, in plain words" \
	"Result: dkim=fail: the message was changed after it was signed"
ui_expect "with DKIM's own reason" "Reason: $(reason altered 'v["dkim"][0]["reason"]')"
ui_expect "and the signature's tags" "Signature 1: d=alice.test s=s1"
ui_expect "the key and its size" "Algorithm: a=rsa-sha256, key rsa 2048 bits"
ui_keys q q

# The forged one from the index, and verify-again with the offline zone.
ui_keys = j j V
ui_expect "V from the index explains the forged message" "Message: forged lunch"
ui_expect "SPF failed for the wrong address" "Result: spf=fail: FAILED"
ui_expect "with SPF's reason" "Reason: $(reason forged 'v["spf"]["reason"]')"
ui_expect "and the sending server" "Sending server (client IP): 203.0.113.9"
ui_expect "DMARC's verdict in words" "Result: dmarc=fail: FAILED"
ui_keys R
ui_expect "verify-again checks it anew and says the result" "Verified again: failed."
ui_keys q

# The partial message: the l= tag in the view.
ui_keys = j j j V
ui_expect "the l= message: the view says only part of the body is signed" \
	"Body length: l=$(reason lsig 'v["dkim"][0]["length"]') of"
ui_keys q

# Warnings (frank.warning) under the badge line.
ui_keys = j j j j j Enter
ui_expect "a display-name spoof: the badge line" "Authenticity: ✓ verified"
ui_expect "and the warning below it" \
	'Warning: the display name "PayPal Support" is not the sender alice@alice.test'
ui_keys q q
ui_expect "frank quits" "exited with 0"

# Without UTF-8, ASCII badges.
ui_tmux kill-session -t ui
ui_start 120 40 "env LC_ALL=C ./frank -F $RC"
ui_expect "frank starts in the C locale" "frank: work/INBOX"
badge_is "ASCII: verified is +" "signed lunch" "+"
badge_is "ASCII: failed is X" "altered lunch" "X"
badge_is "ASCII: partial is ~" "partial lunch" "~"
badge_is "ASCII: none is -" "plain lunch" "-"
ui_keys q
t_done
