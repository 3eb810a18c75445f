#!/usr/bin/env bash
# Per-request cost of the http-proxy scenario (bench/run.sh sc_http_proxy) in
# figures that do not depend on how busy the machine is:
#
#   bash bench/proxy_profile.sh [BUILD_DIR] [REQUESTS] [CALLGRIND_REQUESTS]
#
# wrk -t1 -c32 POSTs examples/demo/sample-complaint.json to a request-reply
# route (map lapor -> http_client to an nginx echo, 1 worker), everything on
# 127.0.0.1 with free ports. Three passes, each over a fixed number of
# requests (wrk stops itself after REQUESTS answers):
#   1. plain:     hub CPU (user+sys) per request, context switches per request
#                 (voluntary/involuntary, all hub threads) and req/s.
#   2. strace:    syscalls per request by type (strace -c on every hub thread).
#   3. callgrind: instructions (Ir) per request and malloc/free calls per
#                 request, counted between `callgrind_control -i on/off`.
# Environment: THREADS (hub `threads:`, 2), CONNS (32), SKIP=strace,callgrind.
# Needs nginx with the echo module, wrk, strace, valgrind, jq (bench/run.sh
# installs them). Every process it starts is stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
N=${2:-20000}
NCG=${3:-3000}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
SKIP=${SKIP:-}
SIMPUL=$BUILD/simpul
SAMPLE=$ROOT/examples/demo/sample-complaint.json
MAPPING=$ROOT/examples/demo/mappings/lapor_to_national.yaml
WORK=$(mktemp -d /tmp/simpul-proxy-profile-XXXXXX)
PIDS=()

log() { printf '[proxy_profile] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [[ -n ${KEEP:-} ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
[[ -x $SIMPUL ]] || die "missing $SIMPUL (build the simpul target in $BUILD)"

# --- nginx echo (the same configuration as bench/run.sh) ---------------------
NGINX_PORT=$(free_port)
write_nginx_conf "$WORK/nginx" "$NGINX_PORT"
nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)
wait_until 10 http_ok "http://127.0.0.1:$NGINX_PORT/fixed" || die "nginx did not start"

# --- wrk: POST the sample, stop after a fixed number of answers -------------
# The thread stops itself after COUNT answers and leaves a marker; wrk's main
# thread sleeps for -d, so the script then interrupts it (SIGINT).
{
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
  printf 'wrk.body = [==[%s]==]\n' "$(cat "$SAMPLE")"
  cat <<'EOF'
local limit = tonumber(os.getenv("PROFILE_REQUESTS") or "0")
local marker = os.getenv("PROFILE_MARKER")
local seen, bad = 0, 0
function response(status, headers, body)
  seen = seen + 1
  if status >= 300 then bad = bad + 1 end
  if seen == limit then
    local f = io.open(marker, "w"); f:write(seen, " ", bad, "\n"); f:close()
    wrk.thread:stop()
  end
end
EOF
} >"$WORK/post.lua"
# run_wrk COUNT URL: prints "requests seconds non2xx"
run_wrk() {
  local marker=$WORK/wrk.done t0 t1 pid n bad
  rm -f "$marker"
  t0=$(date +%s.%N)
  PROFILE_REQUESTS=$1 PROFILE_MARKER=$marker wrk -t1 -c"$CONNS" -d3600s --timeout 10s -s "$WORK/post.lua" "$2" \
    >"$WORK/wrk.txt" 2>&1 &
  pid=$!
  until [[ -s $marker ]]; do
    kill -0 "$pid" 2>/dev/null || die "wrk ended early: $(cat "$WORK/wrk.txt")"
    sleep 0.02
  done
  t1=$(date +%s.%N)
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  read -r n bad <"$marker"
  awk -v n="$n" -v bad="$bad" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%d %.3f %d\n", n, t1 - t0, bad }'
}

