#!/bin/sh
# frankd_imap_fetch.sh: FETCH ENVELOPE, BODY, BODYSTRUCTURE and BODY[n]
# from frankd over TLS on 127.0.0.1, for a table of messages (single part,
# multipart/alternative, multipart/mixed with a base64 attachment, nested
# message/rfc822, missing headers, encoded words, groups, 8-bit headers,
# multipart/digest, folded fields), each answer compared with Dovecot's
# for the same Maildir content, and each part's bytes with the payload
# Python's email module finds (tests/tools/frankd_imap_fetch.py).
. tests/lib.sh
t_tmpdir
t_need python3 timeout /usr/sbin/dovecot
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib
. tests/tools/dovecot_lib.sh
T_CLEANUP_HOOK="fd_kill; dovecot_stop"

fd_imaps_start
PW=$(fd_password bob fetch)
python3 tests/tools/frankd_imap_fetch.py gen "$FD/mail/bob"
dovecot_start "$T_TMP/dc" >"$T_TMP/dc.out" 2>&1 || { t_fail "Dovecot starts" "$(cat "$T_TMP/dc.out")"; exit 1; }
python3 tests/tools/frankd_imap_fetch.py gen "$DC_MAIL"
dovecot_fix_owner

timeout 120 python3 tests/tools/frankd_imap_fetch.py compare "$FD_IMAPS" "$FD_CERT" "$FD_NAME" "$PW" \
	"$DC_IMAPS" "$DC_DIR/cert.crt" >"$T_TMP/compare.out" 2>&1
rc=$?
# Each line of the comparison is one check.
while IFS= read -r line; do
	case $line in
	"ok "*) t_ok "${line#ok }" ;;
	"not ok "*) t_fail "${line#not ok }" ;;
	*) echo "$line" ;;
	esac
done <"$T_TMP/compare.out"
t_check "the comparison ran to its end" test "$rc" -eq 0 -o "$rc" -eq 1
t_check "the comparison checked at least 100 things" \
	test "$(grep -c '^ok \|^not ok ' "$T_TMP/compare.out")" -ge 100

fd_stop
t_done
