#!/usr/bin/env python3
"""A reload does not make an MQTT input fight its successor for the session.

On SIGHUP the new generation's mqtt input connects under the same client id,
and the broker closes the old generation's connection. The old input used to
reconnect 50 ms later, take the session back, lose it again, and so on: each
takeover made the broker send every unacknowledged message once more (the
messages in flight reached the output three times). Now the old input, told
to stop taking messages, does not reconnect: a message in flight at the
reload reaches the output at most twice (the old generation finishes it, and
the broker hands it to the new input, which never saw its PUBACK).
Usage: mqtt_reload_test.py BINARY
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (Checker, Hub, StandIn, cleanup, connects, free_port,  # noqa: E402
                          hub_config, mqtt_forward_route, mqtt_hub_input, national, start_mosquitto,
                          wait_for,
                          write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
MESSAGES = 5


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-mqtt-reload-")
    standin = StandIn(delay=1.5)  # the messages are in flight when the reload comes
    admin, broker_port = free_port(), free_port()
    broker = start_mosquitto(tmp, broker_port)
    connectors = mqtt_hub_input(broker_port, "reload-hub", 100) + national("national", standin.url)
    routes = mqtt_forward_route("fwd", "reload/in", "/x")
    cfg = write_file(os.path.join(tmp, "simpul.yaml"), hub_config("mqtt-reload", tmp, admin, connectors, routes))
    hub = Hub(BINARY, cfg, admin, os.path.join(tmp, "hub.log"))
    check = Checker()
    try:
        check("broker listens", wait_for(lambda: connects(broker_port), 10))
        check("hub starts and is ready", hub.start() and wait_for(lambda: hub.readyz()[0] == 200, 20))
        for n in range(MESSAGES):
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker_port), "-q", "1",
                            "-t", "reload/in", "-m", json.dumps({"n": n})], timeout=10, check=False)
        check("the messages reach the stand-in", wait_for(lambda: standin.attempts("/x") >= MESSAGES, 10),
              standin.attempts("/x"))
        hub.proc.send_signal(signal.SIGHUP)  # same config: the route and its input are replaced
        time.sleep(6)  # the old generation finishes, the new one gets the redeliveries
        counts = {}
        for (_, _, b, _) in standin.delivered("/x"):
            n = json.loads(b)["n"]
            counts[n] = counts.get(n, 0) + 1
        check("every message delivered", sorted(counts) == list(range(MESSAGES)), counts)
        check("a message in flight at the reload is delivered at most twice",
              all(c <= 2 for c in counts.values()), counts)
        check("hub exits 0 on SIGTERM", hub.stop() == 0)
    finally:
        cleanup(check, tmp, hub.close, broker.terminate, broker.wait, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
