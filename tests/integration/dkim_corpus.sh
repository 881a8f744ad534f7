#!/bin/sh
# dkim_corpus.sh: every signed message of ../shared/testdata/dkim gives the
# result its SOURCE.md expects, through dkim_tool (the DKIM engine with the
# DNS answers of the corpus files, no network).
. tests/lib.sh

TOOL=build/tests/tools/dkim_tool
DATA=../shared/testdata/dkim
NOW=1667843664 # the fixed time of the mail-auth corpus

if [ ! -f "$DATA/SOURCE.md" ]; then
	t_fail "DKIM test data is present" "missing $DATA (../shared/testdata/dkim beside the project)"
	exit 1
fi
[ -x "$TOOL" ] || { t_fail "dkim_tool is built" "run: make unit-tests"; exit 1; }
t_tmpdir
OUT=$T_TMP/out

# expect DESCRIPTION TEXT: the last verification printed TEXT.
expect() { t_contains "$1" "$OUT" "$2"; }

# --- RFC vectors ----------------------------------------------------------
$TOOL verify --dns $DATA/rfc/rfc6376-C.dns --dns $DATA/rfc/rfc8463-A.2.dns \
	$DATA/rfc/rfc6376-A.2.eml $DATA/rfc/rfc8463-A.3.eml >"$OUT" 2>&1
expect "RFC 6376 A.2 passes" "rfc6376-A.2.eml: sig 1: pass d=example.com s=brisbane a=rsa-sha256 c=simple/simple key=rsa/1024: pass"
expect "RFC 8463 A.3 ed25519 passes" "rfc8463-A.3.eml: sig 1: pass d=football.example.com s=brisbane a=ed25519-sha256 c=relaxed/relaxed key=ed25519/256: pass"
expect "RFC 8463 A.3 rsa passes" "rfc8463-A.3.eml: sig 2: pass d=football.example.com s=test a=rsa-sha256"

# One byte at a time gives the same results.
$TOOL verify --chunk 1 --dns $DATA/rfc/rfc8463-A.2.dns $DATA/rfc/rfc8463-A.3.eml >"$OUT" 2>&1
expect "RFC 8463 A.3 fed byte by byte passes" "rfc8463-A.3.eml: sig 2: pass"

# --- mail-auth: DNS at the top of each file, at the corpus time -------------
for n in 001 002 003 004 005 006; do
	$TOOL verify --now $NOW --dns-in-message $DATA/mail-auth/$n.txt >"$OUT" 2>&1
	last=$(tail -n 1 "$OUT")
	case $last in
	*": pass d="*) t_ok "mail-auth $n: last signature passes" ;;
	*) t_fail "mail-auth $n: last signature passes" "got: $last" ;;
	esac
	if grep -q ": sig [0-9]*: [a-z]* " "$OUT" && ! grep -v ": pass d=" "$OUT" | grep -q .; then
		t_ok "mail-auth $n: every signature passes"
	else
		t_fail "mail-auth $n: every signature passes" "$(cat "$OUT")"
	fi
done
$TOOL verify --dns-in-message $DATA/mail-auth/002.txt >"$OUT" 2>&1
expect "PKCS#1 RSAPublicKey record accepted" "002.txt: sig 1: pass d=example.com s=newengland"
$TOOL verify --dns-in-message $DATA/mail-auth/005.txt >"$OUT" 2>&1
expect "mail-auth 005 is expired today" "005.txt: sig 1: permerror d=topicbox.com s=sysmsg-1 a=rsa-sha256 c=relaxed/simple: signature expired at 2022-11-08 17:54:24 UTC"

# --- dkimpy fixed vectors -------------------------------------------------------
DNS=$T_TMP/dkimpy.dns
{
	echo "brisbane._domainkey.football.example.com v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	echo "test._domainkey.football.example.com $(cat $DATA/dkimpy/test.txt)"
	echo "20120113._domainkey.gmail.com k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1Kd87/UeJjenpabgbFwh+eBCsSTrqmwIYYvywlbhbqoo2DymndFkbjOVIPIldNs/m40KF+yzMn1skyoxcTUGCQs8g3FgD2Ap3ZB5DekAo5wMmk4wimDO+U8QzI3SD07y2+07wlNWwIt8svnxgdxGkVbbhzY8i+RQ9DpSVpPbF7ykQxtKXkv/ahW3KjViiAH+ghvvIhkx4xYSIc9oSwVmAl5OctMEeWUwg8Istjqz8BZeTWbf41fbNhte7Y+YqZOwq1Sd0DbvYAD9NOZK9vlfuac0598HY+vtSBczUiKERHv1yRbcaQtZFh5wtiRrN04BLUTD21MycBX5jYchHjPY/wIDAQAB"
	echo "sed._domainkey.test.ex $(cat $DATA/dkimpy/eximtest.dns)"
} >"$DNS"
$TOOL verify --dns "$DNS" $DATA/dkimpy/rfc6376.signed.msg $DATA/dkimpy/test2.message \
	$DATA/dkimpy/ed25519test2.msg >"$OUT" 2>&1
