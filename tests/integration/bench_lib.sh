#!/bin/sh
# bench_lib.sh: the benchmark harness itself, without timing anything that
# is judged: the table's medians, ranges, ratios, peaks and JSON from fixed
# sample rows (tests/bench/report.py); the contract of tests/bench/bench.lib
# (samples per run, the rotation of sides, a failed check or command makes
# the row FAILED); the byte-for-byte digest of the sync bench; and the
# corpus generator (deterministic, realistic, --signed verifies).
. tests/lib.sh
t_tmpdir
t_need python3 /usr/bin/time
R=tests/bench/report.py

# --- report.py on fixed samples --------------------------------------------
s=$T_TMP/s
mkdir -p "$s"
printf '1.0 1000\n3.0 3000\n2.0 2048\n' >"$s/frank-a"
printf '4.0 5120\n8.0 10240\n' >"$s/peer-a"          # even: the median is the mean of the middle two
printf '0.5 100\n0.25 100\n0.75 200\n' >"$s/frank-b"
printf '0.5 300\n0.5 300\n0.5 300\n' >"$s/peer-b"
printf '2 10\nFAIL frank exited 1 (see log)\n' >"$s/frank-c"
rows=$T_TMP/rows.jsonl
python3 $R row "$rows" demo a "time to do a" s "$s/frank-a" "$s/peer-a" "peer 1.0"
python3 $R row "$rows" demo b "time to do b" s "$s/frank-b" "$s/peer-b" "the floor" "counts differ"
python3 $R row "$rows" demo c "time to do c" s "$s/frank-c" "$s/peer-b" "peer 1.0"
python3 $R row "$rows" demo d "time to do d" s "$s/frank-a" "$s/none" "peer 1.0"
python3 $R failed "$rows" broken "tests/bench/broken.sh exited 1"
t_check "report.py wrote one JSON line per row" test "$(wc -l <"$rows")" -eq 5
t_run table python3 $R table "$rows" "$T_TMP/r.md" "$T_TMP/r.json"
t_check "a table with FAILED rows exits 1" t_rc_is table 1
t_check "the Markdown goes to stdout too" cmp "$T_TMP/table.out" "$T_TMP/r.md"
t_contains "row a: medians (odd and even counts), min-max, ratio, peaks" "$T_TMP/r.md" \
	"| a | time to do a | 2.00 s (1.00–3.00) | peer 1.0 | 6.00 s (4.00–8.00) | 0.33 | 2.9 MB | 10 MB | ok | – |"
t_contains "row b: a failed check makes it FAILED, with the reason" "$T_TMP/r.md" \
	"| b | time to do b | 0.500 s (0.250–0.750) | the floor | 0.500 s (0.500–0.500) | 1.00 | 0.2 MB | 0.3 MB | FAILED: counts differ | – |"
t_contains "row c: a failed run makes it FAILED, naming the side" "$T_TMP/r.md" \
	"| c | time to do c | 2.00 s (2.00–2.00) | peer 1.0 | 0.500 s (0.500–0.500) | 4.00 | 0.0 MB | 0.3 MB | FAILED: frank: frank exited 1 (see log) | – |"
t_contains "row d: a side without samples is FAILED" "$T_TMP/r.md" \
	"FAILED: no samples for peer 1.0 | – |"
t_contains "a bench that did not finish is a FAILED row" "$T_TMP/r.md" \
	"| broken | (the bench did not finish) | – | – | – | – | – | – | FAILED: tests/bench/broken.sh exited 1 | – |"
json_is() { # PYTHON-EXPRESSION over j: true
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T_TMP/r.json" "$1"
}
t_check "JSON: the medians" json_is 'j["rows"][0]["frank"]["median"] == 2.0 and j["rows"][0]["peer"]["median"] == 6.0'
t_check "JSON: min, max and the samples" \
	json_is 'j["rows"][0]["frank"]["min"] == 1.0 and j["rows"][0]["frank"]["max"] == 3.0 and j["rows"][0]["frank"]["samples"] == [1.0, 3.0, 2.0]'
t_check "JSON: the ratio frank/peer" json_is 'j["rows"][0]["ratio"] == 0.3333 and j["rows"][2]["ratio"] == 4.0'
t_check "JSON: peak memory in KB" json_is 'j["rows"][0]["frank"]["peak_kb"] == 3000 and j["rows"][0]["peer"]["peak_kb"] == 10240'
t_check "JSON: statuses and reasons" \
	json_is '[r["status"] for r in j["rows"]] == ["ok", "FAILED", "FAILED", "FAILED", "FAILED"] and j["rows"][1]["reasons"] == ["counts differ"] and j["failed"] == 4'
