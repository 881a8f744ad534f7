#!/bin/sh
# dnscheck_doc.sh: doc/frank.1 lists frank dnscheck's scoring table as the
# code has it (src/auth/check_rules.c, printed by tests/tools/check_rules):
# every rule with its status and points, and no rule the code lacks.
. tests/lib.sh
t_tmpdir

rules=build/tests/tools/check_rules
if [ ! -x "$rules" ]; then
	t_fail "$rules is built" "run: make unit-tests"
	exit 1
fi
if "$rules" >"$T_TMP/rules" 2>"$T_TMP/rules.err"; then
	t_ok "every rule of the enum has an entry in the table"
else
	t_fail "every rule of the enum has an entry in the table" "$(cat "$T_TMP/rules.err")"
fi
# NAME|CHECK|TEXT -> NAME|TEXT, sorted
cut -d'|' -f1,3 "$T_TMP/rules" | sort >"$T_TMP/code"

# In the man page a rule is ".TP", ".B NAME", then "STATUS...: WHAT".
awk '
	prev == ".TP" && /^\.B [a-z]/ { name = substr($0, 4); getline text;
		if (text ~ /^(pass|warn|fail)/) print name "|" text }
	{ prev = $0 }
' doc/frank.1 | sed 's/\\-/-/g' | sort >"$T_TMP/doc"

if [ -s "$T_TMP/doc" ] && diff -u "$T_TMP/code" "$T_TMP/doc" >"$T_TMP/diff"; then
	t_ok "doc/frank.1 lists the $(wc -l <"$T_TMP/code") rules of the scoring table"
else
	t_fail "doc/frank.1 lists the rules of the scoring table" \
		"--- the code, +++ doc/frank.1:" "$(cat "$T_TMP/diff")"
fi

# The common selectors the man page names are the code's.
sel=$(sed -n 's/^	"default", /"default", /p' src/auth/check_domain.c | tr -d '",' | tr -s ' ')
for s in $sel; do
	t_check "doc/frank.1 names the common selector $s" grep -q "^\.BR* $s\( ,\)*$" doc/frank.1
done

t_done
