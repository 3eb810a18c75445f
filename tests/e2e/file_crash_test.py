#!/usr/bin/env python3
"""kill -9 while a big CSV is going from the file input to an NDJSON file.

    file_crash_test.py SIMPUL [rows] [kills]

The hub takes a CSV (one message per row) from a drop directory and appends
every row to rows.ndjson. It is killed with SIGKILL `kills` times while the
file is in progress, and restarted on the same data directory each time.
Then: every row is in the output (nothing lost), the file went to processed/
with its progress log removed, and rows are written twice only around the
kills, as docs/spool.md and connectors/file/README.md allow: rows offered but
not yet logged as answered are offered again (at most max_in_flight per
kill), and deliveries whose ack was not yet written are delivered again
(at-least-once). The duplicate ranges are printed.
"""
import collections
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import Checker, Hub, free_port, wait_for  # noqa: E402

CONCURRENCY = 64


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def row_ids(path):
    ids = collections.Counter()
    try:
        with open(path) as f:
            for line in f:
                if line.endswith("\n"):
                    ids[json.loads(line)["id"]] += 1
    except FileNotFoundError:
        pass
    return ids


def main():
    binary = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
    kills = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    tmp = tempfile.mkdtemp(prefix="simpul-file-crash-")
    check = Checker()
    hub = None
    try:
        drop, out, data = (os.path.join(tmp, d) for d in ("drop", "out", "data"))
        for d in (drop, out):
            os.makedirs(d)
        admin = free_port()
        config = os.path.join(tmp, "simpul.yaml")
        with open(config, "w") as f:
            f.write(f"""hub:
  name: file-crash
  data_dir: {data}
  log_level: warn
  threads: 2
  admin: {{listen: 127.0.0.1:{admin}}}
connectors:
  drop: {{type: file, dir: {drop}, patterns: ['*.csv'], format: csv, complete_when: rename, rescan_interval: 1s}}
  out: {{type: file, dir: {out}}}
routes:
  rows:
    from: drop
    to: [{{connector: out, filename: rows.ndjson, format: ndjson, concurrency: {CONCURRENCY}}}]
""")
        hub = Hub(binary, config, admin, os.path.join(tmp, "hub.log"))
        check("hub starts", hub.start())
        tmpfile = os.path.join(tmp, "rows.tmp")
        with open(tmpfile, "w") as f:
            f.write("id,nama,nilai\n")
            for i in range(1, rows + 1):
                f.write(f'R{i:07d},"Warga {i}, Desa {i % 97}",{i % 1000}\n')
        os.rename(tmpfile, os.path.join(drop, "big.csv"))
        output = os.path.join(out, "rows.ndjson")
        for k in range(1, kills + 1):
            target = rows * k // (kills + 1)
            reached = wait_for(lambda: count_lines(output) >= target, 120, 0.005)
            hub.kill9()
            check(f"kill {k} at {count_lines(output)} of {rows} rows", reached)
            check(f"restart {k}", hub.start())
        done = wait_for(lambda: any(n.startswith("big.csv.") for n in os.listdir(os.path.join(drop, "processed"))),
                        180, 0.05)
        check("the file is finished (processed/)", done)
        # The log goes right after the move (a crash between the two leaves it
        # for the next start to clear): wait for it rather than race it.
        check("no progress log is left",
              wait_for(lambda: not any(n.endswith(".progress")
                                       for n in os.listdir(os.path.join(drop, "processing"))), 10, 0.05))
        # Accepted rows still in the spool are delivered after the file is done.
        wait_for(lambda: len(row_ids(output)) >= rows, 60, 0.1)
        hub.stop()
        ids = row_ids(output)
        missing = [f"R{i:07d}" for i in range(1, rows + 1) if ids[f"R{i:07d}"] == 0]
        dups = sum(c - 1 for c in ids.values())
        check("no row is lost", not missing, f"{len(missing)} missing, e.g. {missing[:3]}")
        dup_ids = sorted(int(i[1:]) for i, c in ids.items() if c > 1)
        ranges = []
        for n in dup_ids:
            if ranges and n == ranges[-1][1] + 1:
                ranges[-1][1] = n
            else:
                ranges.append([n, n])
        print("rows written twice (ranges):", ranges[:20], flush=True)
        # A resume starts after the last logged answer: had any restart begun
        # the file again, the rows before the first kill point (a quarter of
        # the file) would all be written twice.
        check(f"rows written twice only around the kills ({dups} < {rows // 4})", dups < rows // 4,
              f"{dups} duplicates")
        return check.summary()
    finally:
        if hub:
            hub.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
