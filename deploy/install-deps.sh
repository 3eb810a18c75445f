#!/usr/bin/env bash
# The one place simpul's dependencies are listed. Idempotent: installs only
# what is missing, so `make run` / `make test` can call it every time.
# Debian 12 (bookworm), run as root (or with sudo available).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build make pkg-config git
  # libraries fixed by the design card
  libboost-dev libboost-system-dev
  libpaho-mqtt-dev libpaho-mqttpp-dev
  libcurl4-openssl-dev rapidjson-dev libssl-dev
  prometheus-cpp-dev libgtest-dev libgmock-dev libyaml-cpp-dev
  # mapping engine: XML reader/writer and a real regex engine (JS-like syntax)
  libpugixml-dev libpcre2-dev
  # fuzzing (libFuzzer via clang) and sanitizers
  clang libclang-rt-14-dev
  # test peers and tools: real broker, promtool, TLS scanner, curl/jq/openssl CLIs
  mosquitto mosquitto-clients prometheus testssl.sh curl jq openssl
  # node runs the JSONata conformance runner and test helper scripts
  nodejs
  # systemd-analyze verify for the shipped unit
  systemd
  # tests/deploy: parse the compose/Kubernetes/Grafana files
  python3 python3-yaml
)
# `install-deps.sh --bench`: also what bench/run.sh needs (the loopback
# ceilings, the load generators, the chart; perf to profile. npm comes with
# nodejs here: the Debian npm package conflicts with this machine's node).
if [[ ${1:-} == --bench ]]; then
  packages+=(nginx-light libnginx-mod-http-echo wrk gnuplot-nox linux-perf)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The Debian mosquitto package starts a system broker on :1883; tests start
# their own on free ports and never use it.
