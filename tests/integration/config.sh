#!/bin/sh
# config.sh: the frankrc with real files: the example parses to what it
# says, password files and their modes, source (relative paths, loops,
# depth, missing files), passcmd with real shell commands, key map layers,
# and frank itself stopping with "file:line: message" and status 1.
. tests/lib.sh
t_tmpdir
tool=build/tests/tools/config-tool
t_check "the config tool is built" test -x "$tool"

# frank_rc NAME RCFILE: frank on an empty Maildir with RCFILE; without a
# terminal it stops right after the configuration, so "must be a terminal"
# means the configuration was accepted.
md=$T_TMP/md
mkdir -p "$md/cur" "$md/new" "$md/tmp"
frank_rc() { t_run "$1" env HOME="$T_TMP/home" ./frank -F "$2" -f "$md"; }
accepted() { grep -qF "must be a terminal" "$T_TMP/$1.err"; }
mkdir -p "$T_TMP/home"

# --- the example ------------------------------------------------------
t_run example env -u VISUAL -u EDITOR HOME=/home/alice "$tool" dump doc/frankrc.example keymaps
t_check "doc/frankrc.example parses" t_rc_is example 0
t_check "it holds what tests/data/config/example.dump says" \
	cmp -s "$T_TMP/example.out" tests/data/config/example.dump
frank_rc fexample doc/frankrc.example
t_check "frank accepts doc/frankrc.example" accepted fexample

# --- passwords and file modes -------------------------------------------
acct='account a {
	set from = a@example.org
	set source = imaps://a@imap.example.org
	set password = "app pass word"
}'
printf '%s\n' "$acct" >"$T_TMP/pw.rc"
chmod 644 "$T_TMP/pw.rc"
frank_rc pw644 "$T_TMP/pw.rc"
t_check "a password in a 0644 file: frank exits 1" t_rc_is pw644 1
t_check "with one line" t_one_line pw644
t_contains "saying why and how to fix it" "$T_TMP/pw644.err" \
	"frank: $T_TMP/pw.rc:4: password refused: $T_TMP/pw.rc can be read by group or others (chmod 600 $T_TMP/pw.rc, or use passcmd)"
t_lacks "the password is not shown" "$T_TMP/pw644.err" "app pass word"
chmod 640 "$T_TMP/pw.rc"
frank_rc pw640 "$T_TMP/pw.rc"
t_check "0640 (group can read) is refused too" t_rc_is pw640 1
chmod 604 "$T_TMP/pw.rc"
frank_rc pw604 "$T_TMP/pw.rc"
t_check "0604 (others can read) is refused too" t_rc_is pw604 1
chmod 600 "$T_TMP/pw.rc"
frank_rc pw600 "$T_TMP/pw.rc"
t_check "0600 is accepted by frank" accepted pw600
t_run pw600t "$tool" password "$T_TMP/pw.rc" a
t_contains "and the password is the one written" "$T_TMP/pw600t.out" "password: [app pass word]"

# The rule is for the file that holds the line, even when sourced.
printf 'set sort = date\nsource pw-public.rc\n' >"$T_TMP/main.rc"
chmod 600 "$T_TMP/main.rc"
printf '%s\n' "$acct" >"$T_TMP/pw-public.rc"
chmod 644 "$T_TMP/pw-public.rc"
frank_rc srcpw "$T_TMP/main.rc"
t_check "a password in a public sourced file: exits 1" t_rc_is srcpw 1
t_contains "the sourced file is named" "$T_TMP/srcpw.err" \
	"frank: $T_TMP/pw-public.rc:4: password refused: $T_TMP/pw-public.rc can be read"

# --- passcmd ---------------------------------------------------------------
passcmd_rc() { # FILE COMMAND
	printf 'account p {\n\tset from = p@example.org\n\tset source = pop://p@pop.example.org\n' >"$1"
	printf '\tset passcmd = %s\n}\n' "$2" >>"$1"
}
passcmd_rc "$T_TMP/pc-ok.rc" "\"printf 'secret\\\\nsecond\\\\n'\""
chmod 644 "$T_TMP/pc-ok.rc" # passcmd needs no private file
t_run pcok "$tool" password "$T_TMP/pc-ok.rc" p
t_check "a passcmd printing two lines succeeds" t_rc_is pcok 0
t_contains "its first line is the password" "$T_TMP/pcok.out" "password: [secret]"
t_lacks "the second line is not" "$T_TMP/pcok.out" "second"
passcmd_rc "$T_TMP/pc-false.rc" false
t_run pcfalse "$tool" password "$T_TMP/pc-false.rc" p
t_check "passcmd false fails" t_rc_is pcfalse 1
t_contains "naming the account and the status" "$T_TMP/pcfalse.err" \
	"account p: passcmd failed (exit status 1)"
