#!/bin/sh
# dnscheck.sh: frank dnscheck over the zone files of tests/data/dnscheck,
# good and broken domains, offline.  For each case the whole report must
# be the expected one, line for line (tests/data/dnscheck/CASE.out, where
# each line was checked by hand against the zone), the key lines and the
# score are asserted on their own so that a failure reads as what broke,
# and the --json form, parsed back with Python's json module, must say
# the same rows and score.
. tests/lib.sh
t_tmpdir
t_need python3

data=tests/data/dnscheck
frank=./frank
if [ ! -x "$frank" ]; then
	t_fail "frank is built" "run: make"
	exit 1
fi

# case NAME ZONE ARGS...: runs the check with common.zone and ZONE.
run_case() {
	name=$1
	zone=$2
	shift 2
	t_run "$name" "$frank" dnscheck --dns "$data/common.zone" --dns "$data/$zone" "$@"
	t_run "$name.json" "$frank" dnscheck --json --dns "$data/common.zone" --dns "$data/$zone" "$@"
	if t_rc_is "$name" 0 && t_rc_is "$name.json" 0 && [ ! -s "$T_TMP/$name.err" ]; then
		t_ok "$name: exits 0, nothing on standard error"
	else
		t_fail "$name: exits 0, nothing on standard error" \
			"exit $(cat "$T_TMP/$name.rc"), json $(cat "$T_TMP/$name.json.rc")" \
			"$(cat "$T_TMP/$name.err" "$T_TMP/$name.json.err")"
	fi
	if diff -u "$data/$name.out" "$T_TMP/$name.out" >"$T_TMP/$name.diff"; then
		t_ok "$name: the report is $data/$name.out"
	else
		t_fail "$name: the report is $data/$name.out" "$(sed 's/^/  /' "$T_TMP/$name.diff")"
	fi
	if python3 tests/tools/dnscheck_json.py "$T_TMP/$name.json.out" >"$T_TMP/$name.fromjson" \
		2>"$T_TMP/$name.pyerr" && cmp -s "$T_TMP/$name.fromjson" "$T_TMP/$name.out"; then
		t_ok "$name: --json parses and says the same"
	else
		t_fail "$name: --json parses and says the same" "$(cat "$T_TMP/$name.pyerr")" \
			"$(diff "$T_TMP/$name.out" "$T_TMP/$name.fromjson" | head -20)"
	fi
}

# has NAME TEXT: the report of NAME has the line TEXT.
has() {
	if grep -qxF -- "$2" "$T_TMP/$1.out"; then
		t_ok "$1: $2"
	else
		t_fail "$1: $2" "not a line of:" "$(sed 's/^/  /' "$T_TMP/$1.out")"
	fi
}

run_case good good.zone --ip 192.0.2.10 --dnsbl bl.test good.test
has good "pass  spf     2 DNS lookups with includes expanded (limit 10), 0 void (limit 2)"
has good "pass  spf     192.0.2.10 may send for good.test: 'include:_spf.good.test' matched in the record of good.test"
has good "pass  dkim    default._domainkey.good.test: RSA key of 2048 bits"
has good "pass  ptr     192.0.2.10 -> mail.good.test -> 192.0.2.10: forward-confirmed"
has good "score: 10/10 for good.test"

run_case good-selectors good.zone --selector default --selector ed good.test
has good-selectors "pass  dkim    ed._domainkey.good.test: Ed25519 key"
has good-selectors "score: 10/10 for good.test"

run_case lookups lookups.zone lookups.test
has lookups "fail  spf     12 DNS lookups with includes expanded, more than 10: receivers answer permerror (-2)"
has lookups "              fix: split this include: 'include:_spf1.lookups.test' costs 7 lookups, 12 > 10 in all; or replace terms with the ip4:/ip6: ranges they stand for"
has lookups "score: 8/10 for lookups.test"

run_case loop loop.zone loop.test
has loop "pass  mx      null MX: loop.test says it takes no mail (RFC 7505)"
has loop "fail  spf     include loop: loop.test -> _a.loop.test -> _b.loop.test -> loop.test (-2)"
has loop "score: 6.5/10 for loop.test"

run_case twospf twospf.zone twospf.test
has twospf "fail  spf     2 SPF records at twospf.test (-2)"
has twospf "fail  dmarc   _dmarc.twospf.test: 2 DMARC records: receivers ignore them all (-2)"
has twospf "fail  mx      a null MX (MX 0 .) beside 1 other MX record: RFC 7505 wants it alone (-2)"
has twospf "score: 4/10 for twospf.test"

run_case cnamemx cnamemx.zone cnamemx.test
has cnamemx "fail  mx      mx1.cnamemx.test is an alias (CNAME) of host.cnamemx.test: RFC 2181 10.3 wants MX records to name the host itself (-1)"
has cnamemx "fail  mx      mx2.cnamemx.test has no address (A or AAAA) (-2)"
has cnamemx "fail  spf     the SPF record of cnamemx.test: unknown mechanism 'moo', in \"v=spf1 mx moo -all\" (-2)"
has cnamemx "score: 1/10 for cnamemx.test"

run_case weakdkim weakdkim.zone --selector k768 --selector k1024 --selector k2048 \
	--selector ed --selector testing --selector revoked --selector garbled \
	--selector tlsonly --selector sha1 --selector twice --selector missing weakdkim.test
