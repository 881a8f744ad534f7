#!/bin/sh
# verify_arc.sh: frank verify on a message a mailing list changed and
# ARC-sealed.  The author's signature breaks in transit (subject tag,
# footer); with the list's passing chain vouching for the original pass,
# the badge is partial and says so in words, instead of a bare FAILED.
# dkimpy (Debian python3-dkim, python3-authres) seals, as an independent
# list server would.  Offline: every answer comes from the zone file.
. tests/lib.sh
t_tmpdir
FRANK=$(pwd)/frank
SIGN=$(pwd)/build/tests/tools/dkim_tool
PEER=$(pwd)/tests/tools/arc_dkimpy.py
[ -x "$FRANK" ] || { t_fail "frank is built" "run: make"; exit 1; }
[ -x "$SIGN" ] || { t_fail "dkim_tool is built" "run: make unit-tests"; exit 1; }
PY=/usr/bin/python3
if ! "$PY" -c 'import dkim, authres' 2>/dev/null; then
	t_fail "dkimpy can seal ARC" "apt-get install -y python3-dkim python3-authres"
	exit 1
fi
NOW=1800000000
cd "$T_TMP" || exit 1

"$FRANK" dkim-keygen alice.test s1 >alice.zone 2>/dev/null &&
	"$FRANK" dkim-keygen lists.test l1 >lists.zone 2>/dev/null
t_check "keys for the author and the list" test -s s1.alice.test.key -a -s l1.lists.test.key
{
	echo '$ORIGIN alice.test.'
	echo '@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"'
	echo '_dmarc  IN TXT "v=DMARC1; p=reject"'
	cat alice.zone
	echo '$ORIGIN lists.test.'
	echo '@       IN TXT "v=spf1 ip4:198.51.100.7 -all"'
	cat lists.zone
} >zone

printf 'From: Alice <alice@alice.test>\nTo: lunch@lists.test\nSubject: Lunch\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <lunch@alice.test>\n\nNoon at the usual place?\n' >orig.eml
"$SIGN" sign --key s1.alice.test.key --domain alice.test --selector s1 --time $((NOW - 60)) \
	<orig.eml >signed.eml
# The list tags the subject, adds a footer, records what it verified on
# receipt, and seals.
{ printf 'Authentication-Results: lists.test; dkim=pass header.d=alice.test; spf=pass smtp.mailfrom=alice.test; dmarc=pass header.from=alice.test\n'
  sed 's/^Subject: /Subject: [lunch] /' signed.eml; printf -- '--\nlunch list\n'; } >rewritten.eml
"$PY" "$PEER" seal --key l1.lists.test.key --domain lists.test --selector l1 --srv-id lists.test \
	<rewritten.eml >sealed.eml 2>seal.err
t_check "dkimpy seals the list's copy" grep -q '^ARC-Seal:' sealed.eml
# Then the list sends it on to bob.test, whose MX records the hop.
hop() { # IN OUT
	{ echo 'Return-Path: <lunch-bounces@lists.test>'
	  printf 'Received: from mail.lists.test (mail.lists.test [198.51.100.7])\n'
	  printf '\tby mx.bob.test (Postfix) with ESMTPS id 9Z\n\tfor <bob@bob.test>; Mon, 1 Jan 2024 00:01:00 +0000\n'
	  cat "$1"; } >"$2"
}
hop sealed.eml list.eml
# The same copy without the list's seal (a footer and nothing vouching).
awk 'BEGIN{skip=0} /^ARC-/{skip=1; next} skip && /^[ \t]/{next} {skip=0; print}' sealed.eml >unsealed.eml
hop unsealed.eml nolist.eml

verify() { # NAME FILE
	t_run "$1" "$FRANK" verify --dns zone --trusted-host mx.bob.test --now $NOW "$2"
}
verify list list.eml
t_check "frank verify runs (exit 0)" t_rc_is list 0
t_contains "the author's signature broke in transit" list.out \
	"dkim=fail (body hash mismatch) header.d=alice.test"
t_contains "the chain passes: arc=pass" list.out "; arc=pass"
t_contains "the badge is partial, in words" list.out \
	"  partial: DKIM broken in transit (body hash mismatch); ARC chain from lists.test (i=1) vouches for the original pass: dkim=pass header.d=alice.test"
t_lacks "not a bare FAILED" list.out "FAILED"

t_run listjson "$FRANK" verify --json --dns zone --trusted-host mx.bob.test --now $NOW list.eml
"$PY" - listjson.out >json.out 2>&1 <<'PY'
import json, sys
v = json.loads(open(sys.argv[1]).readline())["verdict"]
a = v["arc"]
print("badge", v["badge"])
print("cv", a["cv"], "count", a["count"], "oldest_pass", a["oldest_pass"])
print("sealer", a["sets"][0]["seal"]["domain"], a["sets"][0]["seal"]["result"])
print("vouch", a["vouch"])
PY
t_contains "JSON: the badge" json.out "badge partial"
t_contains "JSON: the chain" json.out "cv pass count 1 oldest_pass 1"
t_contains "JSON: the seal of lists.test passes" json.out "sealer lists.test pass"
t_contains "JSON: the vouch" json.out "vouch ARC chain from lists.test (i=1)"

verify nolist nolist.eml
t_contains "without the seal the same copy is FAILED" nolist.out \
	"  FAILED: the signature of alice.test does not verify (body hash mismatch)"
t_lacks "and has no arc= result" nolist.out "; arc="

# A forger who copies a list's seal onto a new text: the chain fails.
sed 's/Noon at the usual place?/Wire the money today./' list.eml >tampered.eml
verify tampered tampered.eml
t_contains "an altered sealed message: arc=fail" tampered.out "arc=fail"
t_contains "and the badge is FAILED" tampered.out "  FAILED: the signature of alice.test does not verify"
t_done
