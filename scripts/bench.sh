#!/usr/bin/env bash
# Benchmarks the Fastify pipeline (ingestion → processing) against the Go
# reference on loopback, as interleaved rounds in one run, and prints medians,
# min–max and the Fastify/Go ratios (scripts/bench-report.ts).
#
# Every measurement is one call of the Go reference's own harness,
# ../shared/reference/go-ev-pipeline/bench.sh (same wrk, same warm-up, same
# RESULT line), with --runs 1. Each round runs every implementation once per
# load, in a rotated order, so that drifts of a shared machine hit all alike.
#
# Loads: `post` is the harness's bench/ev-post.lua (the article's one sample
# payload on every request: processing replays one idempotency key); `unique`
# is bench/ev-unique.lua (a distinct event per request over 1,000 vehicles:
# processing does its real work). The harness always runs bench/ev-post.lua,
# so the `unique` load runs a copy of it whose ev-post.lua is ev-unique.lua.
#
# Needs wrk and curl; go + gorilla/mux for the Go side (skipped without go).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reference="${GO_REFERENCE_DIR:-$root/../shared/reference/go-ev-pipeline}"

usage() {
  cat <<'USAGE'
Usage: npm run bench -- [options]
  --rounds N            interleaved rounds (3)
  --duration S          seconds per measured wrk run (10)
  --connections "16 64" wrk connection counts
  --loads "post unique" loads to run
  --impls "fastify go-faithful go-tuned"
  --ingestion-port P    (13000)   --processing-port P (13001)
  --out DIR             where the raw rows go (bench-results/, git-ignored)
  --no-build            do not run `npm run build` first
USAGE
}

rounds=3
duration=10
connections="16 64"
loads="post unique"
impls="fastify go-faithful go-tuned"
ingestion_port=13000
processing_port=13001
out="$root/bench-results"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --loads) loads="$2"; shift 2 ;;
    --impls) impls="$2"; shift 2 ;;
    --ingestion-port) ingestion_port="$2"; shift 2 ;;
    --processing-port) processing_port="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

[ -x "$reference/bench.sh" ] || { echo "bench: Go reference harness not found at $reference (set GO_REFERENCE_DIR)" >&2; exit 1; }
if ! command -v go >/dev/null 2>&1; then
  echo "bench: go not installed; measuring Fastify only (apt-get install golang-go golang-github-gorilla-mux-dev)" >&2
  impls="fastify"
fi
[ "$build" -eq 0 ] || (cd "$root" && npm run --silent build)

mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go_bin="$out/go-bin"
if [[ " $impls " == *" go-"* ]] && [ ! -x "$go_bin/ingestion" ]; then "$reference/build.sh" "$go_bin" >&2; fi

# The harness copy for the `unique` load.
mkdir -p "$work/unique/bench"
cp "$reference/bench.sh" "$work/unique/"
cp "$reference/bench/payload.json" "$work/unique/bench/"
cp "$reference/bench/ev-unique.lua" "$work/unique/bench/ev-post.lua"

rows="$out/bench-$(date +%Y%m%d-%H%M%S).tsv"
printf 'load\timpl\ttarget\tconns\tround\trps\tp50_ms\tp99_ms\terrors\n' >"$rows"

# measure LOAD IMPL ROUND: one harness call, its rows appended to $rows.
measure() {
  local load="$1" impl="$2" round="$3" harness="$reference/bench.sh" args=() result="$work/result.tsv"
  [ "$load" = post ] || harness="$work/unique/bench.sh"
  case "$impl" in
    fastify) args=(--label fastify
      --ingestion-cmd "node $root/dist/apps/ingestion/server.js"
      --processing-cmd "node $root/dist/apps/processing/server.js") ;;
    go-faithful) args=(--bin "$go_bin" --variant faithful) ;;
    go-tuned) args=(--bin "$go_bin" --variant tuned) ;;
    *) echo "bench: unknown implementation $impl" >&2; exit 2 ;;
  esac
  : >"$result"
  "$harness" "${args[@]}" --runs 1 --warmup 2 --duration "$duration" --connections "$connections" \
    --ingestion-port "$ingestion_port" --processing-port "$processing_port" --results "$result" >/dev/null
  awk -F'\t' -v load="$load" -v impl="$impl" -v round="$round" 'BEGIN { OFS = "\t" }
    { print load, impl, $2, $3, round, $5, $6, $7, $8 }' "$result" | tee -a "$rows"
}

read -r -a impl_list <<<"$impls"
for round in $(seq "$rounds"); do
  for load in $loads; do
    n=${#impl_list[@]}
    for i in $(seq 0 $((n - 1))); do
      measure "$load" "${impl_list[$(((i + round - 1) % n))]}" "$round"
    done
  done
done
echo
node --import tsx "$root/scripts/bench-report.ts" "$rows"