t_check "JSON: the machine is described" json_is 'j["machine"]["cpus"] >= 1 and "kernel" in j["machine"]'
head -n 1 "$rows" >"$T_TMP/ok.jsonl"
t_run table_ok python3 $R table "$T_TMP/ok.jsonl" "$T_TMP/ok.md" "$T_TMP/ok.json"
t_check "a table of good rows exits 0" t_rc_is table_ok 0
: >"$T_TMP/empty.jsonl"
t_run table_empty python3 $R table "$T_TMP/empty.jsonl" "$T_TMP/e.md" "$T_TMP/e.json"
t_check "no rows at all is an error" t_rc_is table_empty 1

# --- the wall time of each bench (issue 12: under 10 minutes) ---------------
walls=$T_TMP/walls.jsonl
python3 $R wall "$walls" demo 1000000000 433000000000 0 2>"$T_TMP/wall1.err"
python3 $R wall "$walls" broken 0 612400000000 1 2>"$T_TMP/wall2.err"
t_contains "a bench's wall time is said" "$T_TMP/wall1.err" "# bench demo: 7m12s (wall time, setup included)"
t_contains "one over 10 minutes is warned about" "$T_TMP/wall2.err" \
	"WARNING: bench broken took 10m12s, over the 10-minute limit of issue 12"
t_run table_walls python3 $R table "$rows" "$T_TMP/w.md" "$T_TMP/w.json" "$walls"
t_check "a time over the limit is not a failure: the rows decide" t_rc_is table_walls 1
t_contains "each row shows its bench's wall time" "$T_TMP/w.md" \
	"| 0.33 | 2.9 MB | 10 MB | ok | 7m12s |"
t_contains "a bench over the limit is marked in its rows" "$T_TMP/w.md" \
	"FAILED: tests/bench/broken.sh exited 1 | **10m12s: over 10 min** |"
t_contains "and warned about under the table" "$T_TMP/w.md" \
	"**WARNING: bench broken took 10m12s, over the 10-minute limit of issue 12**"
t_contains "and on stderr" "$T_TMP/table_walls.err" \
	"WARNING: bench broken took 10m12s, over the 10-minute limit of issue 12"
t_lacks "a bench within the limit is not warned about" "$T_TMP/w.md" "bench demo took"
wall_json() { # PYTHON-EXPRESSION over j: true
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T_TMP/w.json" "$1"
}
t_check "JSON: the wall time of each bench, and whether it is over" \
	wall_json '[(b["bench"], b["wall_s"], b["over_limit"], b["exit"]) for b in j["benches"]] == [("broken", 612.4, True, 1), ("demo", 432.0, False, 0)] and j["wall_limit_s"] == 600'
t_check "JSON: each row carries its bench's wall time" \
	wall_json 'j["rows"][0]["bench_wall_s"] == 432.0 and j["rows"][4]["bench_wall_s"] == 612.4'

# --- bench.lib: a bench of fixed commands -----------------------------------
cat >"$T_TMP/demo.sh" <<'EOF'
. tests/bench/bench.lib
bench_begin demo
order=$BENCH_OUT/order
a() { echo "a$1" >>"$order"; bench_measure frank sh -c 'echo hello from a'; }
b() { echo "b$1" >>"$order"; bench_measure peer true; }
c() { echo "c$1" >>"$order"; bench_measure other sh -c 'exit 3'; }
bench_alternate a b c
bench_check "true holds" true
bench_row good "time to do nothing" s frank peer "true"
bench_check "false holds" false
bench_check "a second check" false
bench_row wrong "time to be wrong" s frank peer "true"
bench_row exits "time to exit 3" s frank other "exit 3"
n=$(bench_size 7)
echo "size $n" >"$BENCH_OUT/size"
EOF
out=$T_TMP/out
mkdir -p "$out"
BENCH_OUT=$out BENCH_RUNS=3 sh "$T_TMP/demo.sh" >"$T_TMP/demo.out" 2>"$T_TMP/demo.err"
t_check "the demo bench exits 0 (its rows carry the failures)" test $? -eq 0
t_check "bench_alternate rotates the order every round" \
	test "$(tr '\n' ' ' <"$out/order")" = "a1 b1 c1 b2 c2 a2 c3 a3 b3 "