# --- the hub ------------------------------------------------------------------
API_PORT=""; ADMIN_PORT=""; HUB_PID=""
write_config() {
  API_PORT=$(free_port); ADMIN_PORT=$(free_port)
  cat >"$WORK/simpul.yaml" <<EOF
hub:
  name: proxy-profile
  data_dir: $WORK/data
  log_level: warn
  threads: $THREADS
  shutdown_timeout: 5s
  admin: {listen: 127.0.0.1:$ADMIN_PORT}
connectors:
  api: {type: http_server, listen: 127.0.0.1:$API_PORT}
  echo: {type: http_client, url: http://127.0.0.1:$NGINX_PORT/echo, max_connections: $CONNS}
mappings:
  lapor: $MAPPING
routes:
  proxy:
    from: {connector: api, path: /lapor, methods: [POST]}
    mode: request_reply
    steps: [{map: lapor}]
    to: echo
EOF
}
start_hub() {  # start_hub [wrapper...]
  write_config
  rm -rf "$WORK/data"
  "$@" "$SIMPUL" run -c "$WORK/simpul.yaml" >"$WORK/hub.log" 2>&1 &
  HUB_PID=$!
  PIDS+=("$HUB_PID")
  wait_until 120 http_ok "http://127.0.0.1:$ADMIN_PORT/readyz" || die "hub not ready: $(tail -5 "$WORK/hub.log")"
  curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$SAMPLE" \
    "http://127.0.0.1:$API_PORT/lapor" | jq -e .log_view >/dev/null || die "proxy answer is not the mapped record"
}
URL() { echo "http://127.0.0.1:$API_PORT/lapor"; }
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12, $13}'; }  # user, system
ctxsw() {  # voluntary involuntary, summed over the threads
  cat /proc/"$1"/task/*/status | awk '/^voluntary_ctxt/ {v += $2} /^nonvoluntary_ctxt/ {n += $2} END {print v, n}'
}

log "load average $(cut -d' ' -f1-3 /proc/loadavg); threads: $THREADS; connections: $CONNS"

# --- 1. plain ---------------------------------------------------------------
start_hub
run_wrk 2000 "$(URL)" >/dev/null  # warm-up: connections, allocator, caches
read -r u0 k0 < <(cpu_ticks "$HUB_PID"); read -r v0 n0 < <(ctxsw "$HUB_PID")
read -r reqs secs bad < <(run_wrk "$N" "$(URL)")
read -r u1 k1 < <(cpu_ticks "$HUB_PID"); read -r v1 n1 < <(ctxsw "$HUB_PID")
hz=$(getconf CLK_TCK)
awk -v r="$reqs" -v s="$secs" -v u="$((u1 - u0))" -v k="$((k1 - k0))" -v hz="$hz" -v v="$((v1 - v0))" -v n="$((n1 - n0))" \
  -v bad="$bad" -v la="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  c = u + k
  printf "plain     %d requests (non-2xx %d) in %ss: %.0f req/s, hub CPU %.1f us/request (user %.1f, system %.1f; %.0f%% of a core), load %s\n",
    r, bad, s, r / s, c / hz / r * 1e6, u / hz / r * 1e6, k / hz / r * 1e6, c / hz / s * 100, la
  printf "          context switches per request: %.2f voluntary, %.2f involuntary\n", v / r, n / r }'

# --- 2. strace -------------------------------------------------------------------
if [[ $SKIP != *strace* ]]; then
  tids=$(ls /proc/"$HUB_PID"/task | sed 's/^/-p /' | tr '\n' ' ')
  # shellcheck disable=SC2086
  strace -c -q -o "$WORK/strace.txt" $tids &
  spid=$!
  sleep 1  # attached
  read -r reqs _ bad < <(run_wrk "$N" "$(URL)")
  kill -INT "$spid"; wait "$spid" 2>/dev/null || true
  echo "strace    syscalls per request ($reqs requests, non-2xx $bad):"
  awk -v r="$reqs" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" {
      calls = $4; errs = (NF == 6) ? $5 : 0; total += calls
      if (calls / r < 0.005) next
      line = sprintf("          %-16s %6.2f", $NF, calls / r)
      if (errs > 0) line = line sprintf("  (%.2f failed)", errs / r)
      print calls "\t" line }
    END { printf "0\t          %-16s %6.2f\n", "total", total / r }' "$WORK/strace.txt" | sort -t$'\t' -k1,1nr | cut -f2
fi
stop_pid "$HUB_PID"

# --- 3. callgrind -------------------------------------------------------------
if [[ $SKIP != *callgrind* ]]; then
  start_hub valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/cg.out"
  run_wrk 500 "$(URL)" >/dev/null
  callgrind_control -i on "$HUB_PID" >/dev/null
  read -r reqs _ bad < <(run_wrk "$NCG" "$(URL)")
  callgrind_control -i off "$HUB_PID" >/dev/null
  callgrind_control -d "$HUB_PID" >/dev/null
  sleep 1
  stop_pid "$HUB_PID"
  python3 - "$reqs" "$WORK"/cg.out* <<'EOF'
import re, sys
reqs = int(sys.argv[1])
names, total, calls = {}, 0, {}
fn_re = re.compile(r'^c?fn=\((\d+)\)(?: (.*))?$')
for path in sys.argv[2:]:
    cfn = None
    with open(path, errors='replace') as f:
        for line in f:
            if line.startswith('summary:') or line.startswith('totals:'):
                if line.startswith('totals:'):
                    total += int(line.split()[1])
                continue
            m = fn_re.match(line.rstrip('\n'))
            if m:
                if m.group(2): names[m.group(1)] = m.group(2)
                if line.startswith('cfn='): cfn = names.get(m.group(1), m.group(1))
                continue
            if line.startswith('calls=') and cfn is not None:
                n = int(line[6:].split()[0])
                calls[cfn] = calls.get(cfn, 0) + n
                cfn = None
def count(*fns):
    return sum(v for k, v in calls.items() if k in fns)
print(f"callgrind {reqs} requests: {total / reqs:,.0f} instructions per request")
print(f"          malloc {count('malloc', 'calloc', 'realloc') / reqs:.1f}, "
      f"free {count('free') / reqs:.1f} calls per request")
EOF
fi
