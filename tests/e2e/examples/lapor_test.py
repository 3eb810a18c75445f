#!/usr/bin/env python3
"""examples/lapor end to end: XML posts (one complaint, or a batch export of
several) and the nightly CSV export of a regency complaint app reach the national stand-in as normalised records;
refused records (bad NIK, region, category, ...) are not forwarded and sit in
the DLQ with their reason. The edge-case CSV must give exactly the results
listed in expected/ekspor-harian_edgecases.expected.json.

The national stand-in is HTTPS (a CA and server certificate made at test
time with openssl) and accepts only a bearer token from the OAuth2 token
endpoint stand-in (client credentials, also HTTPS): every delivered record
must have come over TLS with a valid token, and one token serves the run."""
import csv
import os

import harness as h

EX = os.path.join(h.EXAMPLES, "lapor")
NATIONAL = "/api/v1/pengaduan"
TOKEN_PATH = "/oauth2/token"
CLIENT_SECRET = "rahasia-uji/lapor:" + os.urandom(4).hex()  # a fresh secret per run


class Lapor:
    """The lapor example running against its national stand-ins: an HTTPS
    token endpoint and an HTTPS national service that wants its bearer token
    (`national`, `tokens`), the hub on the example's config with the API port
    and the drop folder moved (`hub`, `api_port`, `drop`). `close()` stops
    everything and removes the temp dirs (the hub's log is printed first when
    `res` has failures)."""

    def __init__(self, binary, res, tables):
        self.res = res
        self.pki = h.TestPKI()
        with open(os.path.join(EX, "simpul.yaml"), encoding="utf-8") as f:
            client_id = h.yaml.safe_load(f)["connectors"]["lapor_nasional"]["auth"]["client_id"]
        self.tokens = h.TokenEndpoint(client_id, CLIENT_SECRET, tls=self.pki.context())
        self.national = h.StandIn(tls=self.pki.context(), tokens=self.tokens)
        self.api_port = h.free_port()
        self.drop = None
        env = {"LAPOR_CLIENT_SECRET": CLIENT_SECRET}
        if tables:
            env["SIMPUL_REGION_TABLES"] = tables
        try:
            self.hub = h.Hub(binary, "lapor", self._override, env=env)
        except Exception:
            self.national.stop()
            self.tokens.stop()
            self.pki.cleanup()
            raise
        self.processed = os.path.join(self.drop, "processed")

    def _override(self, cfg, tmp):
        res = self.res
        c = cfg["connectors"]
        c["simadu_api"]["listen"] = f"127.0.0.1:{self.api_port}"
        out = c["lapor_nasional"]
        res.check("the shipped config delivers over HTTPS", out["url"].startswith("https://"), out["url"])
        res.check("the shipped config uses OAuth2 with the secret from the environment",
                  out.get("auth", {}).get("type") == "oauth2"
                  and out["auth"].get("client_secret") == "${env:LAPOR_CLIENT_SECRET}", out.get("auth"))
        out["url"] = f"https://127.0.0.1:{self.national.port}{NATIONAL}"
        out["ca_file"] = self.pki.ca_file
        out["auth"]["token_url"] = f"https://127.0.0.1:{self.tokens.port}{TOKEN_PATH}"
        self.drop = os.path.join(tmp, "drop")
        c["simadu_drop"]["dir"] = self.drop
        c["simadu_drop"]["complete_when"] = "rename"   # the test renames files into place
        c["simadu_drop"]["rescan_interval"] = "200ms"

    def by_id(self):
        return {b.get("id_sumber"): b for b in self.national.bodies(NATIONAL)}

    def close(self):
        if self.res.failed > 0:
            print(self.hub.log_text())
        self.hub.stop()
        self.national.stop()
        self.tokens.stop()
        self.pki.cleanup()


def verdict(case):
    """(error code, warning, expected fields) of one edge case. Two layouts:
    the example's (kode_galat / peringatan beside harapan) and the shared
    samples' (both inside harapan, which may be null)."""
    fields = dict(case.get("harapan") or {})
    code = case.get("kode_galat") or fields.pop("kode_galat", None)
    warning = case.get("peringatan") or fields.pop("peringatan", None)
    return code, warning, fields


