#!/usr/bin/env python3
"""first_screen_drive.py: one timed session of a mail reader in tmux.

Usage: first_screen_drive.py [options] -- COMMAND...

Starts COMMAND in a new tmux session (a private server, SOCKET) of COLS x
ROWS, through `sh -c 'date +%s%N >START; exec /usr/bin/time ... COMMAND'`
so that the start is taken in the pane, just before the reader runs.  Then
it polls `tmux capture-pane` until every --expect text is on the screen:
first-screen = the clock after the capture that showed them, minus the
start (both CLOCK_REALTIME).  With --pages N it then sends KEY N times,
each time waiting until the screen changed and shows --settle again (the
status line), and records the time from the key to that capture.  Then
--quit, and the peak RSS that /usr/bin/time wrote.  frank and NeoMutt are
measured by the same steps; the capture's own cost (a tmux client, a few
ms) is in both.  Writes one JSON object to --out and the first screen to
--out.screen.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def tmux(sock, *args):
    return subprocess.run(["tmux", "-u", "-L", sock, "-f", "/dev/null", *args],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          env=dict(os.environ, LANG="C.UTF-8"))


def capture(sock):
    return tmux(sock, "capture-pane", "-p", "-t", "b").stdout.decode("utf-8", "replace")


def wait_for(sock, texts, deadline, differs_from=None):
    while True:
        screen = capture(sock)
        seen = time.time_ns()
        if all(t in screen for t in texts) and (differs_from is None or screen != differs_from):
            return screen, seen
        if time.monotonic() > deadline:
            return None, seen
        if "exited with" in screen:
            return None, seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--newest", type=int, default=0,
                    help="expect the subjects of gen-maildir's newest: Test message N:")
    ap.add_argument("--newest-count", type=int, default=10)
    ap.add_argument("--settle", default="")
    ap.add_argument("--pages", type=int, default=0)
    ap.add_argument("--key", default="NPage")
    ap.add_argument("--jump", default="", help="a key sent after the pages (frank: = first entry)")
    ap.add_argument("--pages2", type=int, default=0)
    ap.add_argument("--key2", default="NPage")
    ap.add_argument("--quit", default="q")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--out", required=True)
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()
    a.expect += ["Test message %d:" % (a.newest - i) for i in range(a.newest_count)
                 if a.newest - i > 0]

    start_file, rss_file = a.out + ".start", a.out + ".rss"
    for f in (start_file, rss_file):
        if os.path.exists(f):
            os.unlink(f)
    quoted = " ".join("'" + c.replace("'", "'\\''") + "'" for c in a.command)
    env = " ".join("'" + e.replace("'", "'\\''") + "'" for e in a.env)
    inner = ("date +%%s%%N >'%s'; exec /usr/bin/time -f %%M -o '%s' %s"
             % (start_file, rss_file, quoted))
    pane = ("env LANG=C.UTF-8 TERM=screen %s sh -c \"%s\"; echo \"exited with $?\"; sleep 600"
            % (env, inner.replace('"', '\\"').replace("$", "\\$")))
    tmux(a.socket, "kill-server")
    if tmux(a.socket, "new-session", "-d", "-s", "b", "-x", str(a.cols), "-y", str(a.rows),
            pane).returncode != 0:
        sys.exit("first_screen_drive: cannot start tmux")
    result = {"ok": False}
    try:
        screen, seen = wait_for(a.socket, a.expect, time.monotonic() + a.timeout)
        try:
            start = int(open(start_file).read().strip())
        except (OSError, ValueError):
            start = None
        if screen is None or start is None:
            result["error"] = "the expected first screen never came"
            result["screen"] = capture(a.socket)
            return finish(a, result)
        result["first_screen_ms"] = (seen - start) / 1e6
        result["start_ns"] = start
        with open(a.out + ".screen", "w", encoding="utf-8") as f:
            f.write(screen)
        settle = [a.settle] if a.settle else []
        for key, n, name in ((a.key, a.pages, "page"), (a.jump, 1 if a.jump else 0, "jump"),
                             (a.key2, a.pages2, "page2")):
            pages = []
            for _ in range(n):
                before = capture(a.socket)
                t0 = time.time_ns()
                tmux(a.socket, "send-keys", "-t", "b", key)
                screen, seen = wait_for(a.socket, settle, time.monotonic() + 30,
                                        differs_from=before)
                if screen is None:
                    result["error"] = "the screen did not change after %s" % key
                    result["screen"] = capture(a.socket)
                    return finish(a, result)
                pages.append((seen - t0) / 1e6)
            if pages:
                result[name + "_ms"] = pages
                result[name + "_median_ms"] = statistics.median(pages)
        tmux(a.socket, "send-keys", "-t", "b", a.quit)
        screen, _ = wait_for(a.socket, ["exited with 0"], time.monotonic() + 60)
        if screen is None:
            result["error"] = "it did not quit with status 0"
            result["screen"] = capture(a.socket)
            return finish(a, result)
        time.sleep(0.1)
        try:
            result["rss_kb"] = int(open(rss_file).read().split()[-1])
        except (OSError, ValueError, IndexError):
            result["error"] = "no peak memory from /usr/bin/time"
            return finish(a, result)
        result["ok"] = True
        return finish(a, result)
    finally:
        tmux(a.socket, "kill-server")


def finish(a, result):
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(result, f)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
