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

import harness as h
import sensors_test as s

MESSAGES = ("sensor", "mqtt_messages.jsonl")
TARGET = ("sensor", "satudata_observasi.json")
OWN = ("$.schema", "$.klasifikasi.skema", "$.klasifikasi.catatan", "$.stasiun.jenis", "$.peringatan")


def run(binary):
    paths = h.shared_samples("sensors_shared", "sensor", MESSAGES, TARGET)
    if not paths:
        return h.SKIP
    messages_path, target_path = paths
    res = h.Results("sensors_shared")
    started = s.start_broker()
    if not started:
        return 1
    broker, sub = started
    hub = s.start_hub(binary, broker, {})
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
        h.teardown(res, hub, sub.stop, broker.stop)
    return res.finish()


if __name__ == "__main__":
    h.main(run)
