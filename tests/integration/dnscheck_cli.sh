#!/bin/sh
# dnscheck_cli.sh: frank dnscheck's command line and exit status: usage
# errors (2) with a one-line message, zone files that cannot be used and
# a DNS that answers nothing (1), --help; names given in Unicode or with
# a final dot; hostile records kept off the terminal.
. tests/lib.sh
t_tmpdir

data=tests/data/dnscheck
frank=./frank
if [ ! -x "$frank" ]; then
	t_fail "frank is built" "run: make"
	exit 1
fi

# usage NAME MESSAGE ARGS...: exit 2, MESSAGE then the usage on stderr,
# nothing on stdout.
usage() {
	name=$1
	msg=$2
	shift 2
	t_run "$name" "$frank" dnscheck "$@"
	if t_rc_is "$name" 2 && [ "$(head -n 1 "$T_TMP/$name.err")" = "$msg" ] &&
		sed -n 2p "$T_TMP/$name.err" | grep -q '^usage: frank dnscheck' &&
		[ ! -s "$T_TMP/$name.out" ]; then
		t_ok "usage error: $name"
	else
		t_fail "usage error: $name" "exit $(cat "$T_TMP/$name.rc")" "$(cat "$T_TMP/$name.err")"
	fi
}

usage no-domain "frank dnscheck: no domain given" --dns "$data/good.zone"
usage two-domains "frank dnscheck: one domain at a time (good.test, bad.test)" good.test bad.test
usage bad-ip "frank dnscheck: --ip '192.0.2.300' is not an IPv4 or IPv6 address" \
	--ip 192.0.2.300 good.test
usage bad-selector "frank dnscheck: 'a b' is not a DKIM selector" --selector "a b" good.test
usage unknown-option "frank dnscheck: unknown option: --frobnicate" --frobnicate good.test
usage missing-value "frank dnscheck: option --ip needs an argument" good.test --ip
usage bad-domain \
	"frank dnscheck: the domain 'exa mple.test' is not a domain name: a label holds other than letters, digits and '-'" \
	"exa mple.test"
usage bad-dnsbl \
	"frank dnscheck: --dnsbl 'bl..test' is not a domain name: empty label" \
	--dnsbl bl..test good.test

t_run help "$frank" dnscheck --help
if t_rc_is help 0 && grep -q '^usage: frank dnscheck' "$T_TMP/help.out"; then
	t_ok "--help prints the usage and exits 0"
else
	t_fail "--help prints the usage and exits 0" "$(cat "$T_TMP/help.out" "$T_TMP/help.err")"
fi

t_run nozone "$frank" dnscheck --dns "$T_TMP/nothing.zone" good.test
if t_rc_is nozone 1 && t_one_line nozone && grep -q "nothing.zone" "$T_TMP/nozone.err" &&
	[ ! -s "$T_TMP/nozone.out" ]; then
	t_ok "a zone file that does not exist: exit 1, one line naming it"
else
	t_fail "a zone file that does not exist: exit 1, one line naming it" "$(cat "$T_TMP/nozone.err")"
fi

printf 'good.test. MX 10\n' >"$T_TMP/broken.zone"
t_run badzone "$frank" dnscheck --dns "$T_TMP/broken.zone" good.test
if t_rc_is badzone 1 && t_one_line badzone && grep -q "broken.zone:1:" "$T_TMP/badzone.err"; then
	t_ok "a zone file that does not parse: exit 1, file:line"
else
	t_fail "a zone file that does not parse: exit 1, file:line" "$(cat "$T_TMP/badzone.err")"
fi

t_run down "$frank" dnscheck --dns "$data/down.zone" down.test
if t_rc_is down 1 && t_one_line down && [ ! -s "$T_TMP/down.out" ] &&
	grep -qF "frank dnscheck: DNS could not be queried: MX down.test: " "$T_TMP/down.err"; then
	t_ok "every query failing for now: exit 1, DNS could not be queried"
else
	t_fail "every query failing for now: exit 1, DNS could not be queried" \
		"exit $(cat "$T_TMP/down.rc")" "$(cat "$T_TMP/down.err" "$T_TMP/down.out")"
fi

# A domain in Unicode is checked as its A-label; a final dot is dropped.
t_run idn "$frank" dnscheck --dns "$data/hostile.zone" "bücher.test."
t_check "bücher.test. is checked as xn--bcher-kva.test" \
	grep -qxF "score: 8.5/10 for xn--bcher-kva.test" "$T_TMP/idn.out"
t_contains "bücher.test.: its SPF record" "$T_TMP/idn.out" \
	"pass  spf     xn--bcher-kva.test: v=spf1 mx -all"

# Records with escape sequences and control characters: none reaches
# the output, in either form; the rows still say what is wrong.
t_run hostile "$frank" dnscheck --dns "$data/hostile.zone" hostile.test
t_run hostile-json "$frank" dnscheck --json --dns "$data/hostile.zone" hostile.test
if t_rc_is hostile 0 && t_rc_is hostile-json 0 &&
	! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T_TMP/hostile.out" "$T_TMP/hostile-json.out"; then
	t_ok "hostile records: no control character in the output"
else
	t_fail "hostile records: no control character in the output" "$(cat -v "$T_TMP/hostile.out")"
fi
t_contains "hostile records: the SPF row names the bad byte" "$T_TMP/hostile.out" \
	"fail  spf     the SPF record of hostile.test: character 0x1b in '?[2J?]0;owned?'"
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/hostile-json.out"; then
	t_ok "hostile records: the JSON parses"
else
	t_fail "hostile records: the JSON parses" "$(cat -v "$T_TMP/hostile-json.out")"
fi

# A record of 150 terms: counting stops at 50 lookups, rows stay short.
t_run long "$frank" dnscheck --dns "$data/hostile.zone" long.hostile.test
t_contains "a long record: at least 50 lookups" "$T_TMP/long.out" \
	"fail  spf     at least 50 DNS lookups with includes expanded, more than 10: receivers answer permerror (-2)"
if [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T_TMP/long.out")" -le 700 ]; then
	t_ok "a long record: no line over 700 characters"
else
	t_fail "a long record: no line over 700 characters"
fi

t_done
