#!/usr/bin/env python3
"""SIGTERM drain of store-and-forward deliveries, end to end.

The issue: "SIGTERM drains in-flight deliveries up to a deadline and leaves
the rest in the spool". A real hub delivers to a slow stand-in (at most 4
connections):
  - 4 deliveries in flight, SIGTERM: new requests are refused (503 or
    connection refused), the 4 complete, the hub exits 0 before the deadline,
    and after a restart nothing is sent again (they were acked);
  - a backlog of 100 behind 4 slow connections (route concurrency 64, so up
    to 60 wait inside the http_client for a connection), SIGTERM: only the 4
    on the wire are sent and answered; the ones waiting in the output are
    handed back unsent (not_sent) and stay in the spool with the rest; the
    hub exits as soon as the 4 answered; after a restart every message is
    delivered exactly once. Run with the native keep-alive pool and with
    libcurl (SIMPUL_HTTP_CLIENT=curl).
Then a delivery slower than the deadline: with a stand-in that takes longer than
hub.shutdown_timeout, SIGTERM ends the hub at the deadline (not when the
stand-in answers), and the unfinished delivery is sent again after a restart
(at least once, same Idempotency-Key).
Prints PASS/FAIL lines and a summary; exit status 1 on failure.
"""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (Checker, Hub, StandIn, api_input, cleanup, free_port,  # noqa: E402
                          hub_config, national, request, route, wait_for, write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
SHUTDOWN_TIMEOUT = 3.0


def post(port, path, n):
    try:
        s, _, b = request(port, "POST", path, json.dumps({"n": n}).encode(), timeout=5)
        return s, (json.loads(b).get("id") if s == 202 else None)
    except OSError:
        return None, None


def backlog(check, hub, api, standin, client):
    """100 messages for an output with 4 connections (route concurrency 64):
    at SIGTERM 4 are on the wire and up to 60 wait inside the output for a
    connection. Only the 4 finish; the waiting ones come back unsent and stay
    in the spool with the rest; a restart delivers each of the 96 once."""
    if client == "curl":
        os.environ["SIMPUL_HTTP_CLIENT"] = "curl"   # the hub reads it at start
    try:
        standin.delay = 1.0
        before = len(standin.delivered("/slow"))
        check(f"[{client}] hub starts (backlog)", hub.start())
        ids = [post(api, "/slow", n)[1] for n in range(100)]
        check(f"[{client}] 100 messages accepted", all(ids))
        check(f"[{client}] 4 deliveries on the wire",
              wait_for(lambda: standin.active.get("/slow", 0) == 4, 10), standin.active)
        on_wire = standin.attempts("/slow")
        t0 = time.time()
        hub.proc.send_signal(15)
        code = hub.proc.wait(timeout=20)
        took = time.time() - t0
        sent = [k for (_, k, _, _) in standin.delivered("/slow")[before:]]
        check(f"[{client}] hub exits 0 once the 4 on the wire answered ({took:.1f}s, before the "
              f"{SHUTDOWN_TIMEOUT:.0f}s deadline)", code == 0 and took < SHUTDOWN_TIMEOUT - 1,
              (code, took))
        check(f"[{client}] only the sends on the wire completed during the drain "
              f"({len(sent)} of 100, none started after SIGTERM)",
              len(sent) == 4 and len(set(sent)) == 4 and standin.attempts("/slow") == on_wire,
              (len(sent), standin.attempts("/slow") - on_wire))
        standin.delay = 0.0
        check(f"[{client}] hub restarts (backlog)", hub.start())
        check(f"[{client}] everything left in the spool is delivered after the restart",
              wait_for(lambda: {k for (_, k, _, _) in standin.delivered("/slow")} >= set(ids), 20))
        time.sleep(0.3)
        keys = [k for (_, k, _, _) in standin.delivered("/slow")[before:]]
        dups = len(keys) - len(set(keys))
        check(f"[{client}] each message delivered exactly once ({len(keys)} deliveries, "
              f"{dups} duplicates)", dups == 0 and set(keys) == set(ids), (dups, len(keys)))
        check(f"[{client}] hub stops", hub.stop() == 0)
    finally:
        os.environ.pop("SIMPUL_HTTP_CLIENT", None)


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-drain-")
    standin = StandIn(delay=1.0)
    api, admin = free_port(), free_port()
    cfg = write_file(os.path.join(tmp, "simpul.yaml"), hub_config(
        "drain", tmp, admin,
        api_input(api) + national("national", standin.url, timeout="30s", max_connections=4),
        route("slow", "/slow", "{connector: national, path: /slow}",
              "retry: {max_attempts: 100, initial_backoff: 20ms, max_backoff: 100ms}"),
        shutdown_timeout=f"{int(SHUTDOWN_TIMEOUT)}s"))
    hub = Hub(BINARY, cfg, admin, os.path.join(tmp, "hub.log"))
    check = Checker()
    try:
        # --- drain completes: 4 deliveries in flight finish, then exit
        standin.delay = 0.5
        check("hub starts", hub.start())
        ids = [post(api, "/slow", n)[1] for n in range(4)]
        check("4 messages accepted", all(ids), ids)
        check("4 deliveries in flight",
              wait_for(lambda: standin.active.get("/slow", 0) == 4, 10), standin.active)
        t0 = time.time()
        hub.proc.send_signal(15)
        time.sleep(0.1)
        status, _ = post(api, "/slow", 99)
        check("new messages are refused while draining", status != 202, status)
        code = hub.proc.wait(timeout=20)
        took = time.time() - t0
        check(f"hub exits 0 once the in-flight deliveries finished ({took:.1f}s, before the "
              f"{SHUTDOWN_TIMEOUT:.0f}s deadline)", code == 0 and took < SHUTDOWN_TIMEOUT - 1,
              (code, took))
        check("the in-flight deliveries completed", sorted(
            k for (_, k, _, _) in standin.delivered("/slow")) == sorted(ids),
            standin.delivered("/slow"))
        standin.delay = 0.0
        check("hub restarts", hub.start())
        time.sleep(0.5)
        check("drained deliveries were acked: nothing is sent again",
              len(standin.delivered("/slow")) == 4, len(standin.delivered("/slow")))
        check("hub stops", hub.stop() == 0)

        # --- a backlog behind 4 busy connections: only the sends on the wire
        # finish, the rest is handed back unsent (native pool, then libcurl)
        for client in ("native", "curl"):
            backlog(check, hub, api, standin, client)

        # --- the deadline: a delivery slower than shutdown_timeout
        standin.delay = 10.0
        check("hub starts again", hub.start())
        _, late = post(api, "/slow", 100)
        check("a slow delivery is in flight",
              wait_for(lambda: standin.active.get("/slow", 0) == 1, 10), standin.active)
        t0 = time.time()
        hub.proc.send_signal(15)
        code = hub.proc.wait(timeout=30)
        took = time.time() - t0
        check(f"SIGTERM ends the hub at the deadline ({took:.1f}s, "
              f"shutdown_timeout {SHUTDOWN_TIMEOUT:.0f}s, stand-in 10s)",
              SHUTDOWN_TIMEOUT - 0.5 <= took < SHUTDOWN_TIMEOUT + 3, (code, took))
        standin.delay = 0.0
        check("hub restarts after the cut drain", hub.start())
        check("the delivery cut at the deadline is sent again (same Idempotency-Key)",
              wait_for(lambda: late in {k for (_, k, _, _) in standin.delivered("/slow")}, 20))
        check("hub stops at last", hub.stop() == 0)
    finally:
        cleanup(check, tmp, hub.close, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
