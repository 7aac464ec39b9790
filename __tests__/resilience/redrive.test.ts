/**
 * Redrive of dead letters: the embedded queue for real (library and the CLI
 * as a child process), SQS through a mocked client (request shapes, errors).
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  QueueDoesNotExist,
  ResourceNotFoundException,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
  UnsupportedOperation,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { EmbeddedDeadLetterRedrive } from '../../apps/resilience/redrive/embedded-dead-letter-redrive';
import { queueArnFromUrl } from '../../apps/resilience/redrive/sqs-dead-letter-redrive';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import { runRedriveCli } from '../../scripts/redrive/redrive-cli';

const REPO = join(__dirname, '..', '..');
const CLI = join(REPO, 'scripts', 'redrive.ts');
const run = promisify(execFile);

/** Runs `tsx scripts/redrive.ts` as a real process (as `uid` when given); resolves with its exit code and output. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}, uid?: number): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO,
      ...(uid === undefined ? {} : { uid, gid: uid }),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Whether every directory from `path` up to `/` lets other users through (o+x). */
function traversableByOthers(path: string): boolean {
  for (let current = path; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (dirname(current) === current) return true;
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redrive-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A queue with `count` (at most 10) messages already dead-lettered: received once, maxReceiveCount 1. */
async function queueWithDeadLetters(count: number): Promise<EmbeddedRetryQueue> {
  const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 1 });
  for (let i = 0; i < count; i++) await queue.send({ idempotencyKey: `dead-${i}`, body: `{"n":${i}}` });
  expect(await queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 0 })).toHaveLength(count);
  expect(await queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 0 })).toEqual([]);
  expect((await queue.depth()).deadLetters).toBe(count);
  return queue;
}

