#!/usr/bin/env python3
"""Scenario "footprint": start-up time and idle RSS of a hub process.

usage: startup.py --runs N --url URL --body FILE [--idle S] [--timeout S] -- CMD...

Each run starts CMD and POSTs BODY to URL every 2 ms until the answer is 200:
the start-up time is from exec to that first mapped reply (the same criterion
for simpul and Node-RED: every route is up, not just the process). The first
run is a warm-up (page cache, Node-RED's first-start files) and not counted.
After the last run the process idles for --idle seconds, then VmRSS is read.
Prints one JSON object.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def ready(url, body):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--url", required=True)
    ap.add_argument("--body", required=True)
    ap.add_argument("--idle", type=float, default=3.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    body = open(a.body, "rb").read()
    times = []
    idle_rss = 0
    log = open(a.log, "ab")
    for i in range(a.runs + 1):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=log, stderr=log)
        ok = False
        try:
            while time.perf_counter() - t0 < a.timeout:
                if p.poll() is not None:
                    break
                if ready(a.url, body):
                    ok = True
                    break
                time.sleep(0.002)
            if not ok:
                print(json.dumps({"error": f"not ready within {a.timeout}s (exit {p.poll()})"}))
                return 1
            if i > 0:
                times.append((time.perf_counter() - t0) * 1000)
            if i == a.runs:
                time.sleep(a.idle)
                idle_rss = rss_kb(p.pid)
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
    print(json.dumps({"startup_ms": round(statistics.median(times), 1),
                      "startup_ms_min": round(min(times), 1),
                      "runs": len(times), "idle_rss_mb": round(idle_rss / 1024, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
