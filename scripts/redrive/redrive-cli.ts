/**
 * `npm run redrive -- start|list|cancel ...`: moves dead letters back to the
 * retry queue. SQS when `--dlq-arn` or `DLQ_URL` is given, else the embedded
 * queue in `--dir` or `RETRY_QUEUE_DIR`, else the one `npm run dev` uses
 * (`.tmp/retry-queue` of the repository).
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { RedriveError, type DeadLetterRedrive, type MoveTask } from '../../apps/resilience/redrive/dead-letter-redrive';
import { EmbeddedDeadLetterRedrive } from '../../apps/resilience/redrive/embedded-dead-letter-redrive';
import { resolveQueueArn, SqsDeadLetterRedrive } from '../../apps/resilience/redrive/sqs-dead-letter-redrive';
import { runCli, UsageError, type CliDefinition, type CliIo } from '../cli/run-cli';

/** Where `npm run dev` keeps its embedded queue (scripts/dev.ts): the redrive's queue when none is given. */
export const DEV_RETRY_QUEUE_DIR = join(__dirname, '..', '..', '.tmp', 'retry-queue');

/** Usage text, printed by --help and after a usage error. */
export const USAGE = `usage: npm run redrive -- <command> [options]
  start [--rate <messages/s>]   move dead letters back to the retry queue (SQS: 1..500/s)
  list                          show recent move tasks with progress
  cancel <task-handle>          cancel a running move task
options:
  --dlq-arn <arn>               SQS dead-letter queue (default: ARN of DLQ_URL; AWS_ENDPOINT_URL_SQS for a local server)
  --destination-arn <arn>       SQS destination (default: the DLQ's source queue)
  --dir <path>                  embedded queue directory (default: RETRY_QUEUE_DIR, else npm run dev's .tmp/retry-queue)
  -h, --help                    this text
SQS needs a region: AWS_REGION (or a profile's region), and credentials as the AWS SDK finds them.`;

/** An embedded `start` runs in the foreground and reports its progress this often, in ms. */
const PROGRESS_REPORT_INTERVAL_MS = 1_000;

/** Where the CLI writes, the SQS client to use and npm run dev's queue directory (tests pass their own). */
export interface RedriveCliIo extends CliIo {
  readonly sqsClient?: SQSClient;
  /** @default DEV_RETRY_QUEUE_DIR */
  readonly devQueueDir?: string;
}

const OPTIONS = {
  'dlq-arn': { type: 'string' },
  'destination-arn': { type: 'string' },
  dir: { type: 'string' },
  rate: { type: 'string' },
} as const;

/** The redrive CLI over `env` (the process environment, or a test's). */
export function redriveCli(env: NodeJS.ProcessEnv, io: RedriveCliIo): CliDefinition<typeof OPTIONS> {
  return {
    name: 'redrive',
    usage: USAGE,
    options: OPTIONS,
    allowPositionals: true,
    run: async ({ values, positionals }) => {
      const [command, ...rest] = positionals;
      if (!['start', 'list', 'cancel'].includes(command ?? '')) throw new UsageError(`unknown command '${command ?? ''}'`);
      if (command === 'cancel' ? rest.length !== 1 : rest.length !== 0) throw new UsageError(`wrong arguments for ${command}`);
      const rate = values.rate === undefined ? undefined : Number(values.rate);
      if (rate !== undefined && !Number.isInteger(rate))
        throw new UsageError(`--rate ${values.rate}: expected a whole number of messages per second`);
      const redrive = await selectRedrive(values, env, io);
      if (command === 'start') {
        const { taskHandle } = await redrive.start({ maxMessagesPerSecond: rate });
        const [task] = (await redrive.list()).filter((t) => t.taskHandle === taskHandle);
        io.stdout(task === undefined ? `started move task ${taskHandle}` : `move task ${describe(task)}`);
      } else if (command === 'list') {
        const tasks = await redrive.list();
        if (tasks.length === 0) io.stdout('no move tasks');
        for (const task of tasks) io.stdout(describe(task));
      } else {
        const { messagesMoved } = await redrive.cancel(rest[0]);
        io.stdout(`cancelled move task ${rest[0]} after ${messagesMoved} message(s) moved`);
      }
      return 0;
    },
  };
}

/** Runs the CLI; resolves to the process exit code (0 ok, 1 failure, 2 usage). */
export function runRedriveCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: RedriveCliIo): Promise<number> {
  return runCli(redriveCli(env, io), argv, io);
}

async function selectRedrive(
  values: { 'dlq-arn'?: string; 'destination-arn'?: string; dir?: string },
  env: NodeJS.ProcessEnv,
  io: RedriveCliIo,
): Promise<DeadLetterRedrive> {
  if (values['dlq-arn'] !== undefined || env.DLQ_URL) {
    const client = io.sqsClient ?? new SQSClient({});
    await requireRegion(client);
    const dlqArn = values['dlq-arn'] ?? (await resolveQueueArn(client, env.DLQ_URL!));
    return new SqsDeadLetterRedrive(client, dlqArn, values['destination-arn']);
  }
  const devQueueDir = io.devQueueDir ?? DEV_RETRY_QUEUE_DIR;
  const dir = values.dir ?? (env.RETRY_QUEUE_DIR || (existsSync(devQueueDir) ? devQueueDir : undefined));
  if (dir === undefined || dir === '') {
    throw new RedriveError(
      'queue-not-found',
      `no queue given: pass --dlq-arn or set DLQ_URL (SQS), or pass --dir or set RETRY_QUEUE_DIR (embedded queue); ` +
        `npm run dev's queue ${relative(process.cwd(), devQueueDir) || devQueueDir} does not exist yet`,
    );
  }
  let lastReportAt = Date.now();
  return new EmbeddedDeadLetterRedrive(dir, {
    onProgress: (task) => {
      if (Date.now() - lastReportAt < PROGRESS_REPORT_INTERVAL_MS) return;
      lastReportAt = Date.now();
      io.stdout(`moving: ${task.messagesMoved}/${task.messagesToMove ?? '?'}`);
    },
  });
}

/** One line per task: status, progress, rate, start time, handle. */
function describe(task: MoveTask): string {
  const progress = `${task.messagesMoved}/${task.messagesToMove ?? '?'} moved`;
  const rate = task.maxMessagesPerSecond === undefined ? '' : ` at <=${task.maxMessagesPerSecond}/s`;
  const failure = task.failureReason === undefined ? '' : ` (${task.failureReason})`;
  const handle = task.taskHandle === undefined ? '' : ` handle ${task.taskHandle}`;
  return `${task.status} ${progress}${rate} started ${new Date(task.startedAt).toISOString()}${handle}${failure}`;
}

/** Fails naming `AWS_REGION` when the SDK finds no region (its own message, "Region is missing", names no variable). */
async function requireRegion(client: SQSClient): Promise<void> {
  try {
    await client.config.region();
  } catch {
    throw new Error('no AWS region for SQS: set AWS_REGION (for example AWS_REGION=eu-west-1), or a region in the profile of AWS_PROFILE');
  }
}
