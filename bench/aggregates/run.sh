#!/usr/bin/env bash
# Aggregates benchmark (bench/README.md, section Aggregates): GET
# /api/v1/analytics/aggregate/video-leaderboard (all time) and posting-heatmap (the whole
# posting period) over a project of 100,000 videos, measured with wrk (one connection, so the
# percentiles are per-request latencies), beside the same SQL in PostgreSQL 15 (pgbench, one
# client, percentiles from its per-transaction log) on the same rows. bench/analytics/run.sh
# measures the same two requests in its rounds (with PostgreSQL given goatherd's migration-13
# indexes); before_after.sh compares two goatherd binaries on them side by side.
#
# usage: bench/aggregates/run.sh [GOATHERD_BINARY]   (default: build/src/goatherd; build Release)
# env:   SOURCE_DB (/tmp/goatherd-bench-videos/videos-100000.db, made by bench/videos/run.sh),
#        SOURCE_KEY (its key file), WORKDIR (/tmp/h8-bench), DURATION (10 s), THREADS (2),
#        PG_PORT (5442), PGBIN (/usr/lib/postgresql/15/bin)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
repo=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-$repo/build/src/goatherd}")
source_db=${SOURCE_DB:-/tmp/goatherd-bench-videos/videos-100000.db}
source_key=${SOURCE_KEY:-/tmp/goatherd-bench-videos/key-100000.txt}
# bench/analytics/run.sh keeps a copy of the key beside its copy of the dataset.
[[ -n ${SOURCE_KEY:-} || ! -s ${WORKDIR:-/tmp/h8-bench}/key-100000.txt ]] || source_key=${WORKDIR:-/tmp/h8-bench}/key-100000.txt
work=${WORKDIR:-/tmp/h8-bench}
duration=${DURATION:-10}
threads=${THREADS:-2}
pg_port=${PG_PORT:-5442}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}

for tool in wrk curl python3 sqlite3 psql pgbench; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing: $tool" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "no executable at $bin (build it Release first)" >&2; exit 1; }
mkdir -p "$work"

# The dataset belongs to the Videos benchmark, which migrates it with its own binary: work on a
# consistent copy (SQLite's online backup), made once.
db=$work/videos-100000.db
if [[ ! -s $db ]]; then
  sqlite3 "$source_db" ".backup $db"
fi
key=$(cat "$source_key")
org=$(sqlite3 "$db" "SELECT id FROM organizations LIMIT 1")
tz=$(sqlite3 "$db" "SELECT timezone FROM organizations LIMIT 1")
project=$(sqlite3 "$db" "SELECT project_id FROM videos GROUP BY project_id ORDER BY count(*) DESC LIMIT 1")
read -r first last < <(sqlite3 -separator ' ' "$db" "SELECT date(min(posted_at), 'unixepoch', '-1 day'), date(max(posted_at), 'unixepoch', '+1 day') FROM videos")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); project $project:" \
  "$(sqlite3 "$db" "SELECT count(*) FROM videos WHERE project_id = '$project'") videos, posted $first..$last ($tz)"

pids=()
pg_started=""
as_pg() { if ((EUID == 0)); then runuser -u nobody -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [[ -n $pg_started ]]; then as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null || true; fi
}
trap cleanup EXIT

# --- goatherd ---
start_goatherd "$bin" "$db" "$work/serve" --threads "$threads" --no-rate-limits
base="http://127.0.0.1:$port/api/v1/analytics/aggregate"
leaderboard="$base/video-leaderboard?project_id=$project"
heatmap="$base/posting-heatmap?project_id=$project&from=$first&to=$last"
for url in "$leaderboard" "$heatmap"; do
  curl -sf -H "Authorization: Bearer $key" "$url" -o "$work/sample.json"
  echo "$(head -c 200 "$work/sample.json")..."
done

bench_http() {  # NAME URL
  wrk -t1 -c1 -d"${duration}s" --latency -H "Authorization: Bearer $key" "$2" >"$work/wrk.txt"
  python3 - "$1" "$work/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[2]).read()
def ms(v):
    n, unit = re.match(r'([\d.]+)(us|ms|s)', v).groups()
    return float(n) * {'us': 0.001, 'ms': 1, 's': 1000}[unit]
p = {k: ms(v) for k, v in re.findall(r'^\s+(50|99)%\s+(\S+)', text, re.M)}
rps = re.search(r'Requests/sec:\s+([\d.]+)', text).group(1)
print(f"goatherd {sys.argv[1]}: p50 {p['50']:.2f} ms, p99 {p['99']:.2f} ms, {rps} req/s (1 connection)")
PY
}
bench_http video-leaderboard "$leaderboard"
bench_http posting-heatmap "$heatmap"

