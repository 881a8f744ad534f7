#!/bin/sh
# sync_verify.sh: frank sync verifies each message once, as it arrives,
# and keeps the verdict with it in the index (notmuch properties
# frank.badge and frank.verdict), so the UI never asks DNS when a message
# is opened.  Dovecot serves four messages: one signed by alice.test and
# sent from its address, one altered after signing, one forging alice.test
# from another address, one unsigned from a domain with no policy.  DNS
# is the offline zone of the frankrc (dns_zone_file, dns_offline).
. tests/lib.sh
. tests/tools/dovecot_lib.sh
t_tmpdir
t_need python3 notmuch /usr/sbin/dovecot
T_CLEANUP_HOOK=dovecot_stop
FRANK=$(pwd)/frank
SIGN=$(pwd)/build/tests/tools/dkim_tool
[ -x "$SIGN" ] || { t_fail "dkim_tool is built" "run: make unit-tests"; exit 1; }

dovecot_start "$T_TMP/dc" || { t_fail "Dovecot starts" "see above"; exit 1; }
t_ok "Dovecot starts (imaps on port $DC_IMAPS)"

w=$T_TMP/work
mkdir -p "$w"
(cd "$w" && "$FRANK" dkim-keygen alice.test s1 >alice.keys 2>/dev/null)
t_check "a key for alice.test" test -s "$w/s1.alice.test.key"
{
	echo '$ORIGIN alice.test.'
	echo '@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"'
	echo '_dmarc  IN TXT "v=DMARC1; p=reject"'
	cat "$w/alice.keys"
	echo '$ORIGIN carol.test.'
	echo '@       IN TXT "v=spf1 -all"'
} >"$T_TMP/offline.zone"

# message NAME IP FROM SUBJECT: a message as the boundary host mx.bob.test
# received it from IP.
message() {
	{ printf 'Return-Path: <%s>\n' "$3"
	  printf 'Received: from mail.example (mail.example [%s])\n\tby mx.bob.test (Postfix) with ESMTPS id %s\n\tfor <test@example.org>; Mon, 1 Jan 2024 00:00:00 +0000\n' "$2" "$1"
	  printf 'From: <%s>\nTo: test@example.org\nSubject: %s\n' "$3" "$4"
	  printf 'Date: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <%s@test>\n\nLunch on Friday?\n' "$1"
	} >"$w/$1.eml"
}
message good 192.0.2.1 alice@alice.test "signed"
message altered 192.0.2.1 alice@alice.test "altered"
for m in good altered; do
	"$SIGN" sign --key "$w/s1.alice.test.key" --domain alice.test --selector s1 \
		<"$w/$m.eml" >"$w/$m.signed"
done
sed -i 's/Friday/Monday/' "$w/altered.signed"
message forged 203.0.113.9 alice@alice.test "forged"
message plain 198.51.100.1 carol@carol.test "unsigned"
# Beyond the verdict: a brand in the display name with a lookalike domain
# behind it, and a homograph of alice.test (a digit 1 for the l), which
# the user knows once alice.test's verified mail has arrived.
message spoof 198.51.100.2 service@paypa1.com "your account"
sed -i 's/^From: <service@paypa1.com>/From: "PayPal Service" <service@paypa1.com>/' "$w/spoof.eml"
message look 198.51.100.3 alice@a1ice.test "lunch"
i=0
for f in good.signed altered.signed forged.eml plain.eml spoof.eml look.eml; do
	i=$((i + 1))
	cp "$w/$f" "$DC_MAIL/cur/100000000$i.M1P1.test:2,"
done
dovecot_fix_owner

M=$T_TMP/mail
rc=$T_TMP/frankrc
{
	echo "set mail_root = $M"
	echo "set dns_zone_file = $T_TMP/offline.zone"
	echo "set dns_offline"
	echo "account t {"
	echo "    set from = test@example.org"
	echo "    set source = imaps://test@127.0.0.1:$DC_IMAPS"
	echo "    set tls_fingerprint = $DC_FP"
	echo "    set password = Tr0ub4dor-3"
	echo "    set trusted_received_host = mx.bob.test"
	echo "}"
} >"$rc"
chmod 600 "$rc"
printf '[database]\npath=%s\n' "$M" >"$T_TMP/nm.conf"
nm() { NOTMUCH_CONFIG=$T_TMP/nm.conf notmuch "$@"; }

t_run sync "$FRANK" sync -F "$rc" -d "$T_TMP/sync.log"
t_check "frank sync succeeds" t_rc_is sync 0
t_lacks "every message was verified" "$T_TMP/sync.err" "could not be verified"

