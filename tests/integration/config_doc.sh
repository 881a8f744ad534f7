#!/bin/sh
# config_doc.sh: frankrc(5) and the option table agree: the page's option
# list is what the table generates (sh tests/tools/update-frankrc5.sh
# rewrites it), every option is listed, the page formats cleanly, and its
# EXAMPLE parses.
. tests/lib.sh
t_tmpdir
t_need groff awk
tool=build/tests/tools/config-tool
page=doc/frankrc.5

"$tool" man-options >"$T_TMP/generated" 2>"$T_TMP/generated.err"
t_check "config-tool man-options runs" test -s "$T_TMP/generated"
awk '/^\.\\" OPTIONS END/ { inside = 0 }
     inside == 2 { print }
     inside == 1 { inside = 2 }
     /^\.\\" OPTIONS BEGIN/ { inside = 1 }' "$page" >"$T_TMP/in-page"
if cmp -s "$T_TMP/generated" "$T_TMP/in-page"; then
	t_ok "the option list of frankrc(5) is the table's"
else
	t_fail "the option list of frankrc(5) is the table's" \
		"run: sh tests/tools/update-frankrc5.sh" "difference:"
	diff "$T_TMP/in-page" "$T_TMP/generated" | head -20 | sed 's/^/#     /'
fi

# Every row of the table, by name, as a tagged paragraph of the page.
missing=""
for name in $(sed -n 's/^\.BR \([a-z_]*\) .*/\1/p' "$T_TMP/generated"); do
	grep -q "^\.BR $name \"" "$page" || missing="$missing $name"
done
count=$(grep -c '^\.BR [a-z_]* "' "$T_TMP/generated")
t_check "the table has its options (36)" test "$count" -eq 36
t_check "frankrc(5) lists every option${missing:+ (missing:$missing)}" test -z "$missing"

groff -man -ww -z "$page" >"$T_TMP/groff.out" 2>&1
t_check "frankrc(5) formats without a warning" test ! -s "$T_TMP/groff.out"

# The page's EXAMPLE, unescaped from roff, is a frankrc that loads.
awk '/^\.SH EXAMPLE/ { ex = 1 } ex && /^\.EE/ { exit } ex == 2 { print } ex && /^\.EX/ { ex = 2 }' \
	"$page" | sed -e 's/\\-/-/g' -e 's/\\e/\\/g' >"$T_TMP/example.rc"
chmod 600 "$T_TMP/example.rc"
t_check "the EXAMPLE of frankrc(5) is found" grep -q '^account work {' "$T_TMP/example.rc"
env HOME=/home/alice "$tool" dump "$T_TMP/example.rc" keymaps >"$T_TMP/example.out" \
	2>"$T_TMP/example.err"
t_check "the EXAMPLE of frankrc(5) loads" test $? -eq 0
t_contains "with its accounts" "$T_TMP/example.out" "account home"
t_contains "and its macro" "$T_TMP/example.out" \
	"macro index ^R [<first-entry><display-message>] [read the first message]"
t_done
