// Preloaded into each service by `npm run bench:soak` (node --require): every
// SOAK_MEMORY_INTERVAL_MS (default 10000) appends the process's
// process.memoryUsage() as one JSON line, with a timestamp, to the file
// SOAK_MEMORY_LOG, plus `tenuredUsed`: the heap outside the young generation
// (V8's new spaces, up to tens of MB of short-lived objects whose share at
// any instant is chance), which is what a leak makes grow. No port, no
// endpoint: the services' code is not changed, and a production start
// (without --require) never loads this file.
const { appendFileSync } = require('node:fs');
const { getHeapSpaceStatistics } = require('node:v8');

const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);
const tenuredUsed = () =>
  getHeapSpaceStatistics().reduce((sum, space) => (YOUNG_SPACES.has(space.space_name) ? sum : sum + space.space_used_size), 0);

const file = process.env.SOAK_MEMORY_LOG;
const intervalMs = Number(process.env.SOAK_MEMORY_INTERVAL_MS ?? 10_000);
if (file !== undefined && file !== '' && intervalMs > 0) {
  const sample = () =>
    appendFileSync(file, `${JSON.stringify({ time: Date.now(), ...process.memoryUsage(), tenuredUsed: tenuredUsed() })}\n`);
  sample();
  setInterval(sample, intervalMs).unref();
}