passcmd_rc "$T_TMP/pc-empty.rc" "'true'"
t_run pcempty "$tool" password "$T_TMP/pc-empty.rc" p
t_check "passcmd with no output fails" t_rc_is pcempty 1
t_contains "saying it printed no password" "$T_TMP/pcempty.err" \
	"account p: passcmd printed no password"
passcmd_rc "$T_TMP/pc-leak.rc" "'echo hunter2; echo oops >&2; exit 4'"
t_run pcleak "$tool" password "$T_TMP/pc-leak.rc" p
t_check "a failing passcmd that printed something fails" t_rc_is pcleak 1
t_lacks "what it printed is never shown" "$T_TMP/pcleak.err" "hunter2"
t_lacks "nor on standard output" "$T_TMP/pcleak.out" "hunter2"
t_contains "its own errors reach standard error" "$T_TMP/pcleak.err" "oops"
t_contains "with the status" "$T_TMP/pcleak.err" "account p: passcmd failed (exit status 4)"
printf 'account n {\n\tset from = n@example.org\n\tset source = imap://n@h\n}\n' >"$T_TMP/none.rc"
t_run pcnone "$tool" password "$T_TMP/none.rc" n
t_contains "without passcmd or password the user is to be asked" "$T_TMP/pcnone.out" "prompt"

# --- source ----------------------------------------------------------------------
mkdir -p "$T_TMP/conf/more"
printf 'set sort = thread\nsource more/colors.rc\n' >"$T_TMP/conf/main.rc"
printf '# colours\ncolor status red default\nsource ../keys.rc\n' >"$T_TMP/conf/more/colors.rc"
printf 'bind index l display-message\n' >"$T_TMP/conf/keys.rc"
t_run rel sh -c "cd / && '$PWD/$tool' dump '$T_TMP/conf/main.rc'"
t_check "relative sources are found from the sourcing file's folder" t_rc_is rel 0
t_contains "the sourced file's settings count" "$T_TMP/rel.out" \
	"color status 1 -1 [-] ($T_TMP/conf/more/colors.rc:2)"
t_contains "two levels down too" "$T_TMP/rel.out" \
	"bind index l display-message ($T_TMP/conf/more/../keys.rc:1)"

printf 'set sort = date\nsource b.rc\n' >"$T_TMP/conf/a.rc"
printf '\nsource a.rc\n' >"$T_TMP/conf/b.rc"
frank_rc loop "$T_TMP/conf/a.rc"
t_check "a source loop: frank exits 1" t_rc_is loop 1
t_contains "naming where the loop closes" "$T_TMP/loop.err" \
	"frank: $T_TMP/conf/b.rc:2: source loop: $T_TMP/conf/a.rc is already being read"
printf 'source self.rc\n' >"$T_TMP/conf/self.rc"
frank_rc self "$T_TMP/conf/self.rc"
t_contains "a file that sources itself" "$T_TMP/self.err" \
	"frank: $T_TMP/conf/self.rc:1: source loop: $T_TMP/conf/self.rc is already being read"
i=1
while [ $i -le 20 ]; do
	printf 'source d%d.rc\n' $((i + 1)) >"$T_TMP/conf/d$i.rc"
	i=$((i + 1))
done
frank_rc deep "$T_TMP/conf/d1.rc"
t_check "sources 20 deep: frank exits 1" t_rc_is deep 1
t_contains "at the depth limit" "$T_TMP/deep.err" \
	"frank: $T_TMP/conf/d16.rc:1: source nested too deep (limit 16)"
printf '\n# nothing\nsource missing.rc\n' >"$T_TMP/conf/miss.rc"
frank_rc miss "$T_TMP/conf/miss.rc"
t_check "a missing sourced file: frank exits 1" t_rc_is miss 1
t_contains "with the line of the source command" "$T_TMP/miss.err" \
	"frank: $T_TMP/conf/miss.rc:3: source $T_TMP/conf/missing.rc: No such file or directory"