def check_edge_file(res, lapor, csv_path, cases, tables):
    """Drops one edge-case CSV into the file route and checks every row
    against `cases` (ACCEPT / ACCEPT_WITH_WARNING / REJECT, and each expected
    field of the delivered record, by dotted path). Rows are matched to the
    sidecar's record numbers through the CSV's own no_tiket column."""
    name = os.path.basename(csv_path)
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        tickets = [row["no_tiket"] for row in csv.DictReader(f, delimiter=";")]
    res.check(f"{name}: one expected verdict per row", sorted(tickets) == sorted(c["no_tiket"] for c in cases),
              f"rows {tickets}")
    dlq_route = 'simpul_dlq_depth{route="pengaduan_csv"}'
    dlq_before = lapor.hub.metric(dlq_route)
    h.drop_file(csv_path, lapor.drop)
    res.check(f"{name} finished with a sidecar",
              h.wait_for(lambda: any(s["file"] == name for s in h.sidecars(lapor.processed))),
              lapor.hub.log_text())
    side = next((s for s in h.sidecars(lapor.processed) if s["file"] == name), {"failed": []})
    rejected = {tickets[c["record"] - 1]: c["reason"] for c in side["failed"] if 0 < c["record"] <= len(tickets)}
    accepted = [c["no_tiket"] for c in cases if c["hasil"] != "REJECT"]
    h.wait_for(lambda: all(t in lapor.by_id() for t in accepted), 10)
    got = lapor.by_id()
    for c in cases:
        t = c["no_tiket"]
        if c.get("butuh_tabel_wilayah") and not tables:
            res.skip(t, f"needs the full region tables at {h.REGION_TABLES}")
            continue
        code, warning, fields = verdict(c)
        if c["hasil"] == "REJECT":
            reason = rejected.get(t, "")
            res.check(f"{t} rejected with {code}", t not in got and bool(code) and code in reason,
                      f"delivered: {t in got}; reason: {reason or '(not rejected)'}")
            continue
        rec = got.get(t)
        if not res.check(f"{t} delivered ({c['hasil']})", rec is not None and t not in rejected,
                         rejected.get(t, "not delivered")):
            continue
        warnings = rec.get("peringatan", [])
        if c["hasil"] == "ACCEPT_WITH_WARNING":
            res.check(f"{t} warns {warning}", bool(warning) and warning in warnings, warnings)
        else:
            res.check(f"{t} has no warning", warnings == [], warnings)
        for path, value in fields.items():
            got_value = h.dotted(rec, path)
            res.check(f"{t} {path}", got_value == value and type(got_value) is type(value),
                      f"expected {value!r}, got {got_value!r}")
    n_rejected = sum(1 for c in cases if c["hasil"] == "REJECT")
    res.check(f"{name}: {n_rejected} rows in the DLQ",
              h.wait_for(lambda: lapor.hub.metric(dlq_route) - dlq_before == n_rejected, 5),
              lapor.hub.metric(dlq_route) - dlq_before)


def check_batch(res, lapor):
    """POST the batch export: both records delivered as expected/; then the
    same batch with one record's NIK broken: 422 naming the record's reason,
    the document in the DLQ, and none of its records forwarded."""
    with open(os.path.join(EX, "samples", "ekspor-pengaduan-20240903.xml"), "rb") as f:
        batch = f.read()
    status, body = h.post(lapor.api_port, "/simadu/ekspor", batch, "application/xml")
    res.check("POST batch export answered 202", status == 202, f"{status} {body}")
    expected = h.load_json(os.path.join(EX, "expected", "ekspor-pengaduan-20240903.json"))
    res.check("batch: every record delivered",
              h.wait_for(lambda: all(e["id_sumber"] in lapor.by_id() for e in expected)), sorted(lapor.by_id()))
    for want in expected:
        diff = h.json_diff(want, lapor.by_id().get(want["id_sumber"], {}))
        res.check(f"batch {want['id_sumber']}: national record as expected", not diff, "\n".join(diff))

    # A second export, the second record with a 15-digit NIK.
    broken = (batch.replace(b"20240903-0881", b"20240903-0891").replace(b"20240903-0882", b"20240903-0892")
              .replace(b"3374014711950003", b"337401471195000"))
    status, body = h.post(lapor.api_port, "/simadu/ekspor", broken, "application/xml")
    res.check("batch with a bad record answered 422 naming NIK_FORMAT",
              status == 422 and "NIK_FORMAT" in body, f"{status} {body}")
    res.check("the refused batch waits in the DLQ",
              h.wait_for(lambda: lapor.hub.metric('simpul_dlq_depth{route="pengaduan_ekspor_xml"}') == 1),
              lapor.hub.metric('simpul_dlq_depth{route="pengaduan_ekspor_xml"}'))
    res.check("no record of the refused batch forwarded",
              not {"ADU-3374-20240903-0891", "ADU-3374-20240903-0892"} & set(lapor.by_id()), sorted(lapor.by_id()))


def run(binary):
    res = h.Results("lapor")
    tables = h.region_tables()
    lapor = Lapor(binary, res, tables)
    hub, national, tokens, api_port = lapor.hub, lapor.national, lapor.tokens, lapor.api_port
    try:
        by_id = lapor.by_id

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

        # 1b. The batch export: one XML document, one national record per <pengaduan>.
        check_batch(res, lapor)

        # 2. The nightly CSV (BOM, CRLF, ';', quoted multi-line text).
        h.drop_file(os.path.join(EX, "samples", "ekspor-harian-20240902.csv"), lapor.drop)
        expected = h.load_json(os.path.join(EX, "expected", "ekspor-harian-20240902.json"))
        res.check("CSV rows delivered",
                  h.wait_for(lambda: all(e["id_sumber"] in by_id() for e in expected)), sorted(by_id()))
        for want in expected:
            diff = h.json_diff(want, by_id().get(want["id_sumber"], {}))
            res.check(f"{want['id_sumber']}: national record as expected", not diff, "\n".join(diff))
        processed = lapor.processed
        res.check("CSV file moved to processed/",
                  h.wait_for(lambda: any(n.startswith("ekspor-harian-20240902.csv")
                                         for n in os.listdir(processed)) if os.path.isdir(processed) else False))

        # 3. Edge cases: exactly the expected accept / warn / reject per row.
        cases = h.load_json(os.path.join(EX, "expected", "ekspor-harian_edgecases.expected.json"))["kasus"]
        check_edge_file(res, lapor, os.path.join(EX, "samples", "ekspor-harian_edgecases.csv"), cases, tables)

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
        lapor.close()
    return res.finish()


if __name__ == "__main__":
    h.main(run)
