#!/usr/bin/env bash
# Side-by-side comparison of two goatherd binaries on the aggregates (bench/README.md, section
# Aggregates): both serve the same 100,000-video copy at once, and each round measures the same
# requests on one, then the other (wrk -t1 -c1 --latency), so that the machine's load hits both
# alike. Prints the medians of p50/p99 per request and binary.
#
# usage: bench/aggregates/before_after.sh BEFORE_BINARY AFTER_BINARY
# env:   WORKDIR (/tmp/h8-bench, holding videos-100000.db and key-100000.txt, made by
#        bench/analytics/run.sh), ROUNDS (3), DURATION (5 s)
# The database is migrated by AFTER when it starts; BEFORE must accept a newer schema (goatherd
# applies what it knows and ignores later versions).
set -euo pipefail
before=$(realpath "$1")
after=$(realpath "$2")
work=${WORKDIR:-/tmp/h8-bench}
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
db=$work/videos-100000.db
key=$(cat "$work/key-100000.txt")
project=$(sqlite3 "$db" "SELECT project_id FROM videos GROUP BY project_id ORDER BY count(*) DESC LIMIT 1")
read -r first last < <(sqlite3 -separator ' ' "$db" "SELECT date(min(posted_at), 'unixepoch', '-1 day'), date(max(posted_at), 'unixepoch', '+1 day') FROM videos")
run=$(mktemp -d "$work/ba.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT
start() {  # NAME BINARY -> sets port (not in a subshell: cleanup needs the pid)
  "$2" serve --db "$db" --listen 127.0.0.1:0 --threads 2 --no-rate-limits >"$run/$1.out" 2>"$run/$1.log" &
  pids+=($!)
  port=""
  for _ in $(seq 1 6000); do
    if [[ $(head -n 1 "$run/$1.out" 2>/dev/null) =~ ^goatherd\ listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
      port=${BASH_REMATCH[1]}
      return
    fi
    sleep 0.1
  done
  echo "$1 did not start: $(cat "$run/$1.log")" >&2
  exit 1
}
start after "$after"  # first: it migrates the database
port_after=$port
start before "$before"
port_before=$port
agg="/api/v1/analytics/aggregate"
declare -A urls=(
  [leaderboard_views]="$agg/video-leaderboard?project_id=$project"
  [leaderboard_views_p100]="$agg/video-leaderboard?project_id=$project&offset=5000"
  [leaderboard_likes]="$agg/video-leaderboard?project_id=$project&order=like_count"
  [leaderboard_posted]="$agg/video-leaderboard?project_id=$project&order=posted_at"
  [leaderboard_week]="$agg/video-leaderboard?project_id=$project&from=2026-01-05&to=2026-01-11"
  [heatmap]="$agg/posting-heatmap?project_id=$project&from=$first&to=$last"
)
names=(leaderboard_views leaderboard_views_p100 leaderboard_likes leaderboard_posted leaderboard_week heatmap)
# The same answers from both binaries (request ids and times aside).
for n in "${names[@]}"; do
  a=$(curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port_before${urls[$n]}" | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps([d['data'], {k: v for k, v in (d['meta'] or {}).items() if k != 'request_id'}], sort_keys=True))")
  b=$(curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port_after${urls[$n]}" | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps([d['data'], {k: v for k, v in (d['meta'] or {}).items() if k != 'request_id'}], sort_keys=True))")
  [[ $a == "$b" ]] || { echo "$n: the two binaries answer differently" >&2; exit 1; }
done
echo "same answers from both binaries for ${#names[@]} requests; load $(cut -d' ' -f1-3 /proc/loadavg)"
p_ms() {
  awk -v p="$2%" '$1 == p {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
       f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.2f", v * f}' "$1"
}
for r in $(seq 1 "$rounds"); do
  for n in "${names[@]}"; do
    for side in before after; do
      port=port_$side
      wrk -t1 -c1 -d"${duration}s" --timeout 30s --latency -H "Authorization: Bearer $key" \
        "http://127.0.0.1:${!port}${urls[$n]}" >"$run/w.txt"
      echo "$n $side $(p_ms "$run/w.txt" 50) $(p_ms "$run/w.txt" 99)" >>"$run/results"
    done
  done
  echo "round $r done (load $(cut -d' ' -f1-3 /proc/loadavg))"
done
python3 - "$run/results" "$rounds" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print("medians of %s rounds, wrk -t1 -c1 (ms):" % sys.argv[2])
print("  %-24s %17s %17s %8s" % ("request", "before p50 / p99", "after p50 / p99", "p50 x"))
seen = []
for n, *_ in rows:
    if n not in seen: seen.append(n)
for n in seen:
    m = {s: [statistics.median(float(r[i]) for r in rows if r[0] == n and r[1] == s) for i in (2, 3)] for s in ("before", "after")}
    print("  %-24s %8.2f / %6.2f %8.2f / %6.2f %7.1fx" % (n, *m["before"], *m["after"], m["before"][0] / m["after"][0]))
PY
