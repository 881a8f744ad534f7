#!/bin/sh
# pager_urls.sh: the pager's URL list (^B) gathers the URLs of plain text
# and of HTML links; the one picked is opened by url_command with the URL
# as one argument, never through a shell (a hostile URL with ; $() and
# quotes injects nothing); and / n search in the pager.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib

md=$T_TMP/mail
mkdir -p "$md/cur" "$md/new" "$md/tmp"
cat >"$md/cur/1.plain:2,S" <<'MSG'
From: Alice <alice@example.org>
To: reader@example.org
Subject: Plain links
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <p1@example.org>

See https://plain.example/one. and (http://plain.example/two)
Line three says nothing.
Needle in a haystack: the first needle.
Filler
MSG
i=0
while [ $i -lt 40 ]; do echo "filler line $i" >>"$md/cur/1.plain:2,S"; i=$((i + 1)); done
echo "the second NEEDLE is far below" >>"$md/cur/1.plain:2,S"

# The href holds ; $() backquotes and both quotes: a shell would run them.
cat >"$md/cur/2.html:2,S" <<'MSG'
From: Mallory <mallory@example.org>
To: reader@example.org
Subject: Hostile link
Date: Mon, 1 Jan 2024 11:00:00 +0000
Message-ID: <h1@example.org>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p>Click <a href="https://evil.example/x;touch PWNED1;$(touch PWNED2)`touch PWNED3`'&quot;&amp;q=1">here</a>
or <a href="https://good.example/">there</a>.</p>
MSG

# The opener writes each argument it gets on a line of its own.
cat >"$T_TMP/opener" <<EOF2
#!/bin/sh
printf '%s\n' "\$#" >"$T_TMP/argv"
for a in "\$@"; do printf '[%s]\n' "\$a" >>"$T_TMP/argv"; done
EOF2
chmod +x "$T_TMP/opener"
printf 'set mailcap_path = ""\nset url_command = "%s --new %%s"\n' "$T_TMP/opener" >"$T_TMP/rc"

ui_start 100 30 "./frank -F $T_TMP/rc -f $md"
ui_expect "the index opens" "Hostile link"
ui_keys '=' Enter
ui_expect "the plain message opens" "Needle in a haystack"

# Search.
ui_keys /
ui_keys -l needle
ui_keys Enter
ui_expect "a search scrolls the match to the top" "Needle in a haystack"
ui_screen
t_check "the matching line is the first of the body rows" \
	sh -c "sed -n 2p '$T_TMP/screen' | grep -qF 'Needle in a haystack'"
ui_tmux capture-pane -e -p -t ui >"$T_TMP/attrs"
# tmux -e writes an attribute change where it happens: the reverse video
# of the match ends (SGR 0) right after it, mid-line.
t_check "the match is drawn apart from the rest of its line" \
	sh -c "grep -qF \"Needle\$(printf '\\033')[0m\" '$T_TMP/attrs'"
ui_keys n
ui_expect "n finds the next match (caseless for a lowercase search)" "the second NEEDLE is far below"
ui_screen
t_check "the next match is now the top row" \
	sh -c "sed -n 2p '$T_TMP/screen' | grep -qF 'the second NEEDLE'"
ui_keys n
ui_expect "n past the last match wraps to the top" "Search wrapped to top."
ui_keys /
ui_keys -l zebra
ui_keys Enter
ui_expect "a search with no match says so" "Not found: zebra"

# The URL list of plain text.
ui_keys C-b
ui_expect "^B lists the first URL" "https://plain.example/one"
ui_expect "and the second, without the bracket" "http://plain.example/two"
ui_screen
t_lacks "the sentence's full stop is not part of the URL" "$T_TMP/screen" "one."
ui_keys j Enter
ui_expect "opening says which URL" "Opened http://plain.example/two"
t_check "the opener got two arguments" sh -c "head -1 '$T_TMP/argv' | grep -qx 2"
t_check "the URL is its own argument after the command's words" \
	sh -c "sed -n 2,3p '$T_TMP/argv' | tr '\n' ' ' | grep -qxF '[--new] [http://plain.example/two] '"
ui_keys q q

# The hostile HTML link.
ui_keys j Enter
ui_expect "the HTML message opens" "here[1]"
ui_keys C-b
ui_expect "the URL list shows the href" "https://evil.example/x;touch PWNED1"
ui_expect "and the other link" "https://good.example/"
ui_keys Enter
ui_expect "the hostile URL is opened" "Opened https://evil.example/"
t_check "the opener got exactly two arguments" sh -c "head -1 '$T_TMP/argv' | grep -qx 2"
want='[https://evil.example/x;touch PWNED1;$(touch PWNED2)`touch PWNED3`'"'"'"&q=1]'
t_check "the hostile URL arrived whole, as one argument" \
	sh -c "sed -n 3p '$T_TMP/argv' | grep -qxF -- '$(printf '%s' "$want" | sed "s/'/'\\\\''/g")'"
t_check "nothing was run from the URL" sh -c "! ls '$T_TMP'/PWNED* PWNED* 2>/dev/null | grep -q ."
ui_keys q q q
ui_expect "frank quits" "exited with 0"
t_done
