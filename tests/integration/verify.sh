#!/bin/sh
# verify.sh: frank verify and frank dkim-keygen from the command line, on
# messages signed here with keys frank dkim-keygen makes and a zone file
# written here: a pass, a body altered, a forged From from the wrong IP,
# an l= signature with a line added, no From and two From fields, trusted
# and untrusted Authentication-Results, the JSON evidence read back with
# python3's json module, usage errors, files that are not messages, and
# hostile messages with bounded memory.  Offline: every answer comes from
# the zone file (--dns), nothing leaves the machine.
. tests/lib.sh
t_tmpdir

FRANK=$(pwd)/frank
SIGN=$(pwd)/build/tests/tools/dkim_tool
DKIMPY=$(pwd)/tests/tools/dkimpy_check.py
[ -x "$FRANK" ] || { t_fail "frank is built" "run: make"; exit 1; }
[ -x "$SIGN" ] || { t_fail "dkim_tool is built" "run: make unit-tests"; exit 1; }
t_need python3
# dkimpy (for the l= signature frank's signer does not write) is Debian's
# python3-dkim: /usr/bin/python3's, not a pyenv's.
PY=/usr/bin/python3
if ! "$PY" -c 'import dkim, nacl' 2>/dev/null; then
	t_fail "dkimpy is installed" "apt-get install -y python3-dkim"
	exit 1
fi

NOW=1800000000
cd "$T_TMP" || exit 1

# ---- frank dkim-keygen ------------------------------------------------------
t_run keygen "$FRANK" dkim-keygen alice.test s1
t_check "dkim-keygen exits 0" t_rc_is keygen 0
t_check "the key is ./SELECTOR.DOMAIN.key" test -f s1.alice.test.key
mode=$(stat -c %a s1.alice.test.key)
t_check "the private key is mode 600 (it is $mode)" test "$mode" = 600
t_contains "the TXT record goes to standard output as a zone line" keygen.out \
	's1._domainkey.alice.test. IN TXT ( "v=DKIM1; k=rsa; p='
t_contains "standard error says where the key went" keygen.err \
	"private key written to s1.alice.test.key"
cp s1.alice.test.key s1.before
t_run again "$FRANK" dkim-keygen alice.test s1
t_check "an existing key is never replaced (exit 1)" t_rc_is again 1
t_check "it says so in one line" t_one_line again
t_contains "the line names the file" again.err "s1.alice.test.key: already exists"
t_check "the key is unchanged" cmp -s s1.alice.test.key s1.before
t_run ed "$FRANK" dkim-keygen --algo ed25519 --out "$T_TMP/ed.pem" ALICE.test ed
t_check "--algo ed25519 --out FILE exits 0" t_rc_is ed 0
t_contains "an Ed25519 record, the domain lowercased" ed.out \
	'ed._domainkey.alice.test. IN TXT ( "v=DKIM1; k=ed25519; p='
for bad in "" "alice.test" "alice.test s1 extra" "--algo dsa alice.test s1" \
	"--bits 512 alice.test s1" "alice.test bad_selector" "--nope alice.test s1"; do
	# shellcheck disable=SC2086
	t_run usage "$FRANK" dkim-keygen $bad
	t_check "dkim-keygen $bad: a usage error (exit 2)" t_rc_is usage 2
done

# ---- the zone --------------------------------------------------------------------
{
	echo '$ORIGIN alice.test.'
	echo '@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"'
	echo '_dmarc  IN TXT "v=DMARC1; p=reject"'
	cat keygen.out ed.out
	echo '$ORIGIN carol.test.'
	echo '@       IN TXT "v=spf1 -all"'
} >zone

# ---- messages ----------------------------------------------------------------------
received() { # IP
	printf 'Received: from mail.alice.test (mail.alice.test [%s])\n' "$1"
	printf '\tby mx.bob.test (Postfix) with ESMTPS id 4B2C3D\n'
	printf '\tfor <bob@bob.test>; Mon, 1 Jan 2024 00:00:00 +0000\n'
}
rest() {
	printf 'To: Bob <bob@bob.test>\nSubject: lunch\n'
	printf 'Date: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <1@alice.test>\n\n'
	printf 'Shall we have lunch on Friday?\n'
}
{ echo 'Return-Path: <alice@alice.test>'; received 192.0.2.1
  echo 'From: Alice <alice@alice.test>'; rest; } >plain.eml
"$SIGN" sign --key s1.alice.test.key --domain alice.test --selector s1 --time $((NOW - 60)) \
	<plain.eml >good.eml
