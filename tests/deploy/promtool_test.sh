#!/usr/bin/env bash
# promtool on the shipped Prometheus files: the scrape config, the rules
# (also as wrapped in the Kubernetes PrometheusRule, which must stay a copy
# of deploy/prometheus/simpul-rules.yml), and the rules' unit tests.
set -euo pipefail
src=${1:?usage: promtool_test.sh SOURCE_DIR}
cd "$src"

if ! command -v promtool >/dev/null; then
  echo "SKIP: promtool not found (Debian package 'prometheus', see deploy/install-deps.sh)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== promtool check config deploy/prometheus/prometheus.yml"
promtool check config deploy/prometheus/prometheus.yml

echo "== promtool check config deploy/compose/prometheus.yml"
# The compose copy names the rules by their path inside the container;
# check it with that path mapped onto the repository's file.
mkdir -p "$tmp/compose/etc/prometheus"
sed "s#/etc/prometheus/simpul-rules.yml#$src/deploy/prometheus/simpul-rules.yml#" \
  deploy/compose/prometheus.yml > "$tmp/compose/prometheus.yml"
promtool check config "$tmp/compose/prometheus.yml"

echo "== promtool check rules deploy/prometheus/simpul-rules.yml"
promtool check rules deploy/prometheus/simpul-rules.yml

echo "== promtool test rules deploy/prometheus/tests/simpul-rules-test.yml"
promtool test rules deploy/prometheus/tests/simpul-rules-test.yml

echo "== PrometheusRule in deploy/k8s carries the same groups"
# promtool checks the spec the operator will load.
if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
  python3 - "$src" "$tmp/k8s-rules.yml" <<'PY'
import sys, yaml
src, out = sys.argv[1], sys.argv[2]
with open(f"{src}/deploy/k8s/prometheusrule.yaml") as f:
    rule = yaml.safe_load(f)
with open(f"{src}/deploy/prometheus/simpul-rules.yml") as f:
    shipped = yaml.safe_load(f)
assert rule["kind"] == "PrometheusRule", rule["kind"]
if rule["spec"] != shipped:
    sys.exit("deploy/k8s/prometheusrule.yaml spec differs from deploy/prometheus/simpul-rules.yml; "
             "regenerate it (see the comment at its top)")
with open(out, "w") as f:
    yaml.safe_dump(rule["spec"], f)
PY
  promtool check rules "$tmp/k8s-rules.yml"
else
  echo "python3 with yaml missing: PrometheusRule comparison done by deploy_manifests only"
fi
echo "PASS"