# badge ID BADGE: the index holds message ID with that badge.
badge() {
	test "$(nm search --output=messages "id:$1@test and property:frank.badge=$2" | wc -l)" -eq 1
}
t_check "the signed message is verified" badge good verified
t_check "the altered one failed" badge altered failed
t_check "the forged one failed" badge forged failed
t_check "the unsigned one has nothing to verify" badge plain none
t_check "six verdicts in all" test "$(nm search --output=messages 'property:frank.badge=verified or property:frank.badge=failed or property:frank.badge=none' | wc -l)" -eq 6

# The whole verdict is kept too, in the file the frank.verdict property
# names: read it back (notmuch dump lists the properties).
nm dump --include=properties >"$T_TMP/dump" 2>&1
python3 - "$T_TMP/dump" "$M" >"$T_TMP/verdicts" 2>&1 <<'PY'
import json, sys, urllib.parse
root = sys.argv[2]
for line in open(sys.argv[1]):
    if not line.startswith("#= "):
        continue
    parts = line.split()
    mid = urllib.parse.unquote(parts[1])
    props = {}
    for kv in parts[2:]:
        k, _, v = kv.partition("=")
        props.setdefault(urllib.parse.unquote(k), []).append(urllib.parse.unquote(v))
    for text in props.get("frank.warning", []):
        print(mid, "warning:", text)
    h = props["frank.verdict"][0]
    for wj in json.load(open("%s/.frank-verdicts/%s/%s.json" % (root, h[:2], h)))["warnings"]:
        print(mid, "json-warning:", wj["kind"], wj["text"])
    d = json.load(open("%s/.frank-verdicts/%s/%s.json" % (root, h[:2], h)))
    print(mid, d["v"], d["badge"], d["spf"]["result"], d["spf"]["ip"],
          ",".join(x["result"] for x in d["dkim"]) or "-", d["dmarc"]["result"],
          "props:", props["frank.badge"][0], props["frank.spf"][0],
          props.get("frank.dkim", ["-"])[0], props["frank.dmarc"][0])
PY
t_contains "the verdict of the signed message, with its evidence" "$T_TMP/verdicts" \
	"good@test 1 verified pass 192.0.2.1 pass pass props: verified pass pass alice.test pass"
t_contains "the altered one: its own signature forged, whatever SPF says" "$T_TMP/verdicts" "altered@test 1 failed pass 192.0.2.1 fail pass props: failed pass fail alice.test pass"
t_contains "the forged one: SPF fails from the wrong address" "$T_TMP/verdicts" \
	"forged@test 1 failed fail 203.0.113.9 - fail props: failed fail - fail"
t_contains "the log says what each came to" "$T_TMP/sync.log" ": failed: "

# The warnings beyond the verdict, as properties and in the verdict file.
t_contains "a display name claiming PayPal from another domain is pointed out" "$T_TMP/verdicts" \
	'spoof@test warning: The name shown, "PayPal Service", suggests paypal.com, but the mail comes from paypa1.com, not from paypal.com.'
t_contains "its domain imitating paypal.com too" "$T_TMP/verdicts" \
	"spoof@test warning: The sender's domain paypa1.com looks like paypal.com, a name often imitated, but is another domain."
t_contains "a homograph of a domain the user gets verified mail from" "$T_TMP/verdicts" \
	"look@test json-warning: lookalike The sender's domain a1ice.test looks like alice.test, a domain you get verified mail from, but is another domain."
t_contains "the first mail from an address says so" "$T_TMP/verdicts" \
	"good@test warning: This is the first mail from alice@alice.test."
t_lacks "the second mail from it does not" "$T_TMP/verdicts" "altered@test warning: This is the first"
t_contains "what was learnt is kept for the next sync" "$M/.frank-known" "c alice.test"
t_contains "...with the senders seen" "$M/.frank-known" "a carol@carol.test"
t_lacks "...but not the lookalike as a correspondent" "$M/.frank-known" "c a1ice.test"

# Verified once, on arrival: a second sync fetches nothing and asks no DNS.
t_run again "$FRANK" sync -F "$rc" -d "$T_TMP/again.log"
t_check "a second sync succeeds" t_rc_is again 0
t_lacks "and verifies nothing again" "$T_TMP/again.log" "verify "

# A zone file that cannot be read is a clear error, not a sync without verdicts.
sed -i "s|set dns_zone_file = .*|set dns_zone_file = $T_TMP/missing.zone|" "$rc"
t_run nozone "$FRANK" sync -F "$rc"
t_check "a missing zone file stops the sync (exit 1)" t_rc_is nozone 1
t_contains "and names the file" "$T_TMP/nozone.err" "missing.zone"
t_done
