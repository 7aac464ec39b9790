import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import { DEV_RETRY_QUEUE_DIR, runRedriveCli } from '../../scripts/redrive/redrive-cli';

const ROOT = join(__dirname, '..', '..');

function io(devQueueDir: string): {
  out: string[];
  err: string[];
  stdout: (l: string) => void;
  stderr: (l: string) => void;
  devQueueDir: string;
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (line) => out.push(line), stderr: (line) => err.push(line), devQueueDir };
}

describe('npm run redrive without a queue named', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'redrive-dev-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("defaults to npm run dev's queue, the directory scripts/dev.ts gives both services", () => {
    expect(DEV_RETRY_QUEUE_DIR).toBe(join(ROOT, '.tmp', 'retry-queue'));
  });

  test("lists the move tasks of npm run dev's queue when it exists", async () => {
    const devQueue = join(dir, 'retry-queue');
    await EmbeddedRetryQueue.open(devQueue, { maxReceiveCount: 1 });
    const streams = io(devQueue);
    expect(await runRedriveCli(['list'], {}, streams)).toBe(0);
    expect(streams).toMatchObject({ out: ['no move tasks'], err: [] });
  });

  test('says where npm run dev keeps its queue when there is none yet', async () => {
    const streams = io(join(dir, 'never-started'));
    expect(await runRedriveCli(['list'], {}, streams)).toBe(1);
    expect(streams.err).toHaveLength(1);
    expect(streams.err[0]).toMatch(/^redrive: no queue given: .*npm run dev's queue .*never-started does not exist yet$/);
  });

  test('RETRY_QUEUE_DIR and --dir still win over the default', async () => {
    const devQueue = join(dir, 'dev');
    const other = join(dir, 'other');
    await EmbeddedRetryQueue.open(devQueue, { maxReceiveCount: 1 });
    const streams = io(devQueue);
    expect(await runRedriveCli(['list'], { RETRY_QUEUE_DIR: other }, streams)).toBe(1);
    expect(streams.err[0]).toMatch(/^redrive: queue not found: .*other/);
  });
});
