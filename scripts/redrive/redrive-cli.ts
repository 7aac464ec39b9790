/**
 * `npm run redrive -- start|list|cancel ...`: moves dead letters back to the
 * retry queue. SQS when `--dlq-arn` or `DLQ_URL` is given, else the embedded
 * queue in `--dir` or `RETRY_QUEUE_DIR`.
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { RedriveError, type DeadLetterRedrive, type MoveTask } from '../../apps/resilience/redrive/dead-letter-redrive';
import { EmbeddedDeadLetterRedrive } from '../../apps/resilience/redrive/embedded-dead-letter-redrive';
import { resolveQueueArn, SqsDeadLetterRedrive } from '../../apps/resilience/redrive/sqs-dead-letter-redrive';

/** Usage text, printed on a usage error. */
export const USAGE = `usage: npm run redrive -- <command> [options]
  start [--rate <messages/s>]   move dead letters back to the retry queue (SQS: 1..500/s)
  list                          show recent move tasks with progress
  cancel <task-handle>          cancel a running move task
options:
  --dlq-arn <arn>               SQS dead-letter queue (default: ARN of DLQ_URL; AWS_ENDPOINT_URL_SQS for a local server)
  --destination-arn <arn>       SQS destination (default: the DLQ's source queue)
  --dir <path>                  embedded queue directory (default: RETRY_QUEUE_DIR)`;

/** An embedded `start` runs in the foreground and reports its progress this often, in ms. */
const PROGRESS_REPORT_INTERVAL_MS = 1_000;

/** Where the CLI writes, and the SQS client to use (tests pass their own). */
export interface RedriveCliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly sqsClient?: SQSClient;
}

/** Runs the CLI; resolves to the process exit code (0 ok, 1 failure, 2 usage). */
export async function runRedriveCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: RedriveCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { 'dlq-arn': { type: 'string' }, 'destination-arn': { type: 'string' }, dir: { type: 'string' }, rate: { type: 'string' } },
    });
  } catch (error) {
    io.stderr(`redrive: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const rate = parsed.values.rate === undefined ? undefined : Number(parsed.values.rate);
  if (
    !['start', 'list', 'cancel'].includes(command ?? '') ||
    (command === 'cancel' ? rest.length !== 1 : rest.length !== 0) ||
    (rate !== undefined && !Number.isInteger(rate))
  ) {
    io.stderr(`redrive: invalid command line\n${USAGE}`);
    return 2;
  }
  try {
    const redrive = await selectRedrive(parsed.values, env, io);
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
  } catch (error) {
    io.stderr(`redrive: ${oneLine(error)}`);
    return 1;
  }
}

async function selectRedrive(
  values: { 'dlq-arn'?: string; 'destination-arn'?: string; dir?: string },
  env: NodeJS.ProcessEnv,
  io: RedriveCliIo,
): Promise<DeadLetterRedrive> {
  if (values['dlq-arn'] !== undefined || env.DLQ_URL) {
    const client = io.sqsClient ?? new SQSClient({});
    const dlqArn = values['dlq-arn'] ?? (await resolveQueueArn(client, env.DLQ_URL!));
    return new SqsDeadLetterRedrive(client, dlqArn, values['destination-arn']);
  }
  const dir = values.dir ?? env.RETRY_QUEUE_DIR;
  if (dir === undefined || dir === '') {
    throw new RedriveError(
      'queue-not-found',
      'no queue given: pass --dlq-arn or set DLQ_URL (SQS), or pass --dir or set RETRY_QUEUE_DIR (embedded queue)',
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

/** A one-line message for any error: file-system permission errors count as access denied. */
function oneLine(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return `access denied: ${(error as Error).message}`;
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}
