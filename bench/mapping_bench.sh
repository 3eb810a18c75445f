#!/bin/sh
# Runs bench/mapping_bench for simpul and, in the same run, for jsonata-js.
# Installs the npm `jsonata` package into its own folder under the build dir.
# usage: bench/mapping_bench.sh [BUILD_DIR] [seconds]   (BUILD_DIR built with
#        -DCMAKE_BUILD_TYPE=Release -DSIMPUL_BENCH=ON)
set -e
build="${1:-build-release}"
seconds="${2:-3}"
js_dir="$build/bench/jsonata-js"
if [ ! -f "$js_dir/node_modules/jsonata/package.json" ]; then
  mkdir -p "$js_dir"
  npm install --prefix "$js_dir" --no-save --no-audit --no-fund jsonata@2 >/dev/null
fi
exec "$build/bench/mapping_bench" "$seconds" --js "$js_dir"