describe('EmbeddedDeadLetterRedrive', () => {
  it('moves every dead letter back, with a fresh receive count, at the given rate, and records the task', async () => {
    const queue = await queueWithDeadLetters(6);
    const started = Date.now();
    const { taskHandle } = await new EmbeddedDeadLetterRedrive(dir).start({ maxMessagesPerSecond: 10 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(await queue.depth()).toEqual({ visible: 6, inFlight: 0, deadLetters: 0 });
    const redelivered = await queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
    expect(redelivered.map((m) => m.receiveCount)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(redelivered.map((m) => m.idempotencyKey).sort()).toEqual(['dead-0', 'dead-1', 'dead-2', 'dead-3', 'dead-4', 'dead-5']);
    expect(await new EmbeddedDeadLetterRedrive(dir).list()).toEqual([
      expect.objectContaining({ taskHandle, status: 'COMPLETED', messagesMoved: 6, messagesToMove: 6, maxMessagesPerSecond: 10 }),
    ]);
  });

  it('refuses a second task while one runs, and cancels the running one', async () => {
    const queue = await queueWithDeadLetters(8);
    const running = new EmbeddedDeadLetterRedrive(dir).start({ maxMessagesPerSecond: 5 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(new EmbeddedDeadLetterRedrive(dir).start({})).rejects.toMatchObject({ code: 'task-already-running' });
    const [task] = await new EmbeddedDeadLetterRedrive(dir).list();
    expect(task.status).toBe('RUNNING');
    await new EmbeddedDeadLetterRedrive(dir).cancel(task.taskHandle!);
    await running;
    const [after] = await new EmbeddedDeadLetterRedrive(dir).list();
    expect(after.status).toBe('CANCELLED');
    const depth = await queue.depth();
    expect(depth.visible + depth.deadLetters).toBe(8);
    expect(depth.deadLetters).toBeGreaterThan(0);
    expect(after.messagesMoved).toBe(depth.visible);
  });

  it('resumes a task whose runner was killed -9, losing and duplicating nothing', async () => {
    const queue = await queueWithDeadLetters(10);
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--rate', '4', '--dir', dir], { cwd: REPO, stdio: 'ignore' });
    for (;;) {
      const [task] = await new EmbeddedDeadLetterRedrive(dir).list();
      if (task !== undefined && task.messagesMoved >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const [orphan] = await new EmbeddedDeadLetterRedrive(dir).list();
    expect(orphan.status).toBe('RUNNING');
    const { taskHandle } = await new EmbeddedDeadLetterRedrive(dir).start({});
    expect(taskHandle).toBe(orphan.taskHandle);
    expect(await queue.depth()).toEqual({ visible: 10, inFlight: 0, deadLetters: 0 });
    const [done] = await new EmbeddedDeadLetterRedrive(dir).list();
    expect(done).toMatchObject({ status: 'COMPLETED', messagesToMove: 10 });
  }, 20_000);

  it('says so when the directory is not a queue', async () => {
    await expect(new EmbeddedDeadLetterRedrive(join(dir, 'nope')).list()).rejects.toMatchObject({ code: 'queue-not-found' });
  });
});

describe('npm run redrive (embedded queue, real process)', () => {
  it('start moves the dead letters and list shows the completed task', async () => {
    await queueWithDeadLetters(3);
    const start = await cli(['start', '--rate', '50'], { RETRY_QUEUE_DIR: dir });
    expect(start).toMatchObject({ code: 0, stderr: '' });
    expect(start.stdout).toMatch(/^move task COMPLETED 3\/3 moved at <=50\/s started \S+ handle [0-9a-f-]{36}\n$/);
    const list = await cli(['list', '--dir', dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^COMPLETED 3\/3 moved/);
  }, 20_000);

  it('start reports its progress while a slow move runs', async () => {
    await queueWithDeadLetters(7);
    const start = await cli(['start', '--rate', '3'], { RETRY_QUEUE_DIR: dir });
    expect(start.code).toBe(0);
    const lines = start.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.slice(0, -1).every((line) => /^moving: [1-7]\/7$/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^move task COMPLETED 7\/7 moved at <=3\/s/);
  }, 20_000);

  it('fails with one line and a non-zero exit code for a wrong queue, a bad command, no queue', async () => {
    const wrong = await cli(['list'], { RETRY_QUEUE_DIR: join(dir, 'missing') });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^redrive: queue not found: .*missing has no dead-letters\/ directory.*\n$/);
    const none = await cli(['list']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^redrive: no queue given/);
    const bad = await cli(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage: npm run redrive/);
  }, 20_000);

  /** Root ignores permissions, so as root the CLI runs as `nobody`, which needs to reach the repository. */
  const runsAsRoot = process.getuid?.() === 0;
  const deniedCase = !runsAsRoot || traversableByOthers(REPO) ? it : it.skip;

  deniedCase(
    'fails with access denied when the queue directory is not writable',
    async () => {
      await queueWithDeadLetters(1);
      chmodSync(join(dir, 'move-tasks'), 0o500);
      const denied = await cli(['start'], { RETRY_QUEUE_DIR: dir }, runsAsRoot ? 65_534 : undefined);
      chmodSync(join(dir, 'move-tasks'), 0o700);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/^redrive: access denied/);
    },
    20_000,
  );
});

describe('npm run redrive (SQS, mocked client)', () => {
  const sqs = mockClient(SQSClient);
  const client = new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ev-retry-dlq';
  const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:ev-retry-dlq';
  let out: string[];
  let err: string[];
  const io = () => ({ stdout: (l: string) => void out.push(l), stderr: (l: string) => void err.push(l), sqsClient: client });

  beforeEach(() => {
    sqs.reset();
    out = [];
    err = [];
  });

  it('derives the DLQ ARN from DLQ_URL', () => {
    expect(queueArnFromUrl(DLQ_URL)).toBe(DLQ_ARN);
    expect(queueArnFromUrl('https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q.fifo')).toBe(
      'arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo',
    );
  });

  it('start sends StartMessageMoveTask with the source ARN and the rate', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'th-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          TaskHandle: 'th-1',
          Status: 'RUNNING',
          SourceArn: DLQ_ARN,
          MaxNumberOfMessagesPerSecond: 20,
          ApproximateNumberOfMessagesMoved: 0,
          ApproximateNumberOfMessagesToMove: 42,
          StartedTimestamp: 1_700_000_000_000,
        },
      ],
    });
    expect(await runRedriveCli(['start', '--rate', '20'], { DLQ_URL }, io())).toBe(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input).toEqual({
      SourceArn: DLQ_ARN,
      MaxNumberOfMessagesPerSecond: 20,
    });
    expect(out).toEqual(['move task RUNNING 0/42 moved at <=20/s started 2023-11-14T22:13:20.000Z handle th-1']);
  });

  it('start passes an explicit destination', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'th-2' });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    const destination = 'arn:aws:sqs:eu-west-1:123456789012:other';
    expect(await runRedriveCli(['start', '--dlq-arn', DLQ_ARN, '--destination-arn', destination], {}, io())).toBe(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input).toEqual({ SourceArn: DLQ_ARN, DestinationArn: destination });
    expect(out).toEqual(['started move task th-2']);
  });

  it('list shows each task with its progress', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          Status: 'COMPLETED',
          SourceArn: DLQ_ARN,
          ApproximateNumberOfMessagesMoved: 5,
          ApproximateNumberOfMessagesToMove: 5,
          StartedTimestamp: 1_700_000_000_000,
        },
        {
          Status: 'FAILED',
          SourceArn: DLQ_ARN,
          ApproximateNumberOfMessagesMoved: 1,
          FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
          StartedTimestamp: 1_600_000_000_000,
        },
      ],
    });
    expect(await runRedriveCli(['list'], { DLQ_URL }, io())).toBe(0);
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)[0].args[0].input).toEqual({ SourceArn: DLQ_ARN, MaxResults: 10 });
    expect(out).toEqual([
      'COMPLETED 5/5 moved started 2023-11-14T22:13:20.000Z',
      'FAILED 1/? moved started 2020-09-13T12:26:40.000Z (AWS.SimpleQueueService.NonExistentQueue)',
    ]);
  });

  it('cancel sends CancelMessageMoveTask with the task handle', async () => {
    sqs.on(CancelMessageMoveTaskCommand).resolves({ ApproximateNumberOfMessagesMoved: 7 });
    expect(await runRedriveCli(['cancel', 'th-1'], { DLQ_URL }, io())).toBe(0);
    expect(sqs.commandCalls(CancelMessageMoveTaskCommand)[0].args[0].input).toEqual({ TaskHandle: 'th-1' });
    expect(out).toEqual(['cancelled move task th-1 after 7 message(s) moved']);
  });

  it.each([
    [
      'a wrong queue',
      new ResourceNotFoundException({ message: 'The resource that you requested does not exist.', $metadata: {} }),
      /^redrive: queue not found: arn:aws:sqs/,
    ],
    [
      'a wrong queue (QueueDoesNotExist)',
      new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }),
      /^redrive: queue not found/,
    ],
    [
      'a missing permission',
      new SQSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'User is not authorized to perform: sqs:startmessagemovetask',
        $metadata: { httpStatusCode: 403 },
      }),
      /^redrive: access denied on arn:aws:sqs:eu-west-1:123456789012:ev-retry-dlq: the caller needs sqs:StartMessageMoveTask/,
    ],
    [
      'a task already running (UnsupportedOperation)',
      new UnsupportedOperation({ message: 'There is already an active message movement task for this source queue.', $metadata: {} }),
      /^redrive: a move task is already running for arn:aws:sqs/,
    ],
    [
      'a task already running (InvalidParameterValue)',
      new SQSServiceException({
        name: 'InvalidParameterValue',
        $fault: 'client',
        message: 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
        $metadata: { httpStatusCode: 400 },
      }),
      /^redrive: a move task is already running/,
    ],
    [
      'a source that is no DLQ',
      new SQSServiceException({
        name: 'InvalidParameterValue',
        $fault: 'client',
        message: 'Source queue must be configured as a Dead Letter Queue.',
        $metadata: { httpStatusCode: 400 },
      }),
      /^redrive: arn:aws:sqs:\S+: InvalidParameterValue: Source queue must be configured/,
    ],
  ])('start reports %s in one line with exit code 1', async (_, error, expected) => {
    sqs.on(StartMessageMoveTaskCommand).rejects(error);
    expect(await runRedriveCli(['start'], { DLQ_URL }, io())).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(expected);
    expect(err[0]).not.toContain('\n');
  });
});
