#!/usr/bin/env python3
"""The README's five-minute demo (examples/demo, what `make run` starts),
step by step through the binary: the XML sample posted to /simadu/pengaduan
reaches the hub's own national stand-in route and lands in the national
folder as the lapor example's expected record; /metrics counts the delivery;
the bad-NIK sample is answered 422 and `simpul dlq list` / `dlq show` (the
commands the README gives, reading the admin address and token from the
config) show it with its reason. Ports and folders move into a temp dir."""
import glob
import json
import os
import subprocess

import harness as h

LAPOR = os.path.join(h.EXAMPLES, "lapor")


def run(binary):
    res = h.Results("demo")
    api, standin = h.free_port(), h.free_port()
    state = {}

    def override(cfg, tmp):
        c = cfg["connectors"]
        c["regional_api"]["listen"] = f"127.0.0.1:{api}"
        c["national_standin_api"]["listen"] = f"127.0.0.1:{standin}"
        c["national"]["url"] = f"http://127.0.0.1:{standin}/api/v1/pengaduan"
        state["inbox"] = os.path.join(tmp, "national")
        c["national_inbox"]["dir"] = state["inbox"]
        token = cfg["hub"]["admin"]["token"]
        res.check("the demo's admin token comes from a file next to the config",
                  token == "${file:admin-token}", token)
        cfg["hub"]["admin"]["token"] = "${file:" + os.path.join(h.EXAMPLES, "demo", "admin-token") + "}"

    hub = h.Hub(binary, "demo", override)
    try:
        with open(os.path.join(LAPOR, "samples", "pengaduan-0871.xml"), "rb") as f:
            status, body = h.post(api, "/simadu/pengaduan", f.read(), "application/xml")
        res.check("the XML sample is answered 202 with the message id",
                  status == 202 and "id" in json.loads(body), f"{status} {body}")
        inbox = state["inbox"]
        res.check("one record lands in the national folder",
                  h.wait_for(lambda: len(glob.glob(os.path.join(inbox, "*.json"))) == 1),
                  os.listdir(inbox) if os.path.isdir(inbox) else "no folder")
        files = glob.glob(os.path.join(inbox, "*.json"))
        if files:
            got = h.load_json(files[0])
            want = h.load_json(os.path.join(LAPOR, "expected", "pengaduan-0871.json"))
            diff = h.json_diff(want, got)
            res.check("it is the lapor example's expected national record", not diff, "\n".join(diff))
        res.check("/metrics counts the delivery",
                  h.wait_for(lambda: hub.metric(
                      'simpul_messages_delivered_total{connector="national",route="pengaduan"}') == 1))

        with open(os.path.join(LAPOR, "samples", "pengaduan-0873-nik-salah.xml"), "rb") as f:
            status, body = h.post(api, "/simadu/pengaduan", f.read(), "application/xml")
        res.check("the bad-NIK sample is answered 422 naming NIK_FORMAT",
                  status == 422 and "NIK_FORMAT" in body, f"{status} {body}")
        dlq = [binary, "dlq", "list", "-c", hub.config_path]
        out = subprocess.run(dlq, capture_output=True, text=True, timeout=30)
        rows = out.stdout.splitlines()
        res.check("`simpul dlq list -c CONFIG` shows it with its route and reason",
                  out.returncode == 0 and len(rows) >= 2 and "pengaduan" in rows[1] and "map.error" in rows[1],
                  out.stdout + out.stderr)
        if out.returncode == 0 and len(rows) >= 2:
            show = subprocess.run([binary, "dlq", "show", "-c", hub.config_path, rows[1].split()[0]],
                                  capture_output=True, text=True, timeout=30)
            res.check("`simpul dlq show` gives the reason and the original XML, personal data masked",
                      show.returncode == 0 and "NIK_FORMAT" in show.stdout
                      and "<no_tiket>ADU-3374-20240902-0873</no_tiket>" in show.stdout
                      and "0813-9000-2718" not in show.stdout, show.stdout + show.stderr)
        res.check("nothing of the bad record was delivered",
                  len(glob.glob(os.path.join(inbox, "*.json"))) == 1)
        res.check("/metrics shows the DLQ depth",
                  hub.metric('simpul_dlq_depth{route="pengaduan"}') == 1)
    finally:
        h.teardown(res, hub)
    return res.finish()


if __name__ == "__main__":
    h.main(run)
