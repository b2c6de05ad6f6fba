#!/usr/bin/env bash
# Analytics benchmark (bench/README.md, section Analytics): GET /api/v1/analytics on a project of
# 100,000 videos (93,074 counted) — the `views` series over 90 days, each request a question not
# asked before in the run (62 windows) — and on a campaign of about 5,000 of those videos with breakdown=video; then the
# aggregates video-leaderboard and posting-heatmap over the whole project. goatherd is measured
# with wrk (one connection for latency percentiles, CONNECTIONS for throughput), beside the same
# computations as SQL in PostgreSQL 15 (pgbench, one client, percentiles from its
# per-transaction log) on the same rows, after proving that PostgreSQL's answers equal
# goatherd's value by value.
#
# usage: bench/analytics/run.sh [GOATHERD_BINARY]   (default: build/src/goatherd; build Release)
# env:   SOURCE_DB (/tmp/goatherd-bench-videos/videos-100000.db, made by bench/videos/run.sh;
#        read once, to make the copy), SOURCE_KEY (its key file), WORKDIR (/tmp/h8-bench),
#        ROUNDS (3), DURATION (10 s), CONNECTIONS (32), THREADS (server workers, 2),
#        PG_PORT (5442), PGBIN (/usr/lib/postgresql/15/bin), PG=0 to skip PostgreSQL,
#        SLOW_MS (2000: a scenario whose first answers take longer is timed by 3 sequential
#        requests instead of wrk)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-$repo/build/src/goatherd}")
source_db=${SOURCE_DB:-/tmp/goatherd-bench-videos/videos-100000.db}
source_key=${SOURCE_KEY:-/tmp/goatherd-bench-videos/key-100000.txt}
work=${WORKDIR:-/tmp/h8-bench}
rounds=${ROUNDS:-3}
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
pg_port=${PG_PORT:-5442}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
use_pg=${PG:-1}
slow_ms=${SLOW_MS:-2000}

for tool in wrk curl python3 sqlite3 psql pgbench; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing: $tool" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "no executable at $bin (build it Release first)" >&2; exit 1; }
mkdir -p "$work"
run=$(mktemp -d "$work/run.XXXXXX")

# The dataset belongs to the Videos benchmark: work on a consistent copy (SQLite's online
# backup), made once, with its key. The binary migrates the copy when it starts.
db=$work/videos-100000.db
[[ -s $db ]] || sqlite3 "$source_db" ".backup $db"
[[ -s $work/key-100000.txt ]] || cp "$source_key" "$work/key-100000.txt"
key=$(cat "$work/key-100000.txt")
org=$(sqlite3 "$db" "SELECT id FROM organizations LIMIT 1")
# The dataset's key reads only; the campaign is created with a key of its own (once).
if [[ ! -s $work/key-write.txt ]]; then
  "$bin" keys create --db "$db" --org "$org" --name analytics-bench --scopes read,write |
    grep -o '^tga_[A-Za-z0-9_]*' >"$work/key-write.txt"
fi
tz=$(sqlite3 "$db" "SELECT timezone FROM organizations LIMIT 1")
project=$(sqlite3 "$db" "SELECT project_id FROM videos GROUP BY project_id ORDER BY count(*) DESC LIMIT 1")
read -r first last < <(sqlite3 -separator ' ' "$db" "SELECT date(min(posted_at), 'unixepoch', '-1 day'), date(max(posted_at), 'unixepoch', '+1 day') FROM videos")
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); load $(load)"
echo "goatherd: $bin ($(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?') + working tree)"

pids=()
pg_started=""
as_pg() { if ((EUID == 0)); then runuser -u nobody -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [[ -n $pg_started ]]; then as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null || true; fi
  rm -rf "$run"
}
trap cleanup EXIT

# --- goatherd ---
start_goatherd "$bin" "$db" "$run/serve" --threads "$threads" --no-rate-limits
base="http://127.0.0.1:$port"

# The campaign (once): active creators in id order until their counted videos reach 5,000,
# added through the API so that the server's resolver sees it as any client's campaign.
python3 "$here/peers.py" campaign --db "$db" --base "$base" --key "$(cat "$work/key-write.txt")" --project "$project" \
  --out "$work/campaign.txt"
