#!/bin/sh
# frankd_imap_condstore_dovecot.sh: the same CONDSTORE and QRESYNC script
# (tests/tools/frankd_imap_condstore.py compare) against frankd and against
# Dovecot, each with the same ten messages: every answer must say the same
# (which messages, which sets, which items), numbering aside.
. tests/lib.sh
t_tmpdir
t_need python3 timeout /usr/sbin/dovecot
. tests/integration/frankd.lib
. tests/integration/frankd_imap.lib
. tests/tools/dovecot_lib.sh
T_CLEANUP_HOOK="fd_kill; dovecot_stop"

fd_imaps_start
PW=$(fd_password bob compare)
python3 tests/tools/gen-maildir --count 10 --seed 62 "$FD/mail/bob" >/dev/null
dovecot_start "$T_TMP/dc" >"$T_TMP/dc.out" 2>&1 || { t_fail "Dovecot starts" "$(cat "$T_TMP/dc.out")"; exit 1; }
python3 tests/tools/gen-maildir --count 10 --seed 62 "$DC_MAIL" >/dev/null
dovecot_fix_owner

timeout 120 python3 tests/tools/frankd_imap_condstore.py compare \
	"$FD_IMAPS" "$FD_CERT" "$FD_NAME" bob "$PW" \
	"$DC_IMAPS" "$DC_DIR/cert.crt" localhost test Tr0ub4dor-3 >"$T_TMP/compare.out" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) t_ok "${line#ok }" ;;
	"not ok "*) t_fail "${line#not ok }" ;;
	*) echo "$line" ;;
	esac
done <"$T_TMP/compare.out"
t_check "the comparison ran to its end" test "$rc" -eq 0 -o "$rc" -eq 1
t_check "it compared at least 25 answers" test "$(grep -c '^ok \|^not ok ' "$T_TMP/compare.out")" -ge 25

fd_stop
t_done
