#!/bin/sh
# send_frank.sh: frank send end to end against the scripted SMTP server:
# the message built (From, Subject encoded, Bcc only in RCPT), the draft
# kept in Drafts until the server says 250, then filed in Sent; mailto:
# URLs, --draft, --postponed, -e with $EDITOR; and bad input: a missing
# attachment, a recipient that does not parse, a refused recipient, a
# server that drops after DATA, a message over the size limit.
. tests/lib.sh
t_tmpdir
t_need python3 timeout
. tests/integration/send_smtp.lib
[ -x ./frank ] || { t_fail "frank is built" "run: make"; exit 1; }

MAIL=$T_TMP/Mail
DRAFTS=$MAIL/test/Drafts
SENT=$MAIL/test/Sent
export HOME=$T_TMP
unset VISUAL EDITOR

rc() { write_rc test "$1"; }

# fsend NAME [ARG]...: frank send with the text in $TEXT (default: a
# short one); keeps NAME.out, NAME.err, NAME.rc; waits for the server.
fsend() {
	name=$1
	shift
	printf '%s' "${TEXT:-Hello Bob,
.
see you.
}" | timeout 60 ./frank send -F "$T_TMP/frankrc" -d "$T_TMP/$name.log" "$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	echo $? >"$T_TMP/$name.rc"
	if [ -n "${UNCONTACTED:-}" ]; then server_stop; else server_done; fi
}
count() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }
files_in() { test "$(count "$1/cur")" -eq "$2"; }
the_file() { find "$1/cur" -type f | head -n 1; }

# --- a message sent --------------------------------------------------------
server basic --auth PLAIN --pipelining
rc "$port"
fsend basic -s "Grüße aus Köln" -c "Carol <carol@example.org>" -b secret@example.org bob@example.org
t_check "frank send sends" t_rc_is basic 0
t_contains "and shows the server's reply" "$T_TMP/basic.out" "sent: 250 2.0.0 Ok: queued as SCRIPT1"
t_contains "and each recipient's" "$T_TMP/basic.out" "to secret@example.org: 250 2.1.5 Ok"
t_contains "the debug log traces the session" "$T_TMP/basic.log" "smtp 127.0.0.1 C: EHLO"
t_lacks "but never the password" "$T_TMP/basic.log" "AGFsaWNlAHNlY3JldA"
t_contains "which it shows as a secret" "$T_TMP/basic.log" "<secret, "
t_contains "STARTTLS before AUTH" "$rec" "$(printf 'STARTTLS\r\n[[TLS]]')"
t_contains "the Bcc address is a recipient" "$rec" "RCPT TO:<secret@example.org>"
t_contains "as are To and Cc" "$rec" "RCPT TO:<carol@example.org>"
t_lacks "but is not in the message sent" "$data" "secret@example.org"
t_lacks "no Bcc header at all" "$data" "Bcc:"
t_contains "From is the account's" "$data" "From: Alice Example <alice@example.org>"
t_contains "the Subject is RFC 2047-encoded" "$data" "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?="
t_contains "a Message-ID from the sender's domain" "$data" "@example.org>"
t_contains "a User-Agent" "$data" "User-Agent: frank/"
t_contains "a Date" "$data" "Date: "
t_contains "the body's dot line is stuffed" "$data" "$(printf '\r\n..\r\n')"
t_check "the draft is gone" files_in "$DRAFTS" 0
t_check "the Sent copy is there" files_in "$SENT" 1
sent=$(the_file "$SENT")
t_contains "the Sent copy keeps the Bcc for its owner" "$sent" "Bcc: secret@example.org"
t_check "the Sent copy is marked seen" sh -c "case '$sent' in *:2,S) true ;; *) false ;; esac"
id=$(tr -d '\r' <"$data" | sed -n 's/^Message-Id: //p')
t_contains "with the same Message-ID as the sent message" "$sent" "Message-Id: $id"
t_contains "the Sent copy is listed to append on the server" "$MAIL/test/.frank-append-pending" "$sent"

# --- mailto: and an attachment ------------------------------------------------
printf 'col1,col2\n1,2\n' >"$T_TMP/table.csv"
server mailto --auth PLAIN
rc "$port"
(cd "$T_TMP" && printf 'text\n' | timeout 60 "$OLDPWD/frank" send -F frankrc -A table.csv \
	'mailto:bob@example.org?subject=From%20mailto&cc=carol@example.org' \
	>"$T_TMP/mailto.out" 2>"$T_TMP/mailto.err"; echo $? >"$T_TMP/mailto.rc")
