#!/bin/sh
# tests/bench/index.sh: frank's indexing and listing against notmuch's own
# tools, on a realistic Maildir of BENCH_N messages (default 3000: about
# 4 minutes on 2 cores; gen-maildir --realistic, seed 2).
#
#   index:     build/tests/bench/bench_index on a fresh copy (store_open():
#              creates the notmuch database and indexes every file)  vs
#              `notmuch new` on another fresh copy.  The copy is not timed.
#   list-json: bench_index --list (store_open() + store_list_all(), what the
#              index screen needs before its first paint)  vs
#              `notmuch search --sort=oldest-first --format=json '*'`,
#              both over the database frank built;
#   list-ids:  the same against `notmuch search --output=messages`.
# Checks: each index holds all BENCH_N messages; frank lists all of them;
# notmuch lists the same number of messages from frank's database.
. tests/bench/bench.lib
bench_begin index
n=$(bench_size 3000)
bench_need notmuch
index_bin=$BENCH_ROOT/build/tests/bench/bench_index
[ -x "$index_bin" ] || bench_die "$index_bin is missing: run make bench"
w=$BENCH_WORK
nm_version="notmuch $(notmuch --version | cut -d' ' -f2)"

bench_corpus realistic 2 "$n" --realistic
base=$BENCH_CORPUS

nm_config() { # DIR: a notmuch config whose database is DIR/.notmuch
	printf '[database]\npath=%s\n[new]\ntags=unread;inbox;\n[maildir]\nsynchronize_flags=true\n' \
		"$1" >"$1.config"
}
fresh() { # NAME: $w/NAME, a new copy of the kept Maildir, on disk
	rm -rf "${w:?}/$1" "$w/$1.config"
	cp -R "$base" "$w/$1" || bench_die "cannot copy the Maildir"
	sync
}

frank_index() {
	fresh "frank$1"
	bench_measure frank-index "$index_bin" "$w/frank$1"
	[ "$1" -eq 1 ] || rm -rf "${w:?}/frank$1"
}
notmuch_index() {
	fresh "nm$1"
	nm_config "$w/nm$1"
	bench_measure notmuch-new env NOTMUCH_CONFIG="$w/nm$1.config" notmuch new --quiet
	[ "$1" -eq 1 ] || rm -rf "${w:?}/nm$1" "$w/nm$1.config"
}
bench_alternate frank_index notmuch_index

nm_config "$w/frank1"
count_is() { # CONFIG N
	c=$(NOTMUCH_CONFIG=$1 notmuch count '*') && echo "notmuch count: $c" && [ "$c" -eq "$2" ]
}
bench_check "frank's index holds all $n messages" count_is "$w/frank1.config" "$n"
bench_check "notmuch new's index holds all $n messages" count_is "$w/nm1.config" "$n"
bench_row index "time to open a new folder of $n messages (index it)" s \
	frank-index notmuch-new "notmuch new ($nm_version)"

frank_list() {
	bench_measure_to "$w/frank.list" frank-list "$index_bin" --list "$w/frank1"
}
nm_json() {
	bench_measure_to "$w/nm.json" notmuch-json \
		env NOTMUCH_CONFIG="$w/frank1.config" notmuch search --sort=oldest-first --format=json '*'
}
nm_ids() {
	bench_measure_to "$w/nm.ids" notmuch-ids \
		env NOTMUCH_CONFIG="$w/frank1.config" notmuch search --sort=oldest-first --output=messages '*'
}
bench_alternate frank_list nm_json nm_ids

listed_all() { grep "^frank: listed $n messages " "$w/frank.list"; }
json_threads() { # every message is in some thread of the JSON
	python3 -c 'import json, sys
total = sum(t["total"] for t in json.load(open(sys.argv[1])))
print("messages in the threads:", total)
sys.exit(total != int(sys.argv[2]))' "$w/nm.json" "$n"
}
ids_all() { c=$(wc -l <"$w/nm.ids") && echo "ids: $c" && [ "$c" -eq "$n" ]; }
bench_check "frank lists all $n messages" listed_all
bench_check "notmuch's threads hold all $n messages" json_threads
bench_row list-json "time to list a folder of $n messages for the index screen" s \
	frank-list notmuch-json "notmuch search --format=json ($nm_version)"
bench_check "frank lists all $n messages" listed_all
bench_check "notmuch lists all $n message ids" ids_all
bench_row list-ids "time to list a folder of $n messages, ids only for the peer" s \
	frank-list notmuch-ids "notmuch search --output=messages ($nm_version)"
