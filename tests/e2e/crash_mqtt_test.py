#!/usr/bin/env python3
"""Crash test over HTTP AND MQTT: kill -9 the hub mid-stream, restart, check.

The sibling of crash_test.py (which streams 20,000 HTTP messages) for the
MQTT input. It starts its own mosquitto on a free 127.0.0.1 port and a hub
with two store-and-forward routes to a slow national stand-in:
  - `http_fsync` / `http_write`: HTTP POST /fsync and /write (durability
    fsync and write), clients as in crash_test;
  - `mqtt_in`: MQTT topic crash/in, QoS 1, persistent session (durability
    write), published by `mosquitto_pub -q 1 -l` (one message per line; it
    exits 0 only when the broker acknowledged — PUBACKed — every one).
Both streams run at once; the hub is SIGKILLed KILLS times mid-stream and
restarted on the same data directory. The broker keeps the hub's session:
what the hub had not PUBACKed when it died is redelivered to it (under a new
message id, the hub cannot know it saw it before).

Asserts at the end:
- the publisher got every PUBACK, and every MQTT message (by its number) was
  delivered at least once, with the body that was published;
- every HTTP message that got a 202 was delivered with Idempotency-Key = its id;
- a delivered id (Idempotency-Key) always carries the same body;
- duplicates are bounded by what can be in flight at a kill, and are told
  apart by id: the same Idempotency-Key again (delivery in flight, ack not yet
  written: <= kills x 2 x 64 per route) or, for MQTT, a broker redelivery
  under a new id (spooled, PUBACK not yet sent: <= kills x max_pending).
Usage: crash_mqtt_test.py BINARY [HTTP_MESSAGES] [MQTT_MESSAGES] [KILLS]
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_test import Sender  # noqa: E402
from durable_util import (CRASH_RETRY, Checker, Hub, StandIn, api_input, cleanup,  # noqa: E402
                          connects, free_port, hub_config, mqtt_hub_input, national, route,
                          start_mosquitto, wait_for, write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
HTTP_MESSAGES = int(sys.argv[2]) if len(sys.argv) > 2 else 6000
MQTT_MESSAGES = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
KILLS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
CLIENTS = 8
IN_FLIGHT_PER_QUEUE = 64   # delivery_queue settings.max_in_flight
MAX_PENDING = 100          # the MQTT input's unacknowledged window (config below)


def mqtt_body(n):
    return json.dumps({"n": n, "src": "mqtt", "pad": "m" * (100 + n % 200)})


class Publisher:
    """mosquitto_pub -q 1 -l, fed one line per message, paced to follow the
    HTTP stream so both are mid-stream at every kill."""

    def __init__(self, port, total, follow, follow_total):
        self.total = total
        self.sent = 0
        self.follow = follow
        self.follow_total = follow_total
        self.proc = subprocess.Popen(
            ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-l",
             "-t", "crash/in", "-i", "crash-publisher"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def run(self):
        for n in range(self.total):
            # Keep pace with the HTTP senders (never wait long for them).
            wait_for(lambda: self.follow() * self.total >= n * self.follow_total, 5, 0.002)
            self.proc.stdin.write((mqtt_body(n) + "\n").encode())
            if n % 20 == 19:
                self.proc.stdin.flush()
            self.sent = n + 1
        self.proc.stdin.close()

    def finish(self, timeout):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = None
        return code, self.proc.stderr.read().decode(errors="replace")


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-crash-mqtt-")
    standin = StandIn(delay=0.002)
    api, admin, broker_port = free_port(), free_port(), free_port()
    broker = start_mosquitto(tmp, broker_port)
    broker_line = mqtt_hub_input(broker_port, "crash-hub", MAX_PENDING)
    config = hub_config("crash-mqtt", tmp, admin,
                        api_input(api) + broker_line + national("national", standin.url),
                        route("http_fsync", "/fsync", "{connector: national, path: /fsync}",
                              "durability: fsync", CRASH_RETRY)
                        + route("http_write", "/write", "{connector: national, path: /write}",
                                "durability: write", CRASH_RETRY)
                        + "  mqtt_in:\n"
                          "    from: {connector: broker, topics: [{filter: crash/in, qos: 1}]}\n"
                          "    to: [{connector: national, path: /mqtt}]\n"
                          "    durability: write\n    " + CRASH_RETRY)
    cfg = write_file(os.path.join(tmp, "simpul.yaml"), config)
    hub = Hub(BINARY, cfg, admin, os.path.join(tmp, "hub.log"))
    check = Checker()
    started = time.time()
    publisher = None
    try:
        check("broker listens", wait_for(lambda: connects(broker_port), 10))
        check("hub starts and is ready (MQTT connected)",
              hub.start() and wait_for(lambda: hub.readyz()[0] == 200, 20), hub.readyz())
        # The first connect creates the persistent session and subscription:
        # a probe message proves it exists before the stream starts.
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker_port), "-q", "1",
                        "-t", "crash/in", "-m", mqtt_body(-1)], timeout=10)
        check("subscription is live (probe delivered)",
              wait_for(lambda: len(standin.delivered("/mqtt")) >= 1, 20))

        sender = Sender(api, HTTP_MESSAGES)
        threads = [threading.Thread(target=sender.run, daemon=True) for _ in range(CLIENTS)]
        publisher = Publisher(broker_port, MQTT_MESSAGES, sender.acked_count, HTTP_MESSAGES)
        pub_thread = threading.Thread(target=publisher.run, daemon=True)
        for t in threads + [pub_thread]:
            t.start()
        kills = 0
        for k in range(KILLS):
            mark = HTTP_MESSAGES * (k + 1) // (KILLS + 1)
            if not wait_for(lambda: sender.acked_count() >= mark, 60, 0.005):
                break
            hub.kill9()
            kills += 1
            time.sleep(0.1)
            check(f"hub restarts after kill -9 #{kills} (HTTP {sender.acked_count()}, "
                  f"MQTT published {publisher.sent})", hub.start(), "no /readyz")
        check(f"hub was killed {KILLS} times mid-stream", kills == KILLS, kills)
        for t in threads + [pub_thread]:
            t.join(timeout=120)
        code, err = publisher.finish(60)
        check("mosquitto_pub got a PUBACK for every message (exit 0)", code == 0, (code, err))
        sent_done = time.time()
        check("every HTTP message was acknowledged", sender.acked_count() == HTTP_MESSAGES,
              sender.acked_count())
        want_http = {mid: (path, body) for (path, mid, body) in dict(sender.acked).values()}

        def http_delivered():
            return standin.delivered("/fsync") + standin.delivered("/write")

        def mqtt_numbers():
            return {json.loads(b)["n"] for (_, _, b, _) in standin.delivered("/mqtt")}

        def all_delivered():
            keys = {k for (_, k, _, _) in http_delivered()}
            return all(m in keys for m in want_http) and \
                len(mqtt_numbers() & set(range(MQTT_MESSAGES))) == MQTT_MESSAGES

        check("every acknowledged message (HTTP and MQTT) is delivered",
              wait_for(all_delivered, 60, 0.2),
              (len(set(want_http) - {k for (_, k, _, _) in http_delivered()}),
               MQTT_MESSAGES - len(mqtt_numbers() & set(range(MQTT_MESSAGES)))))
        delivered_at = time.time()
        time.sleep(0.3)  # late duplicates of in-flight retries
        http_got = http_delivered()
        mqtt_got = standin.delivered("/mqtt")

        # HTTP: ids and bodies as acknowledged
        wrong = [k for (p, k, b, _) in http_got if k in want_http and want_http[k] != (p, b)]
        check("HTTP deliveries carry the body and path of their 202's id", not wrong, wrong[:3])

        # MQTT: every delivery has an id; an id has one body; a number one body
        by_key, by_n = {}, {}
        for _, key, body, _ in mqtt_got:
            by_key.setdefault(key, []).append(body)
            n = json.loads(body)["n"]
            by_n.setdefault(n, set()).add(key)
        check("every MQTT delivery carries an Idempotency-Key", "" not in by_key)
        check("an MQTT id is never delivered with two bodies",
              all(len(set(v)) == 1 for v in by_key.values()))
        bad_body = [n for n in range(MQTT_MESSAGES) if n in by_n and any(
            json.loads(by_key[k][0]) != json.loads(mqtt_body(n)) for k in by_n[n])]
        check("MQTT bodies are what was published", not bad_body, bad_body[:3])

        http_keys = {}
        for _, key, _, _ in http_got:
            http_keys[key] = http_keys.get(key, 0) + 1
        same_id = sum(len(v) - 1 for v in by_key.values()) + sum(c - 1 for c in http_keys.values())
        redelivered = sum(len(ids) - 1 for ids in by_n.values())
        bound_same = max(kills, 1) * 2 * 2 * IN_FLIGHT_PER_QUEUE
        bound_new = max(kills, 1) * MAX_PENDING
        check(f"same-id re-deliveries bounded by deliveries in flight at the kills "
              f"(<= {bound_same})", same_id <= bound_same, same_id)
        check(f"MQTT redeliveries under a new id bounded by the unacknowledged window at "
              f"the kills (<= {bound_new})", redelivered <= bound_new, redelivered)
        print(f"counts: http={HTTP_MESSAGES} mqtt={MQTT_MESSAGES} kills={kills} "
              f"http_requests={sender.attempts} http_connection_errors={sender.conn_errors} "
              f"http_deliveries={len(http_got)} mqtt_deliveries={len(mqtt_got)} "
              f"same_id_duplicates={same_id} mqtt_redelivered_new_id={redelivered} "
              f"send_s={sent_done - started:.1f} all_delivered_s={delivered_at - started:.1f}",
              flush=True)
        check("hub exits 0 on SIGTERM", hub.stop() == 0)
    finally:
        if publisher and publisher.proc.poll() is None:
            publisher.proc.kill()
            publisher.proc.wait()
        cleanup(check, tmp, hub.close, broker.terminate, broker.wait, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
