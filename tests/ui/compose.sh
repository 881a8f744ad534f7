#!/bin/sh
# compose.sh: writing mail from the client: m (To and Subject asked, the
# text in $EDITOR, a file attached on the compose screen, sent) and r (a
# reply: recipient, subject and threading from the message), through a
# real SMTP server, Python's aiosmtpd with STARTTLS and AUTH; what
# arrives is read back with Python's email package: headers, text, and
# the attachment byte for byte.  Also the password prompt (an account
# without passcmd), postpone (into Drafts) and abort.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
. tests/integration/send_smtp.lib
# Both the SMTP server and the tmux server stop when the test ends.
T_CLEANUP_HOOK='stop_servers; tmux -L "$UI_SOCK" kill-server 2>/dev/null'
aiosmtpd_start "$c/ip.crt" "$c/ip.key" alice secret

# No passcmd: the client asks for the password (and never shows it).
MR_WORK_EXTRA="    set smtp = smtp://alice@127.0.0.1:$port
    set tls_ca_file = \"$c/ca.crt\""
. tests/ui/mailroot.lib
mailroot_make || { t_fail "make the mail root"; exit 1; }
# The editor: adds a line to the text, as a user would, and exits.
cat >"$T_TMP/editor" <<'ED'
#!/bin/sh
printf 'Written in the editor.\n' >>"$1"
ED
chmod +x "$T_TMP/editor"
echo "set editor = $T_TMP/editor" >>"$RC"
head -c 20000 /dev/urandom >"$T_TMP/photo.bin"

# part MSG EXPR: a value read from a received message with Python's email.
part() {
	"$APY" - "$1" "$2" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(eval(sys.argv[2], {"m": m}))
PY
}

ui_start 120 30 "./frank -F $RC"
ui_expect "frank opens the mail root" "frank: work/INBOX"

# m: a new message with an attachment.
ui_keys m
ui_expect "m asks for the recipient" "To:"
ui_keys -l "bob@example.org"
ui_keys Enter
ui_expect "then the subject" "Subject:"
ui_keys -l "photos from Friday"
ui_keys Enter
ui_expect "after the editor, the compose screen shows the headers" "To: bob@example.org"
ui_expect "the subject" "Subject: photos from Friday"
ui_expect "and the text" "the message text"
ui_keys a
ui_expect "a asks for a file" "Attach file ('?' for list):"
ui_keys -l "$T_TMP/photo.bin"
ui_keys Enter
ui_expect "the file is listed" "1 $T_TMP/photo.bin"
ui_keys y
ui_expect "y sends it, asking for the account's password" "Password for work:"
ui_keys -l "secret"
ui_screen
t_contains "the password shows as stars" "$T_TMP/screen" "Password for work: ******"
t_lacks "never as itself" "$T_TMP/screen" "secret"
ui_keys Enter
ui_expect "it is sent and the server's reply shown" "Mail sent: 250"
ui_expect "back in the index" "frank: work/INBOX"
t_check "the server got it" test -s "$OUT/msg1.eml"
t_check "to bob" sh -c "sed -n 2p '$OUT/msg1.env' | grep -qx bob@example.org"
t_check "with the subject" test "$(part "$OUT/msg1.eml" 'm["subject"]')" = "photos from Friday"
t_check "from the account" test "$(part "$OUT/msg1.eml" 'm["from"]')" = "test@example.org"
t_check "the text from the editor" sh -c "'$APY' - '$OUT/msg1.eml' <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
sys.exit('Written in the editor.' not in m.get_body(('plain',)).get_content())
PY"
"$APY" - "$OUT/msg1.eml" "$T_TMP/got.bin" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for a in m.iter_attachments():
    if a.get_filename() == "photo.bin":
        open(sys.argv[2], "wb").write(a.get_content())
PY
t_check "the attachment arrived byte for byte" cmp -s "$T_TMP/got.bin" "$T_TMP/photo.bin"
t_check "a copy is in Sent" sh -c "ls '$M'/work/Sent/cur/* >/dev/null 2>&1"

# r: a reply to the first message.
ui_keys = r
ui_expect "r: the compose screen has the sender as recipient" "To: Alice <alice@alice.test>"
ui_expect "and Re: before the subject" "Subject: Re: signed lunch"
ui_keys y
ui_expect "the password is asked again" "Password for work:"
ui_keys -l "secret"
ui_keys Enter
ui_expect "the reply is sent" "Mail sent: 250"
t_check "the reply arrived" test -s "$OUT/msg2.eml"
t_check "to alice" sh -c "sed -n 2p '$OUT/msg2.env' | grep -qx alice@alice.test"
t_check "it refers to the message it answers" \
	test "$(part "$OUT/msg2.eml" 'm["in-reply-to"]')" = "<signed@test>"

# P: postponed into Drafts; q: aborted, nothing sent.
ui_keys m
ui_keys -l "carol@example.org"
ui_keys Enter
ui_keys -l "later"
ui_keys Enter
ui_expect "a third message on the compose screen" "To: carol@example.org"
# a, then a folder's name: the file browser, folders first.
mkdir -p "$T_TMP/docs/sub"
echo "inner file" >"$T_TMP/docs/sub/inner.txt"
echo "file a" >"$T_TMP/docs/a.txt"
ui_keys a
ui_keys -l "$T_TMP/docs"
ui_keys Enter
ui_expect "a folder's name opens the browser" "Attach a file: $T_TMP/docs [2 entries]"
ui_expect "folders first" "sub/"
ui_keys Enter
ui_expect "Enter opens a folder" "Attach a file: $T_TMP/docs/sub [1 entries]"
ui_keys Enter
ui_expect "and picks a file" "1 $T_TMP/docs/sub/inner.txt"
ui_keys a
ui_keys -l "$T_TMP/docs/sub"
ui_keys Enter
ui_expect "the browser again" "Attach a file: $T_TMP/docs/sub"
ui_keys -- -
ui_expect "- goes up a folder" "Attach a file: $T_TMP/docs [2 entries]"
ui_keys j Enter
ui_expect "the second file is attached" "2 $T_TMP/docs/a.txt"
ui_keys a
ui_keys -l "$T_TMP/docs"
ui_keys Enter
ui_expect "q in the browser" "Attach a file: $T_TMP/docs"
ui_keys q
ui_expect "leaves it with nothing attached" "2 $T_TMP/docs/a.txt"
ui_screen
t_lacks "no third attachment" "$T_TMP/screen" " 3 "
ui_keys P
ui_expect "P postpones it" "Message postponed."
t_check "it is in Drafts" sh -c "grep -l 'Subject: later' '$M'/work/Drafts/cur/* >/dev/null"
draft=$(grep -l 'Subject: later' "$M"/work/Drafts/cur/* | head -n 1)
# a draft names its files (they are read when it is sent)
t_check "with the file picked in a folder, then the one after going up" \
	test "$(part "$draft" 'm.get_all("x-frank-attach")')" = "['$T_TMP/docs/sub/inner.txt', '$T_TMP/docs/a.txt']"
ui_keys m
ui_keys -l "dave@example.org"
ui_keys Enter Enter
ui_expect "a fourth on the compose screen" "To: dave@example.org"
ui_keys q
ui_expect "q asks before throwing it away" "Abort this message?"
ui_keys y
ui_expect "and then does" "Mail not sent."
t_check "nothing more reached the server" test ! -e "$OUT/msg3.eml"
ui_keys q
ui_expect "frank quits" "exited with 0"
t_done
