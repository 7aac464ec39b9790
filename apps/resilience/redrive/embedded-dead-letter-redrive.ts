/**
 * Dead-letter redrive on the embedded queue, with SQS's task semantics: one
 * active task per queue, a maximum rate, progress and cancel. The task is
 * durable — `move-tasks/<handle>.json`, rewritten atomically — and runs in the
 * process that started it (the `redrive start` command runs it to the end). A
 * lock file `move-tasks/active.lock` names the running task and its process;
 * if that process died (kill -9, Ctrl-C), the next `start` resumes the same
 * task where it stopped. Cancelling drops a marker file the runner checks
 * before each message, so the runner remains the task file's only writer.
 *
 * Each message moves by one atomic rename from `dead-letters/` back into
 * `messages/` with its receive count reset (a fresh message, as on SQS), so a
 * kill at any moment neither loses nor duplicates one.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { renameIfPresent, syncDirectory, writeFileDurably } from '../durable-file';
import { messageFileName, parseMessageFileName, queueDirectories } from '../retry-queue/embedded-retry-queue';
import { RedriveError, type DeadLetterRedrive, type MoveTask } from './dead-letter-redrive';

/** SQS's maximum (and default) rate of a move task, messages per second. */
export const MAX_MESSAGES_PER_SECOND = 500;

/** How often a running task writes its progress, in ms. */
const PROGRESS_INTERVAL_MS = 250;

interface ActiveLock {
  readonly taskHandle: string;
  readonly pid: number;
}

/** Options of {@link EmbeddedDeadLetterRedrive}. */
export interface EmbeddedDeadLetterRedriveOptions {
  /** Called after each moved message (progress output). */
  readonly onProgress?: (task: MoveTask) => void;
}

/** {@link DeadLetterRedrive} of the embedded queue in `root` (`RETRY_QUEUE_DIR`). */
export class EmbeddedDeadLetterRedrive implements DeadLetterRedrive {
  private readonly dirs: ReturnType<typeof queueDirectories>;
  private readonly lockPath: string;

  constructor(
    /** The queue directory (`RETRY_QUEUE_DIR`). */
    readonly root: string,
    private readonly options: EmbeddedDeadLetterRedriveOptions = {},
  ) {
    this.dirs = queueDirectories(root);
    this.lockPath = join(this.dirs.tasks, 'active.lock');
  }

  /** Claims the queue's move task (a new one, or one whose runner died) and runs it to its end before resolving. */
  async start(options: { readonly maxMessagesPerSecond?: number }): Promise<{ taskHandle: string }> {
    const rate = options.maxMessagesPerSecond ?? MAX_MESSAGES_PER_SECOND;
    if (!(rate >= 1 && rate <= MAX_MESSAGES_PER_SECOND)) {
      throw new RedriveError(
        'invalid-request',
        `max messages per second must be 1..${MAX_MESSAGES_PER_SECOND}, got ${options.maxMessagesPerSecond}`,
      );
    }
    await this.assertQueueExists();
    await fs.mkdir(this.dirs.tasks, { recursive: true });
    const task = (await this.resumeOrphan()) ?? (await this.createTask(rate));
    await this.run(task);
    return { taskHandle: task.taskHandle! };
  }

