#!/usr/bin/env bash
# file -> hub -> HTTP throughput on this machine.
#
#   bench/file_to_http.sh [build dir] [rows] [durability fsync|write]
#
# Writes a CSV of N rows, starts a node HTTP sink (answers 200, counts
# requests) and a `simpul run` whose route takes the CSV from a watched
# directory (one message per row) and POSTs each row to the sink. The file is
# renamed into the directory (complete_when: rename); the clock runs from
# that rename to the sink's N-th request.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
build=${1:-build}
n=${2:-100000}
durability=${3:-fsync}
simpul=$(cd "$build" && pwd)/simpul
work=$(mktemp -d)
pids=()
cleanup() {
  stop_all "${pids[@]}"
  rm -rf "$work"
}
trap cleanup EXIT
hport=$(free_port)
aport=$(free_port)
mkdir -p "$work/drop" "$work/data"
cat > "$work/sink.js" <<'JS'
const http = require('http');
const [port, want, out] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
let count = 0;
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {'content-type': 'application/json'});
    res.end('{}');
    if (++count === want) require('fs').writeFileSync(out, String(Date.now() / 1000));
  });
}).listen(port, '127.0.0.1');
JS
node "$work/sink.js" "$hport" "$n" "$work/done" &
pids+=($!)
cat > "$work/simpul.yaml" <<CONF
hub:
  name: bench
  data_dir: $work/data
  log_level: warn
  threads: 2
  admin:
    listen: 127.0.0.1:$aport
connectors:
  drop:
    type: file
    dir: $work/drop
    patterns: ["*.csv"]
    format: csv
    complete_when: rename
  sink:
    type: http_client
    url: http://127.0.0.1:$hport/ingest
    timeout: 5s
routes:
  rows:
    from: drop
    durability: $durability
    to: [sink]
CONF
"$simpul" run -c "$work/simpul.yaml" > "$work/simpul.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$aport/readyz" > /dev/null && break
  sleep 0.1
done
{
  echo "nik;nama;kecamatan;nilai"
  seq "$n" | awk '{printf "%016d;\"Warga %d\";Kec-%d;%d.%02d\n", $1, $1, $1 % 40, $1 % 1000, $1 % 100}'
} > "$work/rows.tmp"
start=$(date +%s.%N)
mv "$work/rows.tmp" "$work/drop/rows.csv"
while [ ! -f "$work/done" ]; do
  sleep 0.05
  kill -0 "${pids[1]}" 2>/dev/null || { cat "$work/simpul.log"; exit 1; }
done
end=$(cat "$work/done")
python3 -c "import sys;n,a,b=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]);print(f'file->hub->http durability=$durability: {n} rows in {b-a:.2f}s = {n/(b-a):.0f} rows/s')" "$n" "$start" "$end"
