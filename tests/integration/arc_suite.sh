#!/bin/sh
# arc_suite.sh: the ARC validator against ValiMail's ARC validation suite
# in ../shared/testdata/arc (see its SOURCE.md): every one of its 170
# cases, with its DNS records served from a zone file by the offline
# resolver.  Where the suite (written against a draft) contradicts RFC
# 8617, the case runs against frank's answer and doc/rfc-deviations.md
# must argue it (tests/tools/arc_suite_convert.py, DEVIATIONS).
. tests/lib.sh
t_tmpdir
t_need python3

suite=../shared/testdata/arc/arc-draft-validation-tests.yml
tool=build/tests/tools/arc_tool
convert=tests/tools/arc_suite_convert.py
doc=doc/rfc-deviations.md

if [ ! -f "$suite" ]; then
	t_fail "the ARC test suite is at $suite" \
		"../shared/testdata/arc is missing: check out the shared folder beside the project"
	exit 1
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
	t_fail "python3 can import yaml" "install python3-yaml: ./configure --install-deps"
	exit 1
fi
if [ ! -x "$tool" ]; then
	t_fail "$tool is built" "run: make unit-tests"
	exit 1
fi

if python3 "$convert" "$T_TMP/cases" "$suite" >"$T_TMP/convert.out" 2>&1; then
	t_ok "the suite converts"
else
	t_fail "the suite converts" "$(cat "$T_TMP/convert.out")"
	exit 1
fi
# The suite's own counts (SOURCE.md: Pass 55, Fail 107, None 5, empty 3),
# moved by the deviations: 3 empty and 4 pass become fail.
t_contains "the cases expect fail 114, none 5, pass 51" "$T_TMP/convert.out" \
	"fail=114 none=5 pass=51"

# Fixed clock: no case may depend on the day the tests run.
"$tool" suite --now 1500000000 "$T_TMP/cases/cases" >"$T_TMP/suite.out" 2>"$T_TMP/suite.err"
rc=$?
# The runner's TAP lines become this script's, each followed by its reason.
grep -E '^(not )?ok [0-9]+ - ' "$T_TMP/suite.out" >"$T_TMP/lines"
while IFS= read -r line; do
	case $line in
	ok*) t_ok "${line#* - }" ;;
	*) t_fail "${line#* - }" "$(grep -A2 -F -- "$line" "$T_TMP/suite.out" | sed -n '2,3p')" ;;
	esac
done <"$T_TMP/lines"
t_check "the runner exits 0" test "$rc" -eq 0
t_contains "all 170 cases ran" "$T_TMP/suite.out" "# 170 cases, 0 failed"

# Every heading a deviation cites is in the document.
grep -o 'rfc-deviations.md "[^"]*"' "$T_TMP/suite.out" | sed 's/.*"\(.*\)"/\1/' | sort -u >"$T_TMP/headings"
t_check "deviations are cited" test -s "$T_TMP/headings"
while IFS= read -r heading; do
	t_check "$doc argues \"$heading\"" grep -qxF "## $heading" "$doc"
done <"$T_TMP/headings"
t_done
