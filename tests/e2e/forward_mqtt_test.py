#!/usr/bin/env python3
"""Forward mode over MQTT: no spool, and still nothing lost through kill -9.

A route `fwd` takes QoS 1 messages from its own mosquitto (persistent
session) and forwards them, `mode: forward`, to a national stand-in over
HTTP. The hub keeps nothing on disk for it: the PUBACK of a message goes out
only once the stand-in answered 2xx (or refused it for good, and the DLQ has
it), so the broker holds everything else. The stand-in answers 503 to the
first requests (the broker redelivers them later) and 422 to message 7 (a
permanent refusal: dead-lettered). The hub is SIGKILLed KILLS times
mid-stream and restarted.

Asserts:
- the publisher got every PUBACK (mosquitto_pub -q 1 exits 0);
- every message but 7 reached the stand-in at least once, with its body;
- message 7 never did, and is in the DLQ;
- the route has no spool on disk;
- redeliveries are bounded by the unacknowledged window at the kills plus
  the refused requests;
- the hub exits 0 on SIGTERM.
Usage: forward_mqtt_test.py BINARY [MESSAGES] [KILLS]
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (Checker, Hub, StandIn, cleanup, connects, free_port,  # noqa: E402
                          hub_config, mqtt_forward_route, mqtt_hub_input, national, segment_files,
                          start_mosquitto, wait_for, write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
MESSAGES = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
KILLS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
MAX_PENDING = 100   # the input's unacknowledged window (config below)
REFUSED_503 = 4     # the stand-in's first answers on /fwd (under the breaker's 5)
POISON = 7          # refused with 422 every time


def body(n):
    return json.dumps({"n": n, "pad": "f" * (50 + n % 100)})


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-forward-mqtt-")
    standin = StandIn(delay=0.001)

    def answer(path, seen, key, raw):
        if path != "/fwd":
            return 200
        if json.loads(raw)["n"] == POISON:
            return 422
        return 503 if seen < REFUSED_503 else 200
    standin.answer = answer
    admin, broker_port = free_port(), free_port()
    broker = start_mosquitto(tmp, broker_port)
    connectors = mqtt_hub_input(broker_port, "fwd-hub", MAX_PENDING) + national("national", standin.url)
    routes = mqtt_forward_route("fwd", "fwd/in", "/fwd")
    cfg = write_file(os.path.join(tmp, "simpul.yaml"), hub_config("forward-mqtt", tmp, admin, connectors, routes))
    hub = Hub(BINARY, cfg, admin, os.path.join(tmp, "hub.log"))
    check = Checker()
    pub = None
    try:
        check("broker listens", wait_for(lambda: connects(broker_port), 10))
        check("hub starts and is ready (MQTT connected)",
              hub.start() and wait_for(lambda: hub.readyz()[0] == 200, 20), hub.readyz())
        # The first connect creates the persistent session: a probe proves it.
        def probe():
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker_port), "-q", "1",
                            "-t", "fwd/in", "-m", body(-1)], timeout=10)
            return wait_for(lambda: any(json.loads(b)["n"] == -1 for (_, _, b, _) in standin.delivered("/fwd")), 2)
        check("subscription is live (probe delivered through the 503s)",
              wait_for(probe, 30, 0.1))

        pub = subprocess.Popen(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker_port), "-q", "1",
                                "-l", "-t", "fwd/in", "-i", "fwd-publisher"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        published = [0]

        def publish():
            for n in range(MESSAGES):
                pub.stdin.write((body(n) + "\n").encode())
                if n % 50 == 49:
                    pub.stdin.flush()
                    time.sleep(0.005)  # a steady stream, so the kills land mid-stream
                published[0] = n + 1
            pub.stdin.close()
        t = threading.Thread(target=publish, daemon=True)
        t.start()

        def numbers():
            return {json.loads(b)["n"] for (_, _, b, _) in standin.delivered("/fwd")}
        kills = 0
        for k in range(KILLS):
            mark = MESSAGES * (k + 1) // (KILLS + 1)
            if not wait_for(lambda: len(numbers()) >= mark, 60, 0.005):
                break
            hub.kill9()
            kills += 1
            time.sleep(0.1)
            check(f"hub restarts after kill -9 #{kills} (published {published[0]})", hub.start(), "no /readyz")
        check(f"hub was killed {KILLS} times mid-stream", kills == KILLS, kills)
        t.join(timeout=120)
        try:
            code = pub.wait(timeout=60)
        except subprocess.TimeoutExpired:
            code = None
        check("mosquitto_pub got a PUBACK for every message (exit 0)", code == 0,
              (code, pub.stderr.read().decode(errors="replace") if code is not None else ""))

        want = set(range(MESSAGES)) - {POISON}
        check("every message but the refused one reached the stand-in",
              wait_for(lambda: want <= numbers(), 60, 0.2), len(want - numbers()))
        got = standin.delivered("/fwd")
        wrong = [b for (_, _, b, _) in got if json.loads(b)["n"] >= 0 and b.decode() != body(json.loads(b)["n"])]
        check("bodies are what was published", not wrong, wrong[:2])
        check("the refused message never counted as delivered", POISON not in numbers())
        check("the refused message is in the DLQ",
              wait_for(lambda: (hub.metric('simpul_dlq_depth{route="fwd"}') or 0) >= 1, 10),
              hub.metric('simpul_dlq_depth{route="fwd"}'))
        check("a forward route keeps no spool", not segment_files(os.path.join(tmp, "data"), "fwd"),
              segment_files(os.path.join(tmp, "data"), "fwd"))
        extra = len(got) - len(numbers())
        bound = max(kills, 1) * MAX_PENDING + REFUSED_503
        check(f"redeliveries bounded by the window at the kills (<= {bound})", extra <= bound, extra)
        print(f"counts: messages={MESSAGES} kills={kills} deliveries={len(got)} "
              f"duplicates={extra} attempts={standin.attempts('/fwd')}", flush=True)
        check("hub exits 0 on SIGTERM", hub.stop() == 0)
    finally:
        if pub and pub.poll() is None:
            pub.kill()
            pub.wait()
        cleanup(check, tmp, hub.close, broker.terminate, broker.wait, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