expect "dkimpy rfc6376.signed.msg (LF) ed25519 passes" "rfc6376.signed.msg: sig 1: pass d=football.example.com s=brisbane a=ed25519-sha256 c=simple/simple"
expect "dkimpy rfc6376.signed.msg (LF) rsa passes" "rfc6376.signed.msg: sig 2: pass d=football.example.com s=test a=rsa-sha256 c=simple/simple"
expect "dkimpy test2.message (Gmail folding) passes" "test2.message: sig 1: pass d=gmail.com s=20120113 a=rsa-sha256 c=relaxed/relaxed key=rsa/2048: pass"
expect "dkimpy ed25519test2.msg (Exim) passes" "ed25519test2.msg: sig 1: pass d=test.ex s=sed a=ed25519-sha256"

# The rsa signature of rfc6376.signed.msg against dkimpy's other key records.
key_case() { # record-file expected-text description
	{
		echo "brisbane._domainkey.football.example.com v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
		echo "test._domainkey.football.example.com $(cat $DATA/dkimpy/$1)"
	} >"$DNS"
	$TOOL verify --dns "$DNS" $DATA/dkimpy/rfc6376.signed.msg >"$OUT" 2>&1
	expect "$3" "rfc6376.signed.msg: sig 2: $2"
}
key_case test2.txt "pass d=football.example.com s=test a=rsa-sha256 c=simple/simple key=rsa/1024: pass" "key record without k= is rsa"
key_case badk.txt "permerror d=football.example.com s=test a=rsa-sha256 c=simple/simple: key record syntax error: unknown key type k=ed25519-sha256" "k=ed25519-sha256 is refused"
key_case badversion.txt "permerror d=football.example.com s=test a=rsa-sha256 c=simple/simple: key record syntax error: unsupported version v=DKIM1: g=*" "v=DKIM1: typo is refused"
key_case test_bad.txt "permerror d=football.example.com s=test a=rsa-sha256 c=simple/simple key=rsa: bad key: p= is not an RSA public key" "corrupted RSA key is refused"
key_case test_tlsrpt.txt "permerror d=football.example.com s=test a=rsa-sha256 c=simple/simple key=rsa: key is not for email (s=tlsrpt)" "s=tlsrpt key is not for email"

# --- Mail::DKIM corpus, strict RFC 6376 + 8301 ------------------------------------
MD=$DATA/mail-dkim
$TOOL verify --dns $MD/FAKE_DNS.dat $MD/corpus/*.txt >"$OUT" 2>&1
files=$(ls $MD/corpus/*.txt | wc -l)
reported=$(sed -n 's|^.*/corpus/\([^:]*\): sig 1: .*|\1|p' "$OUT" | sort -u | wc -l)
if [ "$files" -ge 62 ] && [ "$files" -eq "$reported" ]; then
	t_ok "Mail::DKIM corpus: all $files messages have a result"
else
	t_fail "Mail::DKIM corpus: all messages have a result" "$files files, $reported reported"
fi
passing=$(grep ": pass d=" "$OUT" | sed 's|^.*/corpus/||' | tr '\n' ' ')
if [ "$passing" = "goodkey_ed25519.txt: sig 1: pass d=wander.science s=2023-05-ed25519 a=ed25519-sha256 c=relaxed/relaxed key=ed25519/256: pass " ]; then
	t_ok "Mail::DKIM corpus, strict: only goodkey_ed25519 passes"
else
	t_fail "Mail::DKIM corpus, strict: only goodkey_ed25519 passes" "passing: $passing"