sed 's/Friday/Monday/' good.eml >altered.eml
{ echo 'Return-Path: <alice@alice.test>'; received 203.0.113.9
  echo 'From: Alice <alice@alice.test>'; rest; } >forged.eml
{ echo 'Return-Path: <alice@alice.test>'; received 192.0.2.1; rest; } >nofrom.eml
{ echo 'Return-Path: <alice@alice.test>'; received 192.0.2.1
  echo 'From: Alice <alice@alice.test>'; echo 'From: Mallory <mallory@carol.test>'
  rest; } >twofrom.eml
"$PY" "$DKIMPY" sign --key s1.alice.test.key --domain alice.test --selector s1 --length \
	<plain.eml >lsig.eml
printf 'P.S. Wire the money to account 1234.\n' >>lsig.eml

verify() { # NAME ARGS... : frank verify over the zone, trusting mx.bob.test
	name=$1
	shift
	t_run "$name" "$FRANK" verify --dns zone --trusted-host mx.bob.test --now $NOW "$@"
}

verify good good.eml
t_check "a verified message: exit 0" t_rc_is good 0
t_contains "the field: spf, dkim, dmarc pass with our authserv-id" good.out \
	"Authentication-Results: frank; spf=pass smtp.mailfrom=alice.test; dkim=pass header.d=alice.test header.s=s1 header.b="
t_contains "dmarc with header.from and the policy" good.out \
	"; dmarc=pass header.from=alice.test policy.dmarc=reject"
t_contains "the badge in words" good.out \
	"  verified: alice.test signed this message and its DMARC policy (reject) says so"
t_contains "SPF's client comes from mx.bob.test's Received field" good.out \
	"  spf    pass       smtp.mailfrom=alice.test client=192.0.2.1 helo=mail.alice.test received-by=mx.bob.test"
t_contains "the DKIM line: selector, algorithm, key, canonicalization" good.out \
	"  dkim   pass       d=alice.test s=s1 a=rsa-sha256 key=rsa/2048 c=relaxed/relaxed aligned"

verify altered altered.eml
t_check "an altered message still exits 0" t_rc_is altered 0
t_contains "dkim=fail, body hash mismatch" altered.out "dkim=fail (body hash mismatch) header.d=alice.test"
t_contains "the failing check is marked" altered.out "! dkim   fail"
t_contains "the badge says FAILED and why" altered.out \
	"  FAILED: the signature of alice.test does not verify (body hash mismatch)"

verify forged forged.eml
t_contains "a forged From from the wrong IP: spf=fail" forged.out \
	"spf=fail ('-all' matched in the record of alice.test) smtp.mailfrom=alice.test"
t_contains "the SPF line names the client" forged.out "! spf    fail       smtp.mailfrom=alice.test client=203.0.113.9"
t_contains "and dmarc=fail with the policy" forged.out "dmarc=fail ("
t_contains "policy.dmarc=reject" forged.out "header.from=alice.test policy.dmarc=reject"
t_contains "the badge is FAILED" forged.out "  FAILED: nothing proves alice.test sent this"

# Beyond the verdict: a brand in the display name over another domain, a
# homograph domain (Cyrillic a, as an A-label).  With no history of the
# user's mail, frank verify says nothing of first mail.
printf 'From: "PayPal" <service@xn--pypal-4ve.com>\nTo: bob@bob.test\nSubject: account\n\nhi\n' >spoof.eml
verify spoof spoof.eml
t_contains "the display name claiming PayPal is pointed out" spoof.out \
	'  warning: The name shown, "PayPal", suggests paypal.com, but the mail comes from xn--pypal-4ve.com, not from paypal.com.'
t_contains "the homograph is shown in the letters a reader sees" spoof.out \
	"  warning: The sender's domain p$(printf '\320\260')ypal.com (xn--pypal-4ve.com) looks like paypal.com, a name often imitated, but is another domain: some of its letters only look the same."
t_lacks "no first-mail warning without a history" spoof.out "first mail"
verify spoofjson --json spoof.eml
t_contains "the JSON has the From mailbox" spoofjson.out '"from":{"name":"PayPal","address":"service@xn--pypal-4ve.com"}'
t_contains "and the warnings" spoofjson.out '"warnings":[{"kind":"display-name","text":"The name shown'
t_lacks "a plain message has no warning" good.out "warning:"

# Without the boundary host SPF says nothing, and only the l= signature
# speaks for alice.test.
t_run lsig "$FRANK" verify --dns zone --now $NOW lsig.eml
t_contains "an l= signature passes" lsig.out "dkim=pass (pass, but only the first 32 of 70 body bytes"
t_contains "the badge is partial" lsig.out \
	"  partial: alice.test signed only the first 32 bytes of the body (l=): the rest may have been added"
t_contains "the DKIM line shows l=" lsig.out " l=32/70 aligned"

