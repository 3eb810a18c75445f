#!/usr/bin/env python3
"""examples/lapor against the shared edge cases: the 24 rows of
../shared/spbe/samples/complaint/legacy_complaint_edgecases.csv (the legacy
app's real export layout) are dropped into the example's file route, with
the full Kemendagri tables from ../shared/spbe/data, and every row must end
exactly as legacy_complaint_edgecases.expected.json says: ACCEPT (delivered,
no warning), ACCEPT_WITH_WARNING (delivered, the warning in `peringatan`)
or REJECT (not delivered, the kode_galat in the DLQ reason), and every
`harapan` field (dotted paths such as `pelapor.nik`) must be in the record
the national stand-in received.

The shared nightly export `legacy_complaint.csv` (3 records) must also give
the records of `national_complaint.json`, field by field, except where the
example decides otherwise (listed in OWN, printed with each difference); so
must the shared XML batch export `legacy_complaint.xml` posted to the
example's batch route, where the app name and attachments must match too.

Nothing in the example knows these rows: they go through the same config,
mapping and tables as production. Without the shared folder the test exits
77 (CTest SKIP_RETURN_CODE) and says why."""
import os

import harness as h
import lapor_test

CSV = ("complaint", "legacy_complaint_edgecases.csv")
EXPECTED = ("complaint", "legacy_complaint_edgecases.expected.json")
EXPORT = ("complaint", "legacy_complaint.csv")
XML_EXPORT = ("complaint", "legacy_complaint.xml")
NATIONAL = ("complaint", "national_complaint.json")
# Where the example's record may differ from national_complaint.json, and why.
OWN = {
    "$.schema": "the example's own schema id",
    "$.sistem_sumber.kode_aplikasi": "the CSV does not name the app; the example's is SIMADU",
    "$.topik.kode_nasional": "national topic ids are placeholders of the example's table",
    "$.lampiran": "the CSV export carries only the number of attachments",
    "$.jumlah_lampiran": "the example keeps the attachment count",
    "$.peringatan": "the example carries warnings with the record",
    "$.pelapor.": "issue #8: an anonymous reporter's identity is removed before forwarding",
}
# What the XML export carries and the CSV does not: no difference allowed there.
XML_CARRIES = ("$.sistem_sumber.kode_aplikasi", "$.lampiran")


def check_export(res, lapor, export_path, national_path):
    """The shared nightly export (3 records) against national_complaint.json."""
    h.drop_file(export_path, lapor.drop)
    compare(res, lapor, "legacy_complaint.csv", h.load_json(national_path), OWN)


def check_xml_export(res, lapor, export_path, national_path):
    """The shared XML batch export (the same 3 complaints, posted as one
    document) against national_complaint.json: the XML names the app and
    lists the attachments, so those must match too."""
    with open(export_path, "rb") as f:
        status, body = h.post(lapor.api_port, "/simadu/ekspor", f.read(), "application/xml")
    res.check("legacy_complaint.xml: batch export answered 202", status == 202, f"{status} {body}")
    own = {p: why for p, why in OWN.items() if p not in XML_CARRIES}
    compare(res, lapor, "legacy_complaint.xml", h.load_json(national_path), own)


def compare(res, lapor, source, want, own_fields):
    """Every record of `want` delivered, equal field by field except for the
    paths in `own_fields` (printed with their reason)."""
    def reason(line):
        path = line.split(":", 1)[0]
        return next((why for p, why in own_fields.items()
                     if path == p or (p.endswith(".") and path.startswith(p))), None)

    res.check(f"{source}: every record delivered",
              h.wait_for(lambda: all(w["id_sumber"] in lapor.by_id() for w in want)), sorted(lapor.by_id()))
    own = []
    for w in want:
        got = lapor.by_id().get(w["id_sumber"], {})
        diff = h.json_diff(w, got)
        if w.get("pelapor", {}).get("anonim") is not True:
            diff_rest = [d for d in diff if reason(d) is None or d.startswith("$.pelapor.")]
        else:
            diff_rest = [d for d in diff if reason(d) is None]
        own += [f"{w['id_sumber']}: {d} ({reason(d)})" for d in diff if d not in diff_rest]
        res.check(f"{source} {w['id_sumber']}: record as in national_complaint.json", got and not diff_rest,
                  "\n".join(diff_rest))
    print(f"lapor_shared ({source}): differences that belong to the example:\n  " + ("\n  ".join(own) or "none"))


def run(binary):
    csv_path, expected_path = h.shared_sample(*CSV), h.shared_sample(*EXPECTED)
    tables = h.region_tables()
    if not (csv_path and expected_path and tables):
        print(f"SKIP lapor_shared: the shared SPBE samples and region tables are not at "
              f"{os.path.dirname(h.SHARED_SAMPLES)} (needs samples/{'/'.join(CSV)}, "
              f"samples/{'/'.join(EXPECTED)} and data/kecamatan.csv)")
        return h.SKIP
    res = h.Results("lapor_shared")
    cases = h.load_json(expected_path)["kasus"]
    lapor = lapor_test.Lapor(binary, res, tables)
    try:
        lapor_test.check_edge_file(res, lapor, csv_path, cases, tables)
        export_path, national_path = h.shared_sample(*EXPORT), h.shared_sample(*NATIONAL)
        if export_path and national_path:
            check_export(res, lapor, export_path, national_path)
        else:
            res.skip("legacy_complaint.csv", "not in the shared samples")
        xml_path = h.shared_sample(*XML_EXPORT)
        if xml_path and national_path:
            # Same complaints again: a fresh hub and stand-in, so each is delivered once.
            batch = lapor_test.Lapor(binary, res, tables)
            try:
                check_xml_export(res, batch, xml_path, national_path)
            finally:
                batch.close()
        else:
            res.skip("legacy_complaint.xml", "not in the shared samples")
        verdicts = {}
        for c in cases:
            verdicts[c["hasil"]] = verdicts.get(c["hasil"], 0) + 1
        print("lapor_shared: expected verdicts " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
        seen = [d for d in lapor.national.seen() if d["path"] == lapor_test.NATIONAL]
        res.check("every accepted row delivered once, over TLS with a valid token",
                  len(seen) == len(lapor.by_id())
                  and all(d["tls"] and d["status"] == 200 and lapor.tokens.valid(d["token"]) for d in seen),
                  f"{len(seen)} deliveries, {len(lapor.by_id())} records")
    finally:
        lapor.close()
    return res.finish()


if __name__ == "__main__":
    h.main(run)
