# Sourced by the benchmark scripts.

# start_goatherd BINARY DB OUT [serve flags...]: starts `BINARY serve` on DB on a free port
# (stdout in OUT.out, the log in OUT.log), appends its pid to the array `pids` (the caller's
# cleanup stops them) and sets `port`; exits the script when the server does not come up. Waits
# up to 10 minutes: a binary newer than the database computes what its migrations derive before
# it listens (29 s for 100,000 videos).
start_goatherd() {
  local bin=$1 db=$2 out=$3 line
  shift 3
  "$bin" serve --db "$db" --listen 127.0.0.1:0 "$@" >"$out.out" 2>"$out.log" &
  pids+=($!)
  port=""
  for _ in $(seq 1 6000); do
    line=$(head -n 1 "$out.out" 2>/dev/null || true)
    if [[ $line =~ ^goatherd\ listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
      port=${BASH_REMATCH[1]}
      return 0
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server on $db did not start: $(cat "$out.log")" >&2
  exit 1
}
