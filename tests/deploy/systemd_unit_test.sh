#!/usr/bin/env bash
# deploy/systemd/simpul.service: `systemd-analyze verify` accepts it, the
# hardening that docs/operations.md promises is there, and the offline
# security score stays low.
# usage: systemd_unit_test.sh SOURCE_DIR SIMPUL_BINARY
# verify needs every Exec*= binary to exist, so the unit is checked as a
# copy whose /usr/local/bin/simpul points at the binary just built.
set -euo pipefail
src=${1:?usage: systemd_unit_test.sh SOURCE_DIR SIMPUL_BINARY}
bin=${2:?usage: systemd_unit_test.sh SOURCE_DIR SIMPUL_BINARY}
unit="$src/deploy/systemd/simpul.service"

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not found (Debian package 'systemd', see deploy/install-deps.sh)"
  exit 77
fi
if [ ! -x "$bin" ]; then
  echo "FAIL: $bin is not built; build the 'simpul' target first"
  exit 1
fi

fail=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}
# The last assignment of a directive (systemd semantics for most of them).
value() { grep -E "^$1=" "$unit" | tail -n1 | cut -d= -f2-; }
has() { grep -qxF "$1" "$unit"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s#/usr/local/bin/simpul#$bin#g" "$unit" > "$tmp/simpul.service"

echo "== systemd-analyze verify"
# verify prints problems but not every problem changes its exit code; any
# output about our unit is a failure.
out=$(cd "$tmp" && systemd-analyze verify ./simpul.service 2>&1) && rc=0 || rc=$?
echo "$out"
check "verify exits 0" test "$rc" -eq 0
check "verify reports nothing about simpul.service" \
  bash -c '! grep -q "simpul.service" <<<"$1"' _ "$out"

echo "== directives"
check "User=simpul" test "$(value User)" = simpul
check "ExecStart runs 'simpul run -c'" bash -c '[[ "$1" == /usr/local/bin/simpul\ run\ -c\ * ]]' _ "$(value ExecStart)"
check "ProtectSystem=strict" test "$(value ProtectSystem)" = strict
check "ReadWritePaths=/var/lib/simpul" test "$(value ReadWritePaths)" = /var/lib/simpul
check "NoNewPrivileges=yes" test "$(value NoNewPrivileges)" = yes
check "PrivateTmp=yes" test "$(value PrivateTmp)" = yes
check "ProtectHome=yes" test "$(value ProtectHome)" = yes
check "CapabilityBoundingSet= (empty)" has "CapabilityBoundingSet="
check "no AmbientCapabilities" test -z "$(value AmbientCapabilities)"
check "no ProcSubset=pid (process_start_time_seconds reads /proc/stat)" \
  bash -c '[ "$1" != pid ]' _ "$(value ProcSubset)"
check "Restart=on-failure" test "$(value Restart)" = on-failure
check "ExecReload sends SIGHUP" test "$(value ExecReload)" = '/bin/kill -HUP $MAINPID'

# TimeoutStopSec must outlast the hub's drain: its default shutdown_timeout
# (docs/config.md) and any shutdown_timeout in the shipped configs.
to_s() {  # 45s / 1m30s / 2min -> seconds
  local t=$1 total=0 n u
  while [[ $t =~ ^([0-9]+)(ms|s|min|m|h)?(.*)$ ]]; do
    n=${BASH_REMATCH[1]} u=${BASH_REMATCH[2]:-s} t=${BASH_REMATCH[3]}
    case $u in ms) ;; s) total=$((total + n)) ;; m|min) total=$((total + 60 * n)) ;; h) total=$((total + 3600 * n)) ;; esac
  done
  echo "$total"
}
stop=$(to_s "$(value TimeoutStopSec)")
longest=10  # hub.shutdown_timeout default
for f in "$src"/deploy/compose/simpul.yaml; do
  t=$(grep -Eo 'shutdown_timeout:[[:space:]]*[0-9a-z]+' "$f" | awk '{print $2}' || true)
  [ -n "$t" ] && [ "$(to_s "$t")" -gt "$longest" ] && longest=$(to_s "$t")
done
check "TimeoutStopSec (${stop}s) > longest shutdown_timeout (${longest}s)" test "$stop" -gt "$longest"

echo "== systemd-analyze security --offline"
if sec=$(cd "$tmp" && systemd-analyze security --offline=true --threshold=20 ./simpul.service 2>&1); then
  score=$(grep -Eo 'Overall exposure level for simpul.service: [0-9.]+' <<<"$sec" | awk '{print $NF}')
  echo "exposure: $score"
  check "exposure level <= 2.0 (systemd scale 0 safe .. 10 unsafe)" \
    awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
else
  echo "$sec" | tail -5
  echo "FAIL systemd-analyze security did not run"; fail=1
fi

if [ "$fail" -ne 0 ]; then exit 1; fi
echo PASS
