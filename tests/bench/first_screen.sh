#!/bin/sh
# tests/bench/first_screen.sh: the first index screen of a folder of BENCH_N
# messages (default 100000), frank beside NeoMutt with a warm header cache.
#
# The corpus: tests/tools/gen-maildir --count N --seed 9, a Maildir
# indexed once with frank's indexer (build/tests/bench/bench_index,
# store_open(): its own .notmuch), outside any timing, and marked as a
# mail root, so that frank opens it as it opens what frank sync keeps up
# to date: from the index, with no scan of the folder.  (frank -f DIR
# first brings the index in line with the files, a scan of 100,000
# names; that is store_open()'s cost, not the index screen's.)  Generating
# and indexing 100,000 messages takes minutes, so the corpus is kept in
# BENCH_CACHE (bench_corpus: build/bench/corpus/first_screen-nN-sSEED-gKEY,
# KEY from gen-maildir's bytes) and reused while its notmuch index still
# counts N messages.
#
# Each side runs in a private tmux server (tests/bench/first_screen_drive.py):
#   first-screen: from the start of the reader (a timestamp taken in the
#     pane just before exec) until `tmux capture-pane` shows the newest
#     subjects on the screen (see shown below); peak RSS of the whole session;
#   next-page: 50 times, a key that shows the next page of older mail
#     (frank: previous-page in its oldest-first order; NeoMutt: next-page in
#     reverse-date order, so that it starts on the newest), each timed from
#     the key to the capture that shows the new page.
# Both are measured by the same steps, the capture's cost included.  frank
# also reports from inside (FRANK_BENCH_LOG): the first paint after
# doupdate(), and each key from its read to its screen written, for 50
# previous-page and, after a jump to the oldest message, 50 next-page;
# their medians go to the log and to stderr.
#
# NeoMutt opens the same Maildir read-only (-R: it renames nothing) with
# header_cache in the scratch directory, warmed by a first run that is not
# counted; frank's first run is not counted either (it saves the date hint
# of its newest-messages window, as NeoMutt fills its cache).
# Checks: both first screens show the newest subjects (ten at N=100000);
# the index holds N.
. tests/bench/bench.lib
bench_begin first_screen
n=$(bench_size 100000)
bench_need tmux neomutt notmuch
frank_bin=$BENCH_ROOT/frank
index_bin=$BENCH_ROOT/build/tests/bench/bench_index
drive="python3 $BENCH_ROOT/tests/bench/first_screen_drive.py"
[ -x "$frank_bin" ] || bench_die "$frank_bin is missing: run make"
[ -x "$index_bin" ] || bench_die "$index_bin is missing: run make bench"
w=$BENCH_WORK
bench_corpus first_screen 9 "$n"
md=$BENCH_CORPUS
root=$md
sock="frank-bench-fs-$$"
bench_at_exit "tmux -L $sock kill-server 2>/dev/null"

nm_count() { # the messages frank's index holds
	printf '[database]\npath=%s\n' "$root" >"$w/nm.config"
	NOTMUCH_CONFIG=$w/nm.config notmuch count '*' 2>/dev/null
}
if [ ! -f "$md.indexed" ] || [ "$(nm_count)" != "$n" ]; then
	bench_say "indexing $n messages (kept with the corpus)"
	rm -rf "$md/.notmuch" "$md.indexed"
	"$index_bin" "$md" >>"$BENCH_LOG" 2>&1 || bench_die "indexing failed (see $BENCH_LOG)"
	: >"$root/.frank-mail-root"
	: >"$md.indexed"
	bench_say "indexed"
fi
rm -f "$root/.frank-index-hints"

printf 'set mail_root = "%s"\n' "$root" >"$w/frankrc"
mkdir -p "$w/home" "$w/hcache"
cat >"$w/muttrc" <<EOF2
set header_cache = "$w/hcache/"
set folder = "$root"
set spoolfile = "$md"
set mbox_type = Maildir
set sort = reverse-date
set quit = yes
set mark_old = no
set sidebar_visible = no
set mail_check_stats = no
set wait_key = no
set beep = no
set index_format = "%4C %Z %{%b %d} %-15.15L (%?l?%4l&%4c?) %s"
EOF2
nm_version=$(neomutt -v 2>/dev/null | head -n 1 | sed 's/^NeoMutt //')