verify nofrom nofrom.eml
t_contains "no From: dmarc=permerror" nofrom.out "dmarc=permerror (the message has no From field)"
t_contains "no From: FAILED, in words" nofrom.out \
	"  FAILED: who sent this cannot be told: the message has no From field"
t_contains "no From: the DMARC line is marked" nofrom.out "! dmarc  permerror"

verify twofrom twofrom.eml
t_contains "two From fields: a permerror naming both" twofrom.out \
	"dmarc=permerror (the message has 2 From fields: alice.test, carol.test)"
t_contains "two From fields: FAILED" twofrom.out "  FAILED: who sent this cannot be told"
t_lacks "never resolved to the first" twofrom.out "header.from=alice.test"

# Red on a terminal, plain in a file.
t_lacks "no escape sequences when not on a terminal" twofrom.out "$(printf '\033')"
if command -v script >/dev/null 2>&1; then
	script -qec "$FRANK verify --dns zone --now $NOW twofrom.eml" /dev/null >tty.out 2>&1
	t_contains "FAILED is red on a terminal" tty.out "$(printf '\033[1;31mFAILED')"
fi

# ---- Authentication-Results fields in the message ------------------------------
{ echo 'Authentication-Results: mx.bob.test; spf=pass smtp.mailfrom=alice@alice.test'
  echo 'Authentication-Results: evil.test; dkim=pass header.d=alice.test; dmarc=pass'
  echo 'From: Alice <alice@alice.test>'; rest; } >ar.eml
verify trusted --trust mx.bob.test ar.eml
t_contains "a trusted field's spf= counts" trusted.out \
	"spf=pass (from mx.bob.test) smtp.mailfrom=alice.test"
t_contains "the trusted field is listed" trusted.out "  ar     trusted   mx.bob.test: spf=pass"
t_contains "the other is listed as untrusted" trusted.out \
	"  ar     untrusted evil.test: dkim=pass dmarc=pass"
t_contains "DMARC passes on the trusted SPF result" trusted.out "dmarc=pass header.from=alice.test"
verify untrusted ar.eml
t_contains "without --trust, neither counts: spf=none" untrusted.out \
	"spf=none (no trusted Received header)"
t_contains "and DMARC fails" untrusted.out "dmarc=fail"
t_lacks "nothing is listed as trusted" untrusted.out " trusted   "

# ---- the SMTP session given on the command line -----------------------------------
t_run session "$FRANK" verify --dns zone --now $NOW --ip 192.0.2.44 --helo mail.alice.test \
	--mail-from bounce@alice.test plain.eml
t_contains "--ip --helo --mail-from: SPF checks them" session.out \
	"  spf    pass       smtp.mailfrom=alice.test client=192.0.2.44 helo=mail.alice.test"
t_run session0 "$FRANK" verify --dns zone --now $NOW --ip 192.0.2.44 --helo carol.test \
	--mail-from '' plain.eml
t_contains "--mail-from '' is the null sender: the HELO is checked" session0.out \
	"spf=fail ('-all' matched in the record of carol.test) smtp.helo=carol.test"
t_contains "as smtp.helo" session0.out "smtp.helo=carol.test"

# ---- JSON ----------------------------------------------------------------------------
verify json --json good.eml twofrom.eml
t_check "--json exits 0" t_rc_is json 0
cat >check.py <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
good, two = (json.loads(l) for l in lines)
assert good["file"] == "good.eml"
v = good["verdict"]
assert v["v"] == 1 and v["badge"] == "verified" and v["verified_at"] == 1800000000
assert v["spf"]["source"] == "received" and v["spf"]["ip"] == "192.0.2.1"
assert v["spf"]["check"]["records"][0]["text"] == "v=spf1 ip4:192.0.2.0/24 -all"
d = v["dkim"][0]
assert (d["result"], d["selector"], d["algorithm"]) == ("pass", "s1", "rsa-sha256"), d
assert d["canonicalization"] == "relaxed/relaxed" and d["key"]["bits"] == 2048, d
assert d["key"]["name"] == "s1._domainkey.alice.test" and d["aligned"] is True, d
m = v["dmarc"]
assert (m["result"], m["policy"], m["record"]) == ("pass", "reject", "v=DMARC1; p=reject"), m
assert m["alignment"]["dkim"][0]["aligned"] is True and "relaxed" in m["alignment"]["dkim"][0]["why"]
names = [(a["name"], a["type"], a["rcode"]) for a in v["dns"]]
for want in [("alice.test", "TXT", "ANSWER"), ("s1._domainkey.alice.test", "TXT", "ANSWER"),
             ("_dmarc.alice.test", "TXT", "ANSWER")]:
    assert want in names, (want, names)