# --- PostgreSQL 15: a private server on a unix socket in WORKDIR ---
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
as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$pgsock/postgres.log" -w -o "-c listen_addresses='' \
  -k $pgsock -p $pg_port -c shared_buffers=512MB -c work_mem=64MB -c fsync=off" start >/dev/null
pg_started=1
pg=(psql -X -q -h "$pgsock" -p "$pg_port" -U postgres)
if [[ ! -e $work/pg-aggregates.done ]]; then
  "${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS aggregates" -c "CREATE DATABASE aggregates"
  "${pg[@]}" -d aggregates -c "CREATE TABLE videos (seq bigint PRIMARY KEY, id text, org_id text,
    project_id text, creator_id text, title text, author_handle text, tiktok_video_id text,
    is_photo int, view_count bigint, like_count bigint, comment_count bigint, share_count bigint,
    save_count bigint, tracking_status text, posted_at bigint, created_at bigint)
    " -c "CREATE TABLE creators (id text PRIMARY KEY, tiktok_handle text)"
  sqlite3 -csv "$db" "SELECT seq, id, org_id, project_id, creator_id, title, author_handle,
    tiktok_video_id, is_photo, view_count, like_count, comment_count, share_count, save_count,
    tracking_status, posted_at, created_at FROM videos" |
    "${pg[@]}" -d aggregates -c "\copy videos FROM STDIN (FORMAT csv)"
  sqlite3 -csv "$db" "SELECT id, tiktok_handle FROM creators" |
    "${pg[@]}" -d aggregates -c "\copy creators FROM STDIN (FORMAT csv)"
  # The same index as goatherd's SQLite schema has on videos by project.
  "${pg[@]}" -d aggregates -c "CREATE INDEX ON videos (project_id, created_at DESC, id DESC)" \
    -c "VACUUM ANALYZE"
  touch "$work/pg-aggregates.done"
fi
from_ts=$(python3 -c "import datetime, zoneinfo as z; print(int(datetime.datetime.fromisoformat('$first').replace(tzinfo=z.ZoneInfo('$tz')).timestamp()))")
before_ts=$(python3 -c "import datetime, zoneinfo as z; print(int((datetime.datetime.fromisoformat('$last') + datetime.timedelta(days=1)).replace(tzinfo=z.ZoneInfo('$tz')).timestamp()))")
counted="tracking_status IN ('auto_tracked', 'included', 'direct_add')"
cat >"$work/leaderboard.sql" <<SQL
SELECT count(*) FROM videos v WHERE v.org_id = '$org' AND v.project_id = '$project' AND $counted;
SELECT v.seq, v.id, v.creator_id, v.title, COALESCE(c.tiktok_handle, v.author_handle),
  v.tiktok_video_id, v.is_photo, v.view_count, v.like_count, v.comment_count, v.share_count,
  v.save_count, v.posted_at FROM videos v LEFT JOIN creators c ON c.id = v.creator_id
  WHERE v.org_id = '$org' AND v.project_id = '$project' AND $counted
  ORDER BY v.view_count DESC, v.id LIMIT 50 OFFSET 0;
SQL
cat >"$work/heatmap.sql" <<SQL
SELECT extract(dow FROM to_timestamp(posted_at) AT TIME ZONE '$tz') AS dow,
  extract(hour FROM to_timestamp(posted_at) AT TIME ZONE '$tz') AS hour, count(*),
  round(avg(view_count), 2) FROM videos WHERE org_id = '$org' AND project_id = '$project'
  AND $counted AND posted_at >= $from_ts AND posted_at < $before_ts GROUP BY 1, 2 ORDER BY 1, 2;
SQL
bench_pg() {  # NAME FILE
  rm -f "$work"/pgbench_log.*
  (cd "$work" && pgbench -n -h "$pgsock" -p "$pg_port" -U postgres -c 1 -T "$duration" \
    -f "$2" --log --log-prefix="$work/pgbench_log" aggregates >/dev/null)
  cat "$work"/pgbench_log.* | python3 -c "
import sys
lat = sorted(int(l.split()[2]) / 1000 for l in sys.stdin if l.strip())
pick = lambda p: lat[max(0, -(-p * len(lat) // 100) - 1)]
print('PostgreSQL %s: p50 %.2f ms, p99 %.2f ms, %d transactions in ${duration} s (1 client)' %
      ('$1', pick(50), pick(99), len(lat)))"
}
bench_pg video-leaderboard "$work/leaderboard.sql"
bench_pg posting-heatmap "$work/heatmap.sql"
