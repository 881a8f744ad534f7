#!/usr/bin/env python3
"""report.py: the arithmetic of the benchmark harness (tests/bench/bench.lib).

  report.py row ROWS BENCH NAME FEEL UNIT FRANK_SAMPLES PEER_SAMPLES PEER_NAME [REASON...]
      appends one row to ROWS (JSON lines).  A samples file holds one
      "VALUE KB" line per run (wall seconds and peak RSS in KB) and
      "FAIL WHY" lines for runs that failed; a missing file is no samples.
      REASONs are failed correctness checks.  A row with a REASON, a FAIL
      line, or no samples on a side is FAILED.
  report.py failed ROWS BENCH WHY
      appends a FAILED row for a bench script that did not finish.
  report.py wall WALLS BENCH T0_NS T1_NS STATUS
      appends a bench's own wall time (the clock before and after its
      script, in ns) to WALLS, says it on stderr, loudly when it is over
      the limit (WALL_LIMIT_S: the 10 minutes of issue 12).
  report.py table ROWS MARKDOWN JSON [WALLS]
      writes the table of every row (median, min-max, ratio frank/peer,
      peak memory, the wall time of its bench) as Markdown and JSON,
      prints the Markdown, warns about every bench over the limit, and
      exits 1 if any row FAILED, else 0.  A time is never a failure.
"""
import json
import os
import platform
import statistics
import sys
import time

WALL_LIMIT_S = 600  # issue 12: each bench under 10 minutes on 2 cores


def read_samples(path):
    values, peaks, fails = [], [], []
    if not os.path.exists(path):
        return values, peaks, fails
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith("FAIL"):
                fails.append(line[4:].strip())
                continue
            fields = line.split()
            values.append(float(fields[0]))
            peaks.append(int(fields[1]) if len(fields) > 1 else 0)
    return values, peaks, fails


def append(rows_path, row):
    with open(rows_path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, sort_keys=True) + "\n")


def cmd_row(args):
    if len(args) < 8:
        sys.exit("report.py row: needs ROWS BENCH NAME FEEL UNIT FRANK PEER PEER_NAME")
    rows, bench, name, feel, unit, frank_path, peer_path, peer_name = args[:8]
    reasons = list(args[8:])
    row = {"bench": bench, "name": name, "feel": feel, "unit": unit, "peer_name": peer_name}
    for side, path in (("frank", frank_path), ("peer", peer_path)):
        values, peaks, fails = read_samples(path)
        row[side] = values
        row[side + "_peak_kb"] = peaks
        reasons.extend("%s: %s" % (side if side == "frank" else peer_name, why) for why in fails)
        if not values and not fails:
            reasons.append("no samples for %s" % (side if side == "frank" else peer_name))
    row["reasons"] = reasons
    append(rows, row)
    return 0


def cmd_failed(args):
    if len(args) != 3:
        sys.exit("report.py failed: needs ROWS BENCH WHY")
    rows, bench, why = args
    append(rows, {"bench": bench, "name": bench, "feel": "(the bench did not finish)",
                  "unit": "s", "peer_name": "", "frank": [], "peer": [],
                  "frank_peak_kb": [], "peer_peak_kb": [], "reasons": [why]})
    return 0


