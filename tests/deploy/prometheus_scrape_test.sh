#!/usr/bin/env bash
# End to end with a real Prometheus: run the hub (`simpul run`) with one
# http_server input -> route -> http_client output to a small local sink,
# let Debian's prometheus scrape the admin listener every second with the
# shipped rules loaded, POST messages with curl, and wait until Prometheus'
# HTTP API shows them (raw counter, delivered counter, a recording rule).
# usage: prometheus_scrape_test.sh SOURCE_DIR SIMPUL_BINARY
set -euo pipefail
src=${1:?usage: prometheus_scrape_test.sh SOURCE_DIR SIMPUL_BINARY}
bin=${2:?usage: prometheus_scrape_test.sh SOURCE_DIR SIMPUL_BINARY}
N=5

for tool in prometheus curl jq python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not found (see deploy/install-deps.sh)"
    exit 77
  fi
done
if [ ! -x "$bin" ]; then
  echo "FAIL: $bin is not built; build the 'simpul' target first"
  exit 1
fi
# `simpul run` is integrated separately; until this binary has it, there is
# nothing real to scrape.
probe=$("$bin" run -c /dev/null 2>&1 || true)
if grep -q "unknown command 'run'" <<<"$probe"; then
  echo "SKIP: this simpul binary has no 'run' command yet ($bin run -> unknown command)"
  exit 77
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# Free loopback ports: bind port 0, read the port, close. Another process may
# take one in between; the start-up checks below would then fail loudly.
read -r p_in p_out p_admin p_prom < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
)

# wait_for DESCRIPTION SECONDS COMMAND...: poll a condition until a deadline.
wait_for() {
  local what=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "FAIL: timed out after ${secs}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
  echo "ok   $what (${SECONDS}s)"
}

# The output's peer: answers 200 to every POST and counts them.
cat > "$tmp/sink.py" <<'PY'
import http.server, sys
count_file = sys.argv[2]
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(count_file, "a") as f:
            f.write("x\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
: > "$tmp/sink.count"
python3 "$tmp/sink.py" "$p_out" "$tmp/sink.count" &
pids+=($!)

mkdir -p "$tmp/data"
cat > "$tmp/simpul.yaml" <<EOF
hub:
  name: scrape-test
  data_dir: data
  shutdown_timeout: 5s
  admin:
    listen: 127.0.0.1:$p_admin
    open_health: true
connectors:
  gateway:
    type: http_server
    listen: 127.0.0.1:$p_in
  sink:
    type: http_client
    url: http://127.0.0.1:$p_out
routes:
  scrape:
    from: {connector: gateway, path: /ingest, methods: [POST]}
    to:
      - connector: sink
        path: /sink
EOF
"$bin" run -c "$tmp/simpul.yaml" > "$tmp/simpul.log" 2>&1 &
hub_pid=$!
pids+=($hub_pid)
hub_alive() { kill -0 "$hub_pid" 2>/dev/null; }
# Ready, or gone: a hub that exits at start fails at once, not at the deadline.
ready_or_exited() { curl -fsS "http://127.0.0.1:$p_admin/readyz" || ! hub_alive; }
if ! wait_for "hub /readyz (or its exit)" 30 ready_or_exited || ! hub_alive; then
  echo "FAIL: the hub is not ready"
  tail -n 30 "$tmp/simpul.log"
  exit 1
fi

cp "$src/deploy/prometheus/simpul-rules.yml" "$tmp/simpul-rules.yml"
cat > "$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [simpul-rules.yml]
scrape_configs:
  - job_name: simpul
    metrics_path: /metrics
    static_configs:
      - targets: ["127.0.0.1:$p_admin"]
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prom" \
  --web.listen-address="127.0.0.1:$p_prom" --log.level=warn > "$tmp/prometheus.log" 2>&1 &
pids+=($!)
if ! wait_for "prometheus ready" 30 curl -fsS "http://127.0.0.1:$p_prom/-/ready"; then
  tail -n 30 "$tmp/prometheus.log"
  exit 1
fi

# query EXPR -> the first sample's value, or nothing.
query() {
  curl -fsS --get "http://127.0.0.1:$p_prom/api/v1/query" --data-urlencode "query=$1" |
    jq -r '.data.result[0].value[1] // empty'
}
at_least() {  # at_least EXPR N: the query's value is >= N
  local v
  v=$(query "$1") && [ -n "$v" ] && awk -v v="$v" -v n="$2" 'BEGIN { exit !(v + 0 >= n + 0) }'
}

wait_for "prometheus scrapes the hub (up == 1)" 30 at_least 'up{job="simpul"}' 1
# Two scrapes before the messages, so rate() in the rules sees the increase.
wait_for "two scrapes stored" 30 at_least 'count_over_time(up{job="simpul"}[1m])' 2

for i in $(seq 1 $N); do
  code=$(curl -sS -o "$tmp/answer" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"n\":$i}" "http://127.0.0.1:$p_in/ingest")
  if [ "$code" != 202 ]; then
    echo "FAIL: POST $i answered $code: $(cat "$tmp/answer")"
    tail -n 30 "$tmp/simpul.log"
    exit 1
  fi
done
echo "ok   $N messages accepted (202)"

fail=0
wait_for "simpul_messages_received_total{route=\"scrape\"} >= $N in Prometheus" 30 \
  at_least "sum(simpul_messages_received_total{route=\"scrape\"})" "$N" || fail=1
wait_for "simpul_messages_delivered_total{route=\"scrape\"} >= $N in Prometheus" 30 \
  at_least "sum(simpul_messages_delivered_total{route=\"scrape\"})" "$N" || fail=1
wait_for "the sink got $N requests" 30 bash -c "[ \$(wc -l < '$tmp/sink.count') -ge $N ]" || fail=1
wait_for "recording rule simpul:received:rate5m > 0" 30 \
  at_least "simpul:received:rate5m{route=\"scrape\"}" 0.000001 || fail=1
wait_for "simpul_ready == 1" 30 at_least 'simpul_ready' 1 || fail=1
wait_for "process metrics scraped" 30 at_least 'process_start_time_seconds{job="simpul"}' 1 || fail=1

if [ "$fail" -ne 0 ]; then
  echo "--- hub log"; tail -n 40 "$tmp/simpul.log"
  echo "--- /metrics"; curl -sS "http://127.0.0.1:$p_admin/metrics" | grep -E '^simpul_messages|^simpul_ready' || true
  exit 1
fi

# The hub shuts down cleanly on SIGTERM (within its shutdown_timeout).
kill -TERM "$hub_pid"
deadline=$((SECONDS + 15))
while hub_alive; do
  if ((SECONDS >= deadline)); then echo "FAIL: hub still running 15s after SIGTERM"; exit 1; fi
  sleep 0.2
done
wait "$hub_pid" && rc=0 || rc=$?
echo "hub exited with $rc after SIGTERM"
if [ "$rc" -ne 0 ]; then
  echo "FAIL: non-zero exit after SIGTERM"
  tail -n 20 "$tmp/simpul.log"
  exit 1
fi
echo PASS
