#!/usr/bin/env bash
# HTTP benchmark of `goatherd serve`: the cheapest endpoint (GET /healthz, the HTTP ceiling) and an
# authenticated list (GET /api/v1/projects, 10 projects), alternated round by round in one run so
# that machine noise hits both sides alike; then the server's resident memory.
# Usage: bench/http/run.sh [GOATHERD_BINARY]   (default: build/src/goatherd; build it Release)
# Environment: ROUNDS (3), DURATION (10s), CONNECTIONS (32), THREADS (server workers, 2),
#              WARMUP (3s), IDLE_SECONDS (5).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$repo/build/src/goatherd}
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
warmup=${WARMUP:-3s}
idle_seconds=${IDLE_SECONDS:-5}

for tool in wrk curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "no executable at $bin (build it: cmake --build build --target goatherd)" >&2; exit 1; }

work=$(mktemp -d /tmp/goatherd-bench-http.XXXXXX)
pid=""
cleanup() {
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/bench.db"
org=$("$bin" orgs create --db "$db" --name "HTTP bench" 2>>"$work/cli.log") || { cat "$work/cli.log" >&2; exit 1; }
key=$("$bin" keys create --db "$db" --org "$org" --name bench 2>>"$work/cli.log") || { cat "$work/cli.log" >&2; exit 1; }

# The request log goes to a file, as it would to journald in production, not to a terminal.
"$bin" serve --db "$db" --listen 127.0.0.1:0 --threads "$threads" --no-rate-limits \
  >"$work/server.out" 2>"$work/server.log" &
pid=$!
port=""
for _ in $(seq 1 100); do
  line=$(head -n 1 "$work/server.out" 2>/dev/null || true)
  if [[ $line =~ ^goatherd\ listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
    port=${BASH_REMATCH[1]}
    break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $port ]] || { cat "$work/server.log" >&2; echo "the server did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$pid/status"; }
sleep 1
rss_start=$(rss_kb)

for i in $(seq 1 10); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $key" \
    -H "Content-Type: application/json" -d "{\"name\": \"Bench project $i\"}" "$base/api/v1/projects")
  [[ $code == 201 ]] || { echo "creating project $i answered $code" >&2; exit 1; }
done
count=$(curl -s -H "Authorization: Bearer $key" "$base/api/v1/projects" | grep -o '"org_id"' | wc -l)
[[ $count == 10 ]] || { echo "the list holds $count projects, expected 10" >&2; exit 1; }

healthz=(wrk -t1 -c"$connections" --latency "$base/healthz")
projects=(wrk -t1 -c"$connections" --latency -H "Authorization: Bearer $key" "$base/api/v1/projects")

# wrk prints latencies as 812.00us, 1.20ms or 1.05s; report milliseconds.
p99_ms() {
  awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
       f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", v * f}' "$1"
}
rps() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
# Server CPU (user + system, in clock ticks) so far: CPU per request is steadier than req/s on a
# shared machine, because it does not count the time other processes take.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)
cpu_us_per_request() {
  awk -v t="$1" -v n="$2" -v hz="$ticks_per_second" 'BEGIN {printf "%.1f", t * 1000000 / hz / n}'
}
non2xx() { awk '/Non-2xx or 3xx responses:/ {n = $NF} END {print n + 0}' "$1"; }
errors() { awk '/Socket errors:/ {print; found = 1} END {if (!found) print "none"}' "$1"; }

echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"${healthz[@]}" -d"$warmup" >/dev/null
"${projects[@]}" -d"$warmup" >/dev/null

declare -a h_rps h_p99 h_cpu p_rps p_p99 p_cpu
for r in $(seq 1 "$rounds"); do
  t0=$(cpu_ticks)
  "${healthz[@]}" -d"$duration" >"$work/h$r.txt"
  t1=$(cpu_ticks)
  "${projects[@]}" -d"$duration" >"$work/p$r.txt"
  t2=$(cpu_ticks)
  for side in h p; do
    f="$work/$side$r.txt"
    bad=$(non2xx "$f")
    if [[ $bad != 0 ]]; then
      echo "round $r ($side): $bad responses were not 2xx; the figures are void" >&2
      cat "$f" >&2
      exit 1
    fi
  done
  h_rps+=("$(rps "$work/h$r.txt")")
  h_p99+=("$(p99_ms "$work/h$r.txt")")
  p_rps+=("$(rps "$work/p$r.txt")")
  p_p99+=("$(p99_ms "$work/p$r.txt")")
  h_cpu+=("$(cpu_us_per_request $((t1 - t0)) "$(requests "$work/h$r.txt")")")
  p_cpu+=("$(cpu_us_per_request $((t2 - t1)) "$(requests "$work/p$r.txt")")")
  echo "round $r: healthz ${h_rps[-1]} req/s (p99 ${h_p99[-1]} ms, server CPU ${h_cpu[-1]} us/req," \
    "socket errors: $(errors "$work/h$r.txt")), projects ${p_rps[-1]} req/s (p99 ${p_p99[-1]} ms," \
    "server CPU ${p_cpu[-1]} us/req, socket errors: $(errors "$work/p$r.txt"))"
done
rss_load=$(rss_kb)
hwm=$(hwm_kb)
sleep "$idle_seconds"
rss_idle=$(rss_kb)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
hm=$(median "${h_rps[@]}")
pm=$(median "${p_rps[@]}")
echo
echo "median over $rounds rounds of $duration, wrk -t1 -c$connections, serve --threads $threads:"
echo "  GET /healthz          $hm req/s, p99 $(median "${h_p99[@]}") ms, server CPU $(median "${h_cpu[@]}") us/req"
echo "  GET /api/v1/projects  $pm req/s, p99 $(median "${p_p99[@]}") ms, server CPU $(median "${p_cpu[@]}") us/req"
awk -v p="$pm" -v h="$hm" 'BEGIN {printf "  ratio projects/healthz: %.0f%% (target >= 60%%)\n", 100 * p / h}'
awk -v a="$rss_start" -v b="$rss_load" -v c="$rss_idle" -v m="$hwm" -v i="$idle_seconds" 'BEGIN {
  printf "resident memory (VmRSS): %.1f MiB after start, %.1f MiB after the load, %.1f MiB after %d s idle; peak (VmHWM) %.1f MiB (target: idle under 30 MB)\n",
         a / 1024, b / 1024, c / 1024, i, m / 1024}'
