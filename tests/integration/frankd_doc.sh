#!/bin/sh
# frankd_doc.sh: frankd(8) formats cleanly, documents every limit and retry
# setting with the default frankd really has, and its EXAMPLE is a
# configuration frankd accepts.
. tests/lib.sh
t_tmpdir
t_need groff awk
page=doc/frankd.8

groff -man -ww -z "$page" >"$T_TMP/groff.out" 2>&1
t_check "frankd(8) formats without a warning" test ! -s "$T_TMP/groff.out"

./frankd --help-config >"$T_TMP/table" 2>&1
t_check "frankd --help-config lists the settings (18)" test "$(wc -l <"$T_TMP/table")" -eq 18
bad=""
while IFS='	' read -r setting help; do
	kind=${setting%% *}
	rest=${setting#* }
	name=${rest%% *}
	value=${rest#* }
	# the paragraph of ".BI "KIND NAME " ...", up to the next .TP or .SH
	text=$(awk -v tag=".BI \"$kind $name \"" '
		index($0, tag) == 1 { on = 1; next }
		on && /^\.(TP|SH|SS)/ { exit }
		on { print }' "$page")
	case "$text" in
	*"Default: $value."*) ;;
	*) bad="$bad $kind:$name" ;;
	esac
done <"$T_TMP/table"
t_check "frankd(8) documents each setting with its default${bad:+ (wrong or missing:$bad)}" test -z "$bad"

awk '/^\.SH EXAMPLE/ { ex = 1 } ex && /^\.EE/ { exit } ex == 2 { print } ex && /^\.EX/ { ex = 2 }' \
	"$page" | sed -e 's/\\-/-/g' -e 's/\\e/\\/g' >"$T_TMP/frankd.conf"
t_check "the EXAMPLE of frankd(8) is found" grep -q '^user alice {' "$T_TMP/frankd.conf"
t_run example ./frankd -c "$T_TMP/frankd.conf" check
t_check "the EXAMPLE of frankd(8) is a configuration frankd accepts" t_rc_is example 0
t_contains "...with what it says" "$T_TMP/example.out" "ok: mail.alice.test, 3 listeners, 2 domains, 2 users"
t_done
