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

Nothing in the example knows these rows: they go through the same config,
mapping and tables as production. Without the shared folder the test exits
77 (CTest SKIP_RETURN_CODE) and says why."""
import os

import harness as h
import lapor_test

CSV = ("complaint", "legacy_complaint_edgecases.csv")
EXPECTED = ("complaint", "legacy_complaint_edgecases.expected.json")


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
