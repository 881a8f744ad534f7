#!/bin/sh
# spf_suite.sh: the SPF evaluator against both SPF test suites in
# ../shared/testdata/spf (see its SOURCE.md): the openspf RFC 7208 suite
# (rfc7208-tests.yml) and stalwartlabs/mail-auth's (mail-auth/*.yml).  Every
# case runs; a case that allows several results passes with any of them.
# The mail-auth cases that contradict RFC 7208 are run against the RFC's
# result and say so (tests/tools/spf-suite-convert, CONFLICTS).
. tests/lib.sh
t_tmpdir
t_need python3

suite=../shared/testdata/spf
runner=build/tests/tools/spf_suite
convert=tests/tools/spf-suite-convert

if [ ! -f "$suite/rfc7208-tests.yml" ] || [ ! -d "$suite/mail-auth" ]; then
	t_fail "the SPF test suites are in $suite" \
		"missing $suite/rfc7208-tests.yml or $suite/mail-auth/ (the shared test data," \
		"../shared relative to the project root)"
	exit 1
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
	t_fail "python3-yaml is installed" "install it: apt-get install python3-yaml"
	exit 1
fi
if [ ! -x "$runner" ]; then
	t_fail "$runner is built" "run: make unit-tests"
	exit 1
fi

# run NAME EXPECTED-CASES CONVERT-ARGS...: converts, runs, checks the count.
run() {
	name=$1
	want=$2
	shift 2
	if ! python3 "$convert" "$@" >"$T_TMP/$name.cases" 2>"$T_TMP/$name.err"; then
		t_fail "$name: the suite converts" "$(cat "$T_TMP/$name.err")"
		return
	fi
	"$runner" "$T_TMP/$name.cases" >"$T_TMP/$name.out" 2>&1
	rc=$?
	cat "$T_TMP/$name.out"
	T_NUM=$((T_NUM + $(grep -c '^\(not \)\{0,1\}ok ' "$T_TMP/$name.out")))
	T_FAILED=$((T_FAILED + $(grep -c '^not ok ' "$T_TMP/$name.out")))
	t_check "$name: the runner exits 0" test "$rc" -eq 0
	t_contains "$name: all $want cases ran" "$T_TMP/$name.out" "# $want cases, "
}

run rfc7208 203 openspf "$suite/rfc7208-tests.yml"
run mail-auth 163 mail-auth "$suite"/mail-auth/*.yml
t_done
