#!/usr/bin/env python3
"""examples/perkasa end to end (request-reply): a permit request that passes
the checks reaches the national stand-in as the expected normalised request,
one that fails a check reaches the review-desk stand-in instead, and the
caller gets either answer in its own field names. The edge cases in
samples/permohonan_edgecases.json must give exactly the listed result."""
import copy
import json
import os

import harness as h

EX = os.path.join(h.EXAMPLES, "perkasa")
NATIONAL = "/api/v1/izin-pdln"
DESK = "/telaah/izin-pdln"


def answer(path, body):
    """The two services' answers: a registration number, or a queue number."""
    req = json.loads(body)
    if path == NATIONAL:
        serial = req["id_sumber"].rsplit("-", 1)[-1]
        return 201, json.dumps({"id_sumber": req["id_sumber"], "status": "DITERIMA",
                                "nomor_registrasi": f"PDLN/2025/11/{serial}",
                                "diterima_pada": "2025-11-03T02:12:44Z"}).encode()
    return 202, json.dumps({"id_sumber": req["id_sumber"], "status": "MENUNGGU_TELAAH",
                            "nomor_antrean": 7, "alasan": req["pemeriksaan"]["alasan"]}).encode()


def start(binary):
    """The perkasa example's hub on a free API port, both services answered
    by one stand-in: (hub, stand-in, API port)."""
    stand_in = h.StandIn(answer)
    api_port = h.free_port()

    def override(cfg, tmp):
        c = cfg["connectors"]
        c["sedunia_api"]["listen"] = f"127.0.0.1:{api_port}"
        c["perkasa_nasional"]["url"] = f"http://127.0.0.1:{stand_in.port}{NATIONAL}"
        c["needs-review"]["url"] = f"http://127.0.0.1:{stand_in.port}{DESK}"

    return h.Hub(binary, "perkasa", override), stand_in, api_port


def run(binary):
    res = h.Results("perkasa")
    hub, stand_in, api_port = start(binary)
    try:
        call = lambda doc: h.post(api_port, "/sedunia/permohonan-pdln",
                                  json.dumps(doc).encode(), "application/json")
        received = lambda path, rid: [b for b in stand_in.bodies(path) if b.get("id_sumber") == rid]

        # 1. The sample request: forwarded, answered in SEDUNIA's names.
        base = h.load_json(os.path.join(EX, "samples", "permohonan-00521.json"))
        status, body = call(base)
        res.check("sample request answered with the national service's status", status == 201, f"{status} {body}")
        want_reply = {"id_permohonan": "SDN-2025-11-00521", "status_permohonan": "TERKIRIM_KE_KEMENDAGRI",
                      "no_registrasi": "PDLN/2025/11/00521", "no_antrean_telaah": None, "catatan": None,
                      "tgl_diterima": "03-11-2025 09.12"}
        try:
            got_reply = json.loads(body)
        except ValueError:
            got_reply = body
        diff = h.json_diff(want_reply, got_reply)
        res.check("reply mapped back to the province's field names", not diff, "\n".join(diff))
        sent = received(NATIONAL, "SDN-2025-11-00521")
        diff = h.json_diff(h.load_json(os.path.join(EX, "expected", "permohonan-00521.json")),
                           sent[0] if sent else {})
        res.check("national service received the expected request", len(sent) == 1 and not diff, "\n".join(diff))

        # 2. Edge cases.
        cases = h.load_json(os.path.join(EX, "samples", "permohonan_edgecases.json"))["kasus"]
        for c in cases:
            doc = copy.deepcopy(base)
            doc["id_permohonan"] = rid = f"SDN-2025-11-{c['nama']}"
            doc.update(copy.deepcopy(c.get("ganti", {})))
            for idx, fields in c.get("ganti_peserta", {}).items():
                doc["peserta"][int(idx)].update(fields)
            status, body = call(doc)
            try:
                reply = json.loads(body)
            except ValueError:
                reply = {}
            nat, desk = received(NATIONAL, rid), received(DESK, rid)
            name = f"{c['nama']} ({c['catatan']})"
            if c["hasil"] == "TOLAK":
                res.check(f"{name}: refused 422 with {c['kode_galat']}",
                          status == 422 and c["kode_galat"] in body and not nat and not desk,
                          f"{status} {body}; national {len(nat)}, desk {len(desk)}")
            elif c["hasil"] == "TERUSKAN":
                ok = status == 201 and reply.get("status_permohonan") == "TERKIRIM_KE_KEMENDAGRI"
                res.check(f"{name}: forwarded to the national service", ok and len(nat) == 1 and not desk,
                          f"{status} {body}; national {len(nat)}, desk {len(desk)}")
                for path, value in c.get("harapan", {}).items():
                    got = h.dotted(nat[0], path) if nat else "<not sent>"
                    res.check(f"{name}: {path}", got == value, f"expected {value!r}, got {got!r}")
            else:
                ok = status == 202 and reply.get("status_permohonan") == "PERLU_TELAAH"
                res.check(f"{name}: sent to needs-review, not to the national service",
                          ok and len(desk) == 1 and not nat, f"{status} {body}; national {len(nat)}, desk {len(desk)}")
                got = desk[0]["pemeriksaan"]["alasan"] if desk else None
                res.check(f"{name}: reasons {c['alasan']}", got == c["alasan"], f"got {got}")
                res.check(f"{name}: caller told the reasons", reply.get("catatan") == "; ".join(c["alasan"]),
                          reply.get("catatan"))
    finally:
        h.teardown(res, hub, stand_in.stop)
    return res.finish()


if __name__ == "__main__":
    h.main(run)
