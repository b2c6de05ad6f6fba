#!/usr/bin/env bash
# Scrape benchmark (bench/README.md, section Scraping): `goatherd serve --source simulated` on an
# organization of CREATORS creators and about CREATORS x POSTS tracked videos whose stats jobs are
# all due; measures the snapshots ingested per second, the server's memory, and the latency of
# GET /api/v1/videos answered meanwhile (a slow closed loop: one request every 10 ms).
#
# usage: bench/scrape/run.sh [BUILD_DIR]   (default: build; build it Release, targets goatherd
#        and sim_world)
# env:   CREATORS (10000), POSTS (100), DURATION (60, seconds), WORKDIR (/tmp/goatherd-bench-scrape),
#        SCRAPE_THREADS (2), THREADS (2)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(realpath "${1:-$repo/build}")
bin=$build/src/goatherd
world=$build/bench/sim_world
creators=${CREATORS:-10000}
posts=${POSTS:-100}
seconds=${DURATION:-60}
work=${WORKDIR:-/tmp/goatherd-bench-scrape}
scrape_threads=${SCRAPE_THREADS:-2}
threads=${THREADS:-2}
now=2026-11-20T12:00:00Z

for tool in wrk sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: sudo apt-get install -y $tool" >&2; exit 1; }
done
[[ -x $bin && -x $world ]] || { echo "build goatherd and sim_world first (Release)" >&2; exit 1; }

mkdir -p "$work"
base=$work/world-$creators-$posts.db
if [[ ! -f $base.done ]]; then
  rm -f "$base" "$base"-*
  "$bin" migrate --db "$base" >/dev/null 2>&1
  # A plan without caps, so that a million videos can be tracked.
  sqlite3 "$base" "INSERT INTO plan_limits (plan, limit_key, value)
    SELECT 'bench', limit_key, CASE WHEN limit_key LIKE 'max_%' THEN NULL ELSE value END
    FROM plan_limits WHERE plan = 'ultra'"
  echo "generating and importing the world ($creators creators x $posts posts)..."
  start=$(date +%s)
  "$world" "$creators" "$posts" "$now" 42 | "$bin" import - --db "$base" --fake-now "$now" \
    >"$work/import.log" 2>&1
  # The oldest of a creator's last 100 posts can be months old: track videos for a year so that
  # every imported video is still refreshed.
  sqlite3 "$base" "UPDATE organizations SET settings = json_set(settings, '$.video_tracking_days', 365)"
  echo "imported in $(($(date +%s) - start)) s: $(tail -1 "$work/import.log")"
  touch "$base.done"
fi
# A world made by an older goatherd: brought to the current schema, with what a newer version
# derives from the snapshots computed, once (serve would do it at every run's start otherwise).
"$bin" migrate --db "$base" >/dev/null

run=$(mktemp -d "$work/run.XXXXXX")
pid=""
cleanup() {
  [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$run"
}
trap cleanup EXIT
cp "$base" "$run/db"
org=$(sqlite3 "$run/db" "SELECT id FROM organizations LIMIT 1")
key=$("$bin" keys create --db "$run/db" --org "$org" --name bench --scopes read 2>/dev/null | tail -1)
videos=$(sqlite3 "$run/db" "SELECT COUNT(*) FROM videos")
before=$(sqlite3 "$run/db" "SELECT COUNT(*) FROM video_snapshots")

# Two hours after the baselines: every stats job is due (the plan's floor is one hour).
"$bin" serve --db "$run/db" --listen 127.0.0.1:0 --threads "$threads" --no-rate-limits \
  --source simulated --seed 42 --scrape-threads "$scrape_threads" \
  --fake-now 2026-11-20T13:00:00Z >"$run/out" 2>"$run/log" &
pid=$!
# Migrations and deferred aggregate work of a new schema run before the server listens.
for _ in $(seq 1 6000); do grep -q listening "$run/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on //p' "$run/out")
echo "serving $url: $videos videos, $before snapshots"

cat >"$run/paced.lua" <<'LUA'
function delay() return 10 end
LUA
sleep 5  # jobs queued, scheduler warm
c0=$(sqlite3 "$run/db" "SELECT COUNT(*) FROM video_snapshots")
t0=$(date +%s.%N)
wrk -t1 -c1 -d"${seconds}s" --latency -s "$run/paced.lua" \
  -H "Authorization: Bearer $key" "$url/api/v1/videos?limit=50" >"$run/wrk" 2>&1
t1=$(date +%s.%N)
c1=$(sqlite3 "$run/db" "SELECT COUNT(*) FROM video_snapshots")
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
rate=$(python3 -c "print(round(($c1 - $c0) / ($t1 - $t0)))")
echo "ingest: $((c1 - c0)) snapshots in $(python3 -c "print(round($t1 - $t0, 1))") s = $rate snapshots/s"
echo "server memory: peak $((hwm / 1024)) MiB, now $((rss / 1024)) MiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "GET /api/v1/videos?limit=50 meanwhile:"
grep -E "Requests/sec|^ +(50|90|99)%" "$run/wrk"
grep -c "ingest\|scheduler" "$run/log" >/dev/null || true
