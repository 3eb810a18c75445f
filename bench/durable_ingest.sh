#!/usr/bin/env bash
# Durable HTTP ingest and end-to-end delivery through the real hub.
#
#   cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIMPUL_BENCH=ON
#   cmake --build build-rel --target simpul http_load
#   bash bench/durable_ingest.sh build-rel 100000 256
#
# For each durability policy (fsync, write):
#   ingest:     CONNECTIONS keep-alive clients POST TOTAL 1 KB JSON bodies; the
#               hub answers 202 after the spool write. The route's output points
#               at a closed port, so its circuit breaker opens and delivery costs
#               nothing: this is the rate of durably accepted messages.
#   end-to-end: the same load with the output pointing at a counting sink
#               (http_load sink); the rate at which messages reach it.
#
# Environment: MAP=1 puts a one-field-renaming map step on the route (the
# spool then also keeps each message's pre-mapping original, for
# `dlq replay --remap`); PASSES=ingest skips the end-to-end passes. Each pass
# prints the hub's CPU time (user+system, /proc/PID/stat) per message.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
BUILD=${1:-build-rel}
MAP=${MAP:-0}
PASSES=${PASSES:-all}
TOTAL=${2:-100000}
CONNS=${3:-256}
SIMPUL=$BUILD/simpul
LOAD=$BUILD/http_load
tmp=$(mktemp -d /tmp/simpul-bench-XXXXXX)
hub_pid=""
sink_pid=""
cleanup() {
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null || true
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT


start_hub() {  # $1 durability, $2 output port
  local api=$3 admin=$4
  rm -rf "$tmp/data"
  local steps="" mappings=""
  if [ "$MAP" = 1 ]; then
    printf 'name: bench\nversion: "1"\ninput: {format: json}\noutput: {format: json}\nfields:\n  data: pad\n' >"$tmp/bench_map.yaml"
    mappings=$'mappings:\n  bench_map: bench_map.yaml'
    steps=$'    steps:\n      - map: bench_map'
  fi
  cat >"$tmp/simpul.yaml" <<EOF
hub:
  name: bench
  data_dir: $tmp/data
  shutdown_timeout: 2s
  admin: {listen: "127.0.0.1:$admin"}
connectors:
  api: {type: http_server, listen: "127.0.0.1:$api", max_connections: 4096}
  national: {type: http_client, url: "http://127.0.0.1:$2/in", timeout: 5s, max_connections: 32}
$mappings
routes:
  ingest:
    from: {connector: api, path: /in}
$steps
    to: [national]
    durability: $1
    max_messages: 10000000
    max_bytes: 4GiB
EOF
  "$SIMPUL" run -c "$tmp/simpul.yaml" >"$tmp/hub.log" 2>&1 &
  hub_pid=$!
  for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "hub did not start"; cat "$tmp/hub.log"; exit 1
}

stop_hub() {
  kill "$hub_pid"; wait "$hub_pid" || true; hub_pid=""
}

cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
HZ=$(getconf CLK_TCK)
# The hub's CPU over the pass (utime + stime), per message: the figure to
# compare between builds when the machine is shared (throughput is not).
hub_cpu_since() {  # $1: cpu_ticks at the start of the pass
  awk -v a="$1" -v b="$(cpu_ticks "$hub_pid")" -v hz="$HZ" -v n="$TOTAL" \
    'BEGIN { printf " hub_cpu=%.2fs (%.1f us/msg)", (b - a) / hz, (b - a) / hz * 1e6 / n }'
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg), total=$TOTAL connections=$CONNS body=1KB"
for dur in fsync write; do
  api=$(free_port); admin=$(free_port); closed=$(free_port)
  start_hub "$dur" "$closed" "$api" "$admin"
  echo -n "ingest     durability=$dur: "
  c0=$(cpu_ticks "$hub_pid")
  "$LOAD" post "$api" /in "$CONNS" "$TOTAL" 1024 | tr -d '\n'
  hub_cpu_since "$c0"; echo
  stop_hub
  [ "$PASSES" = ingest ] && continue

  api=$(free_port); admin=$(free_port); sink=$(free_port)
  "$LOAD" sink "$sink" "$TOTAL" >"$tmp/sink.out" &
  sink_pid=$!
  start_hub "$dur" "$sink" "$api" "$admin"
  echo -n "end-to-end durability=$dur: "
  "$LOAD" post "$api" /in "$CONNS" "$TOTAL" 1024 | sed 's/^/ingest: /' | tr -d '\n'
  wait "$sink_pid"; sink_pid=""
  echo " | sink: $(cat "$tmp/sink.out")"
  stop_hub
done
