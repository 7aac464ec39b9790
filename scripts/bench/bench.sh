#!/usr/bin/env bash
# Benchmarks the Fastify pipeline (ingestion → processing) on loopback with
# wrk and, when GO_REFERENCE_DIR names a checkout of the article's Go services
# (its build.sh builds bin/ingestion and bin/processing), the Go pipeline as
# the article wrote it (go-faithful) and with connection reuse tuned
# (go-tuned, GO_MAX_IDLE_PER_HOST=128) — as interleaved rounds in one run.
# Without GO_REFERENCE_DIR it measures the Fastify pipeline alone and says so.
# `--impls` can add `node-floor` (scripts/bench/forwarding-floor.ts): a bare
# node:http forwarder with ingestion's undici pool and nothing else, in front
# of the same processing — the ceiling of any Node ingestion on this machine.
# Prints medians, min–max, each service's idle and peak RSS and CPU time per request,
# the Node/Go ratios and the speed target's verdict (scripts/bench/speed-target.ts),
# draws the medians as an SVG chart and writes the CPU time per request as
# JSON (scripts/bench/bench-report.ts) — into the output folder
# (bench-results/), or with --update-docs into docs/benchmark.svg and
# docs/bench/cpu-per-request.json, the committed figures that
# `npm run capacity` reads.
#
# Every measurement starts processing, then ingestion pointed at it, on
# 127.0.0.1 (logs to /dev/null), waits for GET /health-check, records each
# service's idle resident set (VmRSS a second later), warms up at the
# highest connection count, runs wrk once per connection count, and stops
# both. After each wrk run it records each service's peak resident set so far
# (VmHWM in /proc/PID/status, warm-up and earlier runs included) and the CPU
# time (user + system, all threads, /proc/PID/stat) it spent in that run per
# request answered; NaN without /proc. Each round runs every implementation
# once per load, in a rotated order, so that drifts of a shared machine hit
# all alike.
#
# Loads (wrk scripts in scripts/bench/): `post` sends the article's sample
# event (payload.json) on every request, so processing replays one
# idempotency key; `unique` sends a distinct event per request over 1,000
# vehicles, so processing does its real work.
#
# Needs wrk and curl; go for the Go side.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench_dir="$root/scripts/bench"
# tsx's loader by path, so that TypeScript runs from whatever directory the script is called in.
tsx_loader="$(cd "$root" && node -p "require.resolve('tsx')")"
reference="${GO_REFERENCE_DIR:-}"

usage() {
  cat <<'USAGE'
Usage: npm run bench -- [options]
  --rounds N            interleaved rounds (3)
  --duration S          seconds per measured wrk run (10)
  --warmup S            seconds of one warm-up run, at the highest connection count (5)
  --warmup-requests N   warm-up runs repeat until N requests were answered, 60 s at most (15000: Node's JIT
                        needs about 15,000 requests; on a starved machine 5 s gives it a few hundred)
  --connections "16 64" wrk connection counts
  --loads "post unique" loads to run
  --impls LIST          fastify, go-faithful, go-tuned (all three when GO_REFERENCE_DIR is set, else fastify),
                        node-floor (a bare node:http forwarder: the ceiling of a Node ingestion here)
  --ingestion-port P    (13000)   --processing-port P (13001)
  --out DIR             where the rows, the chart and the CPU JSON go (bench-results/, git-ignored)
  --update-docs         write the chart and the CPU JSON over the committed docs/benchmark.svg and
                        docs/bench/cpu-per-request.json instead
  --chart FILE          the SVG chart of the medians (OUT/benchmark.svg)
  --cpu-json FILE       CPU time per request per service, as JSON (OUT/cpu-per-request.json)
  --pin                 pin ingestion to CPU 0 and processing to CPU 1 (taskset): one core each, as the
                        capacity model assumes (npm run capacity; docs/capacity.md)
  --no-build            do not run `npm run build` first
Environment: GO_REFERENCE_DIR  directory of the Go reference (with build.sh); unset: Fastify alone
USAGE
}

