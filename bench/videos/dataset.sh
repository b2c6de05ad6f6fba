#!/usr/bin/env bash
# Builds the Videos benchmark's dataset of N videos once: gen_videos.py piped into
# `goatherd import -` on a fresh, migrated SQLite database, then the file of video ids for wrk.
# Reused while WORKDIR/videos-N.done exists; the import's wall time is kept in
# WORKDIR/import-N.txt.
# usage: bench/videos/dataset.sh GOATHERD_BINARY N      env: WORKDIR (/tmp/goatherd-bench-videos)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
n=$2
work=${WORKDIR:-/tmp/goatherd-bench-videos}
mkdir -p "$work"
db=$work/videos-$n.db
if [[ ! -e $work/videos-$n.done ]]; then
  rm -f "$db" "$db-wal" "$db-shm" "$work/ids-$n.txt" "$work/key-$n.txt"
  "$bin" --log-level warn migrate --db "$db" >/dev/null
  echo "dataset: generating and importing $n videos x 60 days x 4 snapshots into $db"
  start=$(date +%s.%N)
  python3 "$here/gen_videos.py" --videos "$n" | "$bin" --log-level warn import --db "$db" - \
    >"$work/import-$n.log"
  end=$(date +%s.%N)
  lines=$(awk '{s += $1} END {print s}' < <(sqlite3 "$db" \
    "SELECT count(*) FROM video_snapshots UNION ALL SELECT count(*) FROM videos"))
  python3 -c "print('import of %d videos and snapshots: %.1f s, %.0f lines/s (load average %s)' % \
    ($lines, $end - $start, $lines / ($end - $start), '$(cut -d' ' -f1-3 /proc/loadavg)'))" \
    | tee "$work/import-$n.txt"
  touch "$work/videos-$n.done"
fi
if [[ ! -s $work/ids-$n.txt ]]; then
  sqlite3 "$db" "SELECT id FROM videos ORDER BY seq" >"$work/ids-$n.txt"
fi
if [[ ! -s $work/key-$n.txt ]]; then
  org=$(sqlite3 "$db" "SELECT id FROM organizations LIMIT 1")
  "$bin" --log-level warn keys create --db "$db" --org "$org" --name bench --scopes read \
    >"$work/key-$n.txt"
fi
