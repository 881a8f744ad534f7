#!/bin/sh
# dmarc.sh: the shared DMARC test data (../shared/testdata/dmarc, see its
# SOURCE.md) through src/auth: the Public Suffix List's own cases,
# OpenDMARC's tables, authheaders' cases with their DNS answers and
# expected Authentication-Results, and RFC 9989's tree walk examples.
# Where frank answers otherwise on purpose, the check asserts frank's
# answer and doc/rfc-deviations.md must argue it.
. tests/lib.sh
t_tmpdir

data=../shared/testdata/dmarc
checker=build/tests/tools/dmarc_check
doc=doc/rfc-deviations.md

if [ ! -f "$data/SOURCE.md" ]; then
	t_fail "the shared DMARC test data is at $data" \
		"../shared/testdata/dmarc is missing: check out the shared folder beside the project"
	exit 1
fi
if [ ! -x "$checker" ]; then
	t_fail "$checker is built" "run: make unit-tests"
	exit 1
fi
t_need python3
if ! python3 -c 'import yaml' 2>"$T_TMP/yaml.err"; then
	t_fail "python3 can import yaml" "install python3-yaml: ./configure --install-deps"
	exit 1
fi
if [ ! -f /usr/share/publicsuffix/public_suffix_list.dat ]; then
	t_fail "Debian's public suffix list is installed" "install the package publicsuffix"
	exit 1
fi

# run NAME COMMAND...: the tool's TAP lines, and a failure if it fails
# without saying why.
run() {
	name=$1
	shift
	"$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	rc=$?
	cat "$T_TMP/$name.out"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$T_TMP/$name.out"; then
		t_fail "$name runs" "exit $rc" "$(cat "$T_TMP/$name.err")"
	fi
}

run psl "$checker" psl "$data/test_psl.txt"
run opendmarc "$checker" opendmarc "$data/opendmarc/opendmarc-cases.tsv" \
	"$data/opendmarc/effective_tld_names.dat"

if python3 tests/tools/dmarc_cases.py authheaders "$data/authheaders" >"$T_TMP/ah.cases" &&
	python3 tests/tools/dmarc_cases.py treewalk "$data/dmarcbis-treewalk-examples.yml" \
		>"$T_TMP/tw.cases"; then
	t_ok "the YAML cases convert"
else
	t_fail "the YAML cases convert" "see tests/tools/dmarc_cases.py"
fi
run authheaders "$checker" cases "$T_TMP/ah.cases"
run treewalk "$checker" cases "$T_TMP/tw.cases"

# Every deviation a check asserts is argued in the document.
{ "$checker" deviations; python3 tests/tools/dmarc_cases.py deviations; } | sort -u >"$T_TMP/devs"
while IFS= read -r heading; do
	t_contains "$doc argues: $heading" "$doc" "## $heading"
done <"$T_TMP/devs"
t_done