rounds=3
duration=10
warmup=5
warmup_requests=15000
warmup_max_seconds=60
connections="16 64"
loads="post unique"
impls=""
ingestion_port=13000
processing_port=13001
out="$root/bench-results"
chart=""
cpu_json=""
update_docs=0
pin=0
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --warmup-requests) warmup_requests="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --loads) loads="$2"; shift 2 ;;
    --impls) impls="$2"; shift 2 ;;
    --ingestion-port) ingestion_port="$2"; shift 2 ;;
    --processing-port) processing_port="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --chart) chart="$2"; shift 2 ;;
    --cpu-json) cpu_json="$2"; shift 2 ;;
    --update-docs) update_docs=1; shift ;;
    --pin) pin=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [ "$update_docs" -eq 1 ]; then
  chart="${chart:-$root/docs/benchmark.svg}" cpu_json="${cpu_json:-$root/docs/bench/cpu-per-request.json}"
else
  chart="${chart:-$out/benchmark.svg}" cpu_json="${cpu_json:-$out/cpu-per-request.json}"
fi

load_before="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)"
if [ "$pin" -eq 1 ]; then
  command -v taskset >/dev/null 2>&1 || { echo "bench: --pin needs taskset (sudo apt-get install -y util-linux)" >&2; exit 1; }
  [ "$(nproc)" -ge 2 ] || { echo "bench: --pin needs 2 CPUs; this machine has $(nproc)" >&2; exit 2; }
fi
for tool in wrk curl; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "bench: $tool is not installed; it is needed to load the services. Install it with:" >&2
    echo "  sudo apt-get install -y wrk curl golang-go golang-github-gorilla-mux-dev   # Go: for the Go reference (GO_REFERENCE_DIR)" >&2
    exit 1
  }
done
for load in $loads; do
  [ -f "$bench_dir/$load.lua" ] || { echo "bench: unknown load $load (scripts/bench/$load.lua)" >&2; exit 2; }
done

if [ -z "$impls" ]; then
  if [ -z "$reference" ]; then
    echo "bench: GO_REFERENCE_DIR is not set: measuring the Fastify pipeline alone, with no comparison to the Go reference" >&2
    impls="fastify"
  elif ! command -v go >/dev/null 2>&1; then
    echo "bench: GO_REFERENCE_DIR is set but go is not installed: measuring the Fastify pipeline alone, with no comparison to the Go reference." >&2
    echo "  To compare: sudo apt-get install -y golang-go golang-github-gorilla-mux-dev" >&2
    impls="fastify"
  else
    impls="fastify go-faithful go-tuned"
  fi
fi
go_bin="$out/go-bin"
if [[ " $impls " == *" go-"* ]]; then
  [ -n "$reference" ] && [ -x "$reference/build.sh" ] || {
    echo "bench: Go variants need GO_REFERENCE_DIR, the Go reference's directory with build.sh (now: '${reference}')" >&2
    exit 2
  }
fi

# Node 22.12 or newer, as the images run: the `node` on PATH when it is one, else the images'
# Node (22.23.2), installed once from the npm registry into .tmp/node-22 (.ci/node22.sh).
PATH="$("$BASH" "$root/.ci/node22.sh"):$PATH"
[ "$build" -eq 0 ] || (cd "$root" && npm run --silent build)
mkdir -p "$out"
if [[ " $impls " == *" go-"* ]] && [ ! -x "$go_bin/ingestion" ]; then "$reference/build.sh" "$go_bin" >&2; fi

# The pid of each running service, by name (processing, ingestion).
declare -A service_pid=()
stop_services() {
  local pid i
  for pid in "${service_pid[@]}"; do
    kill -TERM "$pid" 2>/dev/null || continue
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  service_pid=()
}
trap stop_services EXIT
trap 'exit 130' INT TERM

