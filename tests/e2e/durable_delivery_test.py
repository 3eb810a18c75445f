#!/usr/bin/env python3
"""Durable delivery through the real hub: back-pressure, full disk, ordering,
circuit breaker, and recovery from a damaged spool file.

One build/simpul process, one recording stand-in (durable_util.StandIn) whose
answers each section scripts, one output connector per section (each output
has its own circuit breaker):

- back-pressure: a route with `max_messages` (and one with `max_bytes`) whose
  service is down fills up; the next POST gets 503 + Retry-After, /readyz is
  503 and names the route, simpul_spool_full is 1; nothing accepted is lost,
  nothing refused is delivered; when the service comes back all drains and
  readiness returns;
- full disk: the hub runs under a file-size limit (RLIMIT_FSIZE, lowered
  with prlimit mid-run: write(2) then fails as on a full disk); POSTs get 503 +
  Retry-After, none is acknowledged and lost; raising the limit back heals it;
- ordering: an `ordered: true` route keeps per-key order while the service
  fails some attempts (retries), and runs different keys in parallel; a route
  without `ordered` delivers one key's messages in parallel;
- circuit breaker: 5 failures open it (no requests while open), a probe after
  the cooldown (half-open, visible while the probe is in flight), a failed
  probe re-opens it, a good probe closes it and everything waiting drains;
- corruption: with messages pending, the hub is killed, one record in the
  middle of the spool segment is damaged and the tail is torn; on restart
  exactly those two messages are missing, every other one is delivered.
Prints 'N passed, N failed'; exit status 1 on any failure.
"""
import json
import os
import resource
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (Checker, Hub, StandIn, api_input, cleanup, free_port,  # noqa: E402
                          hub_config, national, request, route, segment_files, wait_for,
                          write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"


def post(port, path, body, headers=None):
    try:
        s, h, b = request(port, "POST", path, body, headers)
    except OSError as e:
        return None, {}, str(e).encode()
    return s, h, b


class Script:
    """What the stand-in answers, per path; changed by the test as it goes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = set()          # paths answering 503
        self.fail_first = {}       # path -> predicate(body): fail the 1st attempt of such bodies
        self.tried = set()         # keys seen once
        self.slow = {}             # path -> seconds

    def __call__(self, path, n, key, body):
        with self.lock:
            if path in self.down:
                return (503, self.slow.get(path, 0))
            pred = self.fail_first.get(path)
            if pred and key not in self.tried and pred(body):
                self.tried.add(key)
                return 503
            return (200, self.slow.get(path, 0))


def config_text(tmp, api, admin, url):
    outs = "".join(national(n, url) for n in
                   ["bp_out", "full_out", "ord_out", "par_out", "brk_out", "cor_out"])
    fast = "retry: {max_attempts: 1000, initial_backoff: 10ms, max_backoff: 50ms}"
    routes = [("bp_count", "/bp", "bp_out", "max_messages: 20"),
              ("bp_bytes", "/bpb", "bp_out", "max_bytes: 16KiB"),
              ("diskfull", "/full", "full_out"),
              ("ordered", "/ordered", "ord_out", "ordered: true"),
              ("unordered", "/unordered", "par_out"),
              ("breaker", "/breaker", "brk_out"),
              ("corrupt", "/corrupt", "cor_out")]
    return hub_config("durable", tmp, admin, api_input(api) + outs, "".join(
        route(name, path, f"{{connector: {out}, path: {path}}}", *more, fast)
        for name, path, out, *more in routes))


def delivered_keys(standin, path):
    return [k for (_, k, _, _) in standin.delivered(path)]


def back_pressure(check, hub, api, standin, script):
    script.down.update({"/bp", "/bpb"})
    accepted, refused = [], []
    for i in range(25):
        s, h, b = post(api, "/bp", json.dumps({"i": i}).encode())
        (accepted if s == 202 else refused).append((s, h.get("Retry-After"), h.get("X-Request-Id")))
    check("max_messages: 20 accepted, then refused", len(accepted) == 20 and len(refused) == 5,
          (len(accepted), refused))
    check("refused with 503 and Retry-After",
          all(s == 503 and ra and int(ra) >= 1 for s, ra, _ in refused), refused)
    st, body = hub.readyz()
    check("/readyz is 503 and names the full route",
          st == 503 and "bp_count" in json.loads(body).get("spool_full", []), (st, body))
    check("simpul_spool_full says so", hub.metric('simpul_spool_full{route="bp_count"}') == 1)
    check("rejections counted with reason spool.full",
          hub.metric('simpul_messages_rejected_total{reason="spool.full",route="bp_count"}') == 5)

    big = b'{"pad":"' + b"x" * 1000 + b'"}'
    codes = [post(api, "/bpb", big)[0] for _ in range(20)]
    n_ok = codes.count(202)
    check("max_bytes: ~1 KB bodies fill 16KiB, then 503", 8 <= n_ok < 16 and codes[n_ok:] == [503] * (20 - n_ok),
          codes)

    with script.lock:
        script.down.clear()
    ids = {i for _, _, i in accepted}
    check("when the service is back every accepted message drains",
          wait_for(lambda: set(delivered_keys(standin, "/bp")) >= ids
                   and len(delivered_keys(standin, "/bpb")) >= n_ok, 20))
    check("nothing refused was delivered",
          not (set(delivered_keys(standin, "/bp")) & {i for _, _, i in refused}))
    check("/readyz back to 200, simpul_spool_full 0",
          wait_for(lambda: hub.readyz()[0] == 200, 10)
          and hub.metric('simpul_spool_full{route="bp_count"}') == 0, hub.readyz())
    check("accepts again", post(api, "/bp", b"{}")[0] == 202)


def disk_full(check, hub, api, standin, script, tmp):
    script.down.add("/full")
    data = os.path.join(tmp, "data")
    biggest = max([os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tmp) for f in fs])
    limit = biggest + 64 * 1024
    hub.set_fsize(limit)
    body = b'{"pad":"' + b"y" * 2000 + b'"}'
    accepted, answers = [], []
    for i in range(200):
        s, h, b = post(api, "/full", body)
        if s == 202:
            accepted.append(h["X-Request-Id"])
        else:
            answers.append((s, h.get("Retry-After"), b[:120]))
            if len(answers) >= 3:
                break
    check("full disk: POSTs are refused with 503 + Retry-After, not acknowledged",
          len(answers) == 3 and all(s == 503 and ra for s, ra, _ in answers), answers)
    check("the write failure is counted",
          hub.metric('simpul_messages_rejected_total{reason="spool.io",route="diskfull"}') >= 3)
    hub.set_fsize(resource.RLIM_INFINITY)
    s, h, _ = post(api, "/full", body)
    check("space back: accepted again", s == 202, s)
    if s == 202:
        accepted.append(h["X-Request-Id"])
    with script.lock:
        script.down.discard("/full")
    check("every message acknowledged around the full disk is delivered",
          wait_for(lambda: set(delivered_keys(standin, "/full")) >= set(accepted), 20),
          (len(accepted), len(delivered_keys(standin, "/full"))))
    del data


def ordering(check, api, standin, script):
    # Every 3rd message fails its first attempt: a retry must not let the
    # key's later messages overtake it.
    with script.lock:
        script.fail_first["/ordered"] = lambda b: json.loads(b)["seq"] % 3 == 0
        script.slow["/ordered"] = 0.005
        script.slow["/unordered"] = 0.2
    keys, per_key = ["k0", "k1", "k2", "k3"], 15

    def send_key(k, path):
        for seq in range(per_key):
            post(api, path, json.dumps({"key": k, "seq": seq}).encode(), {"X-Message-Key": k})

    ts = [threading.Thread(target=send_key, args=(k, "/ordered")) for k in keys]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    done = wait_for(lambda: len(standin.delivered("/ordered")) >= len(keys) * per_key, 30)
    check("ordered route delivers everything", done, len(standin.delivered("/ordered")))
    seqs = {k: [] for k in keys}
    for (_, _, b, h) in standin.delivered("/ordered"):
        m = json.loads(b)
        seqs[m["key"]].append(m["seq"])
    check("ordered: each key's messages arrive in order despite retries",
          all(seqs[k] == list(range(per_key)) for k in keys), seqs)
    check("ordered: some first attempts failed (retries happened)",
          standin.attempts("/ordered") > len(keys) * per_key, standin.attempts("/ordered"))
    check("ordered: different keys are delivered in parallel",
          standin.max_active.get("/ordered", 0) > 1, standin.max_active)

    for i in range(8):
        post(api, "/unordered", json.dumps({"i": i}).encode(), {"X-Message-Key": "same"})
    wait_for(lambda: len(standin.delivered("/unordered")) >= 8, 20)
    check("without ordered: one key's messages are delivered in parallel",
          standin.max_active.get("/unordered", 0) > 1, standin.max_active)


def breaker(check, hub, api, standin, script):
    state = 'simpul_circuit_state{connector="brk_out"}'
    with script.lock:
        script.down.add("/breaker")
    s, h, _ = post(api, "/breaker", b'{"b":0}')
    first = h.get("X-Request-Id")
    check("opens after 5 consecutive failures",
          wait_for(lambda: hub.metric(state) == 1, 10) and standin.attempts("/breaker") == 5,
          (hub.metric(state), standin.attempts("/breaker")))
    ids = [first] + [post(api, "/breaker", json.dumps({"b": i}).encode())[1].get("X-Request-Id")
                     for i in range(1, 6)]
    time.sleep(2.0)   # the absence of requests is the point: open costs nothing
    check("no requests while open", standin.attempts("/breaker") == 5, standin.attempts("/breaker"))
    check("a probe after the cooldown fails and re-opens it",
          wait_for(lambda: standin.attempts("/breaker") == 6, 6) and wait_for(lambda: hub.metric(state) == 1, 2),
          (standin.attempts("/breaker"), hub.metric(state)))
    time.sleep(0.5)
    check("one probe only", standin.attempts("/breaker") == 6, standin.attempts("/breaker"))
    with script.lock:
        script.down.discard("/breaker")
        script.slow["/breaker"] = 0.0
        script.fail_first.pop("/breaker", None)
        slow_once = {"left": 1}

        def probe_slow(path, n, key, body, inner=script):
            if path == "/breaker" and slow_once["left"]:
                slow_once["left"] = 0
                return (200, 1.0)
            return inner(path, n, key, body)
        standin.answer = probe_slow
    check("half-open while the probe is in flight",
          wait_for(lambda: hub.metric(state) == 2, 8), hub.metric(state))
    check("a good probe closes it and the waiting messages drain",
          wait_for(lambda: set(delivered_keys(standin, "/breaker")) >= set(ids), 10)
          and hub.metric(state) == 0, (hub.metric(state), len(delivered_keys(standin, "/breaker"))))
    standin.answer = script


def corruption(check, hub, api, standin, script, tmp):
    with script.lock:
        script.down.add("/corrupt")
    n = 30
    ids = []
    for i in range(n):
        s, h, _ = post(api, "/corrupt", json.dumps({"c": f"corrupt-{i:03d}-marker"}).encode())
        ids.append(h.get("X-Request-Id") if s == 202 else None)
    check("corruption: all accepted", all(ids), ids)
    hub.kill9()
    segs = segment_files(os.path.join(tmp, "data"), "corrupt")
    check("one spool segment holds them", len(segs) == 1, segs)
    with open(segs[-1], "rb") as f:
        data = bytearray(f.read())
    mid = data.find(b"corrupt-012-marker")
    last = data.find(b"corrupt-029-marker")
    check("both records found in the segment", mid > 0 and last > mid, (mid, last))
    data[mid + 3] ^= 0x40              # one flipped bit in a middle record
    del data[last + 5:]                 # the last record torn mid-way
    with open(segs[-1], "wb") as f:
        f.write(data)
    with script.lock:
        script.down.discard("/corrupt")
    check("hub restarts on the damaged spool", hub.start())
    want = set(ids) - {ids[12], ids[29]}
    check("every undamaged message is delivered",
          wait_for(lambda: set(delivered_keys(standin, "/corrupt")) >= want, 20),
          sorted(want - set(delivered_keys(standin, "/corrupt")))[:5])
    time.sleep(0.3)
    got = set(delivered_keys(standin, "/corrupt"))
    check("only the damaged and the torn record are missing",
          got == want and ids[12] not in got and ids[29] not in got, (len(got), len(want)))
    check("accepts after recovery", post(api, "/corrupt", b"{}")[0] == 202)


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-durable-")
    script = Script()
    standin = StandIn()
    standin.answer = script
    api, admin = free_port(), free_port()
    cfg = write_file(os.path.join(tmp, "simpul.yaml"), config_text(tmp, api, admin, standin.url))
    hub = Hub(BINARY, cfg, admin, os.path.join(tmp, "hub.log"))
    check = Checker()
    try:
        check("hub starts", hub.start(fsize=resource.RLIM_INFINITY)
              and wait_for(lambda: hub.readyz()[0] == 200, 10))
        back_pressure(check, hub, api, standin, script)
        disk_full(check, hub, api, standin, script, tmp)
        ordering(check, api, standin, script)
        breaker(check, hub, api, standin, script)
        corruption(check, hub, api, standin, script, tmp)
        check("hub exits 0 on SIGTERM", hub.stop() == 0)
    finally:
        cleanup(check, tmp, hub.close, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
