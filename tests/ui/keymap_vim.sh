#!/bin/sh
# keymap_vim.sh: with "set keymap = vim", ^B in the pager pages up (as in
# vim) and the URL list is on U, and help says so; a ":macro" naming a
# function frank lacks is refused with a message, does not stay in the
# configuration, and so does not break the next command.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
mkdir -p "$md/cur" "$md/new" "$md/tmp"
{ printf 'From: Alice <alice@example.org>\nTo: reader@example.org\n'
  printf 'Subject: Long with a link\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n'
  printf 'Message-ID: <v1@example.org>\n\nFirst line: see https://vim.example/page\n'
  i=0
  while [ $i -lt 80 ]; do echo "filler line $i"; i=$((i + 1)); done
} >"$md/cur/1.long:2,S"
printf 'set keymap = vim\nset mailcap_path = ""\n' >"$T_TMP/rc"

ui_start 100 50 "./frank -F $T_TMP/rc -f $md"
ui_expect "the index opens" "Long with a link"
ui_keys Enter
ui_expect "the pager opens" "First line: see https://vim.example/page"
ui_keys C-f
ui_expect "^F pages down" "filler line 40"
ui_screen
t_lacks "past the first line" "$T_TMP/screen" "First line: see"
ui_keys C-b
ui_expect "^B pages up, as in vim" "First line: see https://vim.example/page"
ui_screen
t_lacks "and no URL list opened" "$T_TMP/screen" "URL list"
ui_keys U
ui_expect "U opens the URL list" "1 https://vim.example/page"
ui_keys q
ui_keys '?' End
ui_expect "help lists U for the URL list" "U            url-list"
ui_expect "and ^B for page-up" "^B           previous-page"
ui_screen
t_lacks "and not ^B for the URL list" "$T_TMP/screen" "^B           url-list"
ui_keys q q
ui_expect "back in the index" "[Msgs:1"

ui_keys :
ui_keys -l 'macro index x "<nonexistent-function>"'
ui_keys Enter
ui_expect "a macro of an unknown function is refused, saying why" \
	"refused: command:1: unknown function in macro: <nonexistent-function>"
ui_keys :
ui_keys -l 'macro index y "<first-entry>" "to the oldest"'
ui_keys Enter
ui_expect "the next command is taken" 'macro index y "<first-entry>" "to the oldest"'
ui_screen
t_lacks "without the refused macro's error again" "$T_TMP/screen" "nonexistent"
ui_keys '?' End
ui_expect "help lists the macro taken" "to the oldest"
ui_screen
t_lacks "and not the refused one" "$T_TMP/screen" "nonexistent-function"
ui_keys q q
ui_expect "frank quits" "exited with 0"
t_done
