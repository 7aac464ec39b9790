#!/usr/bin/env bash
# CPU profiles of both services under load: starts the built services as
# `npm run start:*` does, node flags included (defaults: resilience chain, request logs and
# validation on; logs to /dev/null) with `node --cpu-prof`, drives ingestion
# with wrk for a warm-up and a measured run, stops both with SIGTERM (the
# profiles are written at exit) and prints the top self-time entries of each
# (scripts/bench/cpu-profile-top.ts, measured run only). Logs go to /dev/null, as in
# the benchmark; stderr is kept next to the profiles.
#
# Loads come from the Go reference's harness (GO_REFERENCE_DIR): `post`
# (bench/ev-post.lua, one payload) or `unique` (bench/ev-unique.lua, a
# distinct event per request).
#
# Usage: GO_REFERENCE_DIR=... scripts/bench/profile-services.sh [--load post|unique]
#          [--connections 64] [--warmup 5] [--duration 15] [--out DIR] [--no-build]
#          [--node-flags "..."]    extra flags for both node processes (e.g. --trace-gc)
#          [--no-profile]          no profiler: only the CPU time per request (from /proc)
#
# Besides the profiles it prints each service's CPU time per request during
# the measured run (user and system, from /proc/<pid>/stat) and its peak
# resident set (VmHWM, warm-up included): on a shared
# machine this is steadier than req/s, and the profiler's wall-clock samples
# also count time a preempted process waited inside a system call.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Node 22.12 or newer, as the images run: the `node` on PATH when it is one, else the images'
# Node (22.23.2), installed once from the npm registry into .tmp/node-22 (.ci/node22.sh).
PATH="$("$BASH" "$root/.ci/node22.sh"):$PATH"
reference="${GO_REFERENCE_DIR:-}"
load=post connections=64 warmup=5 duration=15 out="$root/bench-results/profiles" build=1 node_flags="" profile=1
ingestion_port=13100 processing_port=13101
while [ $# -gt 0 ]; do
  case "$1" in
    --load) load="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --node-flags) node_flags="$2"; shift 2 ;;
    --no-profile) profile=0; shift ;;
    *) echo "profile: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$load" in post) script=ev-post.lua ;; unique) script=ev-unique.lua ;; *) echo "profile: --load post|unique" >&2; exit 2 ;; esac
[ -n "$reference" ] && [ -f "$reference/bench/$script" ] || { echo "profile: set GO_REFERENCE_DIR to the Go reference (its bench/$script)" >&2; exit 1; }
[ "$build" -eq 0 ] || (cd "$root" && npm run --silent build)

# shellcheck source=scripts/bench/service-command.sh
source "$root/scripts/bench/service-command.sh"
service_command "$root" ingestion >/dev/null && service_command "$root" processing >/dev/null

run="$out/$load-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run/ingestion" "$run/processing"
pids=()
declare -A spawned pid_of
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

start() { # NAME PORT [VAR=VALUE...]
  local name="$1" port="$2" i
  shift 2
  local prof_flags=()
  [ "$profile" -eq 0 ] || prof_flags=(--cpu-prof --cpu-prof-dir="$run/$name")
  spawned[$name]=$(date +%s.%N)
  # shellcheck disable=SC2046,SC2086 # word splitting wanted: node, its flags, the entry
  env APP_HOST=127.0.0.1 APP_PORT="$port" "$@" $(service_command "$root" "$name" | sed "s|^node |node ${prof_flags[*]} $node_flags |") \
    >/dev/null 2>"$run/$name.stderr" &
  pids+=("$!")
  pid_of[$name]=$!
  for i in $(seq 150); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/health-check" && return 0
    sleep 0.1
  done
  echo "profile: $name did not start" >&2
  exit 1
}
start processing "$processing_port"
start ingestion "$ingestion_port" DATA_PROCESSING_URL="http://127.0.0.1:$processing_port/ev"

wrk_run() { # SECONDS
  wrk -t1 -c"$connections" -d"$1s" --timeout 5s -s "$reference/bench/$script" \
    "http://127.0.0.1:$ingestion_port/ev" "$reference/bench/payload.json" | grep '^RESULT'
}
[ "$warmup" -eq 0 ] || { echo "warm-up: $(wrk_run "$warmup")"; }
ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; } # utime stime, in clock ticks
declare -A before
for name in ingestion processing; do before[$name]="$(ticks "${pid_of[$name]}")"; done
measure_from=$(date +%s.%N)
result="$(wrk_run "$duration")"
measure_to=$(date +%s.%N)
echo "measured: $result" | tee "$run/wrk.txt"
requests=$(tr ' ' '\n' <<<"$result" | sed -n 's/^requests=//p')
hz=$(getconf CLK_TCK)
for name in ingestion processing; do
  read -r u0 s0 <<<"${before[$name]}"
  read -r u1 s1 <<<"$(ticks "${pid_of[$name]}")"
  awk -v n="$name" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$hz" -v r="$requests" 'BEGIN {
    printf "%-10s CPU per request: %5.0f us (user %4.0f, system %4.0f)\n", n, (u + s) * 1e6 / hz / r, u * 1e6 / hz / r, s * 1e6 / hz / r }' | tee -a "$run/wrk.txt"
  awk -v n="$name" '/^VmHWM/ { printf "%-10s peak RSS: %.1f MiB\n", n, $2 / 1024 }' "/proc/${pid_of[$name]}/status" | tee -a "$run/wrk.txt"
done
for p in "${pids[@]}"; do kill -TERM "$p"; done
for p in "${pids[@]}"; do wait "$p" || true; done
pids=()
[ "$profile" -eq 1 ] || exit 0
for name in ingestion processing; do
  echo
  echo "== $name ($run/$name)"
  # The profile starts when the process does: the measured run, in seconds since then.
  node --import tsx "$root/scripts/bench/cpu-profile-top.ts" "$run/$name"/*.cpuprofile --top 25 \
    --from "$(echo "$measure_from - ${spawned[$name]} + 0.5" | bc)" --to "$(echo "$measure_to - ${spawned[$name]}" | bc)"
done