campaign=$(cat "$work/campaign.txt")
python3 "$here/peers.py" seqs --db "$db" --campaign "$campaign" --out "$work/campaign-seqs.txt"
echo "project $project: $(sqlite3 "$db" "SELECT count(*) FROM videos WHERE project_id = '$project' AND tracking_status IN ('auto_tracked', 'included', 'direct_add')") counted videos;" \
  "campaign $campaign: $(wc -l <"$work/campaign-seqs.txt") videos of $(sqlite3 "$db" "SELECT count(*) FROM campaign_items WHERE campaign_id = '$campaign'") creators"

# 62 distinct 90-day windows (from = 2025-12-01 .. 2026-01-31; the snapshots cover 2026-01-01 ..
# 2026-03-31), shuffled. The server caches answers by their query string (until the data
# changes): analytics.lua makes each request a question not asked before by a parameter the API
# ignores (the count below checks it).
python3 - "$run" "$project" "$campaign" <<'PY'
import datetime, random, sys
run, project, campaign = sys.argv[1:]
d0 = datetime.date(2025, 12, 1)
windows = [(d0 + datetime.timedelta(days=k), d0 + datetime.timedelta(days=k + 89)) for k in range(62)]
for name, fixed in (("project", "entity=project&entity_id=%s&metric=views" % project),
                    ("campaign", "entity=campaign&entity_id=%s&metric=views&breakdown=video" % campaign)):
    paths = ["/api/v1/analytics?%s&from=%s&to=%s" % (fixed, a, b) for a, b in windows]
    random.Random(5).shuffle(paths)
    with open("%s/%s.paths" % (run, name), "w") as f:
        f.writelines(p + "\n" for p in paths)
PY
agg="/api/v1/analytics/aggregate"
echo "$agg/video-leaderboard?project_id=$project" >"$run/leaderboard.paths"
echo "$agg/posting-heatmap?project_id=$project&from=$first&to=$last" >"$run/heatmap.paths"
scenarios=(project campaign leaderboard heatmap)

results=$run/results.txt
record() { echo "$1 $2" >>"$results"; }
p_ms() {  # FILE PERCENTILE: wrk prints 812.00us, 1.20ms or 1.05s
  awk -v p="$2%" '$1 == p {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
       f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", v * f}' "$1"
}
non2xx() { awk '/Non-2xx or 3xx responses:/ {n = $NF} END {print n + 0}' "$1"; }

# A first look at each scenario: three sequential requests with curl (their times, the answer's
# size, meta.cached). A scenario slower than SLOW_MS is timed by these requests alone.
declare -A slow
probe() {  # NAME
  local times=() i path
  for i in 1 2 3; do
    path=$(sed -n "${i}p;" "$run/$1.paths")
    [[ -n $path ]] || path=$(head -n 1 "$run/$1.paths")
    times+=("$(curl -s -o "$run/$1.json" -w '%{http_code} %{time_total} %{size_download}' \
      -H "Authorization: Bearer $key" "$base$path")")
  done
  python3 - "$1" "$run/$1.json" "${times[@]}" <<'PY'
import json, sys
name, body = sys.argv[1], json.load(open(sys.argv[2]))
runs = [t.split() for t in sys.argv[3:]]
if any(r[0] != "200" for r in runs):
    sys.exit("%s: status %s: %s" % (name, [r[0] for r in runs], body))
ms = ", ".join("%.1f" % (float(r[1]) * 1000) for r in runs)
print("  %-12s 3 sequential requests: %s ms; %s bytes; meta %s" % (name, ms, runs[-1][2], json.dumps(body["meta"])))
PY
  local worst
  worst=$(printf '%s\n' "${times[@]}" | awk '{print $2 * 1000}' | sort -g | tail -1)
  if awk -v w="$worst" -v s="$slow_ms" 'BEGIN {exit !(w > s)}'; then
    slow[$1]=$(printf '%s\n' "${times[@]}" | awk '{print $2 * 1000}' | sort -g | sed -n 2p)
  fi
}
echo "probe (load $(load)):"
for s in "${scenarios[@]}"; do probe "$s"; done