t_contains "bench_measure keeps the command's output in the log" "$out/demo.log" "hello from a"
t_contains "a failed command is said on stderr" "$T_TMP/demo.err" "demo: other: sh -c exit 3 exited 3"
lib_json() { # ROW-INDEX PYTHON-EXPRESSION over r
	python3 -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
r = rows[int(sys.argv[2])]
sys.exit(0 if eval(sys.argv[3]) else 1)' "$out/rows.jsonl" "$@"
}
t_check "three rows" test "$(wc -l <"$out/rows.jsonl")" -eq 3
t_check "one sample per run and side, with peak RSS" \
	lib_json 0 'len(r["frank"]) == 3 and len(r["peer"]) == 3 and min(r["frank_peak_kb"]) > 0 and r["reasons"] == []'
t_check "the row names its bench, feel, unit and peer" \
	lib_json 0 'r["bench"] == "demo" and r["name"] == "good" and r["feel"] == "time to do nothing" and r["unit"] == "s" and r["peer_name"] == "true"'
t_check "failed checks are the next row's reasons" \
	lib_json 1 'r["reasons"] == ["false holds", "a second check"]'
t_check "and only that row's" lib_json 2 '"false holds" not in r["reasons"]'
t_check "a command that failed fails the row, once a run" \
	lib_json 2 'r["peer"] == [] and r["reasons"] == ["exit 3: sh exited 3 (see %s/demo.log)" % sys.argv[1].rsplit("/", 1)[0]] * 3'
t_check "bench_size: the default without BENCH_N" test "$(cat "$out/size")" = "size 7"
BENCH_OUT=$out BENCH_N=12 sh "$T_TMP/demo.sh" >/dev/null 2>&1
t_check "bench_size: BENCH_N when given" test "$(cat "$out/size")" = "size 12"
BENCH_OUT=$out BENCH_N=x sh "$T_TMP/demo.sh" >/dev/null 2>"$T_TMP/bad.err"
t_check "a bad BENCH_N is refused" test $? -eq 1
t_contains "with a clear message" "$T_TMP/bad.err" "demo: BENCH_N must be a positive number, not 'x'"
# bench_corpus: made once, kept, keyed by the generator and its arguments
corpus_bench() { # GEN-ARG...: a bench that makes a corpus of 6 messages, seed 4
	printf '. tests/bench/bench.lib\nbench_begin corpus\nbench_corpus tiny 4 6 %s\necho "$BENCH_CORPUS" >"$BENCH_OUT/corpus.path"\n' \
		"$*" >"$T_TMP/corpus.sh"
	BENCH_OUT=$out BENCH_CACHE=$out/cache sh "$T_TMP/corpus.sh"
}
corpus_bench --realistic 2>"$T_TMP/corpus1.err"
t_check "bench_corpus: a bench that makes a corpus exits 0" test $? -eq 0
c1=$(cat "$out/corpus.path")
python3 tests/tools/gen-maildir --realistic --count 6 --seed 4 "$T_TMP/tiny" >/dev/null
t_check "bench_corpus: gen-maildir's corpus, kept in BENCH_CACHE" diff -r "$T_TMP/tiny" "$c1"
t_contains "bench_corpus: said, with the time since the start" "$T_TMP/corpus1.err" \
	"# corpus: [0:00] corpus: generating 6 messages into $out/cache/tiny-n6-s4-g"
