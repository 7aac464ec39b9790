// Preloaded into each service by `npm run bench:soak` (node --require): every
// SOAK_MEMORY_INTERVAL_MS (default 10000) appends the process's
// process.memoryUsage() as one JSON line, with a timestamp, to the file
// SOAK_MEMORY_LOG. No port, no endpoint: the services' code is not changed,
// and a production start (without --require) never loads this file.
const { appendFileSync } = require('node:fs');

const file = process.env.SOAK_MEMORY_LOG;
const intervalMs = Number(process.env.SOAK_MEMORY_INTERVAL_MS ?? 10_000);
if (file !== undefined && file !== '' && intervalMs > 0) {
  const sample = () => appendFileSync(file, `${JSON.stringify({ time: Date.now(), ...process.memoryUsage() })}\n`);
  sample();
  setInterval(sample, intervalMs).unref();
}
