/**
 * The directory of a Node 22 binary, as `.ci/run` finds it: the node running
 * the tests when it is 22.12 or newer (CI), else the one `.ci/node22.sh`
 * installs from the npm registry (once; cached under `.tmp/node-22`).
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** True when `version` (`process.versions.node` style) is 22.12 or newer. */
export function isNode22Floor(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 12);
}

/** The bin directory of a Node ≥ 22.12. */
export function node22BinDir(): string {
  if (isNode22Floor(process.versions.node)) return dirname(process.execPath);
  return execFileSync('bash', [join(ROOT, '.ci', 'node22.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}