t_contains "and in the log" "$out/corpus.log" "## corpus: [0:"
touch "$c1/cur/kept-mark"
corpus_bench --realistic 2>"$T_TMP/corpus2.err"
t_check "bench_corpus: the second time, the same directory" test "$(cat "$out/corpus.path")" = "$c1"
t_check "not made again" test -f "$c1/cur/kept-mark"
t_contains "and said so" "$T_TMP/corpus2.err" "corpus: reusing $out/cache/tiny-n6-s4-g"
corpus_bench 2>/dev/null
c3=$(cat "$out/corpus.path")
t_check "other generator arguments: another corpus" test "$c3" != "$c1" -a -f "$c3/../ready"
t_check "which replaces the old one of that name, seed and size" test ! -d "$c1"
# bench_ram_dir: scratch in memory, removed at exit; a disk is refused
printf '. tests/bench/bench.lib\nbench_begin ram\nbench_ram_dir\necho "$BENCH_RAM" >"$BENCH_OUT/ram.path"\necho x >"$BENCH_RAM/f"\nstat -f -c %%T "$BENCH_RAM" >"$BENCH_OUT/ram.fs"\n' >"$T_TMP/ram.sh"
BENCH_OUT=$out sh "$T_TMP/ram.sh" 2>"$T_TMP/ram.err"
t_check "bench_ram_dir: a bench that uses it exits 0" test $? -eq 0
t_check "bench_ram_dir: on a tmpfs" test "$(cat "$out/ram.fs")" = tmpfs
t_check "bench_ram_dir: removed at exit" test ! -e "$(cat "$out/ram.path")"
on_disk=$T_TMP
[ "$(stat -f -c %T "$on_disk")" != tmpfs ] || on_disk=$PWD/build
BENCH_OUT=$out BENCH_SHM=$on_disk sh "$T_TMP/ram.sh" 2>"$T_TMP/ram2.err"
t_check "bench_ram_dir: a directory that is not a tmpfs is refused" test $? -eq 1
t_contains "with a clear message" "$T_TMP/ram2.err" "ram: $on_disk is not a tmpfs (set BENCH_SHM to one)"
t_run nobench env BENCH=no-such-bench sh tests/bench/run
t_check "run: an unknown bench name is an error" t_rc_is nobench 2
t_contains "naming the benches there are" "$T_TMP/nobench.err" "no bench named 'no-such-bench' (there is: "

# --- the byte-for-byte digest of the sync bench ----------------------------
for d in a b; do mkdir -p "$T_TMP/md$d/cur" "$T_TMP/md$d/new"; done
printf 'From: a@b\r\nSubject: x\r\n\r\nbody\r\n' >"$T_TMP/mda/cur/1"
printf 'From: a@b\nSubject: x\nX-TUID: abc123\n\nbody\n' >"$T_TMP/mdb/new/2"
python3 tests/bench/maildir_digest.py "$T_TMP/mda" >"$T_TMP/da"
python3 tests/bench/maildir_digest.py "$T_TMP/mdb" >"$T_TMP/db"
t_check "the digest is the SHA-256 of the bytes" \
	test "$(cat "$T_TMP/da")" = "$(printf 'From: a@b\r\nSubject: x\r\n\r\nbody\r\n' | sha256sum | cut -d' ' -f1)"
t_check "mbsync's copy differs byte for byte" sh -c "! cmp -s '$T_TMP/da' '$T_TMP/db'"
python3 tests/bench/maildir_digest.py --as-mbsync-stores "$T_TMP/mda" >"$T_TMP/da"
python3 tests/bench/maildir_digest.py --as-mbsync-stores "$T_TMP/mdb" >"$T_TMP/db"
t_check "but not once CRs and mbsync's X-TUID are left out" cmp "$T_TMP/da" "$T_TMP/db"
printf 'From: a@b\nSubject: y\nX-TUID: abc123\n\nbody\n' >"$T_TMP/mdb/new/2"
python3 tests/bench/maildir_digest.py --as-mbsync-stores "$T_TMP/mdb" >"$T_TMP/db"
t_check "any other difference still shows" sh -c "! cmp -s '$T_TMP/da' '$T_TMP/db'"

# --- the corpus generator ---------------------------------------------------
gen=tests/tools/gen-maildir
python3 $gen --realistic --count 120 --seed 9 "$T_TMP/g1" &&
	python3 $gen --realistic --count 120 --seed 9 "$T_TMP/g2"
t_check "gen-maildir --realistic runs" test $? -eq 0
t_check "the same seed gives the same bytes" diff -r "$T_TMP/g1" "$T_TMP/g2"
python3 $gen --realistic --count 120 --seed 10 "$T_TMP/g3"
t_check "another seed another mailbox" sh -c "! diff -rq '$T_TMP/g1' '$T_TMP/g3' >/dev/null"
t_check "all 120 messages, every fifth still new" \
	test "$(find "$T_TMP/g1/cur" "$T_TMP/g1/new" -type f | wc -l)" -eq 120 -a "$(find "$T_TMP/g1/new" -type f | wc -l)" -eq 24
