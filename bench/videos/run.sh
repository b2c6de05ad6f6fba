#!/usr/bin/env bash
# Videos API benchmark (bench/README.md, section Videos): goatherd's GET /videos/{id}/stats and
# GET /videos side by side with the same computations as SQL queries in PostgreSQL 15 and SQLite,
# on a dataset of N videos x 60 days x 4 snapshots a day (and N_SMALL videos for the latency
# comparison of cohort=1). Datasets are generated and imported once into WORKDIR and reused.
#
# usage: bench/videos/run.sh [GOATHERD_BINARY]   (default: build/src/goatherd; build it Release)
# env:   N (100000), N_SMALL (10000), WORKDIR (/tmp/goatherd-bench-videos), ROUNDS (3),
#        DURATION (10, seconds), CONNECTIONS (32), LATENCY_CONNECTIONS (4), THREADS (server
#        workers, 2), PG_CLIENTS ("2 4 8"), PG_COHORT_RUNS (3), SQLITE_COHORT_RUNS (1),
#        PGBIN (/usr/lib/postgresql/15/bin)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-$repo/build/src/goatherd}")
n=${N:-100000}
n_small=${N_SMALL:-10000}
work=${WORKDIR:-/tmp/goatherd-bench-videos}
rounds=${ROUNDS:-3}
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
lat_connections=${LATENCY_CONNECTIONS:-4}
threads=${THREADS:-2}
pg_clients=${PG_CLIENTS:-2 4 8}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}

