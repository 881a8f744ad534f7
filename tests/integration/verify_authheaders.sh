#!/bin/sh
# verify_authheaders.sh: authheaders' DMARC cases (../shared/testdata/dmarc)
# end to end through "frank verify --dns --json": their message files,
# their DNS answers as a zone file, their expected Authentication-Results
# (tests/integration/verify_cases.py says how they are compared).
. tests/lib.sh
t_tmpdir

data=../shared/testdata/dmarc/authheaders
if [ ! -f "$data/authheaders-cases.yml" ]; then
	t_fail "authheaders' cases are at $data" \
		"../shared/testdata/dmarc is missing: check out the shared folder beside the project"
	exit 1
fi
[ -x ./frank ] || { t_fail "frank is built" "run: make"; exit 1; }
t_need python3
if ! python3 -c 'import yaml' 2>/dev/null; then
	t_fail "python3 can import yaml" "install python3-yaml: ./configure --install-deps"
	exit 1
fi

python3 tests/integration/verify_cases.py ./frank "$data" "$T_TMP" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
cat "$T_TMP/out"
if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$T_TMP/out"; then
	t_fail "verify_cases.py runs" "exit $rc" "$(cat "$T_TMP/err")"
fi
t_done
