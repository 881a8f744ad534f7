#!/bin/sh
# config_keys.sh: key bindings from a frankrc reach the screens in their
# layers: the defaults, then "set keymap = vim" (keymaps/vim.keys), then
# the user's bind lines, including those of a sourced file.  frank runs in
# tmux on a generated Maildir, as tests/ui does.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
python3 tests/tools/gen-maildir --count 5 --seed 1 "$md" || { t_fail "generate the Maildir"; exit 1; }
cat >"$T_TMP/frankrc" <<'RC'
set keymap = vim     # J/K move by message in the pager, g/G jump
bind pager K exit    # the user's binding wins over vim.keys' K
source more.rc
RC
printf 'bind index x display-message\n' >"$T_TMP/more.rc"
ui_start 100 30 "./frank -F $T_TMP/frankrc -f $md"
ui_expect "frank starts with set keymap = vim" "Test message 5: "
# frank starts on the newest message: message 1 opens only after g.
ui_keys g x
ui_expect "g (vim.keys) goes to the first message, x (a sourced bind) opens it" \
	"Body of message 1."
ui_keys J
ui_expect "J (vim.keys) goes to the next message" "Body of message 2."
ui_keys K
ui_expect_gone "K (the user's bind over vim.keys) leaves the pager" "Body of message 2."
ui_expect "and shows the index" "Test message 5: "
ui_keys q
ui_expect "q (the default keys) quits" "exited with 0"
t_done