server_done
t_check "a mailto: URL as the recipient" t_rc_is mailto 0
t_contains "its address" "$rec" "RCPT TO:<bob@example.org>"
t_contains "its cc" "$rec" "RCPT TO:<carol@example.org>"
t_contains "its subject" "$data" "Subject: From mailto"
t_contains "the file is attached (a relative name works)" "$data" "filename=table.csv"
t_contains "with its type" "$data" "Content-Type: text/csv"
t_contains "in base64" "$data" "Y29sMSxjb2wyCjEsMgo="

# --- bad input: nothing sent, the draft kept -------------------------------------
rm -rf "$DRAFTS"
server missing --auth PLAIN
rc "$port"
UNCONTACTED=1 fsend missing -A "$T_TMP/no-such.pdf" bob@example.org
t_check "a missing attachment: not sent" t_rc_is missing 1
t_contains "with a clear error" "$T_TMP/missing.err" \
	"frank send: attachment $T_TMP/no-such.pdf: No such file or directory"
t_contains "the draft is kept, and named" "$T_TMP/missing.err" "not sent; the draft is kept: $DRAFTS/cur/"
t_check "in Drafts" files_in "$DRAFTS" 1
draft=$(the_file "$DRAFTS")
t_contains "with the text" "$draft" "see you."
t_lacks "and no connection was made" "$T_TMP/missing.log" "smtp 127.0.0.1"
printf '%%PDF-1.4\n' >"$T_TMP/no-such.pdf"
server resend --auth PLAIN
rc "$port"
fsend resend --draft "$draft"
t_check "once the file is there, the kept draft is sent" t_rc_is resend 0
t_contains "with the attachment" "$data" "filename=no-such.pdf"
t_check "and the draft is removed" files_in "$DRAFTS" 0

server badaddr --auth PLAIN
rc "$port"
UNCONTACTED=1 fsend badaddr bob@@example.org
t_check "a recipient that does not parse: not sent" t_rc_is badaddr 1
t_contains "says which" "$T_TMP/badaddr.err" "frank send: To: not an address: bob@@example.org"
t_check "the draft is kept" files_in "$DRAFTS" 1
t_contains "with the address as typed" "$(the_file "$DRAFTS")" "To: bob@@example.org"
t_lacks "no connection was made" "$T_TMP/badaddr.log" "smtp 127.0.0.1"
rm -rf "$DRAFTS"

server refused --auth PLAIN --reject-rcpt nobody@example.org
rc "$port"
fsend refused bob@example.org nobody@example.org
t_check "a refused recipient: not sent" t_rc_is refused 1
t_contains "the server's reply is shown" "$T_TMP/refused.err" \
	"to nobody@example.org: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown"
t_contains "each recipient's" "$T_TMP/refused.err" "to bob@example.org: 250 2.1.5 Ok"
t_check "the draft is kept" files_in "$DRAFTS" 1
t_lacks "no DATA was sent" "$rec" "DATA"

server drop --auth PLAIN --drop-after-data
rc "$port"
fsend drop bob@example.org
t_check "a server that drops after DATA: not reported as sent" t_rc_is drop 1
t_contains "says it may or may not have gone" "$T_TMP/drop.err" "may or may not have been delivered"
t_lacks "never says sent" "$T_TMP/drop.out" "sent:"
t_check "the draft is kept" files_in "$DRAFTS" 2

server nostarttls --auth PLAIN --no-starttls
rc "$port"
fsend nostarttls bob@example.org
t_check "a server without STARTTLS: not sent" t_rc_is nostarttls 1
t_contains "says why" "$T_TMP/nostarttls.err" "does not offer STARTTLS"
t_lacks "and no AUTH went" "$rec" "AUTH"
t_check "the draft is kept" files_in "$DRAFTS" 3
t_check "nothing was filed in Sent for any of them" files_in "$SENT" 3

t_run postponed ./frank send -F "$T_TMP/frankrc" --postponed
t_check "--postponed lists the drafts" test "$(wc -l <"$T_TMP/postponed.out")" -eq 3
t_contains "with their recipients" "$T_TMP/postponed.out" "bob@example.org, nobody@example.org"

