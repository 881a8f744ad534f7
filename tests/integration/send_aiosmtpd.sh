#!/bin/sh
# send_aiosmtpd.sh: frank send to an independent server, Python's aiosmtpd
# (Debian python3-aiosmtpd) with STARTTLS and AUTH required: messages with
# 0, 1 and 5 attachments (text, binary, UTF-8 names) arrive, and GMime
# (tests/tools/smtp_parts) and Python's email package (smtp_parts.py) read
# them back to the same parts, byte for byte, equal to the files sent.
. tests/lib.sh
t_tmpdir
t_need timeout sha256sum
. tests/integration/send_smtp.lib
[ -x ./frank ] || { t_fail "frank is built" "run: make"; exit 1; }
[ -x "$tools/smtp_parts" ] || { t_fail "smtp_parts is built" "run: make unit-tests"; exit 1; }

aiosmtpd_start "$c/ip.crt" "$c/ip.key" alice secret

export HOME=$T_TMP
write_rc aio "$port"

# The files to attach: text, binary, and names that are not ASCII.
F=$T_TMP/files
mkdir -p "$F"
printf 'Grüße aus Köln\nline two\n' >"$F/notes.txt"
head -c 100000 /dev/urandom >"$F/data.bin"
{ printf '\211PNG\r\n\032\n'; head -c 5000 /dev/urandom; } >"$F/Übersicht résumé.png"
head -c 3000 /dev/urandom >"$F/日本語の名前.bin"
printf 'a,b\n1,2\n' >"$F/table.csv"
printf '\000\001\002\377\376\r\n\r\n.\r\n' >"$F/tricky.bin"

# fsend NAME SUBJECT [-A FILE]...: sends to bob and carol.
fsend() {
	name=$1
	subject=$2
	shift 2
	printf 'Hello Bob,\n.\nCafé ☕ at noon.\n' | timeout 60 ./frank send -F "$T_TMP/frankrc" \
		-s "$subject" -b carol@example.org "$@" bob@example.org \
		>"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	echo $? >"$T_TMP/$name.rc"
}

fsend zero "no attachment"
t_check "a message with no attachment is sent" t_rc_is zero 0
t_contains "aiosmtpd took it" "$T_TMP/zero.out" "sent: 250 2.0.0 Ok: stored as msg1"
fsend one "one attachment" -A "$F/data.bin"
t_check "a message with one attachment is sent" t_rc_is one 0
fsend five "five attachments: Grüße" -A "$F/notes.txt" -A "$F/data.bin" -A "$F/Übersicht résumé.png" \
	-A "$F/日本語の名前.bin" -A "$F/tricky.bin"
t_check "a message with five attachments is sent" t_rc_is five 0

for n in 1 2 3; do
	t_check "message $n arrived" test -s "$OUT/msg$n.eml"
	t_check "message $n: its envelope has Bob and the Bcc" \
		sh -c "printf 'alice@example.org\nbob@example.org\ncarol@example.org\n' | cmp -s - '$OUT/msg$n.env'"
	t_lacks "message $n: the Bcc is not in it" "$OUT/msg$n.eml" "carol@example.org"
	"$tools/smtp_parts" "$OUT/msg$n.eml" >"$T_TMP/gmime.$n" 2>&1
	"$APY" tests/tools/smtp_parts.py "$OUT/msg$n.eml" >"$T_TMP/python.$n" 2>&1
	if cmp -s "$T_TMP/gmime.$n" "$T_TMP/python.$n"; then
		t_ok "message $n: GMime and Python's email read the same parts"
	else
		t_fail "message $n: GMime and Python's email read the same parts" \
			"$(diff "$T_TMP/gmime.$n" "$T_TMP/python.$n")"
	fi
done

# part LINE NAME FILE: the part line for FILE (its type aside) must be in
# what both read, with the file's own length and SHA-256.
part() {
	n=$1
	file=$2
	name=$(basename "$file")
	sum=$(sha256sum "$file" | cut -d' ' -f1)
	size=$(wc -c <"$file" | tr -d ' ')
	t_contains "message $n: $name arrives byte for byte" "$T_TMP/python.$n" \
		"name=$name bytes=$size sha256=$sum"
}

printf 'Hello Bob,\n.\nCafé ☕ at noon.\n' >"$T_TMP/body"
body_sum=$(sha256sum "$T_TMP/body" | cut -d' ' -f1)
body_size=$(wc -c <"$T_TMP/body" | tr -d ' ')
t_contains "message 1: one part, the text" "$T_TMP/python.1" "part 1: text/plain name=- bytes=$body_size sha256=$body_sum"
t_lacks "message 1: and nothing else" "$T_TMP/python.1" "part 2"
t_contains "message 1: the subject" "$T_TMP/python.1" "subject: no attachment"
t_contains "message 2: the text first" "$T_TMP/python.2" "part 1: text/plain name=- bytes=$body_size sha256=$body_sum"
part 2 "$F/data.bin"
t_contains "message 3: the subject, decoded" "$T_TMP/python.3" "subject: five attachments: Grüße"
for file in "$F/notes.txt" "$F/data.bin" "$F/Übersicht résumé.png" "$F/日本語の名前.bin" "$F/tricky.bin"; do
	part 3 "$file"
done
t_contains "message 3: the text file is text/plain" "$T_TMP/python.3" "part 2: text/plain name=notes.txt"
t_contains "message 3: the PNG is known by its content" "$T_TMP/python.3" "image/png name=Übersicht résumé.png"
t_lacks "message 3: no sixth attachment" "$T_TMP/python.3" "part 7"
t_check "the Sent folder holds the three" test "$(find "$T_TMP/Mail/aio/Sent/cur" -type f | wc -l)" -eq 3
t_check "no draft is left" test "$(find "$T_TMP/Mail/aio/Drafts/cur" -type f | wc -l)" -eq 0
t_done
