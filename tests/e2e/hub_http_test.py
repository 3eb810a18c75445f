#!/usr/bin/env python3
"""End-to-end tests of the `simpul` binary over real sockets on 127.0.0.1.

Starts build/simpul with a generated config, a national-service stand-in
(a real HTTP server in this process whose answers each test scripts), and
checks: accept (202) and request-reply modes, 400/404/405/413/504, retry on
503 then success, permanent 4xx not retried, fan-out to two outputs,
/metrics counting what was sent, and /readyz turning 503 while draining.
Prints 'N passed, N failed'; exit status 1 on any failure.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (Checker, Hub, ScriptedStandIn, api_input, cleanup, free_port,  # noqa: E402
                          hub_config, http_outputs, metric, ready, readyz, request, wait_for, write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-e2e-")
    standin = ScriptedStandIn()
    api, admin = free_port(), free_port()
    u = f"http://127.0.0.1:{standin.port}"
    connectors = api_input(api, ", max_body: 4KiB") + http_outputs(
        u, ("ok_out", "/ok", "2s"), ("flaky_out", "/flaky", "2s"), ("reject_out", "/reject", "2s"),
        ("copy_out", "/copy", "2s"), ("slow_out", "/slow", "10s"))
    config = hub_config("e2e", tmp, admin, connectors, f"""
  accept:
    from: {{connector: api, path: /accept}}
    to: [ok_out]
  flaky:
    from: {{connector: api, path: /flaky}}
    to: [flaky_out]
    retry: {{max_attempts: 5, initial_backoff: 10ms, max_backoff: 50ms}}
  reject:
    from: {{connector: api, path: /reject}}
    to: [reject_out]
    retry: {{max_attempts: 5, initial_backoff: 10ms, max_backoff: 50ms}}
  fanout:
    from: {{connector: api, path: /fanout}}
    to: [ok_out, copy_out]
  reply:
    from: {{connector: api, path: /reply}}
    mode: request_reply
    to: [ok_out]
  checked:
    from: {{connector: api, path: /checked}}
    steps:
      - validate: {tmp}/schema.json
      - filter: 'status != "draft"'
      - split: items
    to: [copy_out]
  checked_reply:
    from: {{connector: api, path: /checked-reply}}
    mode: request_reply
    steps:
      - validate: {tmp}/schema.json
    to: [ok_out]
  slow:
    from: {{connector: api, path: /slow}}
    mode: request_reply
    timeout: 300ms
    to: [slow_out]
