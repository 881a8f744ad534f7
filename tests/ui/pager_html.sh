#!/bin/sh
# pager_html.sh: an HTML-only message in the pager, rendered by w3m through
# a test mailcap file (copiousoutput), and the same message with no mailcap
# rendered by frank's built-in renderer; the attachment menu shows an HTML
# part through the same mailcap.
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
t_need w3m

md=$T_TMP/mail
mkdir -p "$md/cur" "$md/new" "$md/tmp"
cat >"$md/cur/1.html:2,S" <<'MSG'
From: Newsletter <news@example.org>
To: reader@example.org
Subject: Quarterly report
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <html1@example.org>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><title>ignored title</title><style>p { color: red }</style></head>
<body><h1>Quarterly Report</h1><p>Fish &amp; chips &eacute;t&eacute; &#8364;5</p>
<ul><li>First item</li><li>Second item</li></ul>
<p><a href="https://example.org/report?a=1&amp;b=2">Read it</a></p>
<script>var hidden = "script text";</script></body></html>
MSG

# The viewer as a mailcap names it; HOME is ours, so ~/.mailcap is not
# the user's.
# It also notes the file it was given, to check that it is removed.
cat >"$T_TMP/mailcap" <<CAP
text/html; echo %s >>$T_TMP/given \\; w3m -dump -T text/html -I %{charset} -O utf-8 %s; copiousoutput
CAP
printf 'set mailcap_path = "%s"\n' "$T_TMP/mailcap" >"$T_TMP/rc.w3m"
printf 'set mailcap_path = ""\n' >"$T_TMP/rc.builtin"

ui_start 100 30 "env HOME=$T_TMP TMPDIR=$T_TMP ./frank -F $T_TMP/rc.w3m -f $md"
ui_expect "the index shows the HTML message" "Quarterly report"
ui_keys Enter
ui_expect "w3m renders the heading" "Quarterly Report"
ui_expect "w3m's list bullets show it was w3m" "• First item"
ui_expect "the entities are decoded" "Fish & chips été €5"
ui_screen
t_lacks "no tags are visible (w3m)" "$T_TMP/screen" "<h1>"
t_lacks "the script is not shown (w3m)" "$T_TMP/screen" "script text"
given=$(head -1 "$T_TMP/given" 2>/dev/null)
t_check "w3m was given a file in TMPDIR" sh -c "case '$given' in '$T_TMP'/frank-??????) exit 0;; *) exit 1;; esac"
t_check "the temporary file given to w3m is removed" test ! -e "$given"

# The attachment menu views the HTML part through the same mailcap.
ui_keys v
ui_expect "the attachment menu lists the part" "text/html"
ui_keys Enter
ui_expect "the part is shown by w3m" "• Second item"
ui_keys q q q
ui_expect "back in the index" "Quarterly report"
ui_keys q
ui_expect "frank quits" "exited with 0"

ui_tmux kill-session -t ui
ui_start 100 30 "env HOME=$T_TMP ./frank -F $T_TMP/rc.builtin -f $md"
ui_expect "the index again" "Quarterly report"
ui_keys Enter
ui_expect "built-in: the heading" "Quarterly Report"
ui_expect "built-in: a list item with its marker" "* First item"
ui_expect "built-in: entities decoded" "Fish & chips été €5"
ui_expect "built-in: the link's text numbered for the URL list" "Read it[1]"
ui_screen
t_lacks "built-in: no tags are visible" "$T_TMP/screen" "</"
t_lacks "built-in: no list tags" "$T_TMP/screen" "<li"
t_lacks "built-in: no script text" "$T_TMP/screen" "script text"
t_lacks "built-in: no style text" "$T_TMP/screen" "color: red"
t_lacks "built-in: no title" "$T_TMP/screen" "ignored title"
ui_keys q q
ui_expect "frank quits" "exited with 0"
t_done
