#!/bin/sh
# tests/bench/verify.sh: frank verify against dkimpy and against the raw
# cost of the same bytes, in the same run.
#
# Usage: sh tests/bench/verify.sh   (tests/bench/run calls it; make bench
#                                    builds the programs first)
#
# The corpus: build/tests/bench/verify_corpus writes VERIFY_COUNT (2000)
# messages, seed 1, into build/bench/verify/corpus: sizes from 1 KB to
# 1 MB, each signed by frank's signer (RSA 2048, relaxed/relaxed, and
# every 4th also Ed25519), DNS from tests/data/verify/bench.zone.
#   frank:  frank verify --dns bench.zone over all the files (DKIM, SPF,
#           DMARC, the report), output to /dev/null; the whole process.
#   dkimpy: tests/bench/verify_dkimpy.py, every signature of every file
#           with dkim.DKIM.verify and a dnsfunc over the same zone; the
#           loop only (Python's start is not counted).
#   floor:  build/tests/bench/verify_floor: the files read and hashed once
#           with OpenSSL's SHA-256, one signature check per signature.
# Each runs 3 times, alternating; the figure is the median.  Targets
# (issue 4): frank at least 10 times dkimpy's messages/s, and within 3
# times the floor's time.  Peak memory: frank verify over the 100
# smallest and over the 100 largest messages (getrusage of the child).
# Nothing is asserted: this reports.  The table goes to stdout and to
# build/bench/verify-results.txt.

set -u

me=tests/bench/verify.sh
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
frank=$root/frank
corpus_bin=$root/build/tests/bench/verify_corpus
floor_bin=$root/build/tests/bench/verify_floor
zone=$root/tests/data/verify/bench.zone
key=$root/tests/data/verify/bench-rsa2048.pem
out=$root/build/bench/verify
corpus=$out/corpus
log=$out/log.txt
results=$root/build/bench/verify-results.txt
count=${VERIFY_COUNT:-2000}
runs=3

die() {
	echo "$me: $*" >&2
	exit 1
}

[ -x "$frank" ] || die "$frank is missing: run 'make bench'"
[ -x "$corpus_bin" ] && [ -x "$floor_bin" ] || die "the bench programs are missing: run 'make bench'"
case $count in '' | *[!0-9]* | 0) die "VERIFY_COUNT must be a positive number" ;; esac
# dkimpy is Debian's python3-dkim: /usr/bin/python3's, not a pyenv's.
PY=/usr/bin/python3
"$PY" -c 'import dkim, nacl' 2>/dev/null || die "dkimpy is not installed (apt-get install python3-dkim)"

rm -rf "$corpus"
mkdir -p "$corpus" || die "cannot make $corpus"
: >"$log"
echo "# verify: writing $count signed messages (seed 1)"
"$corpus_bin" "$key" "$count" 1 "$corpus" >>"$log" 2>&1 || die "verify_corpus failed (see $log)"
corpus_line=$(tail -n 1 "$log")
# The file list, in order; the shell keeps it for every run.
set -- "$corpus"/msg-*.eml

now_ns() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# frank verify over all the files: its wall time in ns, checking that
# every message was verified.
run_frank() {
	t0=$(now_ns)
	"$frank" verify --dns "$zone" "$@" >"$out/frank.out" 2>>"$log" || die "frank verify failed (see $log)"
	t1=$(now_ns)
	verified=$(grep -c '^  verified: ' "$out/frank.out")
	[ "$verified" -eq "$count" ] || die "frank verified $verified of $count messages (see $out/frank.out)"
	echo $((t1 - t0))
}

# A program's own "in T s" as ns.
own_time() { sed -n 's/.* in \([0-9.]*\) s$/\1/p' | awk '{ printf "%.0f", $1 * 1e9 }'; }

frank_t="" dkimpy_t="" floor_t=""
i=1
while [ "$i" -le "$runs" ]; do
	echo "# verify, run $i of $runs"
	t=$(run_frank "$@") || exit 1
	frank_t="$frank_t $t"
	line=$("$PY" "$root/tests/bench/verify_dkimpy.py" "$zone" "$@" 2>>"$log") ||
		die "dkimpy did not verify every signature: $line (see $log)"
	echo "$line" >>"$log"
	dkimpy_t="$dkimpy_t $(echo "$line" | own_time)"
	line=$("$floor_bin" "$key" "$@" 2>>"$log") || die "verify_floor failed (see $log)"
	echo "$line" >>"$log"
	floor_t="$floor_t $(echo "$line" | own_time)"
	i=$((i + 1))
done

# Peak memory of frank verify over the 100 smallest and largest files.
maxrss() {
	python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
# shellcheck disable=SC2046
small_kb=$(maxrss "$frank" verify --dns "$zone" $(ls -Sr "$corpus" | head -n 100 | sed "s|^|$corpus/|"))
# shellcheck disable=SC2046
large_kb=$(maxrss "$frank" verify --dns "$zone" $(ls -S "$corpus" | head -n 100 | sed "s|^|$corpus/|"))
small_bytes=$(ls -Sr "$corpus" | head -n 100 | sed "s|^|$corpus/|" | xargs cat | wc -c)
large_bytes=$(ls -S "$corpus" | head -n 100 | sed "s|^|$corpus/|" | xargs cat | wc -c)

# shellcheck disable=SC2086
f=$(median $frank_t)
# shellcheck disable=SC2086
d=$(median $dkimpy_t)
# shellcheck disable=SC2086
r=$(median $floor_t)
rate() { awk -v n="$count" -v t="$1" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }
secs() { awk -v t="$1" 'BEGIN { printf "%.3f", t / 1e9 }'; }
all_secs() { for t in "$@"; do secs "$t"; printf ' '; done; }
{
	echo
	echo "verify bench: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(uname -srm), $(nproc 2>/dev/null || echo '?') CPUs"
	echo "${corpus_line#verify_corpus: } (tests/bench/verify_corpus, seed 1); DKIM + SPF + DMARC"
	echo "median of $runs runs each, alternating"
	echo
	printf "%-44s | %9s | %10s\n" "what" "seconds" "messages/s"
	printf "%-44s-+-%9s-+-%10s\n" "--------------------------------------------" "---------" "----------"
	printf "%-44s | %9s | %10s\n" "frank verify --dns (whole process)" "$(secs "$f")" "$(rate "$f")"
	printf "%-44s | %9s | %10s\n" "dkimpy $("$PY" -c 'import dkim, importlib.metadata as m; print(m.version("dkimpy"))' 2>/dev/null) (DKIM only, loop only)" "$(secs "$d")" "$(rate "$d")"
	printf "%-44s | %9s | %10s\n" "floor: SHA-256 of the bytes + 1 check/sig" "$(secs "$r")" "$(rate "$r")"
	echo
	awk -v f="$f" -v d="$d" -v r="$r" 'BEGIN {
		printf "frank / dkimpy: %.1f times the messages/s (target: at least 10) %s\n", d / f, (d / f >= 10 ? "met" : "NOT MET")
		printf "frank / floor:  %.2f times the raw cost (target: at most 3) %s\n", f / r, (f / r <= 3 ? "met" : "NOT MET")
	}'
	echo "frank verify peak memory: $small_kb KB over the 100 smallest messages ($small_bytes bytes), $large_kb KB over the 100 largest ($large_bytes bytes)"
	# shellcheck disable=SC2086
	echo "runs (s): frank: $(all_secs $frank_t)| dkimpy: $(all_secs $dkimpy_t)| floor: $(all_secs $floor_t)"
} | tee "$results"
exit 0
