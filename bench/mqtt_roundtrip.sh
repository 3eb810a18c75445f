#!/usr/bin/env bash
# MQTT -> hub -> MQTT throughput, QoS 1 both ways, on this machine.
#
#   bench/mqtt_roundtrip.sh [build dir] [messages] [durability fsync|write]
#
# Starts its own mosquitto on a free loopback port and a `simpul run` whose
# route takes `in/<n>` (mqtt input, persistent session, QoS 1, PUBACK after
# the spool took the message) and publishes to `out/<n>` (QoS 1, delivered on
# PUBACK). mosquitto_pub -l publishes N lines QoS 1; mosquitto_sub counts them
# on the far side. Prints messages/s from the first publish to the last receipt.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
build=${1:-build}
n=${2:-20000}
durability=${3:-fsync}
simpul=$(cd "$build" && pwd)/simpul
work=$(mktemp -d)
pids=()
cleanup() {
  stop_all "${pids[@]}"
  rm -rf "$work"
}
trap cleanup EXIT
mport=$(free_port)
aport=$(free_port)
cat > "$work/mosquitto.conf" <<CONF
listener $mport 127.0.0.1
allow_anonymous true
user root
max_queued_messages 0
max_inflight_messages 100
CONF
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
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
  broker:
    type: mqtt
    url: tcp://127.0.0.1:$mport
    client_id: bench-hub
    version: "5"
    max_pending: 1000
routes:
  relay:
    from: {connector: broker, topics: ["in/#"]}
    durability: $durability
    to:
      - {connector: broker, topic: "out/{{attr.topic_1}}", qos: 1}
CONF
"$simpul" run -c "$work/simpul.yaml" > "$work/simpul.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$aport/readyz" > /dev/null && break
  sleep 0.1
done
mosquitto_sub -p "$mport" -q 1 -t 'out/#' -C "$n" -i bench-sink > "$work/received" &
sub=$!
sleep 0.5  # let the subscriber's SUBACK come back (mosquitto_sub has no ready signal)
start=$(date +%s.%N)
seq "$n" | sed 's/.*/{"reading":&}/' | mosquitto_pub -p "$mport" -q 1 -t in/3204 -l -i bench-device
wait "$sub"
end=$(date +%s.%N)
got=$(wc -l < "$work/received")
python3 -c "import sys;n,g,a,b=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]);print(f'mqtt->hub->mqtt qos1 durability=$durability: {g}/{n} messages in {b-a:.2f}s = {g/(b-a):.0f} msg/s')" "$n" "$got" "$start" "$end"
