/**
 * `npm run dev`: both services from source (tsx), wired together on one host:
 * processing on PROCESSING_PORT (3001), ingestion on INGESTION_PORT (3000)
 * forwarding to it, both sharing the embedded retry queue in
 * `.tmp/retry-queue` (git-ignored; `RETRY_QUEUE_DIR` or `RETRY_QUEUE_URL`
 * override it, `RETRY_QUEUE_DIR=` empty runs without a queue), so events ingestion cannot deliver are parked and processing
 * drains them. Other settings (LOG_LEVEL, REDIS_URL, RETRY_MODE, ...) pass
 * through the environment. Ctrl-C (or SIGTERM) stops both gracefully; if one
 * exits on its own, the other is stopped and the exit code is 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DATA_INGESTION, DATA_PROCESSING } from '../contract/services';

const root = join(__dirname, '..');
const processingPort = process.env.PROCESSING_PORT ?? String(DATA_PROCESSING.port);
const ingestionPort = process.env.INGESTION_PORT ?? String(DATA_INGESTION.port);
/** The local retry queue, unless the environment names one (or sets `RETRY_QUEUE_DIR=` empty: no queue). */
const retryQueue: Record<string, string> =
  'RETRY_QUEUE_DIR' in process.env || 'RETRY_QUEUE_URL' in process.env ? {} : { RETRY_QUEUE_DIR: join(root, '.tmp', 'retry-queue') };

function start(service: 'ingestion' | 'processing', env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'apps', service, 'server.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
}

const children = [
  start('processing', { ...retryQueue, APP_PORT: processingPort }),
  start('ingestion', { ...retryQueue, APP_PORT: ingestionPort, DATA_PROCESSING_URL: `http://127.0.0.1:${processingPort}/ev` }),
];

let stopping = false;
function stopAll(signal: NodeJS.Signals): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll('SIGTERM'));

let running = children.length;
let failed = false;
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping || code !== 0) failed = true;
    if (!stopping) stopAll('SIGTERM');
    running -= 1;
    if (running === 0) process.exit(failed ? 1 : 0);
  });
}
