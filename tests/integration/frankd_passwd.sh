#!/bin/sh
# frankd_passwd.sh: app passwords (frankd passwd add, list, revoke) as a
# running frankd sees them: a revoked password fails at once, failed AUTHs
# are limited per address and per user, and neither the file nor the log
# holds a password.  Also frankd check and configuration errors.
. tests/lib.sh
t_tmpdir
t_need python3 timeout stat
. tests/integration/frankd.lib

fd_conf "limit auth_failures 3"
pw=$FD/passwords

# --- the command ----------------------------------------------------------------
t_run add "$FRANKD" -c "$FD/frankd.conf" passwd add alice --label phone
t_check "passwd add succeeds" t_rc_is add 0
PHONE=$(cat "$T_TMP/add.out")
t_check "it prints the password once, on standard output" test "$(wc -l <"$T_TMP/add.out")" -eq 1
t_check "the password is 20 characters in groups of four" \
	sh -c "grep -Eq '^[a-z2-9]{4}(-[a-z2-9]{4}){4}$' '$T_TMP/add.out'"
t_contains "standard error says it is shown once" "$T_TMP/add.err" "shown once"
t_check "the password file is mode 0600" test "$(stat -c %a "$pw")" = 600
t_lacks "the file does not hold the password" "$pw" "$PHONE"
t_lacks "nor the password without dashes" "$pw" "$(echo "$PHONE" | tr -d -)"
t_contains "the file holds a salted scrypt hash with its parameters" "$pw" 'alice phone $scrypt$ln=15,r=8,p=1$'
t_check "no temporary file is left beside it" test "$(ls "$FD" | grep -c 'passwords.tmp')" -eq 0

LAPTOP=$(fd_password alice laptop)
BOB=$(fd_password bob default)
t_run twice "$FRANKD" -c "$FD/frankd.conf" passwd add alice --label phone
t_check "a label is used once per user" t_rc_is twice 1
t_contains "...and says so" "$T_TMP/twice.err" "frankd: alice already has a password labelled phone (revoke it first)"
t_run nouser "$FRANKD" -c "$FD/frankd.conf" passwd add mallory
t_check "an unknown user is refused" t_rc_is nouser 1
t_contains "...by name" "$T_TMP/nouser.err" "frankd: no user mallory in $FD/frankd.conf"
t_run auto "$FRANKD" -c "$FD/frankd.conf" passwd add carol
t_check "without --label the label is made up" t_rc_is auto 0
t_run list "$FRANKD" -c "$FD/frankd.conf" passwd list alice
t_contains "passwd list shows the labels" "$T_TMP/list.out" "phone"
t_contains "...all of them" "$T_TMP/list.out" "laptop"
t_lacks "...of that user only" "$T_TMP/list.out" "default"
t_lacks "...and no password" "$T_TMP/list.out" "$PHONE"
t_run listc "$FRANKD" -c "$FD/frankd.conf" passwd list carol
t_contains "the made-up label is app" "$T_TMP/listc.out" "app "
t_run usage "$FRANKD" -c "$FD/frankd.conf" passwd remove alice phone
t_check "a wrong verb is a usage error (2)" t_rc_is usage 2

# --- against the daemon -------------------------------------------------------------
fd_start
auth() { # NAME USER PASSWORD
	timeout 60 $SMTP_CLIENT "$FD_SUB" --ca "$FD_CERT" --name "$FD_NAME" starttls \
		"auth:PLAIN:$2:$3" quit >"$T_TMP/$1.out" 2>&1
}
auth phone alice "$PHONE"
t_contains "the phone password logs in" "$T_TMP/phone.out" "auth 235"
auth nodash alice "$(echo "$PHONE" | tr -d -)"
t_contains "it works without its dashes too" "$T_TMP/nodash.out" "auth 235"
auth byaddress alice@alice.test "$LAPTOP"
t_contains "the login may be one of the user's addresses" "$T_TMP/byaddress.out" "auth 235"
auth crossed bob "$PHONE"
t_contains "alice's password is not bob's" "$T_TMP/crossed.out" "auth 535"

t_run revoke "$FRANKD" -c "$FD/frankd.conf" passwd revoke alice phone
t_check "passwd revoke succeeds" t_rc_is revoke 0
auth revoked alice "$PHONE"
t_contains "a revoked password fails at once (no reload needed)" "$T_TMP/revoked.out" "auth 535 5.7.8"
auth still alice "$LAPTOP"
t_contains "the other password still works" "$T_TMP/still.out" "auth 235"
t_run revoke2 "$FRANKD" -c "$FD/frankd.conf" passwd revoke alice phone
t_check "revoking it again is an error" t_rc_is revoke2 1

# failures from this address so far: crossed, revoked; the limit is 3 per
# address and per user in the window
auth f1 bob wrong-1
t_contains "a third failure is still 535" "$T_TMP/f1.out" "auth 535"
auth blocked bob "$BOB"
t_contains "then even the right password gets 454 (rate limit per address)" "$T_TMP/blocked.out" "auth 454 4.7.0 Too many failed authentications"
t_contains "the log says why" "$FD_LOG" "auth refused: user bob from 127.0.0.1: too many failures"
t_lacks "the log never holds a password" "$FD_LOG" "$PHONE"
t_lacks "...nor another one" "$FD_LOG" "$LAPTOP"
t_lacks "...nor the wrong ones" "$FD_LOG" "wrong-1"
t_lacks "...nor an AUTH payload" "$FD_LOG" "AGFsaWNl"
fd_stop

# --- frankd check, and configuration errors -----------------------------------------
t_run check "$FRANKD" -c "$FD/frankd.conf" check
t_check "frankd check accepts the configuration" t_rc_is check 0
t_contains "...and says what it read" "$T_TMP/check.out" "ok: $FD_NAME, 3 listeners, 2 domains, 3 users"
printf 'hostname x.test\nlisten 127.0.0.1 25 gopher\n' >"$T_TMP/bad.conf"
t_run bad "$FRANKD" -c "$T_TMP/bad.conf" check
t_check "a bad configuration exits 1" t_rc_is bad 1
t_contains "...with file:line: message" "$T_TMP/bad.err" "frankd: $T_TMP/bad.conf:2: listen: mode gopher is not smtp, submission, submissions, pop3, pop3s, imap or imaps"
t_check "...in one line" t_one_line bad
t_run missing "$FRANKD" -c "$T_TMP/none.conf" check
t_check "a missing file exits 1" t_rc_is missing 1
t_contains "...naming it" "$T_TMP/missing.err" "$T_TMP/none.conf"
t_done
