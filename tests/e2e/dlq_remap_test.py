#!/usr/bin/env python3
"""Replay of delivery failures through a corrected mapping, end to end.

A real hub maps `{"nama": .., "nik": ..}` with a mapping that writes the
wrong field; a real stand-in of the national service answers 422 to any body
without `nama_pelapor`, so every message is dead-lettered (delivery.permanent).
Then:
  - `simpul dlq show` shows the mapped body AND the original (masked);
  - `simpul dlq replay ID` (no --remap) sends the stored, already mapped body
    again: same body, same Idempotency-Key, 422 again, back in the DLQ;
  - the config is corrected (new mapping, plus a filter that drops one
    message) and applied with POST /admin/reload;
  - `simpul dlq replay --remap --route R` maps the originals again with the
    route's current steps: the stand-in gets the corrected bodies with the
    original ids; the message the new filter drops is refused with
    replay.filtered and stays in the DLQ.
Prints PASS/FAIL lines and 'N passed, N failed'; exit status 1 on failure.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from durable_util import (Checker, Hub, QuietHandler, api_input, cleanup, free_port,  # noqa: E402
                          hub_config, http_outputs, metric, ready, request, serve, stop_server,
                          wait_for, write_file)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
TOKEN = "e2e-remap-token"
NIK = "3204050101900001"


class ValidatingStandIn:
    """National stand-in: 422 unless the JSON body has `nama_pelapor`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (status answered, Idempotency-Key, body dict)
        outer = self

        class Handler(QuietHandler):
            def do_POST(self):
                try:
                    body = json.loads(self.body())
                except ValueError:
                    body = None
                ok = isinstance(body, dict) and "nama_pelapor" in body
                status = 200 if ok else 422
                answer = b'{"ok":true}' if ok else b'{"error":"nama_pelapor wajib diisi"}'
                with outer.lock:
                    outer.requests.append((status, self.headers.get("Idempotency-Key"), body))
                self.reply(status, answer)

        self.server = serve(Handler)
        self.port = self.server.server_address[1]

    def seen(self):
        with self.lock:
            return list(self.requests)

    def stop(self):
        stop_server(self.server)


MAPPING = """name: {name}
version: "{version}"
input: {{format: json}}
output: {{format: json}}
fields:
  {field}: nama
  nik: nik
"""


def config_text(tmp, api, admin, standin, mapping_file, filtered):
    steps = "      - filter: 'nama != \"Budi\"'\n" if filtered else ""
    return hub_config("remap-e2e", tmp, admin, api_input(api) + http_outputs(
        f"http://127.0.0.1:{standin}", ("national", "/pengaduan", "2s")), f"""
  lapor:
    from: {{connector: api, path: /lapor}}
    steps:
{steps}      - map: ke_nasional
    to: [national]
    retry: {{max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms}}
""", admin_extra=', token: "${env:SIMPUL_ADMIN_TOKEN}"',
                      extra=f"mappings:\n  ke_nasional: {mapping_file}\n")


