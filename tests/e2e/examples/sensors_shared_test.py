#!/usr/bin/env python3
"""examples/sensors against the shared sensor samples (../shared/spbe/samples/sensor):
the five captured MQTT messages of `mqtt_messages.jsonl` (the regency's own
topic layout kabbandung/<perangkat daerah>/<jenis>/<stasiun>/<telemetri|raw|status>:
JSON with epoch seconds, a legacy ';' line, an air-quality reading in local
time with a null value, and a retained `offline` last will) are published,
as captured, to a real mosquitto; the national topic must carry exactly the
observations of `satudata_observasi.json`, field by field, except what is
the example's own (its `schema` id, the wording of `klasifikasi.skema` /
`klasifikasi.catatan`, and the extra `stasiun.jenis` and `peringatan`
fields). The last will is not an observation: nothing published, nothing
in the DLQ. Exit 77 (CTest skip) without the shared folder."""
import json
import os
import subprocess

import harness as h
import sensors_test as s

MESSAGES = ("sensor", "mqtt_messages.jsonl")
TARGET = ("sensor", "satudata_observasi.json")
OWN = ("$.schema", "$.klasifikasi.skema", "$.klasifikasi.catatan", "$.stasiun.jenis", "$.peringatan")


def run(binary):
    messages_path, target_path = h.shared_sample(*MESSAGES), h.shared_sample(*TARGET)
    if not (messages_path and target_path):
        print(f"SKIP sensors_shared: the shared sensor samples are not in {h.SHARED_SAMPLES}/sensor")
        return h.SKIP
    res = h.Results("sensors_shared")
    broker = s.Broker()
    if not h.wait_for(lambda: subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port),
                                              "-t", "probe", "-m", "x"], capture_output=True).returncode == 0, 10):
        print("mosquitto did not start")
        broker.stop()
        return 1
    sub = s.Subscriber(broker.port, "satudata/#")
    h.wait_for(lambda: (s.publish(broker.port, "satudata/probe", "x") or True)
               and any(t == "satudata/probe" for t, _ in sub.messages()), 10, 0.2)

    def override(cfg, tmp):
        c = cfg["connectors"]
        c["broker_pemkab"]["url"] = f"tcp://127.0.0.1:{broker.port}"
        c["broker_satudata"]["url"] = f"tcp://127.0.0.1:{broker.port}"
        c["arsip_harian"]["dir"] = os.path.join(tmp, "satudata")

    hub = h.Hub(binary, "sensors", override)
    try:
        observations = lambda: {json.loads(p)["id"]: (t, json.loads(p)) for t, p in sub.messages()
                                if t.startswith("satudata/observasi/")}
        # The hub's subscriptions are made at connect, for both routes: a
        # probe on the example's own layout tells when they are in place.
        probe = json.dumps({"dev": "TMA-CTR-03", "ts": 1725163200, "tma_cm": 250, "seq": 1200})
        probe_id = "TMA-CTR-03/2024-09-01T11:00:00+07:00/tinggi_muka_air"
        res.check("hub subscribed and delivering",
                  h.wait_for(lambda: (s.publish(broker.port, "sensor/3204/tma/TMA-CTR-03/telemetri", probe) or True)
                             and probe_id in observations(), 30, 0.5), hub.log_text())
        with open(messages_path, encoding="utf-8") as f:
            captured = [json.loads(line) for line in f if line.strip()]
        for m in captured:
            s.publish(broker.port, m["topic"], m["payload"], m.get("retain", False))
        want = h.load_json(target_path)
        res.check(f"{len(want)} observations published",
                  h.wait_for(lambda: all(w["id"] in observations() for w in want)), sorted(observations()))
        own = []
        for w in want:
            topic, got = observations().get(w["id"], ("", {}))
            diff = h.json_diff(w, got)
            own += [f"{w['id']}: {d}" for d in diff if d.split(":", 1)[0] in OWN]
            rest = [d for d in diff if d.split(":", 1)[0] not in OWN]
            res.check(f"{w['id']}: observation as in satudata_observasi.json", got and not rest, "\n".join(rest))
            jenis = w["sumber"]["topik"].split("/")[2]
            res.check(f"{w['id']}: national topic", topic == f"satudata/observasi/3204/{jenis}", topic)
        h.wait_for(lambda: len(observations()) > len(want) + 1, 2)
        res.check("nothing else published (the retained last will is not an observation)",
                  len(observations()) == len(want) + 1, sorted(observations()))
        res.check("nothing refused",
                  hub.metric('simpul_dlq_depth{route="observasi_kabbandung"}') == 0
                  and hub.metric('simpul_dlq_depth{route="observasi"}') == 0, hub.dlq_text()[:2000])
        print("sensors_shared: differences that belong to the example:\n  " + ("\n  ".join(own) or "none"))
    finally:
        if res.failed:
            print(hub.log_text())
        hub.stop()
        sub.stop()
        broker.stop()
    return res.finish()


if __name__ == "__main__":
    h.main(run)