""")
    with open(os.path.join(tmp, "schema.json"), "w") as f:
        json.dump({"type": "object", "required": ["status", "items"],
                   "properties": {"status": {"type": "string"},
                                  "items": {"type": "array", "minItems": 1}}}, f)
    cfg = write_file(os.path.join(tmp, "simpul.yaml"), config)
    standin.script["/flaky"] = [(503, b"{}", 0), (503, b"{}", 0), (200, b"{}", 0)]
    standin.script["/reject"] = [(400, b'{"error":"bad"}', 0)]
    standin.script["/slow"] = [(200, b"{}", 2)]
    standin.script["/ok"] = [(201, b'{"national_id":"N-1"}', 0)]
    hub = Hub(BINARY, cfg, admin, os.path.join(tmp, "hub.log"))
    hub.start(wait_ready=False)
    check = Checker()
    try:
        up = wait_for(lambda: ready(admin), 10)
        check("readyz turns 200 once started", up)

        s, h, b = request(api, "POST", "/accept", b'{"a":1}')
        check("accept answers 202 with the id", s == 202 and json.loads(b)["id"] == h.get("X-Request-Id"), (s, b))
        check("accepted message is delivered", wait_for(lambda: standin.count("/ok") >= 1))
        with standin.lock:
            hdrs = standin.requests[0][1]
        check("delivery carries Idempotency-Key = message id",
              hdrs.get("Idempotency-Key") == json.loads(b)["id"], hdrs)

        s, _, b = request(api, "POST", "/accept", b'{"a":')
        check("malformed JSON answers 400 with where", s == 400 and b"line 1" in b, (s, b))
        s, _, _ = request(api, "POST", "/nowhere", b"{}")
        check("unknown path answers 404", s == 404, s)
        s, h, _ = request(api, "GET", "/accept")
        check("wrong method answers 405 with Allow", s == 405 and "POST" in h.get("Allow", ""), (s, h))
        s, _, _ = request(api, "POST", "/accept", b'{"x":"' + b"y" * 8000 + b'"}')
        check("oversize body answers 413", s == 413, s)

        s, _, _ = request(api, "POST", "/flaky", b"{}")
        check("flaky route accepts", s == 202, s)
        check("503 twice then delivered on the third attempt",
              wait_for(lambda: standin.count("/flaky") == 3 and metric(admin, 'simpul_messages_delivered_total{connector="flaky_out",route="flaky"}') == 1),
              standin.count("/flaky"))

        s, _, _ = request(api, "POST", "/reject", b"{}")
        check("permanent 4xx goes to the DLQ", wait_for(lambda: metric(admin, 'simpul_dlq_depth{route="reject"}') == 1),
              metric(admin, 'simpul_dlq_depth{route="reject"}'))
        time.sleep(0.2)
        check("permanent 4xx is not retried", standin.count("/reject") == 1, standin.count("/reject"))

        before_ok = standin.count("/ok")
        request(api, "POST", "/fanout", b'{"f":1}')
        check("fan-out reaches both outputs",
              wait_for(lambda: standin.count("/copy") == 1 and standin.count("/ok") == before_ok + 1))

        copies = standin.count("/copy")
        s, _, b = request(api, "POST", "/checked", b'{"status":"final","items":[{"n":1},{"n":2},{"n":3}]}')
        check("split delivers one message per array element",
              s == 202 and wait_for(lambda: standin.count("/copy") == copies + 3), (s, standin.count("/copy")))
        with standin.lock:
            parts = [json.loads(r[2]) for r in standin.requests if r[0] == "/copy"][-3:]
        # Parts are delivered in parallel (the route is not `ordered`).
        check("split parts carry the elements",
              sorted(p["n"] for p in parts) == [1, 2, 3], parts)
        s, _, _ = request(api, "POST", "/checked", b'{"status":"draft","items":[{"n":9}]}')
        time.sleep(0.2)
        check("filter drops drafts (accepted, not delivered)",
              s == 202 and standin.count("/copy") == copies + 3
              and metric(admin, 'simpul_messages_filtered_total{route="checked"}') == 1, s)
        s, _, b = request(api, "POST", "/checked", b'{"status":"final"}')
        check("schema failure in accept mode: 422 and dead-lettered",
              s == 422 and b"required" in b
              and wait_for(lambda: metric(admin, 'simpul_dlq_depth{route="checked"}') == 1), (s, b))
        s, _, b = request(api, "POST", "/checked-reply", b'{"status":"final","items":[]}')
        check("schema failure in request-reply mode: 422 naming the schema path",
              s == 422 and b"minItems" in b and b"/items" in b, (s, b))

        s, _, b = request(api, "POST", "/reply", b'{"q":1}')
        check("request-reply passes the service's answer through", s == 201 and b"N-1" in b, (s, b))
        s, _, b = request(api, "POST", "/slow", b"{}")
        check("request-reply times out with 504", s == 504, (s, b))

        received = metric(admin, 'simpul_messages_received_total{connector="api",route="accept"}')
        # Two bodies reached the route; 405 and 413 are refused before it.
        check("/metrics counts what was sent", received == 2, received)

        promtool = shutil.which("promtool")
        if promtool:
            _, _, body = request(admin, "GET", "/metrics")
            lint = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True)
            check("promtool check metrics passes on the live /metrics", lint.returncode == 0,
                  (lint.stdout + lint.stderr).decode()[:2000])

        # Shutdown: a delivery in flight holds the drain; /readyz says 503 meanwhile.
        standin.script["/ok"] = [(200, b"{}", 1.0)]
        # Count from here: the request-reply route above also calls /ok, so an
        # older baseline let SIGTERM go out before this delivery had started.
        ok_now = standin.count("/ok")
        request(api, "POST", "/accept", b'{"last":1}')
        check("the last delivery is in flight before SIGTERM",
              wait_for(lambda: standin.count("/ok") >= ok_now + 1, 5), standin.count("/ok"))
        hub.proc.send_signal(signal.SIGTERM)
        check("readyz turns 503 while draining", wait_for(lambda: readyz(admin)[0] == 503, 3))
        code = hub.proc.wait(timeout=15)
        check("SIGTERM exits 0 after draining", code == 0, code)
    finally:
        cleanup(check, tmp, hub.close, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
