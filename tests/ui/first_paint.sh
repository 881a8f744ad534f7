#!/bin/sh
# first_paint.sh: the first index screen waits only for the folder's
# query: the sidebar (two counts per folder), the status bar's counts and
# the background syncs come after it, and the next screen shows them.
# FRANK_BENCH_LOG says in what order the start went (no times compared).
. tests/lib.sh
t_tmpdir
. tests/ui/tmux.lib
. tests/ui/mailroot.lib
mailroot_make || { t_fail "make the mail root"; exit 1; }
echo "set sidebar_visible = yes" >>"$RC"
log=$T_TMP/bench.log

ui_start 120 30 "env FRANK_BENCH_LOG=$log ./frank -F $RC"
ui_expect "the index opens on the default account's inbox" "frank: work/INBOX [Msgs:10"
ui_expect "the sidebar follows, with each folder's counts" "home/INBOX 1/2"
ui_expect "and the status bar its unread count" "[Msgs:10 Unread:10]"
ui_keys q
ui_expect "frank quits" "exited with 0"
t_check "the log has the start's phases" grep -q '^phase query ' "$log"
order=$(awk '{ print ($1 == "paint") ? "paint" : $2 }' "$log" | tr '\n' ' ')
case $order in
*"query paint after-paint"*) t_ok "the first paint came right after the query, the sidebar and syncs after it" ;;
*) t_fail "the first paint came right after the query, the sidebar and syncs after it" "order: $order" ;;
esac
t_done