# Resumed: the draft refused for nobody@, edited to go to Bob alone.
old=$(grep 'nobody@example.org' "$T_TMP/postponed.out" | cut -f5)
old_id=$(sed -n 's/^Message-Id: //p' "$old")
printf 'sed -i "s/^To:.*/To: bob@example.org/" "$1"\n' >"$T_TMP/fixto.sh"
server resume --auth PLAIN
rc "$port"
VISUAL="sh $T_TMP/fixto.sh" fsend resume -e --draft "$old"
t_check "-e --draft resumes a postponed draft in the editor" t_rc_is resume 0
t_lacks "sent as edited" "$rec" "nobody@example.org"
t_contains "with the text kept" "$data" "see you."
t_contains "and its Message-ID kept" "$data" "Message-Id: $old_id"
t_check "the old draft is gone" test ! -e "$old"
t_check "the others stay" files_in "$DRAFTS" 2

# --- a prepared message; the editor ---------------------------------------------
printf 'To: Zo\303\253 <zoe@example.org>\nSubject: caf\303\251 \342\230\225\n\nwritten by hand\n' >"$T_TMP/prepared.eml"
cp "$T_TMP/prepared.eml" "$T_TMP/prepared.orig"
server prepared --auth PLAIN
rc "$port"
fsend prepared --draft "$T_TMP/prepared.eml"
t_check "--draft sends a prepared message" t_rc_is prepared 0
t_contains "its recipient" "$rec" "RCPT TO:<zoe@example.org>"
t_contains "its raw UTF-8 Subject goes out encoded" "$data" "Subject: =?UTF-8?"
t_check "no byte of it is 8-bit" sh -c "! tr -d '\r\t' <'$data' | LC_ALL=C grep -q '[^ -~]'"
t_check "the file given is left as it was" cmp -s "$T_TMP/prepared.eml" "$T_TMP/prepared.orig"
t_check "its copy in Drafts is gone" files_in "$DRAFTS" 2

cat >"$T_TMP/editor.sh" <<'EOF'
sed -i -e 's/^Subject:.*/Subject: via the editor/' -e 's/^To:.*/To: bob@example.org/' "$1"
printf 'typed in the editor\n' >>"$1"
EOF
server edited --auth PLAIN
rc "$port"
VISUAL="sh $T_TMP/editor.sh" fsend edited -e
t_check "-e: the message is written in \$VISUAL" t_rc_is edited 0
t_contains "its headers edited" "$data" "Subject: via the editor"
t_contains "its text" "$data" "typed in the editor"
t_contains "to the recipient written there" "$rec" "RCPT TO:<bob@example.org>"

# --- the size limit -------------------------------------------------------------
head -c 27000000 /dev/zero >"$T_TMP/big.bin"
server big --auth PLAIN
rc "$port"
UNCONTACTED=1 fsend big -A "$T_TMP/big.bin" bob@example.org
t_check "a message over 25 MB is not sent" t_rc_is big 1
t_contains "with a warning that says how big" "$T_TMP/big.err" "over the limit of 25.0 MB: not sent"
t_lacks "before any connection" "$T_TMP/big.log" "smtp 127.0.0.1"
rm -f "$T_TMP/big.bin"

# The account's own limit (size_limit, in MB) applies instead of 25.
head -c 2000000 /dev/zero >"$T_TMP/two.bin"
server small --auth PLAIN
rc "$port"
sed -i 's/^}$/	set size_limit = 1\n}/' "$T_TMP/frankrc"
UNCONTACTED=1 fsend small -A "$T_TMP/two.bin" bob@example.org
t_check "over the account's size_limit of 1 MB: not sent" t_rc_is small 1
t_contains "the warning names that limit" "$T_TMP/small.err" "over the limit of 1.0 MB: not sent"
t_lacks "nothing was sent" "$T_TMP/small.log" "smtp 127.0.0.1"
rm -f "$T_TMP/two.bin"
rc "$port"

printf 'caf\351\n' >"$T_TMP/latin1.txt"
timeout 60 ./frank send -F "$T_TMP/frankrc" bob@example.org <"$T_TMP/latin1.txt" \
	>"$T_TMP/latin1.out" 2>"$T_TMP/latin1.err"
echo $? >"$T_TMP/latin1.rc"
t_check "text that is not UTF-8 is refused" t_rc_is latin1 1
t_contains "with a clear error" "$T_TMP/latin1.err" "frank send: the text on standard input is not UTF-8"

# --- usage --------------------------------------------------------------------------
t_run norcpt ./frank send -F "$T_TMP/frankrc"
t_check "no recipient is a usage error" t_rc_is norcpt 2
t_contains "said" "$T_TMP/norcpt.err" "frank send: no recipient"
t_run noacct ./frank send -F "$T_TMP/frankrc" -a nope bob@example.org
t_check "an unknown account" t_rc_is noacct 1
t_contains "is named" "$T_TMP/noacct.err" "frank send: no account named nope"
t_done
