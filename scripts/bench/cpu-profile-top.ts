/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): the functions with the
 * most self time, and self time per package (our code, fastify, pino, undici,
 * Node's internals, garbage collection, ...), as shares of the busy time
 * (idle excluded). Used to find where each service spends its CPU under load
 * (docs/services.md, "Where the CPU goes").
 *
 * Usage: node --import tsx scripts/bench/cpu-profile-top.ts <file.cpuprofile> [--top N] [--from S --to S]
 *   --from/--to: only the samples between S seconds after the profile's start and S seconds.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The package (or area) a frame belongs to. */
function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules !== -1) {
    const rest = url.slice(inModules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const inDist = url.indexOf('/dist/');
  return inDist === -1
    ? 'ours'
    : `ours:${url
        .slice(inDist + 6)
        .split('/')
        .slice(0, 2)
        .join('/')}`;
}

function shortUrl(url: string): string {
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules !== -1) return url.slice(inModules + '/node_modules/'.length);
  const inDist = url.indexOf('/dist/');
  return inDist === -1 ? url : url.slice(inDist + 1);
}

function main(argv: readonly string[]): void {
  const file = argv[0];
  if (file === undefined) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [--top N] [--from S --to S]');
  const option = (name: string, fallback: number): number => {
    const at = argv.indexOf(name);
    return at === -1 ? fallback : Number(argv[at + 1]);
  };
  const top = option('--top', 20);
  const fromUs = option('--from', 0) * 1e6;
  const toUs = option('--to', Infinity) * 1e6;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFrame = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  let elapsed = 0;
  let busy = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsed += profile.timeDeltas[i];
    if (elapsed < fromUs || elapsed > toUs) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    const frame = byId.get(profile.samples[i])?.callFrame;
    if (frame === undefined) continue;
    if (frame.functionName === '(idle)') {
      idle += delta;
      continue;
    }
    busy += delta;
    const key = `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}${frame.url === '' ? '' : `:${frame.lineNumber + 1}`}`;
    selfByFrame.set(key, (selfByFrame.get(key) ?? 0) + delta);
    const area = areaOf(frame);
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + delta);
  }
  const share = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  console.log(`busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s (${((100 * busy) / (busy + idle)).toFixed(0)} % busy)`);
  console.log('\nself time by function (share of busy time)');
  for (const [key, us] of [...selfByFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${share(us)}  ${key}`);
  console.log('\nself time by package');
  for (const [area, us] of [...selfByArea].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${share(us)}  ${area}`);
}

main(process.argv.slice(2));
