// Preloaded into every Node process of a benchmark run (NODE_OPTIONS=--require):
// reports the process's peak resident set size on exit, for scripts/bench-synth.mjs.
process.on('exit', () => {
  process.stderr.write(`\nBENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
