#!/bin/sh
# tests/bench/verify.sh: frank verify against dkimpy and against the raw
# cost of the same bytes, in the same run.
#
# The corpus: gen-maildir --realistic --signed, BENCH_N messages (default
# 2000: about 3 minutes on 2 cores, most of it signing the corpus), seed 1:
# every message signed relaxed/relaxed by its From domain (RSA 2048, keys
# from frank dkim-keygen), the zone with the keys, SPF and DMARC p=reject.
#   frank:  frank verify --dns ZONE over all the files (DKIM, SPF, DMARC,
#           the report), output kept for the check;
#   dkimpy: tests/bench/verify_dkimpy.py, every signature of every file
#           with dkim.DKIM.verify and a dnsfunc over the same zone (DKIM
#           only; the whole process, so Python's start, about 0.1 s, counts);
#   floor:  build/tests/bench/verify_floor: the files read and hashed once
#           with OpenSSL's SHA-256, one RSA check per signature.
# Targets (issue 4): frank at least 10 times dkimpy's messages/s (ratio at
# most 0.1), and within 3 times the floor (ratio at most 3).
# Checks: frank says "verified" of every message; dkimpy passes every
# signature; the floor saw every message and signature.
. tests/bench/bench.lib
bench_begin verify
n=$(bench_size 2000)
PY=/usr/bin/python3 # dkimpy is Debian's python3-dkim, not a pyenv's
"$PY" -c 'import dkim' 2>/dev/null || bench_die "dkimpy is not installed (apt-get install python3-dkim)"
floor_bin=$BENCH_ROOT/build/tests/bench/verify_floor
[ -x "$floor_bin" ] && [ -x ./frank ] || bench_die "frank or $floor_bin is missing: run make bench"
w=$BENCH_WORK

echo "# verify: generating and signing $n messages" >&2
python3 tests/tools/gen-maildir --realistic --count "$n" --seed 1 --signed "$w/bench.zone" \
	"$w/corpus" >>"$BENCH_LOG" 2>&1 || bench_die "gen-maildir --signed failed (see $BENCH_LOG)"
set -- "$w"/corpus/cur/* "$w"/corpus/new/*
[ $# -eq "$n" ] || bench_die "gen-maildir wrote $# messages, not $n"
key=$(ls "$w"/bench.zone.keys/*.key | head -n 1)
dkimpy_version=$("$PY" -c 'import importlib.metadata as m; print(m.version("dkimpy"))' 2>/dev/null)

# Each side gets every file, by the same glob, in the same order.
frank_side() {
	bench_measure_to "$w/frank.out" frank ./frank verify --dns "$w/bench.zone" "$w"/corpus/cur/* "$w"/corpus/new/*
}
dkimpy_side() {
	bench_measure_to "$w/dkimpy.out" dkimpy "$PY" tests/bench/verify_dkimpy.py "$w/bench.zone" "$w"/corpus/cur/* "$w"/corpus/new/*
}
floor_side() {
	bench_measure_to "$w/floor.out" floor "$floor_bin" "$key" "$w"/corpus/cur/* "$w"/corpus/new/*
}
bench_alternate frank_side dkimpy_side floor_side

all_verified() { c=$(grep -c '^  verified: ' "$w/frank.out") ; echo "frank verified $c"; [ "$c" -eq "$n" ]; }
dkimpy_all() { grep "^verify_dkimpy: $n messages, $n signatures ($n pass)" "$w/dkimpy.out"; }
floor_all() { grep "^verify_floor: $n messages, $n signatures" "$w/floor.out"; }
bench_check "frank verified all $n messages" all_verified
bench_check "dkimpy passed all $n signatures" dkimpy_all
bench_row verify-dkimpy "time to verify $n signed messages as they arrive" s \
	frank dkimpy "dkimpy $dkimpy_version (DKIM only)"
bench_check "frank verified all $n messages" all_verified
bench_check "the floor saw all $n messages and signatures" floor_all
bench_row verify-floor "time to verify $n signed messages, against the raw cost" s \
	frank floor "floor: OpenSSL $(openssl version | cut -d' ' -f2) SHA-256 + RSA check"
