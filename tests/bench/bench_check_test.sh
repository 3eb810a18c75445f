#!/usr/bin/env bash
# usage: bench_check_test.sh REPO SIMPUL-BINARY
# Exits 0 when every check passed, 1 on a failure, 77 when jq is missing.
set -uo pipefail
repo=$1 simpul=$2
command -v jq >/dev/null || { echo "SKIP: jq not found"; exit 77; }
pass=0 fail=0
check() {  # check NAME CMD...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

check "run.sh parses" bash -n "$repo/bench/run.sh"
if command -v shellcheck >/dev/null; then
  check "bench scripts shellcheck" shellcheck -S warning -x "$repo/bench/run.sh" "$repo/bench/lib.sh" "$repo/bench/proxy_profile.sh" \
    "$repo/bench/durable_ingest.sh" "$repo/bench/file_to_http.sh" "$repo/bench/mqtt_roundtrip.sh" \
    "$repo/bench/delivery_backlog.sh" "$0"
fi
is_flow() { jq -e 'type == "array" and all(.[]; has("id") and has("type"))' "$1" >/dev/null; }
for f in "$repo"/bench/peers/*.flow.json; do check "$(basename "$f") is a flow" is_flow "$f"; done
check "unknown scenario is refused" bash -c "! BENCH_NO_INSTALL=1 BENCH_NO_BUILD=1 '$repo/bench/run.sh' nosuch 2>/dev/null"

# The reference: simpul's own mapping over the sample and over one CSV row.
sample=$repo/examples/demo/sample-complaint.json
"$simpul" map -m "$repo/examples/demo/mappings/lapor_to_national.yaml" -i "$sample" | jq -S . >"$tmp/simpul.json"
check "simpul maps the sample" jq -e '.log_view.nik | startswith("3204")' "$tmp/simpul.json" >/dev/null
jq -S -f "$repo/bench/peers/lapor_to_national.jq" "$sample" >"$tmp/jq.json"
check "jq mapping equals simpul's" cmp -s "$tmp/simpul.json" "$tmp/jq.json"
anon=$(jq -c '.anonim = true | .pelapor.telepon = "+62 812-1111-2222"' "$sample")
echo "$anon" >"$tmp/anon.json"
"$simpul" map -m "$repo/examples/demo/mappings/lapor_to_national.yaml" -i "$tmp/anon.json" | jq -S . >"$tmp/simpul-anon.json"
jq -S -f "$repo/bench/peers/lapor_to_national.jq" "$tmp/anon.json" >"$tmp/jq-anon.json"
check "jq mapping equals simpul's (anonymous, +62 phone)" cmp -s "$tmp/simpul-anon.json" "$tmp/jq-anon.json"

js=$repo/bench/.peers/node_modules/jsonata
if command -v node >/dev/null && [[ -d $js ]]; then
  for rec in "$sample" "$tmp/anon.json"; do
    node "$repo/bench/peers/jsonata_bench.js" "$repo/bench/peers/lapor_to_national.jsonata" "$rec" 0 --print \
      | jq -S . >"$tmp/js.json"
    "$simpul" map -m "$repo/examples/demo/mappings/lapor_to_national.yaml" -i "$rec" | jq -S . >"$tmp/ref.json"
    check "jsonata-js mapping equals simpul's ($(basename "$rec"))" cmp -s "$tmp/ref.json" "$tmp/js.json"
  done
  row='{"no_tiket":"LPR-9","tgl_lapor":"01/02/2026 10:00","judul":"a, b","kode_wilayah":"3204","anonim":"false","nik":"3204054506900002","telepon":"0812-3456-7890","email":"w9@example.id"}'
  echo "$row" >"$tmp/row.json"
  "$simpul" map -m "$repo/bench/mappings/lapor_csv_to_national.yaml" -i "$tmp/row.json" | jq -S . >"$tmp/ref-row.json"
  node "$repo/bench/peers/jsonata_bench.js" "$repo/bench/peers/lapor_csv_to_national.jsonata" "$tmp/row.json" 0 --print \
    | jq -S . >"$tmp/js-row.json"
  check "CSV row: jsonata-js mapping equals simpul's" cmp -s "$tmp/ref-row.json" "$tmp/js-row.json"
else
  echo "note: bench/.peers not installed (bench/run.sh installs it); jsonata-js checks not run"
fi
echo "$pass passed, $fail failed"
((fail == 0))
