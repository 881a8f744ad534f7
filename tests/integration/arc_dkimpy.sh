#!/bin/sh
# arc_dkimpy.sh: ARC interoperability with dkimpy (Debian python3-dkim and
# python3-authres), an independent implementation: dkimpy seals the hops
# of a mailing-list story, frank and dkimpy validate each message, and
# must agree.  Keys come from zone files: frank reads them through the
# offline resolver, dkimpy through its dnsfunc hook (tests/tools/arc_dkimpy.py).
. tests/lib.sh

TOOL=build/tests/tools/arc_tool
DKIM_TOOL=build/tests/tools/dkim_tool
PEER=tests/tools/arc_dkimpy.py
DATA=../shared/testdata/dkim/rfc
KEY=$DATA/rfc8463-A.1-rsa.private.pem # 1024-bit RSA, public record in rfc8463-A.2.dns

if [ ! -f "$KEY" ]; then
	t_fail "the DKIM test keys are at $DATA" "../shared/testdata/dkim is missing"
	exit 1
fi
for tool in "$TOOL" "$DKIM_TOOL"; do
	[ -x "$tool" ] || { t_fail "$tool is built" "run: make unit-tests"; exit 1; }
done
# dkimpy lives in Debian's python3, which may not be the first python3.
PY=
for py in python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import dkim, authres' 2>/dev/null; then
		PY=$py
		break
	fi
done
if [ -z "$PY" ]; then
	t_fail "dkimpy can seal ARC" "install it: apt-get install -y python3-dkim python3-authres"
	exit 1
fi
t_tmpdir

# One key for every domain of the story.
RECORD=$(sed -n 's/^test\._domainkey\.football\.example\.com //p' "$DATA/rfc8463-A.2.dns")
for d in author.example lists.example.org fwd.example; do
	printf 'test._domainkey.%s. IN TXT "%s"\n' "$d" "$RECORD"
done >"$T_TMP/zone"
grep -v fwd.example "$T_TMP/zone" >"$T_TMP/zone-no-fwd"

# seal IN OUT DOMAIN AR-TEXT: the hop of DOMAIN records AR-TEXT and seals.
seal() {
	{ printf 'Authentication-Results: %s\r\n' "$4"; cat "$1"; } >"$T_TMP/ar.eml"
	"$PY" "$PEER" seal --key "$KEY" --domain "$3" --selector test --srv-id "$3" \
		<"$T_TMP/ar.eml" >"$2" 2>"$T_TMP/seal.err" ||
		t_fail "dkimpy seals for $3" "$(cat "$T_TMP/seal.err")"
}

# check NAME MSG ZONE CV TEXT...: frank's verdict is CV, its output has
# every TEXT, and dkimpy says CV too.
check() {
	name=$1 msg=$2 zone=$3 cv=$4
	shift 4
	"$TOOL" verify --zone "$zone" --now 1700000000 "$msg" >"$T_TMP/$name.frank" 2>&1
	t_contains "$name: frank says arc=$cv" "$T_TMP/$name.frank" "$msg: arc=$cv "
	for text in "$@"; do
		t_contains "$name: frank says \"$text\"" "$T_TMP/$name.frank" "$text"
	done
	"$PY" "$PEER" verify "$zone" <"$msg" >"$T_TMP/$name.dkimpy" 2>&1
	t_contains "$name: dkimpy agrees, cv=$cv" "$T_TMP/$name.dkimpy" "cv=$cv:"
	# And the same, fed one byte at a time.
	"$TOOL" verify --zone "$zone" --now 1700000000 --chunk 1 "$msg" >"$T_TMP/$name.chunked" 2>&1
	t_check "$name: the same verdict fed byte by byte" cmp -s "$T_TMP/$name.frank" "$T_TMP/$name.chunked"
}

# The author signs.
printf 'From: Alice <alice@author.example>\r\nTo: lunch@lists.example.org\r\nSubject: Lunch\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\nMessage-ID: <lunch@author.example>\r\n\r\nNoon at the usual place?\r\n' >"$T_TMP/orig.eml"
"$DKIM_TOOL" sign --key "$KEY" --domain author.example --selector test --time 1700000000 \
	<"$T_TMP/orig.eml" >"$T_TMP/signed.eml"
check "no ARC yet" "$T_TMP/signed.eml" "$T_TMP/zone" none "no ARC fields"

# The list tags the subject, adds a footer, and seals what it saw.
{ sed 's/^Subject: /Subject: [lunch] /' "$T_TMP/signed.eml"; printf -- '--\r\nlunch list\r\n'; } >"$T_TMP/rewritten.eml"
seal "$T_TMP/rewritten.eml" "$T_TMP/list.eml" lists.example.org \
	'lists.example.org; dkim=pass header.d=author.example; spf=pass smtp.mailfrom=author.example; dmarc=pass header.from=author.example'
check "list sealed" "$T_TMP/list.eml" "$T_TMP/zone" pass \
	"i=1 seal=pass d=lists.example.org s=test cv=none ams=pass d=lists.example.org" \
	"dkim d=author.example: fail: body hash mismatch" \
	"vouch d=author.example: ARC chain from lists.example.org (i=1) vouches for the original pass: dkim=pass header.d=author.example, spf=pass smtp.mailfrom=author.example, dmarc=pass header.from=author.example"

# A forwarder finds the DKIM signature broken, the chain passing, and seals.
seal "$T_TMP/list.eml" "$T_TMP/fwd.eml" fwd.example \
	'fwd.example; arc=pass; dkim=fail header.d=author.example'
check "forwarder sealed" "$T_TMP/fwd.eml" "$T_TMP/zone" pass \
	"arc=pass sets=2 oldest-pass=1: 2 ARC sets verified, the newest sealed by fwd.example" \
	"i=2 seal=pass d=fwd.example s=test cv=pass" \
	"vouch d=author.example: ARC chain from lists.example.org (i=1)"

# Someone rewrites what the list claimed: the seals no longer hold.
sed 's/^  dmarc=pass header.from=author.example/  dmarc=fail header.from=author.example/' \
	"$T_TMP/fwd.eml" >"$T_TMP/claim.eml"
t_check "the claim was rewritten" test "$(grep -c 'dmarc=fail' "$T_TMP/claim.eml")" -eq 1
check "rewritten claim" "$T_TMP/claim.eml" "$T_TMP/zone" fail \
	"ARC-Seal i=2 did not verify: signature did not verify" \
	"vouch d=author.example: no ARC set vouches for a DKIM pass"

# A change after the last seal.
sed 's/^Noon at/Ten at/' "$T_TMP/fwd.eml" >"$T_TMP/late.eml"
check "changed after the last seal" "$T_TMP/late.eml" "$T_TMP/zone" fail \
	"ARC-Message-Signature i=2 did not verify: body hash mismatch"

# The forwarder's key is not published.
check "missing key" "$T_TMP/fwd.eml" "$T_TMP/zone-no-fwd" fail \
	"ARC-Message-Signature i=2 did not verify: key not found (NXDOMAIN)"
t_done