printf 'source more\n' >"$T_TMP/conf/dir.rc"
frank_rc dir "$T_TMP/conf/dir.rc"
t_contains "a folder is not a file" "$T_TMP/dir.err" \
	"frank: $T_TMP/conf/dir.rc:1: source $T_TMP/conf/more: not a regular file"

# --- errors that only frank sees: functions, key maps ----------------------
printf 'bind index j next-entry\nsource funcs.rc\n' >"$T_TMP/conf/f.rc"
printf '\n\nbind pager j no-such-function\n' >"$T_TMP/conf/funcs.rc"
frank_rc fn "$T_TMP/conf/f.rc"
t_check "an unknown function in a sourced file: exits 1" t_rc_is fn 1
t_contains "names the sourced file and line" "$T_TMP/fn.err" \
	"frank: $T_TMP/conf/funcs.rc:3: unknown function: no-such-function"
printf '# vim\nset keymap = vim\nbind pager K exit\n' >"$T_TMP/conf/vim.rc"
frank_rc vim "$T_TMP/conf/vim.rc"
t_check "set keymap = vim is found next to the binary" accepted vim
t_run vimdump "$tool" dump "$T_TMP/conf/vim.rc" keymaps
t_contains "vim.keys comes first" "$T_TMP/vimdump.out" "bind index g first-entry (keymaps/vim.keys:5)"
t_check "the user's binding comes last" sh -c \
	"tail -n 1 '$T_TMP/vimdump.out' | grep -qF 'bind pager K exit ($T_TMP/conf/vim.rc:3)'"
printf '\nset keymap = emacs\n' >"$T_TMP/conf/emacs.rc"
frank_rc emacs "$T_TMP/conf/emacs.rc"
t_check "an unknown key map: exits 1" t_rc_is emacs 1
t_contains "saying where it was looked for" "$T_TMP/emacs.err" \
	"frank: $T_TMP/conf/emacs.rc:2: keymap emacs: no emacs.keys in $PWD/keymaps, "

# --- expansion ------------------------------------------------------------------
printf 'set mail_root = ~/Mail\nset dns_zone_file = "$FRANK_TEST_DIR/zone"\n' >"$T_TMP/conf/x.rc"
t_run expand env HOME=/home/zoe FRANK_TEST_DIR=/srv/t "$tool" dump "$T_TMP/conf/x.rc"
t_contains "~ is the home folder" "$T_TMP/expand.out" "mail_root = /home/zoe/Mail"
t_contains "\$VAR is the environment's" "$T_TMP/expand.out" "dns_zone_file = /srv/t/zone"
t_run unset env -u FRANK_TEST_DIR "$tool" dump "$T_TMP/conf/x.rc"
t_contains "an unset variable is an error" "$T_TMP/unset.err" \
	"$T_TMP/conf/x.rc:2: environment variable FRANK_TEST_DIR is not set"
: >"$T_TMP/empty.rc"
t_run defaults env -u VISUAL EDITOR=nano HOME=/home/zoe "$tool" dump "$T_TMP/empty.rc"
t_contains "by default: mail_root is ~/Mail" "$T_TMP/defaults.out" "mail_root = /home/zoe/Mail"
t_contains "and the editor is \$EDITOR" "$T_TMP/defaults.out" "editor = nano"

# --- a few mistakes through frank: one line, file:line, status 1 -------------
mistake() { # DESCRIPTION TEXT EXPECTED
	printf '%b' "$2" >"$T_TMP/m.rc"
	frank_rc m "$T_TMP/m.rc"
	if t_rc_is m 1 && t_one_line m && grep -qF -- "frank: $T_TMP/m.rc:$3" "$T_TMP/m.err"; then
		t_ok "$1"
	else
		t_fail "$1" "want status 1 and: frank: $T_TMP/m.rc:$3" "got:"
		sed 's/^/#     /' "$T_TMP/m.err"
	fi
}
mistake "an unknown option" 'set sidebar_visibel\n' "1: unknown option: sidebar_visibel"
mistake "an unknown command" '\n\nmy_hdr X-Foo: bar\n' "3: unknown command: my_hdr"
mistake "an account without a source" 'account w {\n set from = w@x.org\n}\n' \
	"1: account w has no source"
mistake "a bad URL" 'account w {\n set source = imaps://w@h:99999\n' \
	"2: source: port out of range (1-65535): 99999"
mistake "an unterminated quote" 'set editor = "vi\n' "1: unterminated quote"
mistake "a bad colour" 'color status red maroon\n' "1: unknown color: maroon"
t_done
