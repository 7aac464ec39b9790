/**
 * Where the services' log lines go by default: stdout, gathered during one
 * turn of the event loop and written at its end with one synchronous write.
 *
 * Under load one turn answers dozens of requests, so their request-log lines
 * cost one system call instead of one each, and no thread-pool round trip
 * (pino's default destination writes asynchronously through libuv's thread
 * pool and buffers without a bound while the reader is slow). Bounds: the
 * lines of one turn, and at most {@link MAX_PENDING_BYTES} before an early
 * write; a slow reader of stdout blocks the writer (back-pressure) instead of
 * growing a buffer. Lines are written on process exit too, including after an
 * uncaught exception; a SIGKILL loses at most the current turn's lines.
 */
import pino, { type DestinationStream } from 'pino';

/** Pending bytes that trigger a write before the turn ends. */
export const MAX_PENDING_BYTES = 64 * 1024;

/** Lines gathered per event-loop turn, written synchronously to one file descriptor. */
export class TurnBatchedDestination implements DestinationStream {
  private pending = '';
  private scheduled = false;
  private readonly target: ReturnType<typeof pino.destination>;

  /** `fd`: the file descriptor to write to (retries on EAGAIN: pino's synchronous destination). */
  constructor(fd: number) {
    this.target = pino.destination({ dest: fd, sync: true });
  }

  write(line: string): void {
    this.pending += line;
    if (this.pending.length >= MAX_PENDING_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushAtTurnEnd);
    }
  }

  /** Writes what is pending, synchronously. */
  flush(): void {
    if (this.pending === '') return;
    const lines = this.pending;
    this.pending = '';
    this.target.write(lines);
  }

  private readonly flushAtTurnEnd = (): void => {
    this.scheduled = false;
    this.flush();
  };
}

let stdout: TurnBatchedDestination | undefined;

/** The process's one stdout destination (created on first use; flushed on exit). */
export function stdoutLogDestination(): TurnBatchedDestination {
  if (stdout === undefined) {
    const destination = new TurnBatchedDestination(1);
    process.once('exit', () => destination.flush());
    stdout = destination;
  }
  return stdout;
}
