#!/usr/bin/env bash
# simpul against its peers, in one run, as ratios (docs/performance.md).
#
#   bench/run.sh                      # every scenario
#   bench/run.sh http-proxy mqtt      # some of them
#
# Scenarios: ceiling http-proxy http-durable mqtt file mapping footprint.
# Installs what is missing (Debian, through deploy/install-deps.sh --bench:
# nginx-light + echo module, wrk, mosquitto, mosquitto-clients, gnuplot-nox,
# jq, npm; npm into bench/.peers: node-red, jsonata), builds simpul Release with -DSIMPUL_BENCH=ON into build-bench/,
# starts and stops every process itself on 127.0.0.1 (free ports), bounds
# every load in time, prints one table per scenario and writes
# bench/results/<date>.json (+ .md table, + .png chart).
#
# Knobs (environment): BENCH_THREADS (1, the hub's io threads: on 2 cores
# shared with wrk, nginx and the brokers one thread measured faster, see
# docs/performance.md), BENCH_SECONDS (10, each timed load), BENCH_CONNECTIONS
# (32, HTTP), BENCH_MQTT_WINDOW (100, MQTT messages in flight in the
# saturated run), BENCH_MQTT_RATE_PCT (50: the fixed-rate MQTT latency run
# offers this % of the relay's saturated msg/s; BENCH_MQTT_RATE=N fixes it), BENCH_ROWS
# (100000, file), BENCH_FILE_TIMEOUT (90 s; 30 s for file -> HTTP:
# BENCH_FILE_HTTP_TIMEOUT), BENCH_BUILD_DIR (build-bench),
# BENCH_NO_INSTALL=1, BENCH_NO_BUILD=1, BENCH_KEEP=1 (keep the temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
PEERS=$BENCH/.peers
BUILD=${BENCH_BUILD_DIR:-$ROOT/build-bench}
DUR=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-32}
WINDOW=${BENCH_MQTT_WINDOW:-100}
THREADS=${BENCH_THREADS:-1}
MQTT_RATE_PCT=${BENCH_MQTT_RATE_PCT:-50}
MQTT_RATE=${BENCH_MQTT_RATE:-}
ROWS=${BENCH_ROWS:-100000}
FILE_TIMEOUT=${BENCH_FILE_TIMEOUT:-90}
ALL=(ceiling http-proxy http-durable mqtt file mapping footprint)
SAMPLE=$ROOT/examples/demo/sample-complaint.json
MAPPING=$ROOT/examples/demo/mappings/lapor_to_national.yaml
CSV_MAPPING=$BENCH/mappings/lapor_csv_to_national.yaml
NODE_RED=$PEERS/node_modules/node-red/red.js

log() { printf '[bench %s] %s\n' "$(date -u +%T)" "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
die() { log "error: $*"; exit 1; }

# --- processes --------------------------------------------------------------
WORK=""
PIDS=()
LAST_PID=""

start_bg() {  # start_bg NAME CMD... ; sets LAST_PID
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [[ -n $WORK && -z ${BENCH_KEEP:-} ]]; then rm -rf "$WORK"; fi
  if [[ -n $WORK && -n ${BENCH_KEEP:-} ]]; then log "kept $WORK"; fi
}

post_ok() { http_ok -X POST -H 'Content-Type: application/json' --data-binary @"$SAMPLE" "$1"; }

cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# --- results ----------------------------------------------------------------
# Column order of the tables (the JSON keeps every field).
JQ_COLS='
  def cols: map(del(.scenario, .system) | keys_unsorted) | add | unique
    | ["req_s","msg_s","accepted_s","delivered_s","rows_s","evals_s","startup_ms","idle_rss_mb",
       "rate","p50_ms","p90_ms","p99_ms","p999_ms","late","missing","cpu_pct","peak_rss_mb","sent","received","accepted","delivered",
       "drain_s","rows","complete","seconds","non_2xx","socket_errors"] as $order
    | ($order - ($order - .)) + ((. - $order) - ["foreign","window","qos","mode","requests","output_bytes",
       "n","bytes","runs","startup_ms_min","max_ms"]);'

RESULTS=""
rec() {  # rec SCENARIO SYSTEM JSON-OBJECT
  jq -c -n --arg s "$1" --arg y "$2" --argjson m "$3" '{scenario: $s, system: $y} + $m' >>"$RESULTS"
}

table() {  # one table per scenario: a row per system, a column per metric
  local sc=$1
  printf '\n== %s ==\n' "$sc"
  jq -r -s --arg s "$sc" "$JQ_COLS"'
    [.[] | select(.scenario == $s)] as $rows
    | ($rows | cols) as $keys
    | (["system"] + $keys | @tsv),
      ($rows[] | [.system] + [$keys[] as $k | if has($k) then .[$k] | tostring else "" end] | @tsv)
  ' "$RESULTS" | column -t -s $'\t'
}

# --- setup ------------------------------------------------------------------
install_deps() {
  [[ -n ${BENCH_NO_INSTALL:-} ]] && return 0
  # Debian packages: the one list is deploy/install-deps.sh (--bench adds
  # nginx + echo module, wrk, gnuplot, perf); it installs only what is missing.
  local have=1 tool
  for tool in nginx wrk mosquitto_pub gnuplot jq curl node npm python3; do command -v "$tool" >/dev/null || have=0; done
  [[ -f /usr/lib/nginx/modules/ngx_http_echo_module.so ]] || have=0
  [[ -x /usr/sbin/mosquitto ]] || command -v mosquitto >/dev/null || have=0
  if ((have == 0)); then
    log "installing Debian packages (deploy/install-deps.sh --bench)"
    bash "$ROOT/deploy/install-deps.sh" --bench >&2
  fi
  if [[ ! -f $NODE_RED || ! -d $PEERS/node_modules/jsonata ]]; then
    log "npm install node-red jsonata into $PEERS"
    mkdir -p "$PEERS"
    [[ -f $PEERS/package.json ]] || echo '{"private": true}' >"$PEERS/package.json"
    (cd "$PEERS" && npm install --no-audit --no-fund --loglevel=error node-red jsonata >&2)
  fi
}

build() {
  [[ -n ${BENCH_NO_BUILD:-} ]] && return 0
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  local gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
  log "building simpul Release into $BUILD"
  cmake -S "$ROOT" -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DSIMPUL_BENCH=ON \
    -DSIMPUL_TESTS=OFF "${launcher[@]}" >"$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log" >&2; die "cmake failed"; }
  cmake --build "$BUILD" --target simpul mapping_bench mqtt_load -j"$(nproc)" >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; die "build failed"; }
}

