#!/usr/bin/env bash
# Two builds of goatherd side by side on the uncached engagement scenario, taking turns: the
# server's CPU per answer (user and system, from /proc) and wrk's, which move less with the
# machine's load than req/s. Needs the datasets of bench/videos/run.sh (run it once first).
# usage: bench/videos/alternate.sh BINARY_A BINARY_B [PAIRS (2)] [SECONDS (8)]
# env:   WORKDIR (/tmp/goatherd-bench-videos), N (100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
a=$1 b=$2 pairs=${3:-2} seconds=${4:-8}
work=${WORKDIR:-/tmp/goatherd-bench-videos} n=${N:-100000}
db=$work/videos-$n.db ids=$work/ids-$n.txt
key=$(cat "$work/key-$n.txt")
[[ -f $work/videos-$n.done ]] || { echo "no dataset in $work: run bench/videos/run.sh first" >&2; exit 1; }
source bench/lib.sh
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

measure() {  # BINARY: one server, a warm-up, then one wrk run; prints one line
  local bin=$1 out
  out=$(mktemp -d)
  start_goatherd "$bin" "$db" "$out/s" --threads 2 --no-rate-limits
  local pid=${pids[-1]} args=(-t1 -c32 -H "Authorization: Bearer $key" -s bench/videos/videos.lua)
  wrk "${args[@]}" -d3s "http://127.0.0.1:$port" -- "$ids" engagement random 1 >/dev/null
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  /usr/bin/time -f "%U %S" -o "$out/wrk.time" \
    wrk "${args[@]}" -d"${seconds}s" "http://127.0.0.1:$port" -- "$ids" engagement random 1 >"$out/wrk"
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  read -r wu ws <"$out/wrk.time"
  local requests rps tick
  requests=$(awk '/requests in/ {print $1}' "$out/wrk")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out/wrk")
  tick=$(getconf CLK_TCK)
  awk -v b="$bin" -v n="$requests" -v rps="$rps" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v t="$tick" \
    -v wu="$wu" -v ws="$ws" 'BEGIN {
      printf "%-40s %8.0f req/s  server user %5.1f sys %5.1f us/answer  wrk %5.1f us/answer\n",
             b, rps, u * 1e6 / t / n, s * 1e6 / t / n, (wu + ws) * 1e6 / n }'
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$out"
}

for _ in $(seq 1 "$pairs"); do
  measure "$a"
  measure "$b"
done