  async list(): Promise<MoveTask[]> {
    await this.assertQueueExists();
    const names = (await fs.readdir(this.dirs.tasks).catch(() => [])).filter((name) => name.endsWith('.json'));
    const tasks = await Promise.all(names.map((name) => this.readTask(name.slice(0, -'.json'.length))));
    return tasks
      .filter((task): task is MoveTask => task !== undefined)
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, 10);
  }

  async cancel(taskHandle: string): Promise<{ messagesMoved: number }> {
    await this.assertQueueExists();
    const task = await this.readTask(taskHandle);
    if (task === undefined) throw new RedriveError('task-not-found', `no move task ${taskHandle} in ${this.root}`);
    if (task.status !== 'RUNNING')
      throw new RedriveError('invalid-request', `move task ${taskHandle} is ${task.status}, only a RUNNING task can be cancelled`);
    const lock = await this.readLock();
    if (lock?.taskHandle === taskHandle && isAlive(lock.pid)) {
      await writeFileDurably(this.cancelMarker(taskHandle), '', this.dirs.tmp);
      return { messagesMoved: task.messagesMoved };
    }
    await this.finish({ ...task, status: 'CANCELLED' });
    return { messagesMoved: task.messagesMoved };
  }

  /** Moves messages at the task's rate until done or cancelled, writing progress as it goes. */
  private async run(initial: MoveTask): Promise<void> {
    const handle = initial.taskHandle!;
    const rate = initial.maxMessagesPerSecond ?? MAX_MESSAGES_PER_SECOND;
    let task = initial;
    const runStartedAt = Date.now();
    let movedThisRun = 0;
    let savedAt = Date.now();
    try {
      while (task.messagesMoved < (task.messagesToMove ?? 0)) {
        if (await exists(this.cancelMarker(handle))) return await this.finish({ ...task, status: 'CANCELLED' });
        const [next] = (await fs.readdir(this.dirs.deadLetters)).filter((name) => parseMessageFileName(name) !== undefined).sort();
        if (next === undefined) break;
        const waitMs = runStartedAt + (movedThisRun * 1000) / rate - Date.now();
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        const parsed = parseMessageFileName(next)!;
        const target = join(this.dirs.messages, messageFileName({ visibleAt: Date.now(), receiveCount: 0, messageId: parsed.messageId }));
        if (!(await renameIfPresent(join(this.dirs.deadLetters, next), target))) continue;
        await syncDirectory(this.dirs.messages);
        await syncDirectory(this.dirs.deadLetters);
        movedThisRun++;
        task = { ...task, messagesMoved: task.messagesMoved + 1 };
        this.options.onProgress?.(task);
        if (Date.now() - savedAt >= PROGRESS_INTERVAL_MS) {
          await this.writeTask(task);
          savedAt = Date.now();
        }
      }
      await this.finish({ ...task, status: 'COMPLETED' });
    } catch (error) {
      await this.finish({ ...task, status: 'FAILED', failureReason: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  private async createTask(rate: number): Promise<MoveTask> {
    const taskHandle = randomUUID();
    const lock: ActiveLock = { taskHandle, pid: process.pid };
    try {
      await fs.writeFile(this.lockPath, JSON.stringify(lock), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw this.alreadyRunning(await this.readLock());
      throw error;
    }
    const deadLetters = (await fs.readdir(this.dirs.deadLetters)).filter((name) => parseMessageFileName(name) !== undefined).length;
    const task: MoveTask = {
      taskHandle,
      status: 'RUNNING',
      source: this.dirs.deadLetters,
      destination: this.dirs.messages,
      maxMessagesPerSecond: rate,
      messagesMoved: 0,
      messagesToMove: deadLetters,
      startedAt: Date.now(),
    };
    await this.writeTask(task);
    return task;
  }

  /** Takes over the active task if its runner died; throws if it is alive. */
  private async resumeOrphan(): Promise<MoveTask | undefined> {
    const lock = await this.readLock();
    if (lock === undefined) return undefined;
    if (isAlive(lock.pid)) throw this.alreadyRunning(lock);
    const task = await this.readTask(lock.taskHandle);
    await writeFileDurably(this.lockPath, JSON.stringify({ taskHandle: lock.taskHandle, pid: process.pid }), this.dirs.tmp);
    if (task === undefined || task.status !== 'RUNNING') {
      await fs.rm(this.lockPath, { force: true });
      return undefined;
    }
    return task;
  }

  private alreadyRunning(lock: ActiveLock | undefined): RedriveError {
    return new RedriveError(
      'task-already-running',
      `a move task is already running for ${this.root} (task ${lock?.taskHandle ?? '?'}, process ${lock?.pid ?? '?'}): list it, wait for it or cancel it`,
    );
  }

  private async finish(task: MoveTask): Promise<void> {
    await this.writeTask(task);
    await fs.rm(this.cancelMarker(task.taskHandle!), { force: true });
    const lock = await this.readLock();
    if (lock?.taskHandle === task.taskHandle) await fs.rm(this.lockPath, { force: true });
  }

  private async writeTask(task: MoveTask): Promise<void> {
    await writeFileDurably(join(this.dirs.tasks, `${task.taskHandle}.json`), JSON.stringify(task), this.dirs.tmp);
  }

  private async readTask(taskHandle: string): Promise<MoveTask | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(taskHandle)) return undefined;
    const content = await fs.readFile(join(this.dirs.tasks, `${taskHandle}.json`), 'utf8').catch(() => undefined);
    return content === undefined ? undefined : (JSON.parse(content) as MoveTask);
  }

  private async readLock(): Promise<ActiveLock | undefined> {
    const content = await fs.readFile(this.lockPath, 'utf8').catch(() => undefined);
    if (content === undefined) return undefined;
    try {
      return JSON.parse(content) as ActiveLock;
    } catch {
      return { taskHandle: '', pid: 0 };
    }
  }

  private cancelMarker(taskHandle: string): string {
    return join(this.dirs.tasks, `${taskHandle}.cancel`);
  }

  /** Throws queue-not-found when `dead-letters/` is missing; other errors (EACCES) pass through. */
  private async assertQueueExists(): Promise<void> {
    try {
      await fs.stat(this.dirs.deadLetters);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
      throw new RedriveError('queue-not-found', `queue not found: ${this.root} has no dead-letters/ directory (is RETRY_QUEUE_DIR right?)`);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(
    () => true,
    () => false,
  );
}

/** Whether a process with this pid exists (on this host). */
function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
