#!/bin/sh
# Runs the JSONata conformance suite against `simpul eval --batch` and fails
# when fewer cases pass than the floor recorded next to this script.
# usage: conformance.sh SIMPUL_BINARY SUITE_ROOT FLOOR_FILE
simpul="$1"
root="$2"
floor_file="$3"
runner="$root/runner/run.mjs"
if [ ! -f "$runner" ] || [ ! -d "$root/jsonata-suite" ]; then
  echo "conformance: suite not found at $root (expected runner/run.mjs and jsonata-suite/); skipping"
  exit 77
fi
if ! command -v node >/dev/null 2>&1; then
  echo "conformance: node is not installed; skipping"
  exit 77
fi
floor=$(tr -dc '0-9' < "$floor_file")
out=$(node "$runner" --impl "$simpul eval" --impl-stderr ignore --exit-zero 2>&1)
echo "$out"
last=$(printf '%s\n' "$out" | tail -n 1)
passed=$(printf '%s\n' "$last" | sed -n 's/^\([0-9][0-9]*\) passed.*/\1/p')
if [ -z "$passed" ]; then
  echo "conformance: could not read the runner's summary line"
  exit 1
fi
echo "conformance: $passed passed, floor $floor"
[ "$passed" -ge "$floor" ]