# Where the next run of a scenario starts in its list of paths: past every path asked so far
# (the requests wrk completed, and those still in flight when it stopped).
declare -A offset
asked() {  # NAME WRK-OUTPUT CONNECTIONS
  offset[$1]=$((${offset[$1]:-0} + $(awk '/requests in/ {print $1}' "$2") + $3))
}
wrk_run() {  # NAME CONNECTIONS ROUND
  local f=$run/$1-c$2-r$3.txt
  wrk -t1 -c"$2" -d"${duration}s" --timeout 30s --latency -H "Authorization: Bearer $key" \
    -s "$here/analytics.lua" "$base" -- "$run/$1.paths" "${offset[$1]:-3}" >"$f"
  asked "$1" "$f" "$2"
  if [[ $(non2xx "$f") != 0 ]] || grep -q 'Socket errors' "$f"; then
    echo "$1: errors or non-2xx answers; the figures are void" >&2
    cat "$f" >&2
    exit 1
  fi
  # wrk leaves its last requests in the server's queue: wait until they are answered.
  curl -s -o /dev/null --max-time 300 "$base/healthz"
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {printf "%.1f", $2}' "$f")
  p50=$(p_ms "$f" 50)
  p99=$(p_ms "$f" 99)
  record "$1.c$2.rps" "$rps"
  record "$1.c$2.p50" "$p50"
  record "$1.c$2.p99" "$p99"
  printf '  %-12s -c%-3s %9s req/s  p50 %8s ms  p99 %8s ms  (load %s)\n' "$1" "$2" "$rps" "$p50" "$p99" "$(load)"
}

# --- PostgreSQL 15: a private server on a unix socket in WORKDIR ---
pgsock=$work/pgsock
pg=(psql -X -q -h "$pgsock" -p "$pg_port" -U postgres)
if ((use_pg)); then
  pgdata=$work/pg
  if [[ ! -s $pgdata/PG_VERSION ]]; then
    rm -rf "$pgdata"
    mkdir -p "$pgdata"
    ((EUID == 0)) && chown nobody "$pgdata"
    as_pg "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C >"$work/initdb.log"
  fi
  mkdir -p "$pgsock"
  ((EUID == 0)) && chown nobody "$pgsock"
  # fsync off: the data is a reproducible benchmark copy; it changes nothing for read queries.
  as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$pgsock/postgres.log" -w -o "-c listen_addresses='' \
    -k $pgsock -p $pg_port -c shared_buffers=2GB -c work_mem=256MB -c maintenance_work_mem=1GB \
    -c fsync=off -c synchronous_commit=off -c max_wal_size=8GB" start >/dev/null
  pg_started=1
  "$here/pg_load.sh" "$db" "$work" "${pg[@]}"
  # The campaign's videos as goatherd resolves them, for the SQL peer.
  "${pg[@]}" -d analytics -c "DROP TABLE IF EXISTS campaign_videos" \
    -c "CREATE TABLE campaign_videos (seq bigint PRIMARY KEY)" \
    -c "\copy campaign_videos FROM '$work/campaign-seqs.txt'" -c "ANALYZE campaign_videos"
  echo "PostgreSQL: $("${pg[@]}" -d analytics -At -c "SELECT version()" | cut -d, -f1)," \
    "$("${pg[@]}" -d analytics -At -c "SELECT count(*) FROM video_snapshots") snapshots"
  # The proof: one project window and the campaign (main series and breakdown), value by value.
  python3 "$here/peers.py" check --base "$base" --key "$key" --psql "${pg[*]} -d analytics" \
    --project "$project" --campaign "$campaign" --org "$org" --tz "$tz" \
    --from 2026-01-01 --to 2026-03-31
fi

