#!/bin/sh
# cli.sh: frank's and frankd's command line: versions, usage errors, and bad
# mailboxes, each a one-line error with the documented exit status.
. tests/lib.sh
t_tmpdir
version=$(sed -n 's/^VERSION=//p' configure)


t_run v ./frank --version
t_check "frank --version exits 0" t_rc_is v 0
t_contains "frank --version prints the version" "$T_TMP/v.out" "frank $version"
t_run dv ./frankd --version
t_check "frankd --version exits 0" t_rc_is dv 0
t_contains "frankd --version prints the version" "$T_TMP/dv.out" "frankd $version"

t_run missing ./frank -f "$T_TMP/no-such-dir"
t_check "a missing Maildir exits 1" t_rc_is missing 1
t_check "a missing Maildir gives one line" t_one_line missing
t_contains "the error names the path and the cause" "$T_TMP/missing.err" \
	"frank: $T_TMP/no-such-dir: No such file or directory"

mkdir -p "$T_TMP/plain/sub"
t_run notmd ./frank -f "$T_TMP/plain"
t_check "a folder that is not a Maildir exits 1" t_rc_is notmd 1
t_check "it gives one line" t_one_line notmd
t_contains "the error says it is not a Maildir" "$T_TMP/notmd.err" "not a Maildir"

mkdir -p "$T_TMP/half/cur" "$T_TMP/half/new"
t_run half ./frank -f "$T_TMP/half"
t_check "a Maildir without tmp/ exits 1" t_rc_is half 1
t_contains "the error names the missing folder" "$T_TMP/half.err" "tmp"

echo "not a folder" >"$T_TMP/file"
t_run file ./frank -f "$T_TMP/file"
t_check "a plain file as Maildir exits 1" t_rc_is file 1
t_check "it gives one line" t_one_line file

t_run none ./frank
t_check "no mailbox is a usage error (status 2)" t_rc_is none 2
t_contains "the usage is printed" "$T_TMP/none.err" "usage: frank"
t_run bogus ./frank --bogus
t_check "an unknown option is a usage error" t_rc_is bogus 2
t_contains "the option is named" "$T_TMP/bogus.err" "unknown option: --bogus"
t_run noarg ./frank -f
t_check "-f without an argument is a usage error" t_rc_is noarg 2

mkdir -p "$T_TMP/md/cur" "$T_TMP/md/new" "$T_TMP/md/tmp"
printf 'bind index j next-entry\nbind index k no-such-function\n' >"$T_TMP/bad.keys"
t_run keys ./frank -F "$T_TMP/bad.keys" -f "$T_TMP/md"
t_check "a bad configuration file exits 1" t_rc_is keys 1
t_contains "the error names file and line" "$T_TMP/keys.err" \
	"$T_TMP/bad.keys:2: unknown function: no-such-function"
t_run nofile ./frank -F "$T_TMP/no-such-rc" -f "$T_TMP/md"
t_check "a missing -F file exits 1" t_rc_is nofile 1
t_contains "and is named" "$T_TMP/nofile.err" "$T_TMP/no-such-rc: No such file or directory"

# Without -F, frank reads ~/.config/frank/frankrc, then ~/.frankrc.
mkdir -p "$T_TMP/home/.config/frank"
printf 'bind pager q quit\n' >"$T_TMP/home/.frankrc"
t_run homerc env HOME="$T_TMP/home" XDG_CONFIG_HOME= ./frank -f "$T_TMP/md"
t_contains "~/.frankrc is read" "$T_TMP/homerc.err" \
	"$T_TMP/home/.frankrc:1: function quit is not available in the pager menu"
printf '\n\nbind nosuchmenu j next-entry\n' >"$T_TMP/home/.config/frank/frankrc"
t_run xdgrc env HOME="$T_TMP/home" XDG_CONFIG_HOME= ./frank -f "$T_TMP/md"
t_contains "~/.config/frank/frankrc comes first" "$T_TMP/xdgrc.err" \
	"$T_TMP/home/.config/frank/frankrc:3: unknown menu: nosuchmenu"

# Without a terminal, frank says so instead of hanging on a closed input.
t_run noterm ./frank -f "$T_TMP/md"
t_check "frank without a terminal exits 1" t_rc_is noterm 1
t_contains "it says a terminal is needed" "$T_TMP/noterm.err" "must be a terminal"

# frank --demo runs the demo script beside the binary (tests/ui/demo.sh
# drives it whole); a wrong action is a usage error.
t_run demobad ./frank --demo dance
t_check "frank --demo with an unknown action exits 2" t_rc_is demobad 2
t_contains "and says how to use it" "$T_TMP/demobad.err" "usage: frank --demo [run|start|stop]"
t_run demostop env FRANK_DEMO_DIR="$T_TMP/no-demo" ./frank --demo stop
t_check "frank --demo stop with no demo running exits 0" t_rc_is demostop 0

t_run dbad ./frankd --bogus
t_check "frankd with an unknown option exits 2" t_rc_is dbad 2
t_done