key = [a for a in v["dns"] if a["name"] == "s1._domainkey.alice.test"][0]
assert key["records"][0].startswith("v=DKIM1; k=rsa; p="), key
assert v["authentication_results"].startswith("Authentication-Results: frank; spf=pass")
t = two["verdict"]
assert t["badge"] == "failed" and t["author_error"] is True, t
assert t["dmarc"]["author_domains"] == ["alice.test", "carol.test"], t["dmarc"]
print("ok")
EOF
python3 check.py json.out >check.out 2>&1
t_contains "the JSON evidence reads back with the fields expected" check.out "ok"

# ---- usage errors and files that are not messages ---------------------------------------
for bad in "" "--json" "--bogus good.eml" "--dns" "--helo x good.eml" \
	"--now yesterday good.eml" "-F rc good.eml"; do
	# shellcheck disable=SC2086
	t_run usage "$FRANK" verify $bad
	t_check "verify $bad: a usage error (exit 2)" t_rc_is usage 2
	t_contains "verify $bad: the usage is printed" usage.err "usage: frank verify"
done
printf 'Dear diary,\nnothing happened today.\n' >diary.txt
: >empty.eml
verify mixed diary.txt good.eml missing.eml empty.eml altered.eml
t_check "files that could not be verified: exit 1" t_rc_is mixed 1
t_check "one line each on standard error" test "$(wc -l <mixed.err)" -eq 3
t_contains "a text file is not a message" mixed.err \
	"frank verify: diary.txt: not a message: it does not start with a header field"
t_contains "a missing file" mixed.err "frank verify: missing.eml: No such file or directory"
t_contains "an empty file" mixed.err "frank verify: empty.eml: not a message: it has no header fields"
t_check "the other files are verified" test "$(grep -c '^Authentication-Results: ' mixed.out)" -eq 2
t_run badzone "$FRANK" verify --dns no-such.zone good.eml
t_check "a zone file that cannot be read: exit 1" t_rc_is badzone 1
t_check "with one line" t_one_line badzone
"$FRANK" verify --dns zone --trusted-host mx.bob.test --now $NOW - <good.eml >stdin.out 2>&1
t_contains "- reads the message from standard input" stdin.out "  verified: alice.test signed"

# ---- an account's trust from the configuration -------------------------------------------
cat >frankrc <<'EOF'
account work {
	set from = "Bob <bob@bob.test>"
	set source = imaps://bob@imap.bob.test
	set trusted_received_host = mx.bob.test
	set authserv_ids = mx.bob.test
}
EOF
t_run account "$FRANK" verify -F frankrc --account work --dns zone --now $NOW good.eml ar.eml
t_contains "--account: its trusted_received_host gives SPF's client" account.out \
	"client=192.0.2.1 helo=mail.alice.test received-by=mx.bob.test"
t_contains "--account: its authserv_ids are trusted" account.out "  ar     trusted   mx.bob.test"
t_run noaccount "$FRANK" verify -F frankrc --account home --dns zone good.eml
t_check "--account with no such account: exit 1" t_rc_is noaccount 1
t_contains "it names the account" noaccount.err "no account named home"

# ---- hostile messages: a bounded result, bounded memory ------------------------------------
python3 - <<'EOF'
sig = open("good.eml").read().split("Return-Path:")[0]
rest = "Return-Path:" + open("good.eml").read().split("Return-Path:", 1)[1]
with open("hostile.eml", "w") as f:
    f.write(sig * 1000)
    for i in range(10000):
        f.write("X-Filler-%d: %d\n" % (i, i))
    f.write("X-Long: " + "a" * (1 << 20) + "\n")
    f.write(rest)
with open("small.eml", "w") as f:
    f.write(open("good.eml").read())
with open("big.eml", "w") as f:
    f.write(open("good.eml").read())
    line = "The quick brown fox jumps over the lazy dog. " * 20 + "\n"
    for i in range((32 << 20) // len(line)):
        f.write(line)
EOF
verify hostile hostile.eml
t_check "1,000 signatures, 10,000 fields, a 1 MB line: exit 0" t_rc_is hostile 0
t_contains "16 signatures are evaluated and pass" hostile.out "  verified: alice.test signed"
t_contains "the rest are counted, not evaluated" hostile.out "(984 more signatures not evaluated)"
# Peak memory (KB) of a run, from getrusage of the child.
maxrss() {
	python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
small=$(maxrss "$FRANK" verify --dns zone --now $NOW small.eml)
big=$(maxrss "$FRANK" verify --dns zone --now $NOW big.eml)
t_check "memory stays flat with message size: 32 MB body, ${small} KB vs ${big} KB peak" \
	test "$big" -lt $((small + 4096))
hostile_kb=$(maxrss "$FRANK" verify --dns zone --now $NOW hostile.eml)
t_check "the hostile message stays under 64 MB (${hostile_kb} KB)" test "$hostile_kb" -lt 65536
t_done