SIMPUL=""; MAPPING_BENCH=""; MQTT_LOAD=""
find_binaries() {
  SIMPUL=$BUILD/simpul
  MAPPING_BENCH=$BUILD/bench/mapping_bench
  MQTT_LOAD=$BUILD/bench/mqtt_load
  local b; for b in "$SIMPUL" "$MAPPING_BENCH" "$MQTT_LOAD"; do [[ -x $b ]] || die "missing $b"; done
}

# --- shared servers ---------------------------------------------------------
NGINX_PORT=""
ensure_nginx() {
  [[ -n $NGINX_PORT ]] && return 0
  NGINX_PORT=$(free_port)
  write_nginx_conf "$WORK/nginx" "$NGINX_PORT"
  start_bg nginx nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf"
  wait_until 10 http_ok "http://127.0.0.1:$NGINX_PORT/fixed" || die "nginx did not start"
  [[ $(curl -s -X POST --data-binary @"$SAMPLE" "http://127.0.0.1:$NGINX_PORT/echo" | jq -r .no_tiket) == LPR-* ]] \
    || die "nginx /echo does not echo"
}

MQTT_PORT=""
ensure_mosquitto() {
  [[ -n $MQTT_PORT ]] && return 0
  MQTT_PORT=$(free_port)
  cat >"$WORK/mosquitto.conf" <<EOF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 100000
# Every client alike: the relay, simpul and Node-RED. Without TCP_NODELAY
# mosquitto's back-to-back small writes to one client (a PUBLISH, then the
# PUBACK of that client's own publish) wait for a delayed ACK: the plain
# relay measured p50 ~20 ms at 300 msg/s, 0.8 ms with it. The in-flight
# limit (default 20 unacknowledged QoS 1 messages per client) caps a client
# that acknowledges only once the message is safe (simpul: after the spool's
# fsync) at 20 / ack latency; a relay or Node-RED acknowledges on receipt.
set_tcp_nodelay true
max_inflight_messages 1000
EOF
  local bin; bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  start_bg mosquitto "$bin" -c "$WORK/mosquitto.conf"
  wait_until 10 mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -t bench/ping -m x || die "mosquitto did not start"
}

# --- load tools -------------------------------------------------------------
post_lua() {  # wrk script that POSTs the sample complaint
  local f=$WORK/post.lua
  [[ -f $f ]] || {
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[%s]==]\n' \
      "$(cat "$SAMPLE")" >"$f"
  }
  echo "$f"
}

# run_wrk OUT URL [wrk args...]: prints a JSON object of its results
run_wrk() {
  local out=$1 url=$2; shift 2
  wrk -t1 -c"$CONNS" -d"${DUR}s" --timeout 5s --latency "$@" "$url" >"$out" 2>&1 || true
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v
    }
    /Requests\/sec:/ { rps = $2 }
    /requests in/ { n = $1 }
    /^ +50%/ { p50 = ms($2) } /^ +90%/ { p90 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { printf "{\"req_s\":%.1f,\"requests\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"non_2xx\":%d,\"socket_errors\":%d}\n",
          rps, n, p50, p90, p99, bad, errs }' "$out"
}

# measure_wrk PID OUT URL [wrk args]: wrk + CPU (% of one core) and peak RSS of PID
measure_wrk() {
  local pid=$1 out=$2 url=$3; shift 3
  local hz t0 c0 t1 c1 res
  hz=$(getconf CLK_TCK)
  c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  res=$(run_wrk "$out" "$url" "$@")
  c1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
  jq -c -n --argjson r "$res" --arg cpu "$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
      'BEGIN {printf "%.0f", (b - a) / hz / (t1 - t0) * 100}')" --arg rss "$(mb "$(status_kb "$pid" VmHWM)")" \
    '$r + {cpu_pct: ($cpu | tonumber), peak_rss_mb: ($rss | tonumber)}'
}

# --- the hubs ---------------------------------------------------------------
SIMPUL_PID=""; SIMPUL_ADMIN=""
start_simpul() {  # start_simpul NAME CONFIG-BODY (connectors/mappings/routes YAML)
  local name=$1 body=$2 dir=$WORK/simpul-$1
  mkdir -p "$dir"
  SIMPUL_ADMIN=$(free_port)
  cat >"$dir/simpul.yaml" <<EOF
hub:
  name: bench-$name
  data_dir: $dir/data
  log_level: warn
  threads: $THREADS
  shutdown_timeout: 5s
  admin: {listen: 127.0.0.1:$SIMPUL_ADMIN}
$body
EOF
  "$SIMPUL" validate -c "$dir/simpul.yaml" --quiet || die "simpul config $name invalid"
  start_bg "simpul-$name" "$SIMPUL" run -c "$dir/simpul.yaml"
  SIMPUL_PID=$LAST_PID
  wait_until 20 http_ok "http://127.0.0.1:$SIMPUL_ADMIN/readyz" || die "simpul $name not ready (see $WORK/simpul-$name.log)"
}

