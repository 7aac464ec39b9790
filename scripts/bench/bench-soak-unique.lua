-- wrk script of `npm run bench:soak`: POSTs a distinct EV event on every
-- request over 1,000 vehicles, each moving 10 s and a little further per event
-- (the shape of the benchmark's `unique` load), so processing applies every
-- event and remembers a new idempotency key each time.
-- The soak runs wrk once per minute; SOAK_RUN (0, 1, 2, …) shifts each run's
-- events to its own range, so no run repeats an event of an earlier one.
-- Prints one RESULT line (requests, rps, p50/p90/p99/max in ms, errors).

local run = tonumber(os.getenv("SOAK_RUN") or "0")
local n = 0
local base = 1707991800 -- 2024-02-15T10:10:00Z
local fmt = '{"vehicle_id":"EV-%04d","timestamp":"%s","location":{"latitude":%.6f,"longitude":-122.4194},' ..
  '"battery":{"percentage":%.2f,"voltage":390,"temperature":25.3},"speed":54,"odometer":%.2f}'

function request()
  n = n + 1
  local v = n % 1000
  -- k: the vehicle's event number; a run sends far fewer than 100,000 events per vehicle
  local k = run * 100000 + math.floor(n / 1000)
  local body = string.format(fmt, v, os.date("!%Y-%m-%dT%H:%M:%SZ", base + k * 10),
    37.7 + (k % 100000) * 0.000001, 90 - (k % 9000) * 0.01, 12500 + k * 0.15)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "non2xx=%d connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