has weakdkim "fail  dkim    k768._domainkey.weakdkim.test: RSA key of 768 bits: verifiers refuse keys under 1024 bits (RFC 8301) (-2)"
has weakdkim "warn  dkim    k1024._domainkey.weakdkim.test: RSA key of 1024 bits: weak, 2048 bits is the advice (-1)"
has weakdkim "warn  dkim    testing._domainkey.weakdkim.test: t=y: the domain says it is testing DKIM, so receivers may ignore failures (-0.5)"
has weakdkim "warn  dkim    revoked._domainkey.weakdkim.test: revoked (empty p=): mail signed with it fails (-0.5)"
has weakdkim "score: 0/10 for weakdkim.test"

run_case weakdkim-common weakdkim.zone weakdkim.test
has weakdkim-common "warn  dkim    no DKIM key at the common selectors (default, dkim, mail, k1, k2, s1, s2, selector1, selector2, google) (-1)"
has weakdkim-common "score: 9/10 for weakdkim.test"

run_case dmarcbad dmarc.zone dmarcbad.test
has dmarcbad "fail  dmarc   record at _dmarc.dmarcbad.test: invalid value for adkim: \"x\", in \"v=DMARC1; p=reject; adkim=x\" (-2)"
has dmarcbad "warn  spf     no all term: hosts not listed are neutral (-1)"
has dmarcbad "score: 7/10 for dmarcbad.test"

run_case dmarcnone dmarc.zone dmarcnone.test
has dmarcnone "warn  dmarc   p=none: mail failing DMARC is delivered as usual, monitoring only (-1)"
has dmarcnone "warn  dmarc   rua mailto:r@ext.test: ext.test is another organization and has not authorized reports for dmarcnone.test (no v=DMARC1 record at dmarcnone.test._report._dmarc.ext.test): receivers will not send them (-1)"
has dmarcnone "pass  dmarc   rua mailto:d@auth.test: auth.test authorizes reports for dmarcnone.test (dmarcnone.test._report._dmarc.auth.test)"
has dmarcnone "score: 6.5/10 for dmarcnone.test"

run_case dmarcsub dmarc.zone sub.dmarcnone.test
has dmarcsub "fail  spf     no SPF record at sub.dmarcnone.test: receivers cannot tell who may send as it (-2)"
has dmarcsub "score: 3.5/10 for sub.dmarcnone.test"

run_case weaksub dmarc.zone weaksub.test
has weaksub "warn  dmarc   sp=none under p=reject: mail from subdomains of weaksub.test is not protected (-0.5)"
has weaksub "score: 9/10 for weaksub.test"

run_case ptr-missing ptr.zone --ip 192.0.2.60 ptr.test
has ptr-missing "fail  ptr     192.0.2.60 has no PTR record (reverse DNS): many receivers refuse its mail (-2)"
has ptr-missing "warn  ptr     192.0.2.61 (MX host mx.ptr.test) -> other.ptr.test, which does not have the address 192.0.2.61 (-0.5)"
has ptr-missing "score: 7.5/10 for ptr.test"

run_case ptr-unconfirmed ptr.zone --ip 192.0.2.61 ptr.test
has ptr-unconfirmed "fail  ptr     192.0.2.61 -> other.ptr.test, but other.ptr.test does not have the address 192.0.2.61 (-1)"
has ptr-unconfirmed "score: 8.5/10 for ptr.test"

run_case listed listed.zone --ip 192.0.2.99 --dnsbl bl.test --dnsbl clean.test \
	--dnsbl refuse.test listed.test
has listed "fail  dnsbl   192.0.2.99 is listed on bl.test (127.0.0.2): listed for spam, see https://bl.test/192.0.2.99 (-3)"
has listed "pass  dnsbl   192.0.2.99 is not listed on clean.test"
has listed "warn  dnsbl   refuse.test refused the query (127.255.255.254): it may want its own resolver or a key"
has listed "fail  spf     192.0.2.99 may not send for listed.test: fail ('-all' matched in the record of listed.test) (-2)"
has listed "score: 5/10 for listed.test"

run_case plusall spfall.zone plusall.test
has plusall "fail  spf     ends in +all: any host in the world passes SPF for plusall.test (-3)"
has plusall "fail  spf     'include:nospf.test': no SPF record at nospf.test (-2)"
has plusall "score: 5/10 for plusall.test"

run_case neutral spfall.zone neutral.test
has neutral "warn  spf     ends in ?all: other hosts are neutral, so SPF tells receivers nothing (-1)"
has neutral "warn  spf     'ptr' is slow and unreliable: RFC 7208 5.5 says not to use it (-0.5)"
has neutral "score: 7/10 for neutral.test"

run_case voids spfall.zone voids.test
has voids "fail  spf     3 void lookups > 2: receivers answer permerror (-1)"
has voids "score: 9/10 for voids.test"

run_case noaddr spfall.zone noaddr.test
has noaddr "fail  mx      no MX record and no address: mail for noaddr.test cannot be delivered (-3)"
has noaddr "score: 6/10 for noaddr.test"

run_case nxdomain spfall.zone gone.test
has nxdomain "fail  domain  gone.test does not exist (NXDOMAIN): no mail can come from it or reach it (-10)"
has nxdomain "score: 0/10 for gone.test"

t_done
