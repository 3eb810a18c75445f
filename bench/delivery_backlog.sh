#!/usr/bin/env bash
# Delivery alone: the cost of taking spooled messages and POSTing them out.
#
#   bash bench/delivery_backlog.sh build 30000
#
# Fills a route's spool with TOTAL 1 KB messages while its output (an
# http_client, max_connections 32) points at a port nobody listens on, stops
# the hub, starts the counting sink (http_load sink) on that port, restarts
# the hub and measures until 95 % of the backlog arrived (the rest may sit in
# retry backoff from the first run): delivered/s at the sink and the hub's
# CPU per delivered message (utime+stime from /proc/PID/stat). Nothing is
# cached after the restart, so every message is read back from disk.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
BUILD=${1:-build}
TOTAL=${2:-30000}
tmp=$(mktemp -d /tmp/simpul-backlog-XXXXXX)
hub=""; sinkp=""
cleanup() {
  [ -n "$hub" ] && kill "$hub" 2>/dev/null && wait "$hub" 2>/dev/null || true
  [ -n "$sinkp" ] && kill "$sinkp" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
api=$(free_port); admin=$(free_port); sink=$(free_port)
cat >"$tmp/simpul.yaml" <<Y
hub:
  name: bench
  data_dir: $tmp/data
  shutdown_timeout: 2s
  admin: {listen: "127.0.0.1:$admin"}
connectors:
  api: {type: http_server, listen: "127.0.0.1:$api", max_connections: 4096}
  national: {type: http_client, url: "http://127.0.0.1:$sink/in", timeout: 5s, max_connections: 32}
routes:
  ingest:
    from: {connector: api, path: /in}
    to: [national]
    durability: write
    max_messages: 10000000
    max_bytes: 4GiB
Y
start() {
  "$BUILD/simpul" run -c "$tmp/simpul.yaml" >"$tmp/hub.log" 2>&1 &
  hub=$!
  for _ in $(seq 400); do
    curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "hub did not start"; cat "$tmp/hub.log"; exit 1
}
start
"$BUILD/http_load" post "$api" /in 64 "$TOTAL" 1024 >/dev/null
kill "$hub"; wait "$hub" || true; hub=""
expect=$((TOTAL * 95 / 100))
"$BUILD/http_load" sink "$sink" "$expect" >"$tmp/sink.out" &
sinkp=$!
start
cpu() { awk '{print $14 + $15}' "/proc/$hub/stat"; }
c0=$(cpu)
wait "$sinkp"; sinkp=""
c1=$(cpu)
hz=$(getconf CLK_TCK)
echo "# $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg), backlog=$TOTAL"
echo "sink: $(cat "$tmp/sink.out")"
awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$expect" \
  'BEGIN {printf "hub cpu %.2f s = %.1f us per delivered message\n", (b - a) / hz, (b - a) / hz / n * 1e6}'
