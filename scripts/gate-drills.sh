#!/usr/bin/env bash
# Gate drills: in a throwaway clone under /tmp, break each CI gate on purpose, check that the gate fails, revert,
# check that it passes again, and print a table. Not run by .ci/run (it takes minutes); run it on demand:
#
#   scripts/gate-drills.sh [drill ...]     drills: auth 500 leak bench audit coverage (default: all)
#
# It drills the commit checked out (HEAD), not uncommitted changes. The clone shares this checkout's node_modules
# (same lockfile) instead of running npm ci. Faster stand-ins for the slowest CI steps, same gate logic:
#   - scanner drills scan a server on the embedded database with DRILL_SCAN_RECORDS records (default 400) of the
#     CI corpus slice, with the CI thresholds;
#   - the bench drill runs `--only inspector` and compares against the inspector figures of bench/baseline.json
#     (DRILL_FULL=1: the CI command, all four groups, against the whole baseline);
#   - the coverage drill runs the inspector's tests with coverage of src/security/inspector and the CI thresholds
#     (lines 90 %, branches 90 %) instead of the whole suite (DRILL_FULL=1: the whole suite, as CI does).
# Exit 0 when every drill failed while broken and passed once reverted; 1 otherwise. KEEP=1 keeps the clone.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/clubos-drills-XXXXXX)"
repo="$work/repo"
full="${DRILL_FULL:-0}"
records="${DRILL_SCAN_RECORDS:-400}"
server_pid=""
registry_pid=""

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

log "cloning $(git -C "$root" rev-parse --short HEAD) into $repo"
git clone -q --no-local "$root" "$repo" && git -C "$repo" checkout -q --detach "$(git -C "$root" rev-parse HEAD)" || exit 2
cd "$repo" || exit 2
ln -s "$root/node_modules" node_modules
log "building"
npm run --silent build >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 2; }

rebuild() { npx tsc -p tsconfig.build.json >>"$work/build.log" 2>&1; }
revert() { git checkout -q -- . && git clean -qfd src test scripts; }

# ---- gates -------------------------------------------------------------------------------------------------------

# The security scan as .ci/run runs it, against a fresh server (embedded database) of this clone's build.
gate_scan() {
  local data port base token pw jar csrf key rc
  data="$(mktemp -d "$work/scan-XXXX")"
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  DATABASE_URL="" REDIS_URL="" PORT="$port" LOG_LEVEL=warn DATA_DIR="$data" SECURITY_RATE_LIMIT_MAX=1000000 FEATURE_PERFORMANCE_GUARD=false \
    node dist/cli/main.js serve >"$data/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do grep -q 'setup_' "$data/server.log" 2>/dev/null && break; sleep 1; done
  token=$(grep -oE 'setup_[A-Za-z0-9_-]+' "$data/server.log" | head -1)
  base="http://127.0.0.1:${port}"
  pw="gate scan $(openssl rand -hex 8)"
  jar="$data/jar"
  if ! curl -sf -c "$jar" -H 'content-type: application/json' -d "{\"token\":\"${token}\",\"username\":\"drill_admin\",\"password\":\"${pw}\"}" "$base/v1/setup" >"$data/setup.json"; then
    log "scan gate: the server in $data did not complete setup"
    kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
    return 2
  fi
  csrf=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).csrfToken)' "$data/setup.json")
  key=$(curl -sf -b "$jar" -H 'content-type: application/json' -H "x-csrf-token: ${csrf}" -d '{"name":"drill","scopes":["events:read","events:write"]}' "$base/v1/keys" |
    node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).key)')
  rc=0
  node dist/cli/main.js scan "$base" --corpus test/fixtures/attacks/slice.jsonl --max-records "$records" --key "$key" --key-scopes events:read,events:write \
    --login "drill_admin:${pw}" --concurrency 4 >"$data/scan.txt" 2>&1 || rc=$?
  grep -E '^  - |^  OPEN|^  LEAK' "$data/scan.txt" | head -5 >&2
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
  return "$rc"
}

gate_fuzz() { npx vitest run test/http/schemaFuzz.test.ts >"$work/fuzz.log" 2>&1; }