pg_script() {  # NAME -> FILE: the pgbench script of a scenario, the window drawn per transaction
  local f=$run/$1.pgbench
  {
    echo "\\set k random(0, 61)"
    python3 "$here/peers.py" sql --name "$1" --project "$project" --org "$org" --tz "$tz" \
      --from "(date '2025-12-01' + :k)" --to "(date '2025-12-01' + :k + 89)" \
      --first "$first" --last "$last"
  } >"$f"
  echo "$f"
}
bench_pg() {  # NAME ROUND
  rm -f "$run"/pgbench_log.*
  local f
  f=$(pg_script "$1")
  (cd "$run" && pgbench -n -h "$pgsock" -p "$pg_port" -U postgres -c 1 -T "$duration" \
    -f "$f" --log --log-prefix="$run/pgbench_log" analytics >"$run/pgbench.out" 2>&1) ||
    { cat "$run/pgbench.out" >&2; exit 1; }
  local out
  out=$(cat "$run"/pgbench_log.* | python3 -c "
import sys
lat = sorted(int(l.split()[2]) / 1000 for l in sys.stdin if l.strip())
pick = lambda p: lat[max(0, -(-p * len(lat) // 100) - 1)]
print('%.2f %.2f %d' % (pick(50), pick(99), len(lat)))")
  read -r p50 p99 n <<<"$out"
  record "pg_$1.p50" "$p50"
  record "pg_$1.p99" "$p99"
  printf '  %-12s PostgreSQL  %5s queries  p50 %8s ms  p99 %8s ms  (load %s)\n' "$1" "$n" "$p50" "$p99" "$(load)"
}

echo "warm-up (load $(load))"
for s in "${scenarios[@]}"; do
  [[ -z ${slow[$s]:-} ]] || continue
  wrk -t1 -c1 -d2s --timeout 30s -H "Authorization: Bearer $key" -s "$here/analytics.lua" \
    "$base" -- "$run/$s.paths" "${offset[$s]:-3}" >"$run/warmup.txt"
  asked "$s" "$run/warmup.txt" 1
done
for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds (load $(load))"
  for s in "${scenarios[@]}"; do
    if [[ -n ${slow[$s]:-} ]]; then
      printf '  %-12s too slow for wrk: median of the 3 probe requests %s ms\n' "$s" "${slow[$s]}"
      record "$s.c1.p50" "${slow[$s]}"
      record "$s.c1.p99" "${slow[$s]}"
      if ((use_pg)); then bench_pg "$s"; fi
      continue
    fi
    wrk_run "$s" 1 "$r"
    wrk_run "$s" "$connections" "$r"
    if ((use_pg)); then bench_pg "$s"; fi
  done
done

echo "cached answers of the analytics scenarios (5 s runs, 4 connections, that read every body):"
for s in project campaign; do
  [[ -n ${slow[$s]:-} ]] && continue
  curl -s -o /dev/null --max-time 300 "$base/healthz"  # the previous run's requests answered
  wrk -t1 -c4 -d5s --timeout 30s -H "Authorization: Bearer $key" -s "$here/analytics.lua" \
    "$base" -- "$run/$s.paths" "${offset[$s]:-3}" count >"$run/count.txt"
  asked "$s" "$run/count.txt" 4
  printf '  %-12s %s; %s requests in this run\n' "$s" \
    "$(grep 'cached answers' "$run/count.txt" || echo 'none counted')" "${offset[$s]}"
done
echo "load average after: $(load)"

median() { awk -v k="$1" '$1 == k {print $2}' "$results" | sort -g |
  awk '{a[NR] = $1} END {if (NR == 0) print "-"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo
echo "medians over $rounds rounds of ${duration} s (goatherd: wrk -t1, serve --threads $threads;" \
  "PostgreSQL: pgbench -c 1):"
printf '  %-12s %10s %10s %12s %10s %10s %10s %8s %8s\n' scenario "p50 ms" "p99 ms" "req/s -c1" \
  "req/s -c$connections" "PG p50" "PG p99" "p50/PG" target
for s in "${scenarios[@]}"; do
  case $s in project) t=10 ;; campaign) t=20 ;; *) t=50 ;; esac
  p50=$(median "$s.c1.p50")
  p99=$(median "$s.c1.p99")
  pg50=$(median "pg_$s.p50")
  printf '  %-12s %10s %10s %12s %10s %10s %10s %8s %8s\n' "$s" "$p50" "$p99" \
    "$(median "$s.c1.rps")" "$(median "$s.c$connections.rps")" "$pg50" "$(median "pg_$s.p99")" \
    "$(awk -v a="$p50" -v b="$pg50" 'BEGIN {if (b == "-" || b == 0) print "-"; else printf "%.3f", a / b}')" \
    "$(awk -v p="$p99" -v t="$t" 'BEGIN {printf "%s<%d", (p < t) ? "met " : "MISSED ", t}')"
done