def minutes(seconds):
    seconds = int(round(seconds))
    return "%dm%02ds" % (seconds // 60, seconds % 60)


def over_limit_warning(bench, wall_s):
    return ("WARNING: bench %s took %s, over the %d-minute limit of issue 12"
            % (bench, minutes(wall_s), WALL_LIMIT_S // 60))


def cmd_wall(args):
    if len(args) != 5:
        sys.exit("report.py wall: needs WALLS BENCH T0_NS T1_NS STATUS")
    walls, bench, t0, t1, status = args
    wall_s = round((int(t1) - int(t0)) / 1e9, 1)
    append(walls, {"bench": bench, "wall_s": wall_s, "exit": int(status),
                   "n": os.environ.get("BENCH_N") or "default"})
    if wall_s > WALL_LIMIT_S:
        bar = "!" * 72
        print("%s\n%s\n%s" % (bar, over_limit_warning(bench, wall_s), bar), file=sys.stderr)
    else:
        print("# bench %s: %s (wall time, setup included)" % (bench, minutes(wall_s)),
              file=sys.stderr)
    return 0


def read_walls(path):
    """The last wall time of each bench in WALLS (JSON lines), by name."""
    walls = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    w = json.loads(line)
                    w["over_limit"] = w["wall_s"] > WALL_LIMIT_S
                    walls[w["bench"]] = w
    return walls


def wall_cell(wall):
    if wall is None:
        return "–"
    if wall["over_limit"]:
        return "**%s: over %d min**" % (minutes(wall["wall_s"]), WALL_LIMIT_S // 60)
    return minutes(wall["wall_s"])


def summary(values, peaks):
    if not values:
        return None
    return {"samples": values, "median": statistics.median(values),
            "min": min(values), "max": max(values),
            "peak_kb": max(peaks) if peaks else 0}


def number(x):
    if x is None:
        return "–"
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    if abs(x) >= 1:
        return "%.2f" % x
    return "%.3f" % x


def spread(s, unit):
    if s is None:
        return "–"
    return "%s %s (%s–%s)" % (number(s["median"]), unit, number(s["min"]), number(s["max"]))


def megabytes(s):
    if s is None or not s["peak_kb"]:
        return "–"
    return "%.0f MB" % (s["peak_kb"] / 1024.0) if s["peak_kb"] >= 10240 else \
        "%.1f MB" % (s["peak_kb"] / 1024.0)


def machine():
    info = {"kernel": " ".join(platform.uname()[i] for i in (0, 2, 4)),
            "cpus": os.cpu_count()}
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["memory_mb"] = int(line.split()[1]) // 1024
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def build_rows(lines, walls):
    out = []
    for row in lines:
        frank = summary(row["frank"], row["frank_peak_kb"])
        peer = summary(row["peer"], row["peer_peak_kb"])
        ratio = None
        if frank and peer and peer["median"] > 0:
            ratio = frank["median"] / peer["median"]
        out.append({"bench": row["bench"], "name": row["name"], "feel": row["feel"],
                    "unit": row["unit"], "peer_name": row["peer_name"],
                    "frank": frank, "peer": peer,
                    "ratio": None if ratio is None else round(ratio, 4),
                    "status": "FAILED" if row["reasons"] else "ok",
                    "reasons": row["reasons"],
                    "bench_wall_s": walls[row["bench"]]["wall_s"] if row["bench"] in walls else None})
    return out


def markdown(rows, walls, runs, when, info):
    lines = ["frank benchmarks, %s; %s CPUs, %s MB, %s; median of %s runs "
             "(min–max), wall time of the whole process; peak = maximum resident set; "
             "bench = the wall time of the whole bench the row belongs to (setup, "
             "corpus, every run; limit %d min)."
             % (when, info.get("cpus", "?"), info.get("memory_mb", "?"),
                info.get("kernel", "?"), runs, WALL_LIMIT_S // 60), "",
             "| row | what the user feels | frank | peer | peer's time | frank/peer "
             "| frank peak | peer peak | status | bench |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        status = r["status"]
        if r["reasons"]:
            status += ": " + "; ".join(r["reasons"])
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["name"], r["feel"], spread(r["frank"], r["unit"]), r["peer_name"] or "–",
            spread(r["peer"], r["unit"]),
            "–" if r["ratio"] is None else "%.2f" % r["ratio"],
            megabytes(r["frank"]), megabytes(r["peer"]), status.replace("|", "/"),
            wall_cell(walls.get(r["bench"]))))
    over = [w for w in walls.values() if w["over_limit"]]
    if over:
        lines.append("")
        lines.extend("**%s**" % over_limit_warning(w["bench"], w["wall_s"]) for w in over)
    return "\n".join(lines) + "\n"


def cmd_table(args):
    if len(args) not in (3, 4):
        sys.exit("report.py table: needs ROWS MARKDOWN JSON [WALLS]")
    rows_path, md_path, json_path = args[:3]
    walls = read_walls(args[3] if len(args) == 4 else None)
    lines = []
    if os.path.exists(rows_path):
        with open(rows_path, encoding="utf-8") as f:
            for number_, line in enumerate(f, 1):
                if line.strip():
                    try:
                        lines.append(json.loads(line))
                    except ValueError as e:
                        sys.exit("report.py: %s line %d: %s" % (rows_path, number_, e))
    rows = build_rows(lines, walls)
    when = os.environ.get("BENCH_DATE") or time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    runs = os.environ.get("BENCH_RUNS", "3")
    info = machine()
    text = markdown(rows, walls, runs, when, info)
    failed = sum(r["status"] != "ok" for r in rows)
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(text)
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump({"date": when, "runs": runs, "machine": info, "rows": rows,
                   "failed": failed, "wall_limit_s": WALL_LIMIT_S,
                   "benches": [walls[b] for b in sorted(walls)]}, f, indent=1, sort_keys=True)
        f.write("\n")
    sys.stdout.write(text)
    for w in sorted(walls.values(), key=lambda w: w["bench"]):
        if w["over_limit"]:
            print(over_limit_warning(w["bench"], w["wall_s"]), file=sys.stderr)
    if not rows:
        print("report.py: no rows in %s" % rows_path, file=sys.stderr)
        return 1
    return 1 if failed else 0


def main():
    commands = {"row": cmd_row, "failed": cmd_failed, "wall": cmd_wall, "table": cmd_table}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit("usage: report.py row|failed|wall|table ... (see the top of the file)")
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
