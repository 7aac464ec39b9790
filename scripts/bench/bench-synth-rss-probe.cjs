// Preloaded into every Node process of a benchmark run (NODE_OPTIONS=--require):
// on exit, appends the process's peak resident set size in KB and the CPU time
// it used (user + system) in microseconds, one line per process, to the file
// BENCH_RSS_FILE names (a file, not stderr: the cdktf CLI swallows its app's
// stderr), for scripts/bench/bench-synth.mjs.
const { appendFileSync } = require('node:fs');

process.on('exit', () => {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  if (process.env.BENCH_RSS_FILE) appendFileSync(process.env.BENCH_RSS_FILE, `${maxRSS} ${userCPUTime + systemCPUTime}\n`);
});
