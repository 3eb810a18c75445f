#!/usr/bin/env python3
"""Crash test of durable delivery: kill -9 the hub mid-stream, restart, check.

Runs build/simpul with two store-and-forward routes (durability `fsync` and
`write`) whose output is a slow national-service stand-in (a few ms per
request, records every body and Idempotency-Key). Concurrent clients POST a
stream of numbered messages; meanwhile the hub is killed with SIGKILL several
times and restarted on the same data directory. Clients that lose their
connection or get a non-202 retry the same message (the hub gives it a new
id; only answered messages count as acknowledged).

Asserts at the end:
- every message that got a 202 was delivered at least once, with the body
  that was sent and Idempotency-Key = the id in the 202;
- a message id is never delivered with two different bodies;
- duplicates (same Idempotency-Key delivered twice) are bounded by what can be
  in flight at a kill (delivery concurrency per route and output, per kill).
Prints the counts. Usage: crash_test.py BINARY [MESSAGES] [KILLS]
"""
import http.client
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (CRASH_RETRY, api_input, Checker, Hub, StandIn, cleanup, free_port, hub_config,  # noqa: E402
                          national, route, wait_for, write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
MESSAGES = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
KILLS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
CLIENTS = 16
IN_FLIGHT_PER_QUEUE = 64   # delivery_queue settings.max_in_flight


class Sender:
    """Clients posting messages; records message number -> id of its 202."""

    def __init__(self, port, total):
        self.port = port
        self.total = total
        self.lock = threading.Lock()
        self.next = 0
        self.acked = {}        # n -> (route path, id, body)
        self.refused = 0       # answers other than 202 (503 during startup...)
        self.conn_errors = 0
        self.attempts = 0

    def take(self):
        with self.lock:
            if self.next >= self.total:
                return None
            n = self.next
            self.next += 1
            return n

    def run(self):
        conn = None
        n = self.take()
        while n is not None:
            path = "/fsync" if n % 2 == 0 else "/write"
            body = json.dumps({"n": n, "pad": "x" * (200 + n % 300)}).encode()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                with self.lock:
                    self.attempts += 1
                if r.status == 202:
                    mid = json.loads(data)["id"]
                    with self.lock:
                        self.acked[n] = (path, mid, body)
                    n = self.take()
                    continue
                with self.lock:
                    self.refused += 1
                time.sleep(0.02)
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.conn_errors += 1
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.02)   # hub down: try again (same message)
        if conn is not None:
            conn.close()

    def acked_count(self):
        with self.lock:
            return len(self.acked)


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-crash-")
    standin = StandIn(delay=0.003)
    api, admin = free_port(), free_port()
    config = hub_config("crash", tmp, admin, api_input(api) + national("national", standin.url),
                        route("durable_fsync", "/fsync", "{connector: national, path: /fsync}",
                              "durability: fsync", CRASH_RETRY)
                        + route("durable_write", "/write", "{connector: national, path: /write}",
                                "durability: write", CRASH_RETRY))
    cfg = write_file(os.path.join(tmp, "simpul.yaml"), config)
    hub = Hub(BINARY, cfg, admin, os.path.join(tmp, "hub.log"))
    check = Checker()
    started = time.time()
    try:
        check("hub starts", hub.start())
        sender = Sender(api, MESSAGES)
        threads = [threading.Thread(target=sender.run, daemon=True) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        kills = 0
        for k in range(KILLS):
            # Kill at evenly spaced points of the stream, while clients send
            # and deliveries are in flight.
            mark = MESSAGES * (k + 1) // (KILLS + 1)
            if not wait_for(lambda: sender.acked_count() >= mark, 120, 0.005):
                break
            hub.kill9()
            kills += 1
            time.sleep(0.1)    # clients hit a closed port meanwhile
            check(f"hub restarts after kill -9 #{kills}", hub.start(), "no /readyz")
        check(f"hub was killed {KILLS} times mid-stream", kills == KILLS, kills)
        for t in threads:
            t.join(timeout=180)
        sent_done = time.time()
        check("every message was acknowledged in the end", sender.acked_count() == MESSAGES,
              sender.acked_count())
        acked = dict(sender.acked)
        want = {mid: (path, body) for (path, mid, body) in acked.values()}

        def all_delivered():
            keys = {k for (_, k, _, _) in standin.delivered()}
            return all(mid in keys for mid in want)

        check("every acknowledged message is delivered", wait_for(all_delivered, 90, 0.2),
              len(want) - len({k for (_, k, _, _) in standin.delivered()} & set(want)))
        delivered_at = time.time()
        time.sleep(0.3)    # let late duplicates of in-flight retries land too
        got = standin.delivered()
        by_key = {}
        for path, key, body, _ in got:
            by_key.setdefault(key, []).append((path, body))
        wrong_body = [mid for mid, (path, body) in want.items()
                      if mid in by_key and any(b != body or p != path for p, b in by_key[mid])]
        check("delivered bodies and paths equal what was acknowledged", not wrong_body,
              wrong_body[:5])
        mixed = [k for k, v in by_key.items() if len({b for _, b in v}) > 1]
        check("an id is never delivered with two different bodies", not mixed, mixed[:5])
        dup_ids = [k for k, v in by_key.items() if len(v) > 1]
        extra = sum(len(v) - 1 for v in by_key.values())
        unacked = [k for k in by_key if k not in want]
        # Per kill, per route: what the delivery queue had in flight, plus the
        # acks of the writer pass that had not reached the OS yet.
        bound = max(kills, 1) * 2 * 2 * IN_FLIGHT_PER_QUEUE
        check(f"duplicates bounded by what was in flight at the kills (<= {bound})",
              extra <= bound, extra)
        # A message delivered but never answered: stored, then the hub died
        # before its 202 left; its client sent it again under a new id.
        numbers = {}
        for k in unacked:
            n = json.loads(by_key[k][0][1])["n"]
            numbers.setdefault(n, []).append(k)
        check("unacknowledged deliveries are resends of numbered messages",
              all(n in acked for n in numbers), list(numbers)[:5])
        print(f"counts: messages={MESSAGES} clients={CLIENTS} kills={kills} "
              f"requests={sender.attempts} refused={sender.refused} "
              f"connection_errors={sender.conn_errors} acknowledged={len(want)} "
              f"deliveries={len(got)} distinct_ids={len(by_key)} "
              f"duplicate_ids={len(dup_ids)} duplicate_deliveries={extra} "
              f"delivered_without_202={len(unacked)} "
              f"send_s={sent_done - started:.1f} all_delivered_s={delivered_at - started:.1f}",
              flush=True)
        check("hub exits 0 on SIGTERM", hub.stop() == 0)
    finally:
        cleanup(check, tmp, hub.close, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