# start_service NAME PORT CMD [VAR=VALUE...]: starts CMD on 127.0.0.1:PORT,
# its pid in service_pid[NAME], and waits until GET /health-check answers 200
# (15 s at most).
start_service() {
  local name="$1" port="$2" cmd="$3" pid i
  shift 3
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    echo "bench: something already answers on 127.0.0.1:$port; stop it first" >&2
    exit 1
  fi
  env -u GO_MAX_IDLE_PER_HOST APP_HOST=127.0.0.1 APP_PORT="$port" "$@" bash -c "exec $cmd" >/dev/null 2>&1 &
  pid=$!
  service_pid[$name]="$pid"
  for i in $(seq 150); do
    if curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/health-check"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "bench: $name exited before answering /health-check" >&2; exit 1; }
    sleep 0.1
  done
  echo "bench: $name did not answer /health-check on port $port within 15 s" >&2
  exit 1
}

# run_wrk LOAD CONNECTIONS SECONDS: prints wrk's RESULT line.
run_wrk() {
  local load="$1" c="$2" seconds="$3" output
  output="$(timeout $((seconds + 30)) wrk -t 1 -c "$c" -d "${seconds}s" --timeout 5s -s "$bench_dir/$load.lua" \
    "http://127.0.0.1:$ingestion_port/ev" -- "$bench_dir/payload.json" 2>&1)" || {
    echo "bench: wrk failed: $output" >&2
    exit 1
  }
  grep '^RESULT ' <<<"$output" || { echo "bench: no RESULT from wrk: $output" >&2; exit 1; }
}

# field NAME LINE: the value of NAME=value in a RESULT line.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# peak_rss_mb NAME: the service's peak resident set so far (VmHWM in
# /proc/PID/status) in MiB with one decimal; NaN when /proc does not give it.
peak_rss_mb() {
  local kb
  kb="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/${service_pid[$1]}/status" 2>/dev/null || true)"
  if [ -n "$kb" ]; then awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }'; else printf NaN; fi
}

# rss_mb NAME: the service's resident set now (VmRSS in /proc/PID/status)
# in MiB with one decimal; NaN when /proc does not give it.
rss_mb() {
  local kb
  kb="$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/${service_pid[$1]}/status" 2>/dev/null || true)"
  if [ -n "$kb" ]; then awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }'; else printf NaN; fi
}

# cpu_ticks NAME: the service's CPU time so far, user + system of all its
# threads (/proc/PID/stat fields 14 and 15), in clock ticks; empty without /proc.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/${service_pid[$1]}/stat" 2>/dev/null || true; }
clock_ticks_per_second="$(getconf CLK_TCK 2>/dev/null || echo 100)"

# cpu_us_per_request TICKS_BEFORE TICKS_AFTER REQUESTS: microseconds of CPU per request; NaN when unknown.
cpu_us_per_request() {
  if [ -z "$1" ] || [ -z "$2" ] || [ "${3:-0}" -eq 0 ]; then printf NaN; return; fi
  awk -v t=$(($2 - $1)) -v hz="$clock_ticks_per_second" -v n="$3" 'BEGIN { printf "%.0f", t * 1e6 / hz / n }'
}

max_c=0
for c in $connections; do [ "$c" -le "$max_c" ] || max_c="$c"; done
rows="$out/bench-$(date +%Y%m%d-%H%M%S).tsv"
printf 'load\timpl\ttarget\tconns\tround\trps\tp50_ms\tp99_ms\terrors\tingestion_rss_mb\tprocessing_rss_mb\tingestion_cpu_us\tprocessing_cpu_us\tingestion_idle_rss_mb\tprocessing_idle_rss_mb\n' \
  >"$rows"

# The services as `npm run start:*` (and the images) run them, node flags included.
# shellcheck source=scripts/bench/service-command.sh
source "$bench_dir/service-command.sh"
fastify_processing="$(service_command "$root" processing)"
fastify_ingestion="$(service_command "$root" ingestion)"

