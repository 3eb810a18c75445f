#!/usr/bin/env python3
"""examples/lapor end to end: XML posts and the nightly CSV export of a
regency complaint app reach the national stand-in as normalised records;
refused records (bad NIK, region, category, ...) are not forwarded and sit in
the DLQ with their reason. The edge-case CSV must give exactly the results
listed in expected/ekspor-harian_edgecases.expected.json.

The national stand-in is HTTPS (a CA and server certificate made at test
time with openssl) and accepts only a bearer token from the OAuth2 token
endpoint stand-in (client credentials, also HTTPS): every delivered record
must have come over TLS with a valid token, and one token serves the run."""
import os

import harness as h

EX = os.path.join(h.EXAMPLES, "lapor")
NATIONAL = "/api/v1/pengaduan"
TOKEN_PATH = "/oauth2/token"
CLIENT_SECRET = "rahasia-uji/lapor:" + os.urandom(4).hex()  # a fresh secret per run


def run(binary):
    res = h.Results("lapor")
    pki = h.TestPKI()
    with open(os.path.join(EX, "simpul.yaml"), encoding="utf-8") as f:
        client_id = h.yaml.safe_load(f)["connectors"]["lapor_nasional"]["auth"]["client_id"]
    tokens = h.TokenEndpoint(client_id, CLIENT_SECRET, tls=pki.context())
    national = h.StandIn(tls=pki.context(), tokens=tokens)
    api_port = h.free_port()
    drop = {}

    def override(cfg, tmp):
        c = cfg["connectors"]
        c["simadu_api"]["listen"] = f"127.0.0.1:{api_port}"
        out = c["lapor_nasional"]
        res.check("the shipped config delivers over HTTPS", out["url"].startswith("https://"), out["url"])
        res.check("the shipped config uses OAuth2 with the secret from the environment",
                  out.get("auth", {}).get("type") == "oauth2"
                  and out["auth"].get("client_secret") == "${env:LAPOR_CLIENT_SECRET}", out.get("auth"))
        out["url"] = f"https://127.0.0.1:{national.port}{NATIONAL}"
        out["ca_file"] = pki.ca_file
        out["auth"]["token_url"] = f"https://127.0.0.1:{tokens.port}{TOKEN_PATH}"
        drop["dir"] = os.path.join(tmp, "drop")
        c["simadu_drop"]["dir"] = drop["dir"]
        c["simadu_drop"]["complete_when"] = "rename"   # the test renames files into place
        c["simadu_drop"]["rescan_interval"] = "200ms"

    tables = h.region_tables()
    env = {"LAPOR_CLIENT_SECRET": CLIENT_SECRET}
    if tables:
        env["SIMPUL_REGION_TABLES"] = tables
    try:
        hub = h.Hub(binary, "lapor", override, env=env)
    except Exception:
        national.stop()
        tokens.stop()
        pki.cleanup()
        raise
    try:
        by_id = lambda: {b.get("id_sumber"): b for b in national.bodies(NATIONAL)}

        # 1. XML posts: two accepted, one refused with its reason.
        for n in ("0871", "0872"):
            with open(os.path.join(EX, "samples", f"pengaduan-{n}.xml"), "rb") as f:
                status, body = h.post(api_port, "/simadu/pengaduan", f.read(), "application/xml")
            res.check(f"POST pengaduan-{n}.xml answered 202", status == 202, f"{status} {body}")
        with open(os.path.join(EX, "samples", "pengaduan-0873-nik-salah.xml"), "rb") as f:
            status, body = h.post(api_port, "/simadu/pengaduan", f.read(), "application/xml")
        res.check("bad NIK answered 422 naming NIK_FORMAT", status == 422 and "NIK_FORMAT" in body,
                  f"{status} {body}")
        res.check("bad NIK kept in the DLQ",
                  h.wait_for(lambda: hub.metric('simpul_dlq_depth{route="pengaduan_xml"}') == 1),
                  hub.metric('simpul_dlq_depth{route="pengaduan_xml"}'))
        res.check("the DLQ keeps the reason", "NIK_FORMAT" in hub.dlq_text())
        ids = ["ADU-3374-20240902-0871", "ADU-3374-20240902-0872"]
        res.check("both XML records delivered", h.wait_for(lambda: all(i in by_id() for i in ids)),
                  sorted(by_id()))
        for n in ("0871", "0872"):
            want = h.load_json(os.path.join(EX, "expected", f"pengaduan-{n}.json"))
            got = by_id().get(want["id_sumber"], {})
            diff = h.json_diff(want, got)
            res.check(f"pengaduan-{n}: national record as expected", not diff, "\n".join(diff))
        res.check("the refused record was not forwarded", "ADU-3374-20240902-0873" not in by_id())
        anon = by_id().get("ADU-3374-20240902-0872", {})
        res.check("anonymous reporter: no identity left", set(anon.get("pelapor", {})) == {"anonim", "rahasia"},
                  anon.get("pelapor"))

        # 2. The nightly CSV (BOM, CRLF, ';', quoted multi-line text).
        h.drop_file(os.path.join(EX, "samples", "ekspor-harian-20240902.csv"), drop["dir"])
        expected = h.load_json(os.path.join(EX, "expected", "ekspor-harian-20240902.json"))
        res.check("CSV rows delivered",
                  h.wait_for(lambda: all(e["id_sumber"] in by_id() for e in expected)), sorted(by_id()))
        for want in expected:
            diff = h.json_diff(want, by_id().get(want["id_sumber"], {}))
            res.check(f"{want['id_sumber']}: national record as expected", not diff, "\n".join(diff))
        processed = os.path.join(drop["dir"], "processed")
        res.check("CSV file moved to processed/",
                  h.wait_for(lambda: any(n.startswith("ekspor-harian-20240902.csv")
                                         for n in os.listdir(processed)) if os.path.isdir(processed) else False))

        # 3. Edge cases: exactly the expected accept / warn / reject per row.
        cases = h.load_json(os.path.join(EX, "expected", "ekspor-harian_edgecases.expected.json"))["kasus"]
        h.drop_file(os.path.join(EX, "samples", "ekspor-harian_edgecases.csv"), drop["dir"])
        res.check("edge-case file finished with a sidecar",
                  h.wait_for(lambda: any(s["file"] == "ekspor-harian_edgecases.csv" for s in h.sidecars(processed))),
                  hub.log_text())
        side = next((s for s in h.sidecars(processed) if s["file"] == "ekspor-harian_edgecases.csv"), {"failed": []})
        rejected = {c["record"]: c["reason"] for c in side["failed"]}
        accepted = [c for c in cases if c["hasil"] != "REJECT"]
        h.wait_for(lambda: all(c["no_tiket"] in by_id() for c in accepted), 10)
        got = by_id()
        for i, c in enumerate(cases, start=1):
            t = c["no_tiket"]
            if c.get("butuh_tabel_wilayah") and not tables:
                res.skip(t, f"needs the full region tables at {h.REGION_TABLES}")
                continue
            if c["hasil"] == "REJECT":
                reason = rejected.get(i, "")
                res.check(f"{t} rejected with {c['kode_galat']}", t not in got and c["kode_galat"] in reason,
                          f"delivered: {t in got}; reason: {reason or '(not rejected)'}")
                continue
            rec = got.get(t)
            if not res.check(f"{t} delivered ({c['hasil']})", rec is not None and i not in rejected,
                             rejected.get(i, "not delivered")):
                continue
            warnings = rec.get("peringatan", [])
            if c["hasil"] == "ACCEPT_WITH_WARNING":
                res.check(f"{t} warns {c['peringatan']}", c["peringatan"] in warnings, warnings)
            else:
                res.check(f"{t} has no warning", warnings == [], warnings)
            for path, value in c.get("harapan", {}).items():
                res.check(f"{t} {path}", h.dotted(rec, path) == value,
                          f"expected {value!r}, got {h.dotted(rec, path)!r}")
        n_rejected = sum(1 for c in cases if c["hasil"] == "REJECT")
        res.check(f"{n_rejected} edge-case rows in the DLQ",
                  h.wait_for(lambda: hub.metric('simpul_dlq_depth{route="pengaduan_csv"}') == n_rejected, 5),
                  hub.metric('simpul_dlq_depth{route="pengaduan_csv"}'))

        # 4. Transport and credentials of every delivery.
        seen = [d for d in national.seen() if d["path"] == NATIONAL]
        res.check("the national stand-in got deliveries", len(seen) > 0)
        res.check("every delivery came over TLS", all(d["tls"] for d in seen),
                  [d for d in seen if not d["tls"]])
        res.check("every delivery carried a token the endpoint issued",
                  all(d["status"] == 200 and tokens.valid(d["token"]) for d in seen),
                  [(d["status"], d["token"][:24]) for d in seen if d["status"] != 200])
        res.check("each forwarded record delivered once (no refused attempts)",
                  len(seen) == len(by_id()), f"{len(seen)} deliveries, {len(by_id())} records")
        calls = tokens.calls()
        res.check("the token endpoint was called once for the run (token reused)", len(calls) == 1,
                  calls)
        if calls:
            ok, form = calls[0]
            res.check("token request: client credentials accepted", ok, form)
            res.check("token request: grant_type client_credentials and the configured scope",
                      form.get("grant_type") == "client_credentials"
                      and form.get("scope") == hub.config["connectors"]["lapor_nasional"]["auth"]["scope"],
                      form)
        with open(hub.log_path, "rb") as f:
            log = f.read().decode(errors="replace")
        res.check("the client secret is not in the hub's log", CLIENT_SECRET not in log)
    finally:
        failed = res.failed > 0
        if failed:
            print(hub.log_text())
        hub.stop()
        national.stop()
        tokens.stop()
        pki.cleanup()
    return res.finish()


if __name__ == "__main__":
    h.main(run)