gate_bench() {
  local rc=0
  if [ "$full" = 1 ]; then
    CLUBOS_ATTACK_CORPUS=test/fixtures/attacks/slice.jsonl npm run --silent bench -- --json --only identity,decisionMemory,inspector,defense >"$work/bench.json" 2>/dev/null || return 2
    npm run --silent bench:compare -- bench/baseline.json "$work/bench.json" >"$work/bench.txt" 2>&1 || rc=$?
  else
    CLUBOS_ATTACK_CORPUS=test/fixtures/attacks/slice.jsonl npm run --silent bench -- --json --only inspector >"$work/bench.json" 2>/dev/null || return 2
    node -e 'const b=require(process.argv[1]); b.figures=Object.fromEntries(Object.entries(b.figures).filter(([k])=>k.startsWith("inspector."))); console.log(JSON.stringify(b))' "$repo/bench/baseline.json" >"$work/baseline-inspector.json"
    npm run --silent bench:compare -- "$work/baseline-inspector.json" "$work/bench.json" >"$work/bench.txt" 2>&1 || rc=$?
  fi
  grep -E '^(REGRESSED|OK) +inspector|bench gate' "$work/bench.txt" >&2
  return "$rc"
}

# A fake registry speaking npm's bulk advisory API: high advisory for fastify when $work/advisory says so.
gate_audit() {
  local port
  if [ -z "$registry_pid" ]; then
    cat >"$work/registry.cjs" <<'JS'
const http = require('node:http'); const zlib = require('node:zlib'); const fs = require('node:fs');
const modeFile = process.argv[2];
const server = http.createServer((req, res) => {
  const chunks = []; req.on('data', (c) => chunks.push(c)); req.on('end', () => {
    if (req.url.startsWith('/-/npm/v1/security/advisories/bulk')) {
      const high = fs.existsSync(modeFile) && fs.readFileSync(modeFile, 'utf8').trim() === 'high';
      const body = high ? { fastify: [{ id: 1, url: 'https://github.com/advisories/GHSA-drill', title: 'Drill advisory', severity: 'high', vulnerable_versions: '<100.0.0', cwe: [], cvss: { score: 7.5 } }] } : {};
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(modeFile + '.port', String(server.address().port)));
JS
    node "$work/registry.cjs" "$work/advisory" &
    registry_pid=$!
    for _ in $(seq 1 50); do [ -s "$work/advisory.port" ] && break; sleep 0.1; done
  fi
  port=$(cat "$work/advisory.port")
  : >"$work/npmrc"
  npm_config_userconfig="$work/npmrc" npm_config_update_notifier=false NO_PROXY=127.0.0.1 \
    node scripts/audit-gate.mjs --registry "http://127.0.0.1:${port}/" --cache "$work/npm-cache" --fetch-retries=0 >"$work/audit.txt" 2>&1
  local rc=$?
  tail -1 "$work/audit.txt" >&2
  return "$rc"
}

gate_coverage() {
  if [ "$full" = 1 ]; then
    env -u DATABASE_URL -u REDIS_URL npx vitest run --coverage --coverage.reporter=text-summary --coverage.thresholds.lines=90 --coverage.thresholds.branches=90 >"$work/coverage.txt" 2>&1
  else
    npx vitest run test/security/inspector --coverage --coverage.include='src/security/inspector/**' --coverage.reporter=text-summary \
      --coverage.reportsDirectory="$work/coverage" --coverage.thresholds.lines=90 --coverage.thresholds.branches=90 >"$work/coverage.txt" 2>&1
  fi
  local rc=$?
  grep -E '^(Lines|Branches) ' "$work/coverage.txt" | tr -s ' ' >&2
  return "$rc"
}

# ---- breakages -----------------------------------------------------------------------------------------------------

edit() { # edit FILE PYTHON-REPLACEMENT-OLD PYTHON-REPLACEMENT-NEW: exactly one occurrence, or the drill is void
  python3 - "$1" "$2" "$3" <<'PY' || return 1
import sys
path, old, new = sys.argv[1:4]
s = open(path).read()
if s.count(old) != 1: sys.exit(f"{path}: expected one occurrence of {old!r}, found {s.count(old)}")
open(path, 'w').write(s.replace(old, new))
PY
}

break_auth() { # a protected route answers without credentials (the auth hook skips it)
  edit src/http/auth.ts "      const route = request.routeOptions.url ?? request.url;" \
    "      const route = request.routeOptions.url ?? request.url;
      if (route === '/v1/tickets' && request.method === 'GET') return; // drill: auth bypass" && rebuild
}
break_500() { # a handler throws on valid input
  edit src/http/routes/identity.ts "      async () => (await deps.operators.operators.list()).map(view)," \
    "      async () => { throw new Error('drill: injected fault'); }," && rebuild
}
break_leak() { # validation problems carry a stack trace
  edit src/http/errorHandler.ts "'The request does not match the schema of this route.', {" \
    "'The request does not match the schema of this route.', { stack: new Error('drill').stack," && rebuild
}
break_bench() { # the inspector's hot path does pointless work on every value
  edit src/security/inspector/detect.ts "  if (s.length === 0) return none;" \
    "  if (s.length === 0) return none;
  let drill = 0;
  for (let i = 0; i < 100_000; i++) drill += Math.sqrt(i);
  if (drill < 0) return none;" && rebuild
}
break_audit() { echo high >"$work/advisory"; }
break_coverage() { # 200 lines of branches no test reaches, in a module the tests load
  { echo; echo '/** Drill: never called. */'; echo 'export function drillUncovered(x: number): number {'
    for i in $(seq 1 200); do echo "  if (x === $i) return x * $i;"; done; echo '  return 0;'; echo '}'; } >>src/security/inspector/policy.ts
}
revert_audit() { rm -f "$work/advisory"; }

# ---- drills --------------------------------------------------------------------------------------------------------

declare -A GATE=([auth]=gate_scan [500]=gate_fuzz [leak]=gate_scan [bench]=gate_bench [audit]=gate_audit [coverage]=gate_coverage)
declare -A WHAT=(
  [auth]='route without auth -> security scan fails'
  [500]='injected 500 -> schema fuzz test fails'
  [leak]='leaked stack trace -> security scan fails'
  [bench]='slowed hot path -> bench compare fails'
  [audit]='high advisory -> audit gate fails'
  [coverage]='coverage drop -> coverage threshold fails'
)
drills=("$@")
[ ${#drills[@]} -eq 0 ] && drills=(auth 500 leak bench audit coverage)

rows=()
all_ok=0
for d in "${drills[@]}"; do
  if [ -z "${GATE[$d]:-}" ]; then echo "unknown drill $d (auth 500 leak bench audit coverage)" >&2; exit 2; fi
  log "drill $d: ${WHAT[$d]}: breaking"
  revert
  if ! "break_$d"; then rows+=("$d|${WHAT[$d]}|breakage did not apply|-|VOID"); all_ok=1; continue; fi
  "${GATE[$d]}"; broken=$?
  log "drill $d: gate exit $broken while broken; reverting"
  revert
  if declare -F "revert_$d" >/dev/null; then "revert_$d"; fi
  if [ "$d" != audit ] && [ "$d" != coverage ] && [ "$d" != 500 ]; then rebuild; fi
  "${GATE[$d]}"; reverted=$?
  log "drill $d: gate exit $reverted after the revert"
  verdict=ok
  if [ "$broken" -eq 0 ] || [ "$reverted" -ne 0 ]; then verdict=FAILED; all_ok=1; fi
  rows+=("$d|${WHAT[$d]}|$broken|$reverted|$verdict")
done

printf '\n%-9s %-44s %-15s %-17s %s\n' drill 'breakage -> expected failure' 'exit (broken)' 'exit (reverted)' verdict
for r in "${rows[@]}"; do IFS='|' read -r a b c e f <<<"$r"; printf '%-9s %-44s %-15s %-17s %s\n' "$a" "$b" "$c" "$e" "$f"; done
exit "$all_ok"