# frank pages as mutt does: the newest message is on the last page, which
# holds (N-1) % 37 + 1 rows of a 40-line screen; so many newest subjects (at
# most ten) are what both first screens must show.
shown=$(( (n - 1) % 37 + 1 ))
[ "$shown" -le 10 ] || shown=10
run_drive() { # OUT ARGS... -- COMMAND...
	rd_out=$1
	shift
	$drive --socket "$sock" --cols 120 --rows 40 --newest "$n" --newest-count "$shown" \
		--out "$rd_out" "$@" \
		>>"$BENCH_LOG" 2>&1
}
frank_run() { # OUT
	run_drive "$1.json" --expect "[Msgs:" --settle "[Msgs:" --pages 50 --key PPage \
		--jump = --pages2 50 --key2 NPage --env "FRANK_BENCH_LOG=$1.log" \
		-- "$frank_bin" -F "$w/frankrc"
}
neomutt_run() { # OUT
	run_drive "$1.json" --expect "Msgs:" --settle "Msgs:" --pages 50 --key NPage \
		--env "HOME=$w/home" -- neomutt -n -R -F "$w/muttrc" -f "$md"
}
field() { # JSON KEY
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r.get(sys.argv[2], ""))' "$1" "$2"
}
sample() { # LABEL JSON KEY: one sample "VALUE PEAK_KB", or FAIL with the reason
	if [ "$(field "$2" ok)" = True ]; then
		echo "$(field "$2" "$3") $(field "$2" rss_kb)" >>"$w/.samples/$1"
	else
		echo "FAIL $(field "$2" error) (see $BENCH_LOG)" >>"$w/.samples/$1"
		echo "## $1 failed: $(cat "$2")" >>"$BENCH_LOG"
	fi
}
# frank's own figures, from FRANK_BENCH_LOG: first paint, median keys
inside() { # LOG JSON
	python3 - "$1" "$2" <<'PY' >>"$w/inside"
import json, statistics, sys
start = json.load(open(sys.argv[2])).get("start_ns")
keys = {}
paint = None
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "paint" and paint is None:
        paint = int(f[1])
    elif f[0] == "key":
        keys.setdefault(f[1], []).append(int(f[2]) / 1e6)
med = lambda k: statistics.median(keys[k]) if k in keys else float("nan")
print("%.1f %.2f %.2f" % ((paint - start) / 1e6 if paint and start else float("nan"),
                          med("previous-page"), med("next-page")))
PY
}

# The warm-up runs, not counted: NeoMutt fills its header cache, frank
# saves its hint.
bench_say "warm-up runs"
frank_run "$w/frank.warm" || echo "## frank's warm-up failed" >>"$BENCH_LOG"
neomutt_run "$w/neomutt.warm" || echo "## NeoMutt's warm-up failed" >>"$BENCH_LOG"
echo "## warm-up: frank $(field "$w/frank.warm.json" first_screen_ms) ms," \
	"NeoMutt (filling its cache) $(field "$w/neomutt.warm.json" first_screen_ms) ms" >>"$BENCH_LOG"

frank_side() {
	frank_run "$w/frank.$1"
	sample frank-first "$w/frank.$1.json" first_screen_ms
	sample frank-page "$w/frank.$1.json" page_median_ms
	[ -f "$w/frank.$1.log" ] && inside "$w/frank.$1.log" "$w/frank.$1.json"
	[ "$1" -eq 1 ] && cp "$w/frank.$1.json.screen" "$w/frank.screen" 2>/dev/null
	return 0
}
neomutt_side() {
	neomutt_run "$w/neomutt.$1"
	sample neomutt-first "$w/neomutt.$1.json" first_screen_ms
	sample neomutt-page "$w/neomutt.$1.json" page_median_ms
	[ "$1" -eq 1 ] && cp "$w/neomutt.$1.json.screen" "$w/neomutt.screen" 2>/dev/null
	return 0
}
bench_alternate frank_side neomutt_side

shows_newest() { # SCREEN: the newest subjects are on it
	i=0
	while [ "$i" -lt "$shown" ]; do
		grep -qF "Test message $((n - i)):" "$1" || { echo "no Test message $((n - i)) on:"; cat "$1"; return 1; }
		i=$((i + 1))
	done
}
counts_all() { c=$(nm_count) && echo "notmuch count: $c" && [ "$c" -eq "$n" ]; }
if [ -s "$w/inside" ]; then
	awk '{ p[NR] = $1; u[NR] = $2; d[NR] = $3 }
	END { printf "# first_screen: inside frank (per run): first paint %s ms; previous-page median %s ms; next-page median %s ms\n",
		p[1] (NR > 1 ? ", " p[2] : "") (NR > 2 ? ", " p[3] : ""),
		u[1] (NR > 1 ? ", " u[2] : "") (NR > 2 ? ", " u[3] : ""),
		d[1] (NR > 1 ? ", " d[2] : "") (NR > 2 ? ", " d[3] : "") }' "$w/inside" |
		tee -a "$BENCH_LOG" >&2
fi
bench_check "frank's index holds all $n messages" counts_all
bench_check "frank's first screen shows the $shown newest subjects" shows_newest "$w/frank.screen"
bench_check "NeoMutt's first screen shows the $shown newest subjects" shows_newest "$w/neomutt.screen"
bench_row first-screen "time from start to the first index screen of $n messages" ms \
	frank-first neomutt-first "NeoMutt $nm_version (warm header cache)"
bench_check "frank's first screen shows the $shown newest subjects" shows_newest "$w/frank.screen"
bench_check "NeoMutt's first screen shows the $shown newest subjects" shows_newest "$w/neomutt.screen"
bench_row next-page "time to show the next page of older mail, $n messages (median of 50)" ms \
	frank-page neomutt-page "NeoMutt $nm_version"
