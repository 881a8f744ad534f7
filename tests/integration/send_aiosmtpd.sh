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

send_three
t_contains "aiosmtpd took it" "$T_TMP/zero.out" "sent: 250 2.0.0 Ok: stored as msg1"

for n in 1 2 3; do
	t_check "message $n: its envelope has Bob and the Bcc" \
		sh -c "printf 'alice@example.org\nbob@example.org\ncarol@example.org\n' | cmp -s - '$OUT/msg$n.env'"
done
sent_parts_check "$OUT"
t_check "the Sent folder holds the three" test "$(find "$T_TMP/Mail/aio/Sent/cur" -type f | wc -l)" -eq 3
t_check "no draft is left" test "$(find "$T_TMP/Mail/aio/Drafts/cur" -type f | wc -l)" -eq 0
t_done
