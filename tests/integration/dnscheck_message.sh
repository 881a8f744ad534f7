#!/bin/sh
# dnscheck_message.sh: frank dnscheck --message scores a received message
# like an online mail tester: its SPF, DKIM and DMARC verdicts with
# alignment, the Authentication-Results of trusted hosts, and header
# hygiene (Message-ID, Date, From, a text part beside HTML, size), each a
# row with its points, and a score out of 10.  Messages are signed here
# with a key frank dkim-keygen makes; DNS is a zone file (offline).
. tests/lib.sh
t_tmpdir

FRANK=$(pwd)/frank
SIGN=$(pwd)/build/tests/tools/dkim_tool
[ -x "$FRANK" ] || { t_fail "frank is built" "run: make"; exit 1; }
[ -x "$SIGN" ] || { t_fail "dkim_tool is built" "run: make unit-tests"; exit 1; }
NOW=1800000000
cd "$T_TMP" || exit 1

"$FRANK" dkim-keygen alice.test s1 >keys 2>/dev/null
{
	echo '$ORIGIN alice.test.'
	echo '@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"'
	echo '_dmarc  IN TXT "v=DMARC1; p=reject"'
	cat keys
	echo '$ORIGIN carol.test.'
	echo '@       IN TXT "v=spf1 ~all"'
} >zone

received() { # IP
	printf 'Received: from mail.alice.test (mail.alice.test [%s])\n' "$1"
	printf '\tby mx.bob.test (Postfix) with ESMTPS id 4B2C3D\n'
	printf '\tfor <bob@bob.test>; Mon, 1 Jan 2024 00:00:00 +0000\n'
}
{
	echo 'Return-Path: <alice@alice.test>'
	received 192.0.2.1
	printf 'From: Alice <alice@alice.test>\nTo: bob@bob.test\nSubject: lunch\n'
	printf 'Date: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <1@alice.test>\n\nFriday?\n'
} >plain.eml
"$SIGN" sign --key s1.alice.test.key --domain alice.test --selector s1 --time $((NOW - 60)) \
	<plain.eml >good.eml

check() { # NAME FILE [ARGS...]: dnscheck --message over the zone, trusting mx.bob.test
	name=$1
	file=$2
	shift 2
	t_run "$name" "$FRANK" dnscheck --message "$file" --dns zone --trusted-host mx.bob.test \
		--now $NOW "$@"
}

# A good message: every row passes, 10/10.
check good good.eml
t_check "a good message: exit 0" t_rc_is good 0
t_contains "SPF passes from the client of the trusted Received field" good.out \
	"pass  spf     pass for alice.test from 192.0.2.1"
t_contains "the signature of the From domain" good.out "pass  dkim    a signature of alice.test verifies"
t_contains "DMARC passes" good.out "pass  dmarc   pass for alice.test"
t_contains "one Message-ID" good.out "pass  header  one Message-ID"
t_contains "one Date that parses" good.out "pass  header  one Date that parses"
t_contains "the From mailbox" good.out "pass  header  From: alice@alice.test"
t_contains "a text part" good.out "pass  body    1 text/plain, 0 text/html parts"
t_contains "the size" good.out "pass  size    "
t_contains "the score" good.out "score: 10/10 for good.eml"

# Altered after signing, from the wrong address: what failed, and the cost.
sed 's/Friday/Monday/; s/\[192.0.2.1\]/[203.0.113.9]/' good.eml >bad.eml
check bad bad.eml
t_contains "SPF fails from the wrong address" bad.out "fail  spf     fail for alice.test:"
t_contains "...with its points" bad.out "(-2)"
t_contains "the broken signature and why" bad.out "fail  dkim    d=alice.test s=s1: body hash mismatch (-2)"
t_contains "...and a fix in plain words" bad.out "fix: find what rewrites the message after signing"
t_contains "DMARC fails" bad.out "fail  dmarc   fail for alice.test"
t_contains "the score adds the points up: 10 - 2 - 2 - 3" bad.out "score: 3/10 for bad.eml"

# Header hygiene: no Message-ID, a Date that does not parse, two From
# fields, HTML only.
{
	echo 'Return-Path: <carol@carol.test>'
	received 198.51.100.7
	printf 'From: Carol <carol@carol.test>\nFrom: Mallory <m@carol.test>\nTo: bob@bob.test\n'
	printf 'Subject: news\nDate: the day after tomorrow\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/html; charset=utf-8\n\n<p>Hello</p>\n'
} >messy.eml
check messy messy.eml
t_contains "SPF softfail" messy.out "warn  spf     softfail for carol.test"
t_contains "no signature" messy.out "fail  dkim    the message carries no DKIM-Signature field (-1.5)"
t_contains "no Message-ID" messy.out "warn  header  0 Message-ID fields (-0.5)"
t_contains "a Date that does not parse" messy.out "warn  header  the Date field does not parse (-0.5)"
t_contains "two From fields" messy.out "fail  header  2 From fields (-2)"
t_contains "HTML without a text version" messy.out \
	"warn  body    1 text/html parts and no text/plain (-0.5)"

# Authentication-Results: a trusted host's are shown, another's ignored.
{
	echo 'Authentication-Results: mx.bob.test; spf=pass smtp.mailfrom=alice.test; dkim=pass header.d=alice.test'
	echo 'Authentication-Results: evil.example; dmarc=pass header.from=alice.test'
	cat plain.eml
} >ar.eml
t_run ar "$FRANK" dnscheck --message ar.eml --dns zone --trusted-authserv mx.bob.test --now $NOW
t_contains "the trusted host's results are a row" ar.out "pass  ar      mx.bob.test: spf=pass dkim=pass"
t_contains "another host's are marked ignored" ar.out "warn  ar      evil.example: dmarc=pass"
t_contains "without a trusted boundary SPF comes from the trusted results" ar.out "pass  spf     pass for alice.test"

# Over 25 MB: a failure, and memory stays bounded (the rest is only counted).
{ cat good.eml; head -c 27000000 /dev/zero | tr '\0' 'x' | fold -w 76; } >big.eml
check big big.eml
t_contains "a message over 25 MB fails the size row" big.out "fail  size    "

# JSON for scripts.
check json good.eml --json
t_contains "--json: the rows with rules" json.out '"rule":"msg-dkim-aligned"'
t_contains "--json: the score" json.out '"score":10'

# Usage errors and missing files.
t_run nofile "$FRANK" dnscheck --message no-such.eml --dns zone
t_check "a missing file: exit 1" t_rc_is nofile 1
t_check "...with one line naming it" t_one_line nofile
t_contains "...naming it" nofile.err "no-such.eml"
t_run mixed "$FRANK" dnscheck --message good.eml alice.test
t_check "--message with a DOMAIN: a usage error (exit 2)" t_rc_is mixed 2
t_run stray "$FRANK" dnscheck --trusted-host mx.bob.test alice.test
t_check "--trusted-host without --message: a usage error (exit 2)" t_rc_is stray 2
t_done
