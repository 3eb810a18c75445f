#!/usr/bin/env python3
"""examples/budget end to end: an e-budgeting CSV export dropped in the
watched folder reaches the national finance stand-in as one JSON document;
an export whose rows do not add up to JUMLAH is not sent and lands in
failed/ with the reason in its sidecar."""
import os

import harness as h

EX = os.path.join(h.EXAMPLES, "budget")
NATIONAL = "/api/v1/realisasi-anggaran"


def start(binary):
    """The budget example's hub with its drop folder in the temp dir and the
    national finance stand-in: (hub, stand-in, drop folder)."""
    national = h.StandIn()
    drop = {}

    def override(cfg, tmp):
        c = cfg["connectors"]
        c["keuangan_nasional"]["url"] = f"http://127.0.0.1:{national.port}{NATIONAL}"
        drop["dir"] = os.path.join(tmp, "drop")
        c["ebudgeting_drop"]["dir"] = drop["dir"]
        c["ebudgeting_drop"]["complete_when"] = "rename"
        c["ebudgeting_drop"]["rescan_interval"] = "200ms"

    return h.Hub(binary, "budget", override), national, drop["dir"]


def run(binary):
    res = h.Results("budget")
    hub, national, drop_dir = start(binary)
    try:
        processed = os.path.join(drop_dir, "processed")
        failed = os.path.join(drop_dir, "failed")
        done = lambda d, name: os.path.isdir(d) and any(
            n.startswith(name) and not n.endswith(".error.json") for n in os.listdir(d))

        # 1. Good exports: one document each, equal to the expected one.
        for name in ("lra-dinkes-2024-10", "lra_edgecases"):
            before = len(national.bodies(NATIONAL))
            h.drop_file(os.path.join(EX, "samples", name + ".csv"), drop_dir)
            res.check(f"{name}: one document delivered",
                      h.wait_for(lambda: len(national.bodies(NATIONAL)) == before + 1), hub.log_text())
            res.check(f"{name}: file moved to processed/", h.wait_for(lambda: done(processed, name + ".csv")))
            got = national.bodies(NATIONAL)[-1] if len(national.bodies(NATIONAL)) > before else {}
            diff = h.json_diff(h.load_json(os.path.join(EX, "expected", name + ".json")), got)
            res.check(f"{name}: document as expected", not diff, "\n".join(diff))

        # 2. JUMLAH does not match the rows: not sent, failed/ + reason.
        name = "lra-dinkes-2024-10-jumlah-salah.csv"
        before = len(national.bodies(NATIONAL))
        h.drop_file(os.path.join(EX, "samples", name), drop_dir)
        res.check("inconsistent export moved to failed/ with a sidecar",
                  h.wait_for(lambda: any(s["file"] == name for s in h.sidecars(failed))), hub.log_text())
        side = next((s for s in h.sidecars(failed) if s["file"] == name), {"failed": []})
        reason = side["failed"][0]["reason"] if side["failed"] else ""
        res.check("the reason names JUMLAH_TIDAK_COCOK and the wrong sum",
                  "JUMLAH_TIDAK_COCOK" in reason and "171571845.67" in reason, reason)
        res.check("nothing sent for the inconsistent export", len(national.bodies(NATIONAL)) == before)
        res.check("the refused export is in the DLQ",
                  h.wait_for(lambda: hub.metric('simpul_dlq_depth{route="realisasi_anggaran"}') == 1, 5),
                  hub.metric('simpul_dlq_depth{route="realisasi_anggaran"}'))
    finally:
        h.teardown(res, hub, national.stop)
    return res.finish()


if __name__ == "__main__":
    h.main(run)
