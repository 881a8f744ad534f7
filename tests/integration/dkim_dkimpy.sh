#!/bin/sh
# dkim_dkimpy.sh: DKIM interoperability with dkimpy (Debian python3-dkim),
# an independent implementation: what frank signs dkimpy verifies, what
# dkimpy signs frank verifies.  Key records are served to dkimpy by its
# dnsfunc hook (tests/tools/dkimpy_check.py), never through the network.
. tests/lib.sh

TOOL=build/tests/tools/dkim_tool
CHECK=tests/tools/dkimpy_check.py
DATA=../shared/testdata/dkim

if [ ! -f "$DATA/SOURCE.md" ]; then
	t_fail "DKIM test data is present" "missing $DATA (../shared/testdata/dkim beside the project)"
	exit 1
fi
[ -x "$TOOL" ] || { t_fail "dkim_tool is built" "run: make unit-tests"; exit 1; }
# dkimpy lives in Debian's python3, which may not be the first python3.
PY=
for py in python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import dkim, nacl' 2>/dev/null; then
		PY=$py
		break
	fi
done
if [ -z "$PY" ]; then
	t_fail "dkimpy is installed" "install it: apt-get install -y python3-dkim"
	exit 1
fi
t_tmpdir

RSA_KEY=$DATA/rfc/rfc8463-A.1-rsa.private.pem
ED_SEED=$DATA/rfc/rfc8463-A.1-ed25519.seed.b64
DNS=$DATA/rfc/rfc8463-A.2.dns # brisbane (ed25519) and test (rsa) at football.example.com
MSG=$T_TMP/msg.eml
printf 'From: Joe SixPack <joe@football.example.com>\r\nTo: Suzie Q <suzie@shopping.example.net>\r\nSubject: Is dinner ready?\r\nDate: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\nMessage-ID: <20030712040037.46341.5F8J@football.example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHi.\r\n\r\nWe lost the game.  Are you hungry yet?  \r\n\t\r\nJoe.\r\n\r\n\r\n' >"$MSG"
OUT=$T_TMP/out

# --- frank signs, dkimpy verifies ------------------------------------------
$TOOL sign --key $RSA_KEY --algo rsa-sha256 --domain football.example.com --selector test \
	<"$MSG" >"$T_TMP/frank-rsa.eml"
"$PY" $CHECK verify $DNS <"$T_TMP/frank-rsa.eml" >"$OUT" 2>&1
t_contains "dkimpy verifies frank's rsa-sha256 signature" "$OUT" "pass"
$TOOL sign --ed25519-seed $ED_SEED --algo ed25519-sha256 --domain football.example.com \
	--selector brisbane --identity joe@football.example.com <"$MSG" >"$T_TMP/frank-ed.eml"
"$PY" $CHECK verify $DNS <"$T_TMP/frank-ed.eml" >"$OUT" 2>&1
t_contains "dkimpy verifies frank's ed25519-sha256 signature" "$OUT" "pass"

# Both signatures on one message (the RFC 8463 arrangement).
$TOOL sign --key $RSA_KEY --domain football.example.com --selector test \
	<"$T_TMP/frank-ed.eml" >"$T_TMP/frank-both.eml"
"$PY" $CHECK verify $DNS <"$T_TMP/frank-both.eml" >"$OUT" 2>&1
t_contains "dkimpy verifies both of frank's signatures on one message" "$OUT" "pass"

# A tampered message fails in dkimpy too (the check is not a rubber stamp).
sed 's/hungry/angry/' "$T_TMP/frank-rsa.eml" >"$T_TMP/tampered.eml"
"$PY" $CHECK verify $DNS <"$T_TMP/tampered.eml" >"$OUT" 2>&1
t_contains "dkimpy rejects a tampered frank-signed message" "$OUT" "fail"

