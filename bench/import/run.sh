#!/usr/bin/env bash
# Times `goatherd import` on the benchmark dataset (gen_snapshots.py: 1 org, 1 project, 1,000
# creators, 10,000 videos, 1,000,000 video_snapshot lines): 3 runs, each on a fresh database,
# and prints each run's wall time and the median in lines/s. Builds nothing.
#
# usage: bench/import/run.sh [GOATHERD_BINARY]      (default: build/src/goatherd)
# env:   ORDER=time|video  snapshot order of the dataset (default time; see gen_snapshots.py)
#        RUNS=3            number of runs
#        WORKDIR=DIR       where the dataset and databases go (default: a new temporary dir)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/src/goatherd}
order=${ORDER:-time}
runs=${RUNS:-3}
[[ -x $bin ]] || { echo "run.sh: no goatherd binary at $bin (build it first)" >&2; exit 2; }
work=${WORKDIR:-$(mktemp -d)}
mkdir -p "$work"
data=$work/snapshots-$order.jsonl
[[ -s $data ]] || python3 "$here/gen_snapshots.py" --order "$order" > "$data"
lines=$(wc -l < "$data")
echo "dataset: $data ($lines lines, $(du -m "$data" | cut -f1) MB, order=$order)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

rates=()
for ((i = 1; i <= runs; i++)); do
  db=$work/bench-$i.db
  rm -f "$db" "$db-wal" "$db-shm"
  # Migrations first, outside the timing: the figure is the import's alone.
  "$bin" --log-level warn migrate --db "$db" > /dev/null
  start=$(date +%s.%N)
  "$bin" --log-level warn import --db "$db" "$data" > "$work/out-$i.txt"
  end=$(date +%s.%N)
  rate=$(python3 -c "print(round($lines / ($end - $start)))")
  printf 'run %d: %.2f s, %s lines/s\n' "$i" "$(python3 -c "print($end - $start)")" "$rate"
  rates+=("$rate")
  rm -f "$db" "$db-wal" "$db-shm"
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median: $median lines/s over $runs runs"
[[ -n ${WORKDIR:-} ]] || rm -rf "$work"
