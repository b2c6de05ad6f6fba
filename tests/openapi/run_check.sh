#!/usr/bin/env bash
# CTest driver: installs the pinned validators from the npm registry, starts the real server on a
# temporary database, fetches /api/v1/openapi.json, validates it (validate.mjs) and checks that
# the document and the dispatcher agree (check_routes.mjs).
# Usage: run_check.sh GOATHERD_BINARY SOURCE_DIR WORK_DIR. Exit 77 (skipped) without node/npm.
set -euo pipefail

bin=$1
src=$2
work=$3

for tool in node npm curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: $tool is not installed (./setup.sh installs it)"
    exit 77
  fi
done

# node_modules lives in the build tree so the source tree stays clean and parallel builds of
# different directories do not share one.
rm -rf "$work"
mkdir -p "$work"
cp "$src/package.json" "$src/package-lock.json" "$src/validate.mjs" "$src/check_routes.mjs" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error)

db="$work/check.db"
org=$("$bin" orgs create --db "$db" --name "OpenAPI check")
key=$("$bin" keys create --db "$db" --org "$org" --name check --scopes read,write,admin 2>/dev/null)

"$bin" serve --db "$db" --listen 127.0.0.1:0 --threads 2 --no-rate-limits \
  >"$work/server.out" 2>"$work/server.log" &
pid=$!
stop_server() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap stop_server EXIT

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
if [[ -z $port ]]; then
  echo "the server did not report its port; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
base="http://127.0.0.1:$port"

curl -fsS "$base/api/v1/openapi.json" -o "$work/openapi.json"
node "$work/validate.mjs" "$work/openapi.json"

# Controls: the validators must reject a copy without `info` (a schema rule) and a copy whose
# templated path no longer declares its parameter (a rule beyond the schema), else a pass above
# would prove nothing.
node --input-type=module -e '
  import { readFileSync, writeFileSync } from "node:fs";
  const [src, noInfo, noParam] = process.argv.slice(1);
  const doc = JSON.parse(readFileSync(src, "utf8"));
  const a = structuredClone(doc);
  delete a.info;
  writeFileSync(noInfo, JSON.stringify(a));
  const b = structuredClone(doc);
  const template = Object.keys(b.paths).find((p) => p.includes("{"));
  if (!template) throw new Error("no templated path to break");
  for (const op of Object.values(b.paths[template])) op.parameters = [];
  writeFileSync(noParam, JSON.stringify(b));
' "$work/openapi.json" "$work/broken-no-info.json" "$work/broken-no-param.json"
for broken in broken-no-info broken-no-param; do
  if node "$work/validate.mjs" "$work/$broken.json" >"$work/$broken.out" 2>&1; then
    echo "control failed: the validators accepted $broken.json" >&2
    exit 1
  fi
  echo "control: $broken.json rejected as expected"
done
# One project, so that the list answer carries an item for the schema check to look at.
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
  -d '{"name": "OpenAPI check"}' "$base/api/v1/projects"
GOATHERD_CHECK_KEY="$key" node "$work/check_routes.mjs" "$work/openapi.json" "$base"
