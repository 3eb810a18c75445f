#!/usr/bin/env python3
"""Every PromQL expression in the alert/recording rules and the Grafana
dashboard reads only metrics from docs/metrics.md (histogram series by their
base name), recording rules defined in the rules file, or `up`. The catalogue
and the code agree: every name in docs/metrics.md is registered under
monitoring/ and every name registered there is documented. Every alert has a
runbook section in docs/operations.md whose anchor its runbook_url names."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_names as pn  # noqa: E402

src = sys.argv[1]
failures = []

known = pn.catalogue(src)
groups = pn.rule_groups(src)
recorded = pn.recorded_names(groups)
histograms = set()
with open(f"{src}/docs/metrics.md") as f:
    for line in f:
        m = re.match(r"\|\s*`(\w+)`\s*\|\s*histogram\s*\|", line)
        if m:
            histograms.add(m.group(1))


def allowed(name):
    if name in known or name in recorded or name == "up":
        return True
    base = pn.base_name(name)
    return base != name and base in histograms


def check_exprs(pairs):
    count = 0
    for where, expr in pairs:
        count += 1
        try:
            names = pn.metric_names(expr)
        except ValueError as e:
            failures.append(f"{where}: {e}")
            continue
        if not names:
            failures.append(f"{where}: reads no metric: {expr!r}")
        for n in sorted(names):
            if not allowed(n):
                failures.append(f"{where}: unknown metric '{n}' (not in docs/metrics.md, "
                                f"not a recording rule): {expr!r}")
    return count


n_rules = check_exprs(pn.rule_exprs(groups))
dash = pn.dashboard(src)
n_dash = check_exprs(pn.dashboard_exprs(dash))

# Recording rules the dashboard uses must be simpul:* names defined in the file.
for where, expr in pn.dashboard_exprs(dash):
    for n in pn.metric_names(expr):
        if ":" in n and n not in recorded:
            failures.append(f"{where}: recording rule '{n}' is not defined in simpul-rules.yml")

# Catalogue <-> code: names registered in monitoring/*.cc are documented and
# vice versa (connector-specific metrics live in connector READMEs).
registered = set()
for path in glob.glob(f"{src}/monitoring/*.cc"):
    with open(path) as f:
        registered |= set(re.findall(r'"((?:simpul|process)_[a-z0-9_]+)"', f.read()))
for n in sorted(known - registered):
    failures.append(f"docs/metrics.md lists '{n}' but monitoring/*.cc does not register it")
for n in sorted(registered - known):
    failures.append(f"monitoring/*.cc registers '{n}' but docs/metrics.md does not list it")

# Runbooks: each alert's runbook_url anchor is a heading in docs/operations.md.
def anchor(heading):
    a = heading.strip().lower()
    a = re.sub(r"[^\w\- ]", "", a)
    return a.replace(" ", "-")


anchors = set()
with open(f"{src}/docs/operations.md") as f:
    for line in f:
        m = re.match(r"#{1,6}\s+(.*)", line)
        if m:
            anchors.add(anchor(m.group(1)))
alerts = [r for g in groups for r in g["rules"] if "alert" in r]
for r in alerts:
    url = r.get("annotations", {}).get("runbook_url", "")
    m = re.fullmatch(r"docs/operations\.md#([\w-]+)", url)
    if not m:
        failures.append(f"alert {r['alert']}: runbook_url '{url}' is not docs/operations.md#ANCHOR")
        continue
    if m.group(1) != r["alert"].lower():
        failures.append(f"alert {r['alert']}: runbook anchor '{m.group(1)}' is not the alert name lowercased")
    if m.group(1) not in anchors:
        failures.append(f"alert {r['alert']}: docs/operations.md has no section '#{m.group(1)}'")

print(f"checked {n_rules} rule expressions, {n_dash} dashboard expressions, "
      f"{len(known)} catalogue names, {len(alerts)} runbooks")
if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("PASS")