missing=()
for tool in wrk curl python3 sqlite3 psql pgbench; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ -x $pgbin/initdb && -x $pgbin/pg_ctl ]] || missing+=("$pgbin/initdb")
if ((${#missing[@]})); then
  echo "missing: ${missing[*]}; install them with:" >&2
  echo "  sudo apt-get install -y wrk curl python3 sqlite3 postgresql-15 postgresql-client-15" >&2
  exit 1
fi
[[ -x $bin ]] || { echo "no executable at $bin (build it Release first)" >&2; exit 1; }

mkdir -p "$work"
run=$(mktemp -d "$work/run.XXXXXX")
pids=()
pg_started=""
# PostgreSQL refuses to run as root: run it as `nobody` then.
as_pg() { if ((EUID == 0)); then runuser -u nobody -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [[ -n $pg_started ]]; then as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null || true; fi
  rm -rf "$run"
}
trap cleanup EXIT

load() { cut -d' ' -f1 /proc/loadavg; }
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
  "$(free -g | awk '/^Mem:/ {print $2}') GiB; goatherd: $bin"

# --- datasets (generated and imported once) ---
for size in "$n_small" "$n"; do
  WORKDIR=$work "$here/dataset.sh" "$bin" "$size"
  cat "$work/import-$size.txt"
done
db=$work/videos-$n.db
db_small=$work/videos-$n_small.db

# --- PostgreSQL 15: a private server on a unix socket in WORKDIR, the N dataset loaded once ---
pgdata=$work/pg
pgsock=$work/pgsock
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
  -k $pgsock -p 5432 -c shared_buffers=2GB -c work_mem=256MB -c maintenance_work_mem=1GB \
  -c fsync=off -c synchronous_commit=off -c max_wal_size=8GB" start >/dev/null
pg_started=1
pg=(psql -X -q -h "$pgsock" -p 5432 -U postgres)
pgdb="videos_$n"
if [[ ! -e $work/pg-$n.done ]]; then
  echo "PostgreSQL: loading the $n-video dataset into database $pgdb"
  start=$(date +%s)
  "${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb"
  "${pg[@]}" -d "$pgdb" -c "CREATE TABLE videos (seq bigint, id text, org_id text,
    creator_id text, tracking_status text, posted_at bigint)" -c "CREATE TABLE video_snapshots (
    video_seq bigint, snapshot_at bigint, view_count bigint, like_count bigint,
    comment_count bigint, share_count bigint, save_count bigint, reason smallint)"
  sqlite3 -csv "$db" "SELECT seq, id, org_id, creator_id, tracking_status, posted_at FROM videos" |
    "${pg[@]}" -d "$pgdb" -c "\copy videos FROM STDIN (FORMAT csv)"
  sqlite3 -csv "$db" "SELECT video_seq, snapshot_at, view_count, like_count, comment_count,
    share_count, save_count, reason FROM video_snapshots" |
    "${pg[@]}" -d "$pgdb" -c "\copy video_snapshots FROM STDIN (FORMAT csv)"
  # The same keys as goatherd's SQLite schema.
  "${pg[@]}" -d "$pgdb" -c "ALTER TABLE videos ADD PRIMARY KEY (seq)" \
    -c "ALTER TABLE video_snapshots ADD PRIMARY KEY (video_seq, snapshot_at)" \
    -c "VACUUM ANALYZE"
  echo "PostgreSQL: loaded in $(($(date +%s) - start)) s"
  touch "$work/pg-$n.done"
fi
echo "PostgreSQL: $("${pg[@]}" -d "$pgdb" -At -c "SELECT version()" | cut -d, -f1)," \
  "$("${pg[@]}" -d "$pgdb" -At -c "SELECT count(*) FROM video_snapshots") snapshots," \
  "$("${pg[@]}" -d "$pgdb" -At -c "SELECT pg_size_pretty(pg_database_size('$pgdb'))")"
echo "SQLite: $(sqlite3 --version | cut -d' ' -f1) (python: $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'))," \
  "$(du -m "$db" | cut -f1) MB"

# --- goatherd: one server per dataset ---
start_goatherd "$bin" "$db" "$run/big" --threads "$threads" --no-rate-limits
pid=${pids[-1]}
base="http://127.0.0.1:$port"
start_goatherd "$bin" "$db_small" "$run/small" --threads "$threads" --no-rate-limits
base_small="http://127.0.0.1:$port"
key=$(cat "$work/key-$n.txt")
key_small=$(cat "$work/key-$n_small.txt")
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$pid/status"; }
rss_start=$(rss_kb)

# --- correctness: the SQL peers compute what goatherd answers ---
python3 "$here/peers.py" check --db "$db" --base "$base" --key "$key" \
  --psql "${pg[*]} -d $pgdb" --videos 12

# --- measurements ---
p_ms() {  # FILE PERCENTILE: wrk prints 812.00us, 1.20ms or 1.05s
  awk -v p="$2%" '$1 == p {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
       f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", v * f}' "$1"
}
rps() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
non2xx() { awk '/Non-2xx or 3xx responses:/ {n = $NF} END {print n + 0}' "$1"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
results=$run/results.txt
record() { echo "$1 $2" >>"$results"; }  # NAME VALUE

# wrk_run NAME KEY CONNECTIONS SERVER_PID URL-AND-SCRIPT-ARGS...: req/s, p50, p99, server CPU
# per request
wrk_run() {
  local name=$1 k=$2 c=$3 spid=$4
  shift 4
  local f=$run/$name.txt t0 t1
  t0=$(cpu_ticks "$spid")
  wrk -t1 -c"$c" -d"${duration}s" --latency -H "Authorization: Bearer $k" "$@" >"$f"
  t1=$(cpu_ticks "$spid")
  if [[ $(non2xx "$f") != 0 ]]; then
    echo "$name: $(non2xx "$f") answers were not 2xx; the figures are void" >&2
    cat "$f" >&2
    exit 1
  fi
  local cpu
  cpu=$(awk -v t=$((t1 - t0)) -v n="$(requests "$f")" -v hz="$hz" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}')
  record "$name.rps" "$(rps "$f")"
  record "$name.p50" "$(p_ms "$f" 50)"
  record "$name.p99" "$(p_ms "$f" 99)"
  record "$name.cpu" "$cpu"
  printf '  %-28s %7s req/s  p50 %6s ms  p99 %6s ms  server CPU %4s us/req  (load %s)\n' \
    "$name" "$(rps "$f")" "$(p_ms "$f" 50)" "$(p_ms "$f" 99)" "$cpu" "$(load)"
}
lua=$here/videos.lua
ids=$work/ids-$n.txt
ids_small=$work/ids-$n_small.txt
eng_random=(-s "$lua" "$base" -- "$ids" engagement random 1)
eng_fixed=(-s "$lua" "$base" -- "$ids" engagement fixed 1)
coh_random=(-s "$lua" "$base" -- "$ids" cohort random 1)
coh_small=(-s "$lua" "$base_small" -- "$ids_small" cohort random 1)
list100=("$base/api/v1/videos?limit=100")

pgscript=$run/engagement.pgbench
{
  echo "\\set seq random(1, $n)"
  sed -e 's/{seq}/:seq/' -e "s/{from}/'2026-01-01'/" -e "s/{to}/'2026-03-31'/" "$here/engagement.pg.sql" |
    grep -v '^--'
} >"$pgscript"
# PostgreSQL's CPU: its backends' user + system time, added to the postmaster's cutime/cstime
# when they exit at the end of each pgbench run (pgbench's own CPU is not in it).
pg_cpu_ticks() { awk '{print $16 + $17}' "/proc/$(head -n 1 "$pgdata/postmaster.pid")/stat"; }
pgbench_run() {  # CLIENTS
  local f=$run/pg-c$1.txt t0 t1 cpu
  t0=$(pg_cpu_ticks)
  pgbench -n -M prepared -c "$1" -j "$(($1 < 2 ? $1 : 2))" -T "$duration" -f "$pgscript" \
    -h "$pgsock" -p 5432 -U postgres "$pgdb" >"$f" 2>&1
  sleep 0.2  # the backends exit after pgbench does
  t1=$(pg_cpu_ticks)
  local tps lat
  tps=$(awk '/^tps = / {printf "%.0f", $3}' "$f")
  cpu=$(awk -v t=$((t1 - t0)) -v n="$(awk '/^number of transactions actually processed:/ {print $NF}' "$f")" \
    -v hz="$hz" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}')
  record "pg_c$1.cpu" "$cpu"
  lat=$(awk '/^latency average = / {print $4}' "$f")
  grep -q "number of failed transactions: 0" "$f" || { cat "$f" >&2; exit 1; }
  record "pg_c$1.tps" "$tps"
  printf '  %-28s %7s q/s    mean latency %s ms  PostgreSQL CPU %4s us/query  (load %s)\n' \
    "postgresql -c$1" "$tps" "$lat" "$cpu" "$(load)"
}
sqlite_run() {  # PROCS
  local out
  out=$(python3 "$here/peers.py" sqlite --db "$db" --seconds "$duration" --procs "$1")
  record "sqlite_p$1.qps" "$(awk '{print $5}' <<<"$out")"
  record "sqlite_p$1.cpu" "$(awk '{print $(NF - 1)}' <<<"$out")"
  printf '  %-28s %s  (load %s)\n' "sqlite, $1 process(es)" "${out#*: }" "$(load)"
}

echo "warm-up (load $(load))"
cat "$db" "$db_small" >/dev/null
wrk -t1 -c"$connections" -d3s -H "Authorization: Bearer $key" "${eng_random[@]}" >/dev/null
wrk -t1 -c"$connections" -d3s -H "Authorization: Bearer $key_small" "${coh_small[@]}" >/dev/null
pgbench -n -M prepared -c 2 -j 2 -T 3 -f "$pgscript" -h "$pgsock" -p 5432 -U postgres "$pgdb" >/dev/null 2>&1

for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds (load $(load)); N = $n unless marked small ($n_small)"
  wrk_run engagement_uncached "$key" "$connections" "$pid" "${eng_random[@]}"
  # The HTTP ceiling: the server's least answer (public, no database), right after the uncached
  # run so that both see about the same load.
  wrk_run healthz "$key" "$connections" "$pid" "$base/healthz"
  for c in $pg_clients; do pgbench_run "$c"; done
  sqlite_run 1
  sqlite_run 2
  wrk_run engagement_cached "$key" "$connections" "$pid" "${eng_fixed[@]}"
  # The two sizes take turns going first, so that neither always runs right after the cached
  # scenario's load (an even ROUNDS balances them).
  if ((r % 2)); then
    wrk_run cohort_latency "$key" "$lat_connections" "$pid" "${coh_random[@]}"
    wrk_run cohort_latency_small "$key_small" "$lat_connections" "${pids[1]}" "${coh_small[@]}"
  else
    wrk_run cohort_latency_small "$key_small" "$lat_connections" "${pids[1]}" "${coh_small[@]}"
    wrk_run cohort_latency "$key" "$lat_connections" "$pid" "${coh_random[@]}"
  fi
  wrk_run cohort_load "$key" "$connections" "$pid" "${coh_random[@]}"
  wrk_run list100 "$key" "$connections" "$pid" "${list100[@]}"
done
rss_load=$(rss_kb)
hwm=$(hwm_kb)
# The result cache holds up to 10,000 answers whatever their size: fill it with the largest
# answers of this dataset (legacy shape, 90 days) and measure again.
wrk -t1 -c"$connections" -d"${duration}s" -H "Authorization: Bearer $key" \
  -s "$lua" "$base" -- "$ids" cohort90 random 1 >"$run/cohort90.txt"
[[ $(non2xx "$run/cohort90.txt") == 0 ]] || { cat "$run/cohort90.txt" >&2; exit 1; }
cohort90_requests=$(requests "$run/cohort90.txt")
rss_full=$(rss_kb)
hwm_full=$(hwm_kb)

# The cache really did not answer: the same runs, 5 s, counting "cached":true in the answers.
echo "cache hits of the uncached scenarios (5 s runs that read every answer):"
hits() {  # NAME KEY WRK-ARGS...
  local name=$1 k=$2
  shift 2
  printf '  %-22s %s\n' "$name" "$(wrk -t1 -c"$connections" -d5s -H "Authorization: Bearer $k" \
    "$@" count | grep 'cached answers')"
}
hits engagement_uncached "$key" "${eng_random[@]}"
hits cohort_load "$key" "${coh_random[@]}"
hits cohort_small "$key_small" "${coh_small[@]}"
hits engagement_cached "$key" "${eng_fixed[@]}"

echo "org-wide cohort average by day number, one query over all snapshots (load $(load)):"
python3 "$here/peers.py" cohort --db "$db" --base "$base" --key "$key" \
  --psql "${pg[*]} -d $pgdb" --runs "${PG_COHORT_RUNS:-3}" --sqlite-runs "${SQLITE_COHORT_RUNS:-1}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { awk -v k="$1" '$1 == k {print $2}' "$results" | sort -g |
  awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo
echo "medians over $rounds rounds of ${duration} s (wrk -t1, serve --threads $threads):"
printf '  %-34s %8s %8s %8s %6s\n' scenario "req/s" "p50 ms" "p99 ms" "CPU us"
for s in engagement_uncached healthz engagement_cached cohort_latency cohort_latency_small cohort_load list100; do
  printf '  %-34s %8s %8s %8s %6s\n' "$s" "$(median "$s.rps")" "$(median "$s.p50")" \
    "$(median "$s.p99")" "$(median "$s.cpu")"
done
for c in $pg_clients; do
  printf '  %-34s %8s %26s\n' "postgresql engagement -c$c (q/s)" "$(median "pg_c$c.tps")" "$(median "pg_c$c.cpu")"
done
for p in 1 2; do
  printf '  %-34s %8s %26s\n' "sqlite engagement, $p proc (q/s)" "$(median "sqlite_p$p.qps")" "$(median "sqlite_p$p.cpu")"
done
best_pg=$(for c in $pg_clients; do median "pg_c$c.tps"; done | sort -g | tail -1)
least_pg_cpu=$(for c in $pg_clients; do median "pg_c$c.cpu"; done | sort -g | head -1)
awk -v g="$(median engagement_uncached.cpu)" -v p="$least_pg_cpu" 'BEGIN {
  printf "engagement CPU: goatherd %.0f us per HTTP request (server process), PostgreSQL %.0f us per query (its backends, least over -c): %.1fx less CPU per answer\n",
         g, p, p / g }'
awk -v g="$(median engagement_uncached.rps)" -v h="$(median healthz.rps)" 'BEGIN {
  printf "engagement (uncached) at %.0f%% of the HTTP ceiling (GET /healthz, %.0f req/s)\n", 100 * g / h, h }'
awk -v g="$(median engagement_uncached.rps)" -v p="$best_pg" -v c="$(median cohort_latency.p99)" \
  -v s="$(median cohort_latency_small.p99)" -v l="$(median list100.rps)" 'BEGIN {
  printf "engagement (uncached) %.0f req/s: target 10,000: %s; %.1fx the best PostgreSQL (%.0f q/s): target 5x: %s\n",
         g, (g >= 10000) ? "met" : "MISSED", g / p, p, (g / p >= 5) ? "met" : "MISSED"
  printf "cohort=1 p99 %.2f ms at N (target < 5 ms: %s), %.2f ms at N_SMALL: %+.0f%% (target within 20%%: %s)\n",
         c, (c < 5) ? "met" : "MISSED", s, 100 * (c - s) / s, ((c - s) / s <= 0.2) ? "met" : "MISSED"
  printf "GET /videos?limit=100 %.0f req/s: target 5,000: %s\n", l, (l >= 5000) ? "met" : "MISSED" }'
awk -v a="$rss_start" -v b="$rss_load" -v m="$hwm" 'BEGIN {
  printf "server memory (N dataset): VmRSS %.1f MiB after start, %.1f MiB after the rounds; peak VmHWM %.1f MiB (target under 300 MB: %s)\n",
         a / 1024, b / 1024, m / 1024, (m * 1024 < 300e6) ? "met" : "MISSED"}'
awk -v r="$rss_full" -v m="$hwm_full" -v n="$cohort90_requests" 'BEGIN {
  printf "  then %d requests of 90-day legacy answers (the cache full of the largest answers): VmRSS %.1f MiB, VmHWM %.1f MiB (target under 300 MB: %s)\n",
         n, r / 1024, m / 1024, (m * 1024 < 300e6) ? "met" : "MISSED"}'