def main():
    os.environ["SIMPUL_ADMIN_TOKEN"] = TOKEN
    tmp = tempfile.mkdtemp(prefix="simpul-remap-e2e-")
    standin = ValidatingStandIn()
    api, admin = free_port(), free_port()
    with open(os.path.join(tmp, "salah.yaml"), "w") as f:
        f.write(MAPPING.format(name="ke_nasional", version="1", field="nama_lengkap"))
    with open(os.path.join(tmp, "benar.yaml"), "w") as f:
        f.write(MAPPING.format(name="ke_nasional", version="2", field="nama_pelapor"))
    cfg = os.path.join(tmp, "simpul.yaml")

    def write_config(mapping_file, filtered):
        write_file(cfg, config_text(tmp, api, admin, standin.port, mapping_file, filtered))

    write_config("salah.yaml", False)
    hub = Hub(BINARY, cfg, admin, os.path.join(tmp, "hub.log"))
    check = Checker()

    def cli(*args):
        r = subprocess.run([BINARY, "dlq", *args, "-c", cfg], capture_output=True, text=True,
                           timeout=60)
        return r.returncode, r.stdout, r.stderr

    def depth():
        return metric(admin, 'simpul_dlq_depth{route="lapor"}')

    def entries():
        code, out, _ = cli("list", "--json")
        return json.loads(out)["items"] if code == 0 else []

    hub.start(wait_ready=False)
    try:
        check("hub starts", wait_for(lambda: ready(admin), 15))
        ids = {}
        for nama in ("Siti", "Agus", "Budi"):
            s, _, b = request(api, "POST", "/lapor", json.dumps({"nama": nama, "nik": NIK}).encode())
            ids[nama] = json.loads(b)["id"] if s == 202 else None
        check("accepted (202) with ids", all(ids.values()), ids)
        check("the wrong mapping's output is dead-lettered", wait_for(lambda: depth() == 3),
              (depth(), standin.seen()))
        # DLQ oldest-age metric per route: positive while entries wait, and growing.
        def oldest():
            return metric(admin, 'simpul_dlq_oldest_age_seconds{route="lapor"}') or 0.0
        check("simpul_dlq_oldest_age_seconds is positive while entries wait",
              wait_for(lambda: oldest() >= 0.2, 5), oldest())
        first_age = oldest()
        check("... and grows", wait_for(lambda: oldest() >= first_age + 0.2, 5),
              (first_age, oldest()))
        items = entries()
        by_msg = {i["message_id"]: i for i in items}
        check("DLQ entries are delivery failures with the 422",
              len(items) == 3 and all(i["reason"] == "delivery.permanent" and i["last_status"] == 422
                                      and i["target"] == "national" for i in items), items)

        siti = by_msg.get(ids["Siti"], {}).get("id", "x")
        code, out, err = cli("show", siti)
        check("dlq show has the mapped body and the original body",
              code == 0 and "nama_lengkap" in out and "original body:" in out
              and '"nama"' in out.split("original body:")[1], (code, out, err))
        check("dlq show masks the NIK in both bodies", code == 0 and NIK not in out, out)
        code, out, err = cli("show", siti, "--json")
        shown = json.loads(out) if code == 0 else {}
        check("admin API show has message and original", "nama_lengkap" in
              shown.get("message", {}).get("body", "") and "nama" in
              shown.get("original", {}).get("body", ""), shown)

        # --- replay without --remap: the stored (wrongly mapped) body again
        before = len(standin.seen())
        code, out, err = cli("replay", siti)
        check("replay without --remap is taken", code == 0 and "replayed 1" in out, (code, out, err))
        check("... and sent again", wait_for(lambda: len(standin.seen()) >= before + 1), standin.seen())
        again = [r for r in standin.seen()[before:] if r[1] == ids["Siti"]]
        check("... with the stored body and the same Idempotency-Key",
              len(again) >= 1 and again[0][0] == 422 and "nama_lengkap" in again[0][2]
              and "nama_pelapor" not in again[0][2], again)
        check("... and is dead-lettered again", wait_for(lambda: depth() == 3), depth())
        items = entries()
        by_msg = {i["message_id"]: i for i in items}
        code, out, _ = cli("show", by_msg.get(ids["Siti"], {}).get("id", "x"), "--json")
        orig = json.loads(out).get("original", {}).get("body", "") if code == 0 else ""
        check("the new entry still has the original (a later --remap can map it)",
              '"nama"' in orig and "nama_lengkap" not in orig, out)

        # --- correct the config and reload
        write_config("benar.yaml", True)
        s, _, b = request(admin, "POST", "/admin/reload", b"", {"Authorization": "Bearer " + TOKEN})
        check("reload with the corrected mapping is applied", s == 200, (s, b))

        before = len(standin.seen())
        code, out, err = cli("replay", "--remap", "--route", "lapor")
        check("replay --remap: two replayed, the filtered one refused",
              code == 1 and "replayed 2" in out and "replay.filtered" in err, (code, out, err))
        check("the corrected bodies are delivered",
              wait_for(lambda: sum(1 for r in standin.seen()[before:] if r[0] == 200) == 2),
              standin.seen()[before:])
        ok = [r for r in standin.seen()[before:] if r[0] == 200]
        check("... mapped by the current mapping, with the original ids as Idempotency-Key",
              sorted(r[1] for r in ok) == sorted([ids["Siti"], ids["Agus"]])
              and all(r[2].get("nama_pelapor") in ("Siti", "Agus") for r in ok), ok)
        check("nothing was sent for the filtered message",
              all(r[1] != ids["Budi"] for r in standin.seen()[before:]), standin.seen()[before:])
        items = entries()
        check("only the filtered message stays in the DLQ",
              wait_for(lambda: depth() == 1) and len(items) == 1
              and items[0]["message_id"] == ids["Budi"], items)
    finally:
        cleanup(check, tmp, lambda: hub.stop(timeout=15), hub.close, standin.stop)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