NR_PID=""
start_node_red() {  # start_node_red NAME FLOW-JSON-FILE PORT; flow already substituted
  local name=$1 flow=$2 port=$3 dir=$WORK/nodered-$1
  mkdir -p "$dir"
  cp "$flow" "$dir/flows.json"
  start_bg "nodered-$name" node "$NODE_RED" --userDir "$dir" --port "$port" flows.json
  NR_PID=$LAST_PID
  wait_until 60 http_ok "http://127.0.0.1:$port/" || die "Node-RED $name did not start (see $WORK/nodered-$name.log)"
}

# nr_flow TEMPLATE MAPPING-FILE [NAME=VALUE...]: substitute the flow template
nr_flow() {
  local tpl=$1 map=$2; shift 2
  local args=(--rawfile m "$map") subs="." kv
  for kv in "$@"; do
    args+=(--arg "${kv%%=*}" "${kv#*=}")
    subs+=" | gsub(\"__${kv%%=*}__\"; \$${kv%%=*})"
  done
  # A change node evaluates JSONata against msg, so the mapping runs on
  # msg.payload. Flow nodes need x/y, or Node-RED takes them for config nodes.
  jq "${args[@]}" "walk(if type == \"string\" then (if . == \"__MAPPING__\" then \"payload.(\\n\" + \$m + \"\\n)\" else ($subs) end) else . end)
    | to_entries | map(.value + (if .value.z then {x: (150 + 200 * .key), y: 100} else {} end))" "$tpl"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- scenarios --------------------------------------------------------------
mqtt_run() {  # mqtt_run PUB SUB QOS [RATE]: JSON from mqtt_load
  # Without RATE: closed loop, WINDOW messages in flight (saturated msg/s;
  # its latency is mostly the window's queue, ~ WINDOW / rate). With RATE:
  # open loop at RATE msg/s, latency from each message's due time.
  local pace=(--window "$WINDOW"); [[ -n ${4:-} ]] && pace=(--rate "$4")
  "$MQTT_LOAD" load --url "tcp://127.0.0.1:$MQTT_PORT" --pub "$1" --sub "$2" --qos "$3" \
    --seconds "$DUR" "${pace[@]}" --template "$WORK/mqtt-template.json" 2>>"$WORK/mqtt_load.log"
}

mqtt_template() {
  jq -c '.no_tiket = "@MARK@"' "$SAMPLE" >"$WORK/mqtt-template.json"
}

# wait until something subscribed on SUB answers a message published to PUB
mqtt_warm() {
  local i
  for i in $(seq 20); do
    "$MQTT_LOAD" load --url "tcp://127.0.0.1:$MQTT_PORT" --pub "$1" --sub "$2" --qos 1 --seconds 0.5 \
      --window 1 --drain 1 --template "$WORK/mqtt-template.json" >/dev/null 2>&1 && return 0
  done
  return 1
}

relay_ceiling() {  # relay_ceiling SCENARIO [fixed]: saturated row (+ the fixed-rate row)
  ensure_mosquitto; mqtt_template
  start_bg relay "$MQTT_LOAD" relay --url "tcp://127.0.0.1:$MQTT_PORT" --sub bench/relay-in --pub bench/relay-out --qos 1 \
    --seconds 0  # until stopped: it serves the saturated and the fixed-rate run
  local pid=$LAST_PID res
  mqtt_warm bench/relay-in bench/relay-out || die "relay not answering"
  res=$(mqtt_run bench/relay-in bench/relay-out 1)
  rec "$1" "relay (2 hops)" "$res"
  if [[ ${2:-} == fixed ]]; then
    # The fixed rate for every system of this run: a share of this ceiling.
    [[ -n $MQTT_RATE ]] || MQTT_RATE=$(jq -r --argjson p "$MQTT_RATE_PCT" '.msg_s * $p / 100 / 100 | floor * 100 | if . < 100 then 100 else . end' <<<"$res")
    log "mqtt fixed rate: $MQTT_RATE msg/s"
    rec "$1" "relay (2 hops), fixed rate" "$(mqtt_run bench/relay-in bench/relay-out 1 "$MQTT_RATE")"
  fi
  stop_pid "$pid"
}

sc_ceiling() {
  ensure_nginx; ensure_mosquitto; mqtt_template
  rec ceiling "nginx fixed body" "$(run_wrk "$WORK/wrk-ceiling.txt" "http://127.0.0.1:$NGINX_PORT/fixed")"
  rec ceiling "nginx echo (POST)" "$(run_wrk "$WORK/wrk-echo.txt" "http://127.0.0.1:$NGINX_PORT/echo" -s "$(post_lua)")"
  rec ceiling "mosquitto QoS 0" "$(mqtt_run bench/raw bench/raw 0)"
  rec ceiling "mosquitto QoS 1" "$(mqtt_run bench/raw bench/raw 1)"
  relay_ceiling ceiling
}

sc_http_proxy() {
  ensure_nginx
  local port; port=$(free_port)
  start_simpul proxy "connectors:
  api: {type: http_server, listen: 127.0.0.1:$port}
  echo: {type: http_client, url: http://127.0.0.1:$NGINX_PORT/echo, max_connections: $CONNS}
mappings:
  lapor: $MAPPING
routes:
  proxy:
    from: {connector: api, path: /lapor, methods: [POST]}
    mode: request_reply
    steps: [{map: lapor}]
    to: echo"
  curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$SAMPLE" "http://127.0.0.1:$port/lapor" \
    >"$WORK/proxy-simpul.out"
  jq -e .log_view "$WORK/proxy-simpul.out" >/dev/null || die "simpul proxy answer is not the mapped record"
  rec http-proxy simpul "$(measure_wrk "$SIMPUL_PID" "$WORK/wrk-proxy-simpul.txt" "http://127.0.0.1:$port/lapor" -s "$(post_lua)")"
  stop_pid "$SIMPUL_PID"

  port=$(free_port)
  nr_flow "$BENCH/peers/http-proxy.flow.json" "$BENCH/peers/lapor_to_national.jsonata" "ECHO_PORT=$NGINX_PORT" \
    >"$WORK/proxy.flow.json"
  start_node_red proxy "$WORK/proxy.flow.json" "$port"
  wait_until 20 post_ok "http://127.0.0.1:$port/lapor" || die "Node-RED proxy flow not answering"
  curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$SAMPLE" "http://127.0.0.1:$port/lapor" \
    >"$WORK/proxy-nodered.out"
  cmp -s <(jq -S . "$WORK/proxy-simpul.out") <(jq -S . "$WORK/proxy-nodered.out") \
    || log "warning: simpul and Node-RED answers differ ($WORK/proxy-*.out)"
  rec http-proxy Node-RED "$(measure_wrk "$NR_PID" "$WORK/wrk-proxy-nodered.txt" "http://127.0.0.1:$port/lapor" -s "$(post_lua)")"
  stop_pid "$NR_PID"
}

metric_sum() {  # metric_sum NAME: sum of a counter over its labels
  curl -s "http://127.0.0.1:$SIMPUL_ADMIN/metrics" | awk -v n="$1" '$1 ~ "^"n"({|$)" {s += $2} END {printf "%d", s}'
}

sc_http_durable() {
  ensure_nginx
  local port; port=$(free_port)
  start_simpul durable "connectors:
  api: {type: http_server, listen: 127.0.0.1:$port}
  echo: {type: http_client, url: http://127.0.0.1:$NGINX_PORT/echo, max_connections: $CONNS}
mappings:
  lapor: $MAPPING
routes:
  durable:
    from: {connector: api, path: /lapor, methods: [POST]}
    mode: accept
    steps: [{map: lapor}]
    to: echo"
  local hz c0 t0 res accepted t_end delivered drain c1 t1
  hz=$(getconf CLK_TCK); c0=$(cpu_ticks "$SIMPUL_PID"); t0=$(date +%s.%N)
  res=$(run_wrk "$WORK/wrk-durable.txt" "http://127.0.0.1:$port/lapor" -s "$(post_lua)")
  t_end=$(date +%s.%N)
  accepted=$(metric_sum simpul_messages_accepted_total)
  local deadline=$((SECONDS + 120))
  while delivered=$(metric_sum simpul_messages_delivered_total); ((delivered < accepted && SECONDS < deadline)); do
    sleep 0.1
  done
  t1=$(date +%s.%N); c1=$(cpu_ticks "$SIMPUL_PID")
  drain=$(awk -v a="$t_end" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
  rec http-durable simpul "$(jq -c -n --argjson r "$res" --argjson acc "$accepted" --argjson del "$delivered" \
    --argjson drain "$drain" --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')" \
    --argjson cpu "$(awk -v a="$c0" -v b="$c1" -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" -v hz="$hz" 'BEGIN {printf "%.0f", (b - a) / hz / w * 100}')" \
    --argjson rss "$(mb "$(status_kb "$SIMPUL_PID" VmHWM)")" '
      {accepted_s: $r.req_s, p50_ms: $r.p50_ms, p99_ms: $r.p99_ms, accepted: $acc, delivered: $del,
       delivered_s: (($del / $wall) * 10 | round / 10), drain_s: $drain, non_2xx: $r.non_2xx,
       cpu_pct: $cpu, peak_rss_mb: $rss}')"
  stop_pid "$SIMPUL_PID"
}

sc_mqtt() {
  ensure_mosquitto; mqtt_template
  # The two-hop ceiling, measured right before the hubs (the ceiling
  # scenario has its own row; the ratio uses this one).
  relay_ceiling mqtt fixed

  start_simpul mqtt "connectors:
  broker: {type: mqtt, url: tcp://127.0.0.1:$MQTT_PORT, client_id: simpul-bench, clean_session: true}
mappings:
  lapor: $MAPPING
routes:
  relay:
    from: {connector: broker, topics: [{filter: bench/in, qos: 1}]}
    steps: [{map: lapor}]
    to: [{connector: broker, topic: bench/out, qos: 1}]"
  mqtt_warm bench/in bench/out || die "simpul mqtt route not answering"
  local c0 t0 res c1 t1 hz; hz=$(getconf CLK_TCK)
  c0=$(cpu_ticks "$SIMPUL_PID"); t0=$(date +%s.%N)
  res=$(mqtt_run bench/in bench/out 1)
  c1=$(cpu_ticks "$SIMPUL_PID"); t1=$(date +%s.%N)
  rec mqtt simpul "$(jq -c -n --argjson r "$res" --argjson cpu "$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN {printf "%.0f", (b - a) / hz / (t1 - t0) * 100}')" \
    --argjson rss "$(mb "$(status_kb "$SIMPUL_PID" VmHWM)")" '$r + {cpu_pct: $cpu, peak_rss_mb: $rss}')"
  # Where the time went inside the hub: receipt -> spool durable -> PUBACK
  # (simpul_mqtt_ack_seconds), mapping, delivery attempt, end to end; the
  # histograms are cumulative, so one snapshot after each run.
  curl -s "http://127.0.0.1:$SIMPUL_ADMIN/metrics" >"$WORK/simpul-mqtt-saturated.metrics" || true
  rec mqtt "simpul, fixed rate" "$(mqtt_run bench/in bench/out 1 "$MQTT_RATE")"
  curl -s "http://127.0.0.1:$SIMPUL_ADMIN/metrics" >"$WORK/simpul-mqtt-both.metrics" || true
  stop_pid "$SIMPUL_PID"

  # The same route in forward mode: no spool; the PUBACK of the incoming
  # message waits for the broker's PUBACK of the mapped one, and a persistent
  # session keeps what was not acknowledged (nothing lost, no disk of ours).
  start_simpul mqtt-forward "connectors:
  broker: {type: mqtt, url: tcp://127.0.0.1:$MQTT_PORT, client_id: simpul-bench-fwd, clean_session: false}
mappings:
  lapor: $MAPPING
routes:
  relay:
    from: {connector: broker, topics: [{filter: bench/in, qos: 1}]}
    mode: forward
    steps: [{map: lapor}]
    to: [{connector: broker, topic: bench/out, qos: 1}]"
  mqtt_warm bench/in bench/out || die "simpul forward mqtt route not answering"
  c0=$(cpu_ticks "$SIMPUL_PID"); t0=$(date +%s.%N)
  res=$(mqtt_run bench/in bench/out 1)
  c1=$(cpu_ticks "$SIMPUL_PID"); t1=$(date +%s.%N)
  rec mqtt "simpul (forward)" "$(jq -c -n --argjson r "$res" --argjson cpu "$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN {printf "%.0f", (b - a) / hz / (t1 - t0) * 100}')" \
    --argjson rss "$(mb "$(status_kb "$SIMPUL_PID" VmHWM)")" '$r + {cpu_pct: $cpu, peak_rss_mb: $rss}')"
  rec mqtt "simpul (forward), fixed rate" "$(mqtt_run bench/in bench/out 1 "$MQTT_RATE")"
  stop_pid "$SIMPUL_PID"

  local port; port=$(free_port)
  nr_flow "$BENCH/peers/mqtt.flow.json" "$BENCH/peers/lapor_to_national.jsonata" "MQTT_PORT=$MQTT_PORT" \
    >"$WORK/mqtt.flow.json"
  start_node_red mqtt "$WORK/mqtt.flow.json" "$port"
  mqtt_warm bench/in bench/out || die "Node-RED mqtt flow not answering"
  c0=$(cpu_ticks "$NR_PID"); t0=$(date +%s.%N)
  res=$(mqtt_run bench/in bench/out 1)
  c1=$(cpu_ticks "$NR_PID"); t1=$(date +%s.%N)
  rec mqtt Node-RED "$(jq -c -n --argjson r "$res" --argjson cpu "$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN {printf "%.0f", (b - a) / hz / (t1 - t0) * 100}')" \
    --argjson rss "$(mb "$(status_kb "$NR_PID" VmHWM)")" '$r + {cpu_pct: $cpu, peak_rss_mb: $rss}')"
  rec mqtt "Node-RED, fixed rate" "$(mqtt_run bench/in bench/out 1 "$MQTT_RATE")"
  stop_pid "$NR_PID"
}

make_csv() {
  [[ -f $WORK/rows.csv ]] && return 0
  awk -v n="$ROWS" 'BEGIN {
    print "no_tiket,tgl_lapor,judul,kode_wilayah,anonim,nik,telepon,email"
    for (i = 1; i <= n; i++)
      printf "LPR-3204-2026-%06d,21/11/2026 09:15,\"Jalan berlubang, Desa %d\",32.04.05,%s,3204054506900002,0812-3456-7890,warga%d@example.id\n",
        i, i % 97, (i % 10 == 0 ? "true" : "false"), i
  }' >"$WORK/rows.csv"
}

# drop_and_count SYSTEM DROP-DIR OUT-FILE PID
drop_and_count() {
  local sys=$1 drop=$2 out=$3 pid=$4 hz t0 c0 lines=0 t1 c1 tf=""
  hz=$(getconf CLK_TCK)
  cp "$WORK/rows.csv" "$drop/.rows.csv.tmp"
  c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  mv "$drop/.rows.csv.tmp" "$drop/rows.csv"
  local deadline=$((SECONDS + FILE_TIMEOUT))
  while ((SECONDS < deadline)); do
    lines=$( (wc -l <"$out") 2>/dev/null || echo 0)
    [[ -z $tf ]] && ((lines > 0)) && tf=$(date +%s.%N)  # first row out (0.2 s resolution)
    ((lines >= ROWS)) && break
    sleep 0.2
  done
  t1=$(date +%s.%N); c1=$(cpu_ticks "$pid")
  rec file "$sys" "$(jq -c -n --argjson rows "$lines" --argjson want "$ROWS" \
    --argjson el "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')" \
    --argjson cpu "$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN {printf "%.0f", (b - a) / hz / (t1 - t0) * 100}')" \
    --argjson rss "$(mb "$(status_kb "$pid" VmHWM)")" \
    --argjson first "$(if [[ -n $tf ]]; then awk -v a="$t0" -v b="$tf" 'BEGIN {printf "%.1f", b - a}'; else echo null; fi)" '
      {rows_s: (($rows / $el) | round), rows: $rows, complete: ($rows >= $want), seconds: $el,
       first_row_s: $first, cpu_pct: $cpu, peak_rss_mb: $rss}')"
  head -1 "$out" >"$WORK/file-$sys.first" 2>/dev/null || true
}

sc_file() {
  make_csv
  local d=$WORK/file-simpul
  mkdir -p "$d/drop" "$d/out"
  start_simpul file "connectors:
  drop: {type: file, dir: $d/drop, patterns: ['*.csv'], format: csv, complete_when: rename, rescan_interval: 1s}
  out: {type: file, dir: $d/out}
mappings:
  lapor: $CSV_MAPPING
routes:
  rows:
    from: drop
    steps: [{map: lapor}]
    to: [{connector: out, filename: rows.ndjson, format: ndjson}]"
  drop_and_count simpul "$d/drop" "$d/out/rows.ndjson" "$SIMPUL_PID"
  stop_pid "$SIMPUL_PID"

  d=$WORK/file-nodered
  mkdir -p "$d/drop" "$d/out"
  local port; port=$(free_port)
  nr_flow "$BENCH/peers/file.flow.json" "$BENCH/peers/lapor_csv_to_national.jsonata" "DROP_DIR=$d/drop" \
    "OUT_FILE=$d/out/rows.ndjson" >"$WORK/file.flow.json"
  start_node_red file "$WORK/file.flow.json" "$port"
  sleep 1  # the watch node arms its fs.watch once the flow has started
  drop_and_count Node-RED "$d/drop" "$d/out/rows.ndjson" "$NR_PID"
  stop_pid "$NR_PID"

  # The same file to HTTP (nginx /rows, counted in its access log), shorter bound.
  ensure_nginx
  local rows_log=$WORK/nginx/rows.log
  FILE_TIMEOUT=${BENCH_FILE_HTTP_TIMEOUT:-30}
  d=$WORK/file-http-simpul; mkdir -p "$d/drop"; : >"$rows_log"
  start_simpul file-http "connectors:
  drop: {type: file, dir: $d/drop, patterns: ['*.csv'], format: csv, complete_when: rename, rescan_interval: 1s}
  rows: {type: http_client, url: http://127.0.0.1:$NGINX_PORT/rows, max_connections: $CONNS}
mappings:
  lapor: $CSV_MAPPING
routes:
  rows:
    from: drop
    steps: [{map: lapor}]
    to: rows"
  drop_and_count "simpul (-> HTTP)" "$d/drop" "$rows_log" "$SIMPUL_PID"
  stop_pid "$SIMPUL_PID"
  d=$WORK/file-http-nodered; mkdir -p "$d/drop"; : >"$rows_log"
  port=$(free_port)
  nr_flow "$BENCH/peers/file.flow.json" "$BENCH/peers/lapor_csv_to_national.jsonata" "DROP_DIR=$d/drop" \
      "OUT_FILE=$d/unused.ndjson" \
    | jq --arg url "http://127.0.0.1:$NGINX_PORT/rows" 'map(if .id == "write" then
        {id, type: "http request", z, x, y, name: "", method: "POST", ret: "txt", paytoqs: "ignore", url: $url,
         tls: "", persist: true, proxy: "", insecureHTTPParser: false, authType: "", senderr: false,
         headers: [], wires: []} else . end)' >"$WORK/file-http.flow.json"
  start_node_red file-http "$WORK/file-http.flow.json" "$port"
  sleep 1
  # Node-RED has no back-pressure between nodes: every row is read, parsed and
  # mapped before the http request node opens a connection, then all rows are
  # requested at once. Its first row comes after it mapped the whole file, so
  # it gets the NDJSON leg's bound (first_row_s shows the wait).
  FILE_TIMEOUT=${BENCH_FILE_TIMEOUT:-90}
  drop_and_count "Node-RED (-> HTTP)" "$d/drop" "$rows_log" "$NR_PID"
  stop_pid "$NR_PID"
  FILE_TIMEOUT=${BENCH_FILE_TIMEOUT:-90}

  if [[ -s $WORK/file-simpul.first && -s $WORK/file-Node-RED.first ]]; then
    cmp -s <(jq -S . "$WORK/file-simpul.first") <(jq -S . "$WORK/file-Node-RED.first") \
      || log "warning: first NDJSON rows differ (simpul vs Node-RED)"
  fi
}

sc_mapping() {
  local s=$(( DUR < 5 ? DUR : 5 ))
  rec mapping "simpul (YAML mapping, native SPBE functions)" \
    "$("$MAPPING_BENCH" "$s" "$MAPPING" "$SAMPLE" 2>/dev/null)"
  rec mapping "simpul (same plain-JSONata text as the peers)" \
    "$("$MAPPING_BENCH" "$s" "$BENCH/peers/lapor_to_national.jsonata" "$SAMPLE" 2>/dev/null)"
  rec mapping jsonata-js "$(node "$BENCH/peers/jsonata_bench.js" "$BENCH/peers/lapor_to_national.jsonata" "$SAMPLE" "$s")"
  local n=20000 t0 t1
  jq -c . "$SAMPLE" | awk -v n=$n '{for (i = 0; i < n; i++) print}' >"$WORK/records.ndjson"
  t0=$(date +%s.%N)
  jq -c -f "$BENCH/peers/lapor_to_national.jq" "$WORK/records.ndjson" >"$WORK/records.jq.out"
  t1=$(date +%s.%N)
  rec mapping jq "$(awk -v n=$n -v a="$t0" -v b="$t1" 'BEGIN {printf "{\"evals_s\":%.1f}", n / (b - a)}')"
}

sc_footprint() {
  ensure_nginx
  local port routes="" i; port=$(free_port)
  for i in $(seq 0 9); do
    routes+="
  r$i:
    from: {connector: api, path: /lapor$i, methods: [POST]}
    mode: request_reply
    steps: [{map: lapor}]
    to: echo"
  done
  local dir=$WORK/simpul-footprint admin; admin=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/simpul.yaml" <<EOF
hub:
  name: bench-footprint
  data_dir: $dir/data
  log_level: warn
  threads: $THREADS
  admin: {listen: 127.0.0.1:$admin}
connectors:
  api: {type: http_server, listen: 127.0.0.1:$port}
  echo: {type: http_client, url: http://127.0.0.1:$NGINX_PORT/echo}
mappings:
  lapor: $MAPPING
routes:$routes
EOF
  rec footprint simpul "$(python3 "$BENCH/peers/startup.py" --runs 3 --url "http://127.0.0.1:$port/lapor9" \
    --body "$SAMPLE" --log "$WORK/footprint-simpul.log" -- "$SIMPUL" run -c "$dir/simpul.yaml")"

  port=$(free_port)
  nr_flow "$BENCH/peers/http-proxy.flow.json" "$BENCH/peers/lapor_to_national.jsonata" "ECHO_PORT=$NGINX_PORT" \
    | jq '[range(10) as $i | .[] | .id += "\($i)" | .z = "tab\($i)"
           | if .type == "tab" then .id = "tab\($i)" | del(.z) | .label += " \($i)" else . end
           | if .type == "http in" then .url = "/lapor\($i)" else . end
           | if has("wires") then .wires = [.wires[] | map(. + "\($i)")] else . end]' >"$WORK/footprint.flow.json"
  mkdir -p "$WORK/nodered-footprint"
  cp "$WORK/footprint.flow.json" "$WORK/nodered-footprint/flows.json"
  rec footprint Node-RED "$(python3 "$BENCH/peers/startup.py" --runs 3 --url "http://127.0.0.1:$port/lapor9" \
    --body "$SAMPLE" --timeout 60 --log "$WORK/footprint-nodered.log" -- \
    node "$NODE_RED" --userDir "$WORK/nodered-footprint" --port "$port" flows.json)"
}

# --- summary: ratios, JSON, markdown, chart ----------------------------------
summary() {
  local date=$1 json=$2
  jq -s --arg date "$date" --arg host "$(uname -srm)" \
    --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
    --arg cores "$(nproc)" --arg mem "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)" \
    --arg rev "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    --arg load0 "$LOAD0" --arg load1 "$(loadavg)" --arg dur "$DUR" --arg conns "$CONNS" --arg window "$WINDOW" \
    --arg rate "${MQTT_RATE:-}" --arg ratepct "$MQTT_RATE_PCT" --arg threads "$THREADS" \
    --arg node "$(node --version)" --arg nr "$(jq -r .version "$PEERS/node_modules/node-red/package.json")" \
    --arg jsonata "$(jq -r .version "$PEERS/node_modules/jsonata/package.json")" '
    def pick(s; y): map(select(.scenario == s and .system == y)) | first;
    def ratio(a; b): if a and b and b != 0 then ((a / b) * 100 | round / 100) else null end;
    . as $r
    | {date: $date, git: $rev,
       machine: {kernel: $host, cpu: $cpu, cores: ($cores | tonumber), memory: $mem,
                 load_before: $load0, load_after: $load1},
       settings: {seconds: ($dur | tonumber), http_connections: ($conns | tonumber), mqtt_window: ($window | tonumber),
                  mqtt_fixed_rate: (if $rate == "" then null else ($rate | tonumber) end),
                  mqtt_fixed_rate_pct_of_relay: ($ratepct | tonumber), simpul_threads: ($threads | tonumber),
                  node: $node, node_red: $nr, jsonata_js: $jsonata},
       results: $r,
       ratios: {
         http_proxy_vs_node_red: ratio($r | pick("http-proxy"; "simpul") | .req_s?; $r | pick("http-proxy"; "Node-RED") | .req_s?),
         http_proxy_vs_nginx: ratio($r | pick("http-proxy"; "simpul") | .req_s?; $r | pick("ceiling"; "nginx fixed body") | .req_s?),
         mqtt_vs_two_hop: ratio($r | pick("mqtt"; "simpul") | .msg_s?;
                                ($r | map(select(.system == "relay (2 hops)")) | last | .msg_s?)),
         mqtt_forward_vs_two_hop: ratio($r | pick("mqtt"; "simpul (forward)") | .msg_s?;
                                ($r | map(select(.system == "relay (2 hops)")) | last | .msg_s?)),
         mqtt_p99_fixed_rate_forward_over_two_hop: ratio($r | pick("mqtt"; "simpul (forward), fixed rate") | .p99_ms?;
                                $r | pick("mqtt"; "relay (2 hops), fixed rate") | .p99_ms?),
         mqtt_node_red_vs_two_hop: ratio($r | pick("mqtt"; "Node-RED") | .msg_s?;
                                ($r | map(select(.system == "relay (2 hops)")) | last | .msg_s?)),
         mqtt_p99_fixed_rate_simpul_over_two_hop: ratio($r | pick("mqtt"; "simpul, fixed rate") | .p99_ms?;
                                $r | pick("mqtt"; "relay (2 hops), fixed rate") | .p99_ms?),
         file_vs_node_red: ratio($r | pick("file"; "simpul") | .rows_s?; $r | pick("file"; "Node-RED") | .rows_s?),
         mapping_vs_jsonata_js: ratio($r | pick("mapping"; "simpul (YAML mapping, native SPBE functions)") | .evals_s?;
                                      $r | pick("mapping"; "jsonata-js") | .evals_s?),
         idle_rss_node_red_over_simpul: ratio($r | pick("footprint"; "Node-RED") | .idle_rss_mb?;
                                              $r | pick("footprint"; "simpul") | .idle_rss_mb?)
       }}' "$RESULTS" >"$json"

  # Markdown: one table per scenario + the ratios.
  local md=${json%.json}.md
  {
    echo "Run $date (git $(jq -r .git "$json")), load average before/after: $(jq -r '.machine.load_before + " / " + .machine.load_after' "$json")."
    echo
    local sc
    for sc in "${RUN[@]}"; do
      jq -r --arg s "$sc" "$JQ_COLS"'
        [.results[] | select(.scenario == $s)] as $rows
        | if ($rows | length) == 0 then empty else
          ($rows | cols) as $keys
          | "**\($s)**", "",
            "| system | " + ($keys | join(" | ")) + " |",
            "|---|" + ($keys | map("---:") | join("|")) + "|",
            ($rows[] | "| \(.system) | " + ([$keys[] as $k | if has($k) then .[$k] | tostring else "" end] | join(" | ")) + " |"),
            "" end' "$json"
    done
    echo "**ratios** (same run)"
    echo
    jq -r '.ratios | to_entries[] | "- \(.key): \(.value // "n/a")"' "$json"
  } >"$md"

  chart "$json" "${json%.json}.png"
}

chart() {  # throughput (log) and p99 per scenario, simpul vs Node-RED vs ceiling
  local json=$1 png=$2 dat=$WORK/chart.dat
  jq -r '
    def v(s; y; k): [.results[] | select(.scenario == s and .system == y) | .[k]] | first // 0;
    def relay: [.results[] | select(.system == "relay (2 hops)") | .msg_s] | last // 0;
    def relay99: [.results[] | select(.system == "relay (2 hops), fixed rate") | .p99_ms] | last // 0;
    "http-proxy(req/s) \(v("http-proxy"; "simpul"; "req_s")) \(v("http-proxy"; "Node-RED"; "req_s")) \(v("ceiling"; "nginx fixed body"; "req_s")) \(v("http-proxy"; "simpul"; "p99_ms")) \(v("http-proxy"; "Node-RED"; "p99_ms")) \(v("ceiling"; "nginx fixed body"; "p99_ms"))",
    "http-durable(acc/s) \(v("http-durable"; "simpul"; "accepted_s")) 0 0 \(v("http-durable"; "simpul"; "p99_ms")) 0 0",
    "mqtt-QoS1(msg/s;p99-at-fixed-rate) \(v("mqtt"; "simpul"; "msg_s")) \(v("mqtt"; "Node-RED"; "msg_s")) \(relay) \(v("mqtt"; "simpul, fixed rate"; "p99_ms")) \(v("mqtt"; "Node-RED, fixed rate"; "p99_ms")) \(relay99)",
    "file(rows/s) \(v("file"; "simpul"; "rows_s")) \(v("file"; "Node-RED"; "rows_s")) 0 0 0 0",
    "mapping(evals/s) \(v("mapping"; "simpul (YAML mapping, native SPBE functions)"; "evals_s")) \(v("mapping"; "jsonata-js"; "evals_s")) 0 0 0 0"
  ' "$json" >"$dat"
  # A log axis with no positive value at all is an error: leave that panel out.
  local p99_panel; p99_panel=$(awk '$5 + $6 + $7 > 0 {f = 1} END {print f + 0}' "$dat")
  local p99_plot='set title "p99 latency, ms (log scale, lower is better)"
set yrange [0.01:*]
plot "'"$dat"'" every ::0::2 using 5:xtic(1) title "simpul" lc rgb "#1b7837", "" every ::0::2 using 6 title "Node-RED" lc rgb "#c51b7d", "" every ::0::2 using 7 title "ceiling" lc rgb "#999999"'
  ((p99_panel)) || p99_plot=""
  gnuplot <<EOF 2>"$WORK/gnuplot.log" || log "gnuplot failed (see $WORK/gnuplot.log)"
set terminal pngcairo size 1200,500 font "sans,10"
set output "$png"
set multiplot layout 1,2 title "simpul vs Node-RED vs ceiling ($(jq -r .date "$json"), same run)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 scale 0 font ",9"
set key top right font ",9"
set grid ytics
set logscale y
set yrange [1:*]
set title "throughput (log scale, higher is better)"
plot "$dat" using 2:xtic(1) title "simpul" lc rgb "#1b7837", '' using 3 title "Node-RED" lc rgb "#c51b7d", '' using 4 title "ceiling" lc rgb "#999999"
$p99_plot
unset multiplot
EOF
}

# A full run puts its tables and chart into docs/performance.md, between the
# bench:begin / bench:end markers.
update_docs() {
  local base=$1 doc=$ROOT/docs/performance.md
  [[ -f $doc ]] && grep -q '<!-- bench:begin -->' "$doc" || return 0
  cp "$base.png" "$ROOT/docs/performance.png" 2>/dev/null || true
  python3 - "$doc" "$base.md" <<'PY'
import sys
doc, md = sys.argv[1], sys.argv[2]
text = open(doc).read()
head, rest = text.split("<!-- bench:begin -->", 1)
_, tail = rest.split("<!-- bench:end -->", 1)
block = open(md).read().rstrip("\n")
open(doc, "w").write(head + "<!-- bench:begin -->\n" + block + "\n\n![throughput and p99 per scenario](performance.png)\n<!-- bench:end -->" + tail)
PY
}

# --- main -------------------------------------------------------------------
main() {
  local s
  RUN=()
  for s in "$@"; do
    case " ${ALL[*]} " in *" $s "*) RUN+=("$s") ;; *) die "unknown scenario '$s' (one of: ${ALL[*]})" ;; esac
  done
  ((${#RUN[@]})) || RUN=("${ALL[@]}")
  WORK=$(mktemp -d /tmp/simpul-bench.XXXXXX)
  RESULTS=$WORK/results.jsonl
  : >"$RESULTS"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  install_deps
  build
  find_binaries
  LOAD0=$(loadavg)
  log "load average $LOAD0; scenarios: ${RUN[*]}; ${DUR}s per load"
  for s in "${RUN[@]}"; do
    log "scenario $s"
    "sc_${s//-/_}"
    table "$s"
  done
  # A full run is bench/results/<date>.*; a partial one does not overwrite it.
  local date name; date=$(date -u +%F); name=$date
  [[ ${#RUN[@]} == "${#ALL[@]}" ]] || name="$date-partial"
  mkdir -p "$BENCH/results"
  summary "$date" "$BENCH/results/$name.json"
  printf '\nratios (same run):\n'
  jq -r '.ratios | to_entries[] | "  \(.key): \(.value // "n/a")"' "$BENCH/results/$name.json"
  if [[ $name == "$date" ]]; then update_docs "$BENCH/results/$date"; fi
  log "wrote bench/results/$name.{json,md,png}; load average now $(loadavg)"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
