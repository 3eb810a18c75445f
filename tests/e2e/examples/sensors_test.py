#!/usr/bin/env python3
"""examples/sensors end to end: readings published to a real mosquitto
(started by the test) come out as normalised observations on the national
topic and in the daily NDJSON file; the edge cases in
samples/mqtt-pesan_edgecases.json give exactly the listed results."""
import datetime
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading

import harness as h

EX = os.path.join(h.EXAMPLES, "sensors")
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


class Broker:
    """mosquitto on a free port with its own config and directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="simpul-sensors-broker-")
        self.port = h.free_port()
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        self.proc = subprocess.Popen([MOSQUITTO, "-c", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Subscriber:
    """mosquitto_sub on a filter; collects (topic, payload) lines."""

    def __init__(self, port, topic_filter):
        self.lines = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1",
                                      "-t", topic_filter, "-F", "%t\t%p"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            topic, _, payload = line.rstrip("\n").partition("\t")
            with self.lock:
                self.lines.append((topic, payload))

    def messages(self):
        with self.lock:
            return list(self.lines)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def publish(port, topic, payload, retain=False):
    cmd = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", topic, "-m", payload]
    if retain:
        cmd.append("-r")
    subprocess.run(cmd, check=True, timeout=15)


def start_broker():
    """A mosquitto that answers and a subscriber on satudata/# that sees what
    is published: (broker, subscriber), or None when mosquitto did not start."""
    broker = Broker()
    if not h.wait_for(lambda: subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port),
                                              "-t", "probe", "-m", "x"], capture_output=True).returncode == 0, 10):
        print("mosquitto did not start")
        broker.stop()
        return None
    sub = Subscriber(broker.port, "satudata/#")
    # mosquitto_sub has no "subscribed" signal: wait until it sees a probe.
    h.wait_for(lambda: (publish(broker.port, "satudata/probe", "x") or True)
               and any(t == "satudata/probe" for t, _ in sub.messages()), 10, 0.2)
    return broker, sub


def start_hub(binary, broker, out_dir):
    """The sensors example's hub on `broker`, its daily files under the temp
    dir (`out_dir["dir"]` is set to that folder)."""
    def override(cfg, tmp):
        c = cfg["connectors"]
        c["broker_pemkab"]["url"] = f"tcp://127.0.0.1:{broker.port}"
        c["broker_satudata"]["url"] = f"tcp://127.0.0.1:{broker.port}"
        out_dir["dir"] = os.path.join(tmp, "satudata")
        c["arsip_harian"]["dir"] = out_dir["dir"]

    return h.Hub(binary, "sensors", override)


def run(binary):
    res = h.Results("sensors")
    started = start_broker()
    if not started:
        return 1
    broker, sub = started
    out_dir = {}
    hub = start_hub(binary, broker, out_dir)
    try:
        observations = lambda: {json.loads(p)["id"]: (t, json.loads(p)) for t, p in sub.messages()
                                if t.startswith("satudata/observasi/")}
        # Wait for the hub's subscription with a probe reading of its own
        # (published until it comes out; a reading sent before the hub
        # subscribed would simply be lost — there was no session yet).
        probe_topic = "sensor/3204/tma/TMA-CTR-03/telemetri"
        probe = json.dumps({"dev": "TMA-CTR-03", "ts": 1725163200, "tma_cm": 250, "seq": 1200})
        probe_id = "TMA-CTR-03/2024-09-01T11:00:00+07:00/tinggi_muka_air"
        res.check("hub subscribed and delivering",
                  h.wait_for(lambda: (publish(broker.port, probe_topic, probe) or True)
                             and probe_id in observations(), 30, 0.5), hub.log_text())
        samples = [json.loads(l) for l in open(os.path.join(EX, "samples", "mqtt-pesan.jsonl"), encoding="utf-8")]
        expected = {s["nama"]: h.load_json(os.path.join(EX, "expected", f"observasi-{s['nama']}.json"))
                    for s in samples}
        for s in samples:
            publish(broker.port, s["topic"], s["payload"])
        res.check("all sample readings published on the national topic",
                  h.wait_for(lambda: all(e["id"] in observations() for e in expected.values())),
                  sorted(observations()))
        for name, want in expected.items():
            topic, got = observations().get(want["id"], ("", {}))
            diff = h.json_diff(want, got)
            res.check(f"{name}: observation as expected", not diff, "\n".join(diff))
            kab, jenis = want["sumber"]["topik"].split("/")[1:3]
            res.check(f"{name}: national topic", topic == f"satudata/observasi/{kab}/{jenis}", topic)

        # Edge cases.
        cases = h.load_json(os.path.join(EX, "samples", "mqtt-pesan_edgecases.json"))["kasus"]
        for c in cases:
            publish(broker.port, c["topic"], c["payload"], c.get("retain", False))
        accepted = [c for c in cases if c["hasil"].startswith("ACCEPT")]
        n_accepted = 1 + len(expected) + len(accepted)  # with the probe
        h.wait_for(lambda: len(observations()) >= n_accepted)
        n_rejected = sum(1 for c in cases if c["hasil"] == "REJECT")
        res.check(f"{n_rejected} refused readings in the DLQ",
                  h.wait_for(lambda: hub.metric('simpul_dlq_depth{route="observasi"}') == n_rejected),
                  hub.metric('simpul_dlq_depth{route="observasi"}'))
        obs = observations()
        used = [s["topic"] for s in samples] + [c["topic"] for c in cases]
        for c in cases:
            mine = [o for _, (t, o) in obs.items() if o["sumber"]["topik"] == c["topic"]
                    and all(h.dotted(o, p) == v for p, v in c.get("harapan", {}).items())]
            name = f"{c['nama']} ({c['catatan']})"
            if c["hasil"] in ("REJECT", "IGNORE"):
                if used.count(c["topic"]) == 1:  # else the total count below covers it
                    stray = [o["id"] for _, (t, o) in obs.items() if o["sumber"]["topik"] == c["topic"]]
                    res.check(f"{name}: not published", not stray, stray)
                continue
            if not res.check(f"{name}: published with {c.get('harapan')}", len(mine) == 1,
                             [o for _, (t, o) in obs.items() if o["sumber"]["topik"] == c["topic"]]):
                continue
            warn = mine[0]["peringatan"]
            if c["hasil"] == "ACCEPT_WITH_WARNING":
                res.check(f"{name}: warns {c['peringatan']}", c["peringatan"] in warn, warn)
            else:
                res.check(f"{name}: no warning", warn == [], warn)
        res.check("no other observation was published", len(obs) == n_accepted, sorted(obs))
        dlq = hub.dlq_text()
        for c in cases:
            if c["hasil"] == "REJECT":
                res.check(f"{c['nama']}: in the DLQ with reason {c['kode_galat']}", c["kode_galat"] in dlq)

        # The daily NDJSON file holds the same observations, one per line.
        day = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        path = os.path.join(out_dir["dir"], f"observasi-{day}.ndjson")
        lines = []
        if h.wait_for(lambda: os.path.exists(path) and len(set(
                json.loads(l)["id"] for l in open(path, encoding="utf-8") if l.strip())) >= n_accepted, 10):
            lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        ids = [o["id"] for o in lines]
        res.check("daily NDJSON file has every observation",
                  sorted(set(ids)) == sorted(obs), f"{path}: {len(lines)} lines")
        res.check("each observation once (the probe aside)",
                  all(ids.count(i) == 1 for i in obs if i != probe_id), ids)
        for want in expected.values():
            got = next((o for o in lines if o["id"] == want["id"]), {})
            diff = h.json_diff(want, got)
            res.check(f"NDJSON line {want['id']} as expected", not diff, "\n".join(diff))
    finally:
        h.teardown(res, hub, sub.stop, broker.stop)
    return res.finish()


if __name__ == "__main__":
    h.main(run)
