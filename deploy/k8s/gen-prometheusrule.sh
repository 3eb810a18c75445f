#!/usr/bin/env bash
# Wraps deploy/prometheus/simpul-rules.yml in a PrometheusRule (Prometheus
# Operator) so Kubernetes and plain Prometheus load the same rules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cat <<'HEAD'
# GENERATED from deploy/prometheus/simpul-rules.yml by
# deploy/k8s/gen-prometheusrule.sh; do not edit by hand. The tests in
# tests/deploy fail when the two differ. The `release` label must match your
# Prometheus' ruleSelector.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: simpul
  namespace: simpul
  labels:
    app.kubernetes.io/name: simpul
    release: prometheus
spec:
HEAD
grep -v '^#' "$here/../prometheus/simpul-rules.yml" | sed -e 's/^\(.\)/  \1/'