# measure LOAD IMPL ROUND: one start of the pair, its rows appended to $rows.
measure() {
  local load="$1" impl="$2" round="$3" ingestion processing ingestion_env line errors c ingestion_ticks processing_ticks ingestion_idle_rss processing_idle_rss
  ingestion_env=(DATA_PROCESSING_URL="http://127.0.0.1:$processing_port/ev")
  case "$impl" in
    fastify) processing="$fastify_processing"; ingestion="$fastify_ingestion" ;;
    node-floor) processing="$fastify_processing"; ingestion="node --import $tsx_loader $bench_dir/forwarding-floor.ts" ;;
    go-faithful) processing="$go_bin/processing"; ingestion="$go_bin/ingestion" ;;
    go-tuned) processing="$go_bin/processing"; ingestion="$go_bin/ingestion"; ingestion_env+=(GO_MAX_IDLE_PER_HOST=128) ;;
    *) echo "bench: unknown implementation $impl" >&2; exit 2 ;;
  esac
  if [ "$pin" -eq 1 ]; then ingestion="taskset -c 0 $ingestion" processing="taskset -c 1 $processing"; fi
  start_service processing "$processing_port" "$processing"
  start_service ingestion "$ingestion_port" "$ingestion" "${ingestion_env[@]}"
  # Idle memory: the resident set a second after both answered their health check, before any load.
  sleep 1
  ingestion_idle_rss="$(rss_mb ingestion)" processing_idle_rss="$(rss_mb processing)"
  # Warm up by requests answered, not by time: Node compiles its hot paths after some thousands of requests,
  # which a starved machine serves in far more than 5 s.
  if [ "$warmup" -gt 0 ]; then
    local warmed=0 spent=0
    while :; do
      line="$(run_wrk "$load" "$max_c" "$warmup")"
      warmed=$((warmed + $(field requests "$line"))) spent=$((spent + warmup))
      if [ "$warmed" -ge "$warmup_requests" ] || [ "$spent" -ge "$warmup_max_seconds" ]; then break; fi
    done
  fi
  for c in $connections; do
    ingestion_ticks="$(cpu_ticks ingestion)" processing_ticks="$(cpu_ticks processing)"
    line="$(run_wrk "$load" "$c" "$duration")"
    errors=$(( $(field non2xx "$line") + $(field connect_err "$line") + $(field read_err "$line") \
      + $(field write_err "$line") + $(field timeouts "$line") ))
    printf '%s\t%s\tpipeline\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$load" "$impl" "$c" "$round" \
      "$(field rps "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$errors" \
      "$(peak_rss_mb ingestion)" "$(peak_rss_mb processing)" \
      "$(cpu_us_per_request "$ingestion_ticks" "$(cpu_ticks ingestion)" "$(field requests "$line")")" \
      "$(cpu_us_per_request "$processing_ticks" "$(cpu_ticks processing)" "$(field requests "$line")")" \
      "$ingestion_idle_rss" "$processing_idle_rss" | tee -a "$rows"
  done
  stop_services
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
# The processor the figures belong to: lscpu's model name (or /proc/cpuinfo's).
host="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
[ -n "$host" ] || host="$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)"
host="${host:-unknown processor}"
go_version=""
if [[ " $impls " == *" go-"* ]]; then go_version="$(go version 2>/dev/null || true)"; fi
echo
node --import "$tsx_loader" "$bench_dir/bench-report.ts" "$rows" --chart "$chart" --cpu-json "$cpu_json" \
  --setup "${duration} s runs after a warm-up of ${warmup_requests} requests (${warmup} s runs, ${warmup_max_seconds} s at most), wrk -t1, $([ "$pin" -eq 0 ] || echo 'ingestion on CPU 0 and processing on CPU 1, ')$host, $(nproc) cores (load average $load_before before the run), Node $(node --version)" \
  --host "$host" --cores "$(nproc)" --go "$go_version" --load-average "$load_before" --duration "$duration" --warmup "$warmup" --warmup-requests "$warmup_requests"
echo "Rows: $rows"
if [ "$update_docs" -eq 0 ]; then
  echo "The committed docs/benchmark.svg and docs/bench/cpu-per-request.json are unchanged; --update-docs writes them."
fi
