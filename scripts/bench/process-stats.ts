/**
 * What the benchmarks read about a running process from Linux's `/proc`:
 * its CPU time so far (user + system, all threads) and its resident set.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` times. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** User + system CPU time of `pid` so far, in seconds, from `/proc/<pid>/stat`. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on: the command name may hold spaces
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // fields 14 (utime) and 15 (stime)
}

/** `VmRSS` of `pid` in MiB, from `/proc/<pid>/status`. */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}