python3 - "$T_TMP/g1" >"$T_TMP/stats" <<'EOF'
import email, email.policy, os, sys
ids, parents, att, alt, text_sizes, charsets = set(), [], 0, 0, [], set()
for sub in ("cur", "new"):
    for name in os.listdir(os.path.join(sys.argv[1], sub)):
        raw = open(os.path.join(sys.argv[1], sub, name), "rb").read()
        m = email.message_from_bytes(raw, policy=email.policy.default)
        ids.add(m["Message-ID"])
        if m["In-Reply-To"]:
            parents.append((m["In-Reply-To"], m["References"].split()[-1], m["Subject"]))
        att += m.get_content_type() == "multipart/mixed"
        alt += m.get_content_type() == "multipart/alternative"
        for part in m.walk():
            if part.get_content_disposition() == "attachment":
                size = len(part.get_content())
                print("attachment", "ok" if 10 * 1024 <= size <= 500 * 1024 else size)
                print("attachment-encoding", part["Content-Transfer-Encoding"])
            elif part.get_content_type() == "text/plain":
                charsets.add(part.get_content_charset())
                text_sizes.append(len(part.get_payload(decode=True)))
print("threads", len(parents) > 20, all(p in ids and r == p and s.startswith("Re: ") for p, r, s in parents))
print("attachments", 5 <= att <= 20, "alternatives", alt >= 10)
print("charsets", " ".join(sorted(charsets)))
print("text", min(text_sizes) >= 1024, max(text_sizes) <= 40 * 1024, max(text_sizes) > 10 * 1024)
EOF
t_contains "threads: replies name earlier messages (In-Reply-To, References, Re:)" "$T_TMP/stats" "threads True True"
t_contains "about 10% with attachments, some HTML alternatives" "$T_TMP/stats" "attachments True alternatives True"
t_lacks "attachments are 10-500 KB" "$T_TMP/stats" "attachment [0-9]"
t_check "attachments are base64" sh -c "grep '^attachment-encoding' '$T_TMP/stats' | sort -u | grep -qx 'attachment-encoding base64'"
t_contains "UTF-8, ISO-8859-1, windows-1252 and ASCII bodies" "$T_TMP/stats" \
	"charsets iso-8859-1 us-ascii utf-8 windows-1252"
t_contains "text bodies of 1-20 KB (a reply quotes its parent)" "$T_TMP/stats" "text True True True"
t_check "quoted-printable bodies" grep -rqx 'Content-Transfer-Encoding: quoted-printable.' "$T_TMP/g1"

python3 $gen --count 50 --seed 1 "$T_TMP/plain"
t_contains "the default corpus is unchanged: the tests' messages" \
	"$(ls "$T_TMP"/plain/cur/1704092400.M7P1.gen-maildir*)" "Subject: Test message 7: broken MIME"

t_need ./frank build/tests/tools/dkim_tool
python3 $gen --realistic --count 12 --seed 3 --signed "$T_TMP/signed.zone" "$T_TMP/gs" 2>"$T_TMP/gs.err"
t_check "gen-maildir --signed runs" test $? -eq 0
t_contains "the zone holds the DKIM keys" "$T_TMP/signed.zone" "bench._domainkey."
t_contains "and DMARC" "$T_TMP/signed.zone" '_dmarc IN TXT "v=DMARC1; p=reject"'
./frank verify --dns "$T_TMP/signed.zone" "$T_TMP"/gs/cur/* "$T_TMP"/gs/new/* >"$T_TMP/verify.out" 2>&1
t_check "frank verifies every signed message" test "$(grep -c '^  verified: ' "$T_TMP/verify.out")" -eq 12
t_check "by a DKIM signature that passes" test "$(grep -c '^  dkim   pass' "$T_TMP/verify.out")" -eq 12
python3 $gen --realistic --count 12 --seed 3 "$T_TMP/gu"
strip_sig() { # FILE: the message without its DKIM-Signature field
	python3 -c 'import re, sys
data = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(re.sub(rb"\ADKIM-Signature:.*?\r\n(?=\S)", b"", data, flags=re.S))' "$1"
}
f=$(ls "$T_TMP"/gs/cur | head -n 1)
strip_sig "$T_TMP/gs/cur/$f" >"$T_TMP/stripped"
t_check "a signed message is the unsigned one plus its signature" cmp "$T_TMP/stripped" "$T_TMP/gu/cur/$f"
t_done
