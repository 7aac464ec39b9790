/**
 * `npm run dev [-- --queue embedded|sqs] [--mtls]`: both services from source (tsx),
 * wired together on loopback (`APP_HOST`, default 127.0.0.1): processing on
 * PROCESSING_PORT (3001), ingestion on INGESTION_PORT (3000) forwarding to
 * it, sharing a retry queue, so events ingestion cannot deliver are parked
 * and processing drains them.
 *
 * - `--queue embedded` (default): the embedded queue in `.tmp/retry-queue`
 *   (git-ignored; `RETRY_QUEUE_DIR` or `RETRY_QUEUE_URL` override it,
 *   `RETRY_QUEUE_DIR=` empty runs without a queue).
 * - `--queue sqs`: the production path on a laptop: `local-aws-sqs` starts
 *   in this process with the retry queue and its dead-letter queue, and both
 *   services' AWS SDK reach it through `AWS_ENDPOINT_URL_SQS`; the printed
 *   `DLQ_URL` and endpoint let `npm run redrive` work on it too.
 *
 * - `--mtls`: the vehicles' path as deployed: an HTTPS front on MTLS_PORT
 *   (8443, loopback) that verifies client certificates against the
 *   development CA in `.dev-pki/` (made on first use; `npm run vehicle-cert`
 *   issues and revokes vehicle certificates) and forwards to ingestion with
 *   the load balancer's headers; ingestion runs with `VEHICLE_AUTH=alb-mtls`.
 *   The front reloads the revocation list when it changes.
 *
 * Other settings (LOG_LEVEL, REDIS_URL, RETRY_MODE, ...) pass through the
 * environment. Ctrl-C (or SIGTERM) stops both gracefully; if one exits on its
 * own, the other is stopped and the exit code is 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_INGESTION, DATA_PROCESSING } from '../contract/services';
import { VehicleAuth } from '../contract/vehicle-auth';
import { startMtlsFront, type MtlsFront } from './launch/mtls-front';
import { localLauncher, type LaunchedSqs } from './launch/pipeline-launcher';
import { DEFAULT_DEV_PKI_DIR, DevPki } from './pki/dev-pki';

const root = join(__dirname, '..');
const processingPort = process.env.PROCESSING_PORT ?? String(DATA_PROCESSING.port);
const ingestionPort = process.env.INGESTION_PORT ?? String(DATA_INGESTION.port);
const mtlsPort = Number(process.env.MTLS_PORT ?? 8443);
/** Loopback unless APP_HOST says otherwise: a laptop's services are not the network's. */
const host = process.env.APP_HOST ?? '127.0.0.1';

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

/** The HTTPS front of `--mtls`, in front of ingestion on `ingestionUrl`, reloading the CRL when it changes. */
async function startFront(ingestionUrl: string): Promise<MtlsFront> {
  const pki = DevPki.ensure(DEFAULT_DEV_PKI_DIR);
  const front = await startMtlsFront({
    target: new URL(ingestionUrl),
    files: { ca: pki.caCertificate, crl: pki.crl, ...pki.server },
    port: mtlsPort,
    onRefusedHandshake: (reason) => process.stdout.write(`dev: mTLS front refused a connection: ${reason}\n`),
  });
  watchFile(pki.crl, { interval: 1_000 }, () => {
    front.reload();
    process.stdout.write('dev: mTLS front reloaded the revocation list\n');
  });
  const vehicle = pki.vehicle('EV-001');
  process.stdout.write(
    `dev: mTLS front on ${front.url} (CA ${pki.caCertificate}); ingestion runs with VEHICLE_AUTH=alb-mtls\n` +
      `dev: npm run vehicle-cert -- issue EV-001 && curl --cacert ${pki.caCertificate} --cert ${vehicle.certificate} --key ${vehicle.key} ` +
      `${front.url}/ev -H 'Content-Type: application/json' --data @samples/ev-event.json\n`,
  );
  return {
    ...front,
    async close() {
      unwatchFile(pki.crl);
      await front.close();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { queue: { type: 'string', default: 'embedded' }, mtls: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.queue !== 'embedded' && values.queue !== 'sqs') {
    process.stderr.write(`dev: --queue ${values.queue}: expected embedded or sqs\n`);
    process.exit(2);
  }
  const queue = await retryQueue(values.queue);
  // Started first, so a missing openssl or a taken port stops the run before any service starts.
  const front = values.mtls ? await startFront(`http://127.0.0.1:${ingestionPort}`) : undefined;
  const vehicleAuth: Record<string, string> = values.mtls ? { VEHICLE_AUTH: VehicleAuth.ALB_MTLS } : {};
  const children = [
    start('processing', { ...queue.env, ...queue.processingEnv, APP_HOST: host, APP_PORT: processingPort }),
    start('ingestion', {
      ...queue.env,
      ...vehicleAuth,
      APP_HOST: host,
      APP_PORT: ingestionPort,
      DATA_PROCESSING_URL: `http://127.0.0.1:${processingPort}/ev`,
    }),
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
      if (running === 0) {
        void Promise.all([queue.sqs?.stop(), front?.close()]).finally(() => process.exit(failed ? 1 : 0));
      }
    });
  }
}

void main();
