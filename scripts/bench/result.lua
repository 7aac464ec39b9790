-- Loaded by the wrk scripts of npm run bench: at the end of a run, prints one
-- machine-readable line (latencies in ms):
-- RESULT requests=N seconds=S rps=R p50_ms= p90_ms= p99_ms= max_ms= non2xx= connect_err= read_err= write_err= timeouts=
function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "non2xx=%d connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
