#!/usr/bin/env python3
"""The Grafana dashboard is importable and its queries are valid PromQL:
structure (schema version, data source variable, route/instance variables,
the four rows, unique ids, every panel on the data source variable), then
every expression (Grafana variables substituted) goes through
`promtool check rules` as a recording rule, so a typo in a query fails here
rather than as an empty panel."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as pn  # noqa: E402

src = sys.argv[1]
yaml = pn.need_yaml()
dash = pn.dashboard(src)
failures = []


def expect(cond, msg):
    if not cond:
        failures.append(msg)


expect(dash.get("schemaVersion", 0) >= 36, f"schemaVersion {dash.get('schemaVersion')} < 36 (Grafana 10 writes 38)")
expect(dash.get("uid"), "dashboard has no uid (provisioning and links need a stable one)")
expect(dash.get("id") is None, "dashboard id must be null so import creates it")
variables = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
ds = [v for v in variables.values() if v.get("type") == "datasource"]
expect(len(ds) == 1 and ds[0].get("query") == "prometheus", "need one datasource variable of type prometheus")
ds_ref = "${%s}" % ds[0]["name"] if ds else None
for name in ("route", "instance"):
    v = variables.get(name)
    expect(v is not None, f"no template variable '{name}'")
    if v:
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        expect(v.get("type") == "query" and str(q).startswith("label_values("),
               f"variable {name} must be a label_values() query, got {q!r}")
        expect(v.get("datasource", {}).get("uid") == ds_ref, f"variable {name} does not use {ds_ref}")
        expect(v.get("multi") and v.get("includeAll"), f"variable {name} should allow several values and All")

rows = [p["title"] for p in dash.get("panels", []) if p.get("type") == "row"]
for want in ("Overview", "Routes", "Connectors", "Process"):
    expect(any(r.startswith(want) for r in rows), f"no row titled '{want}...' (rows: {rows})")

ids = [p.get("id") for p in pn.all_panels(dash)]
expect(len(ids) == len(set(ids)) and None not in ids, "panel ids missing or repeated")
for p in pn.all_panels(dash):
    if p.get("type") == "row":
        continue
    title = p.get("title")
    expect(p.get("gridPos", {}).get("w"), f"panel '{title}' has no gridPos")
    expect(p.get("datasource", {}).get("uid") == ds_ref, f"panel '{title}' does not use {ds_ref}")
    expect(p.get("targets"), f"panel '{title}' has no query")
    for t in p.get("targets", []):
        expect(t.get("datasource", {}).get("uid") == ds_ref, f"panel '{title}' target {t.get('refId')} does not use {ds_ref}")
    expect(p.get("description"), f"panel '{title}' has no description (operators read them)")

# Legends name labels the query keeps: {{connector}} on a `sum by (route)`
# would print an empty legend. Output labels are known for the shapes the
# dashboard uses: an aggregation (with or without `by`), possibly inside
# histogram_quantile, or a recording rule (all aggregate `by (route)`).
AGG = r"(sum|max|min|avg|count)"
legends_checked = 0
for p in pn.all_panels(dash):
    for t in p.get("targets", []):
        used = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", t.get("legendFormat", "")))
        expr = t.get("expr", "").strip()
        m = re.match(r"(histogram_quantile\([^,]+,\s*)?" + AGG + r"\s+by\s*\(([^)]*)\)", expr)
        if m:
            kept = {x.strip() for x in m.group(3).split(",")} - ({"le"} if m.group(1) else set())
        elif re.match(AGG + r"\s*\(", expr):
            kept = set()
        elif re.match(r"simpul:\w+:\w+", expr):
            kept = {"route"}
        else:
            continue  # a plain selector keeps every label
        if t.get("format") == "heatmap":
            continue  # {{le}} names the buckets
        legends_checked += 1
        expect(used <= kept, f"panel '{p.get('title')}' ref {t.get('refId')}: legend uses "
                             f"{sorted(used - kept)} but the query keeps only {sorted(kept)}")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print(f"legends ok: {legends_checked} checked")
print(f"structure ok: {len(ids)} panels, rows {rows}")

promtool = shutil.which("promtool")
if not promtool:
    print("SKIP: promtool not found (Debian package 'prometheus'); PromQL syntax not checked")
    sys.exit(pn.SKIP)

rules = []
for i, (where, expr) in enumerate(pn.dashboard_exprs(dash)):
    rules.append({"record": f"dashboard:q{i}", "expr": pn.substitute_grafana(expr),
                  "labels": {"where": where[:200]}})
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "dashboard-queries.yml")
    with open(path, "w") as f:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)
    r = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
    print(r.stdout, r.stderr)
    if r.returncode != 0:
        print("FAIL: promtool rejects a dashboard query (labels.where names the panel)")
        sys.exit(1)
print(f"PASS: {len(rules)} dashboard queries parse")
