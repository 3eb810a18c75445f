#!/usr/bin/env python3
"""examples/perkasa against the shared travel-permit samples
(../shared/spbe/samples/travel_permit): the provincial export
`regional_request_jateng.json` is POSTed, unchanged, to the example's
request-reply route; the national stand-in must receive exactly
`perkasa_request_normalized.json` (field by field, readable diff), except
for two things that belong to the example: its own `schema` id and the
routing verdict `pemeriksaan.lolos` / `pemeriksaan.alasan` (which picks
the national output or the review desk). The caller must get the national
answer in the province's field names. Exit 77 (CTest skip) without the
shared folder."""
import json

import harness as h
import perkasa_test

REQUEST = ("travel_permit", "regional_request_jateng.json")
TARGET = ("travel_permit", "perkasa_request_normalized.json")
OWN = ("$.schema", "$.pemeriksaan.lolos", "$.pemeriksaan.alasan")


def run(binary):
    paths = h.shared_samples("perkasa_shared", "travel-permit", REQUEST, TARGET)
    if not paths:
        return h.SKIP
    request_path, target_path = paths
    res = h.Results("perkasa_shared")
    hub, stand_in, api_port = perkasa_test.start(binary)
    try:
        with open(request_path, "rb") as f:
            status, body = h.post(api_port, "/sedunia/permohonan-pdln", f.read(), "application/json")
        want = h.load_json(target_path)
        rid = want["id_sumber"]
        res.check("the shared request is answered with the national service's status", status == 201,
                  f"{status} {body}")
        try:
            reply = json.loads(body)
        except ValueError:
            reply = {}
        res.check("the answer uses the province's field names",
                  reply.get("id_permohonan") == rid and reply.get("status_permohonan") == "TERKIRIM_KE_KEMENDAGRI"
                  and reply.get("no_registrasi") == "PDLN/2025/11/" + rid.rsplit("-", 1)[-1], reply)
        sent = [b for b in stand_in.bodies(perkasa_test.NATIONAL) if b.get("id_sumber") == rid]
        desk = [b for b in stand_in.bodies(perkasa_test.DESK) if b.get("id_sumber") == rid]
        res.check("forwarded once to the national service, not to the review desk",
                  len(sent) == 1 and not desk, f"national {len(sent)}, desk {len(desk)}")
        got = sent[0] if sent else {}
        diff = h.json_diff(want, got)
        mine = [d for d in diff if d.split(":", 1)[0] in OWN]
        rest = [d for d in diff if d.split(":", 1)[0] not in OWN]
        res.check("national request equals perkasa_request_normalized.json", not rest, "\n".join(rest))
        res.check("the example's routing verdict: passed, no reasons",
                  got.get("pemeriksaan", {}).get("lolos") is True and got.get("pemeriksaan", {}).get("alasan") == [],
                  got.get("pemeriksaan"))
        print("perkasa_shared: differences that belong to the example: " + ("; ".join(mine) or "none"))
    finally:
        h.teardown(res, hub, stand_in.stop)
    return res.finish()


if __name__ == "__main__":
    h.main(run)