# A freshly generated key: the printed TXT record is what dkimpy gets.
for algo in rsa-sha256 ed25519-sha256; do
	$TOOL keygen --algo $algo --out "$T_TMP/$algo.pem" --domain example.org --selector k1 \
		>"$T_TMP/$algo.txt" 2>&1
	mode=$(stat -c %a "$T_TMP/$algo.pem")
	if [ "$mode" = 600 ]; then t_ok "keygen $algo: private key is mode 600"; else t_fail "keygen $algo: private key is mode 600" "mode $mode"; fi
	t_contains "keygen $algo prints the zone line" "$T_TMP/$algo.txt" 'k1._domainkey.example.org. IN TXT ( "v=DKIM1;'
	echo "k1._domainkey.example.org $(head -n 1 "$T_TMP/$algo.txt")" >"$T_TMP/k1.dns"
	printf 'From: a@example.org\r\nSubject: keygen\r\n\r\nbody\r\n' |
		$TOOL sign --key "$T_TMP/$algo.pem" --domain example.org --selector k1 >"$T_TMP/k1.eml"
	"$PY" $CHECK verify "$T_TMP/k1.dns" <"$T_TMP/k1.eml" >"$OUT" 2>&1
	t_contains "dkimpy verifies a signature by a new $algo key" "$OUT" "pass"
	$TOOL verify --dns "$T_TMP/k1.dns" "$T_TMP/k1.eml" >"$OUT" 2>&1
	t_contains "frank verifies a signature by a new $algo key" "$OUT" "sig 1: pass d=example.org s=k1 a=$algo"
	$TOOL keygen --algo $algo --out "$T_TMP/$algo.pem" --domain example.org --selector k1 \
		>"$OUT" 2>&1 && t_fail "keygen refuses to replace a key" ||
		t_contains "keygen refuses to replace a key" "$OUT" "already exists, not replaced"
done

# --- dkimpy signs, frank verifies ----------------------------------------------
dkimpy_case() { # description expected-text dkimpy-sign-args...
	desc=$1
	want=$2
	shift 2
	"$PY" $CHECK sign --domain football.example.com "$@" <"$MSG" >"$T_TMP/py.eml" 2>"$OUT" ||
		{ t_fail "$desc" "dkimpy could not sign: $(cat "$OUT")"; return; }
	$TOOL verify --dns $DNS "$T_TMP/py.eml" >"$OUT" 2>&1
	t_contains "$desc" "$OUT" "$want"
}
dkimpy_case "frank verifies dkimpy rsa-sha256 relaxed/relaxed" \
	"sig 1: pass d=football.example.com s=test a=rsa-sha256 c=relaxed/relaxed" \
	--key $RSA_KEY --selector test
dkimpy_case "frank verifies dkimpy rsa-sha256 simple/simple" \
	"sig 1: pass d=football.example.com s=test a=rsa-sha256 c=simple/simple" \
	--key $RSA_KEY --selector test --canon simple/simple
dkimpy_case "frank verifies dkimpy rsa-sha256 relaxed/simple" \
	"sig 1: pass d=football.example.com s=test a=rsa-sha256 c=relaxed/simple" \
	--key $RSA_KEY --selector test --canon relaxed/simple
dkimpy_case "frank verifies dkimpy ed25519-sha256" \
	"sig 1: pass d=football.example.com s=brisbane a=ed25519-sha256 c=relaxed/relaxed" \
	--key $ED_SEED --algo ed25519-sha256 --selector brisbane
dkimpy_case "frank verifies dkimpy with i=" \
	"sig 1: pass d=football.example.com s=test" \
	--key $RSA_KEY --selector test --identity joe@sub.football.example.com

# l=: text added after signing is not covered, and frank says so.
"$PY" $CHECK sign --domain football.example.com --key $RSA_KEY --selector test --length \
	<"$MSG" >"$T_TMP/py-l.eml"
printf 'Unsigned P.S.: send money\r\n' >>"$T_TMP/py-l.eml"
$TOOL verify --dns $DNS "$T_TMP/py-l.eml" >"$OUT" 2>&1
t_contains "dkimpy l= signature passes as partial" "$OUT" "sig 1: pass d=football.example.com s=test a=rsa-sha256 c=relaxed/relaxed key=rsa/1024 partial: pass, but only the first"

# A body dkimpy signed, changed: frank fails it.
"$PY" $CHECK sign --domain football.example.com --key $RSA_KEY --selector test \
	<"$MSG" | sed 's/hungry/angry/' >"$T_TMP/py-bad.eml"
$TOOL verify --dns $DNS "$T_TMP/py-bad.eml" >"$OUT" 2>&1
t_contains "frank fails a changed dkimpy-signed body" "$OUT" "sig 1: fail d=football.example.com s=test a=rsa-sha256 c=relaxed/relaxed key=rsa/1024: body hash mismatch"

t_done
