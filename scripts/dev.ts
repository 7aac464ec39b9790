/**
 * `npm run dev [-- --queue embedded|sqs]`: both services from source (tsx),
 * wired together on one host: processing on PROCESSING_PORT (3001),
 * ingestion on INGESTION_PORT (3000) forwarding to it, sharing a retry queue,
 * so events ingestion cannot deliver are parked and processing drains them.
 *
 * - `--queue embedded` (default): the embedded queue in `.tmp/retry-queue`
 *   (git-ignored; `RETRY_QUEUE_DIR` or `RETRY_QUEUE_URL` override it,
 *   `RETRY_QUEUE_DIR=` empty runs without a queue).
 * - `--queue sqs`: the production path on a laptop: `local-aws-sqs` starts
 *   in this process with the retry queue and its dead-letter queue, and both
 *   services' AWS SDK reach it through `AWS_ENDPOINT_URL_SQS`; the printed
 *   `DLQ_URL` and endpoint let `npm run redrive` work on it too.
 *
 * Other settings (LOG_LEVEL, REDIS_URL, RETRY_MODE, ...) pass through the
 * environment. Ctrl-C (or SIGTERM) stops both gracefully; if one exits on its
 * own, the other is stopped and the exit code is 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_INGESTION, DATA_PROCESSING } from '../contract/services';
import { localLauncher, type LaunchedSqs } from './launch/pipeline-launcher';

const root = join(__dirname, '..');
const processingPort = process.env.PROCESSING_PORT ?? String(DATA_PROCESSING.port);
const ingestionPort = process.env.INGESTION_PORT ?? String(DATA_INGESTION.port);

function start(service: 'ingestion' | 'processing', env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'apps', service, 'server.ts')], {
    cwd: root,
    env: { FAULT_INJECTION: 'enabled', ...process.env, ...env },
    stdio: 'inherit',
  });
}

/** The queue settings of both services, and the local SQS server when one was started. */
async function retryQueue(
  backend: string,
): Promise<{ env: Record<string, string>; processingEnv: Record<string, string>; sqs?: LaunchedSqs }> {
  if (backend === 'sqs') {
    const sqs = await localLauncher.startLocalSqs();
    const env = sqs.env();
    process.stdout.write(
      `dev: local-aws-sqs on ${sqs.endpoint}\n` +
        `dev: RETRY_QUEUE_URL=${env.RETRY_QUEUE_URL}\n` +
        `dev: redrive: AWS_ENDPOINT_URL_SQS=${env.AWS_ENDPOINT_URL_SQS} AWS_REGION=${env.AWS_REGION} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local DLQ_URL=${env.DLQ_URL} npm run redrive -- list\n`,
    );
    // local-aws-sqs answers a long poll only when the batch is full or the wait is over: keep the wait short.
    return { env, processingEnv: { RETRY_QUEUE_RECEIVE_WAIT_SECONDS: '1' }, sqs };
  }
  const configured = 'RETRY_QUEUE_DIR' in process.env || 'RETRY_QUEUE_URL' in process.env;
  return { env: configured ? {} : { RETRY_QUEUE_DIR: join(root, '.tmp', 'retry-queue') }, processingEnv: {} };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { queue: { type: 'string', default: 'embedded' } }, strict: true });
  if (values.queue !== 'embedded' && values.queue !== 'sqs') {
    process.stderr.write(`dev: --queue ${values.queue}: expected embedded or sqs\n`);
    process.exit(2);
  }
  const queue = await retryQueue(values.queue);
  const children = [
    start('processing', { ...queue.env, ...queue.processingEnv, APP_PORT: processingPort }),
    start('ingestion', { ...queue.env, APP_PORT: ingestionPort, DATA_PROCESSING_URL: `http://127.0.0.1:${processingPort}/ev` }),
  ];

  let stopping = false;
  const stopAll = (signal: NodeJS.Signals): void => {
    stopping = true;
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll('SIGTERM'));

  let running = children.length;
  let failed = false;
  for (const child of children) {
    child.on('exit', (code) => {
      if (!stopping || code !== 0) failed = true;
      if (!stopping) stopAll('SIGTERM');
      running -= 1;
      if (running === 0) void (queue.sqs?.stop() ?? Promise.resolve()).finally(() => process.exit(failed ? 1 : 0));
    });
  }
}

void main();