fi
expect "badkey1_ed25519: SPKI instead of raw key" "badkey1_ed25519.txt: sig 1: permerror d=wander.science s=invalid a=ed25519-sha256 c=relaxed/relaxed key=ed25519: bad key: Ed25519 key of 44 bytes"
expect "badkey2_ed25519: header changed" "badkey2_ed25519.txt: sig 1: fail d=wander.science s=2023-05-ed25519 a=ed25519-sha256 c=relaxed/relaxed key=ed25519/256: signature did not verify"
expect "badkey3_ed25519: body changed" "badkey3_ed25519.txt: sig 1: fail d=wander.science s=2023-05-ed25519 a=ed25519-sha256 c=relaxed/relaxed key=ed25519/256: body hash mismatch"
expect "badkey4_ed25519: no key record" "badkey4_ed25519.txt: sig 1: permerror d=wander.science s=2023-05-ed25519-does-not-exist a=ed25519-sha256 c=relaxed/relaxed: key not found (NXDOMAIN)"
expect "badkey5_ed25519: empty key record" "badkey5_ed25519.txt: sig 1: permerror d=wander.science s=2023-05-ed25519-empty a=ed25519-sha256 c=relaxed/relaxed: key record syntax error: no p= in the key record"
expect "rsa-sha1 refused, reported weak" "good_83176.txt: sig 1: permerror d=messiah.edu s=test6 a=rsa-sha1 c=simple/simple key=rsa/1024 weak: rsa-sha1 is not accepted (RFC 8301)"
expect "512-bit key refused" "goodkey_1.txt: sig 1: permerror d=messiah.edu s=test1 a=rsa-sha1 c=simple/simple key=rsa/512 weak testing: RSA key of 512 bits is below the 1024-bit minimum (RFC 8301)"
expect "missing v= is a syntax error" "good_ietf01_1.txt: sig 1: permerror d=vmt2.cis.att.net s=shan a=rsa-sha256 c=simple/simple: syntax error: missing v="
expect "v=0.5 is a syntax error" "no_body_1.txt: sig 1: permerror d=messiah.edu s=selector1 a=rsa-sha1 c=simple/simple weak: syntax error: unsupported version v=0.5"
expect "unparseable signature" "multiple_2.txt: sig 4: permerror d=- s=- a=- c=simple/simple: syntax error: missing \"=\" after tag synerr"

# --- Mail::DKIM corpus, legacy mode (rsa-sha1, small keys): its v=1 messages
# as canonicalization tests, against Mail::DKIM's expected results
# (invalid = permerror; temperror for DNS errors; the g= tests of RFC 4871
# pass, since RFC 6376 removed g=).
$TOOL verify --legacy --dns $MD/FAKE_DNS.dat $MD/corpus/*.txt >"$OUT" 2>&1
legacy() { # file sig result [reason]
	expect "legacy: $1 sig $2 is $3${4:+ ($4)}" "$1.txt: sig $2: $3 d="
	[ -n "${4:-}" ] && expect "legacy: $1 reason" "$4"
}
legacy bad_1878954 1 fail "bad_1878954.txt: sig 1: fail d=ijs.si s=jakla2 a=rsa-sha1 c=relaxed/simple key=rsa/1024 weak: body hash mismatch"
legacy badkey_10 1 permerror "(t=s), i=jlong@subdomain.messiah.edu"
legacy badkey_11 1 permerror "key record h= does not allow sha256"
legacy badkey_14 1 temperror "~~Query timed out~~"
legacy badkey_15 1 temperror "~~SERVFAIL~~"
for f in badkey_8 badkey_9 badkey_12 badkey_13; do legacy $f 1 pass; done
for f in good_1878523 good_83176 good_qp_1 good_qp_2 good_qp_3 good_rfc4871_3 good_rfc4871_4 \
	goodkey_1 goodkey_2 goodkey_3 goodkey_4 goodkey_ed25519; do
	legacy $f 1 pass
done
legacy ignore_5 1 permerror "q= does not offer dns/txt"
legacy ignore_6 1 permerror
legacy ignore_7 1 permerror "signature expired at 2007-10-24 12:45:46 UTC"
legacy ignore_8 1 permerror "i= domain example.org is not within d=messiah.edu"
legacy multiple_2 1 permerror "unknown canonicalization c=foobar"
legacy multiple_2 2 pass
legacy multiple_2 3 fail "multiple_2.txt: sig 3: fail d=messiah.edu s=selector1 a=rsa-sha1 c=simple/simple key=rsa/1024 weak: signature did not verify"
legacy multiple_2 4 permerror
legacy badkey3_ed25519 1 fail "badkey3_ed25519.txt: sig 1: fail d=wander.science s=2023-05-ed25519 a=ed25519-sha256 c=relaxed/relaxed key=ed25519/256: body hash mismatch"

t_done
