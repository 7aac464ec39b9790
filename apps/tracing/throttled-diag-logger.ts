/**
 * Where OpenTelemetry's own warnings and errors go (failed exports, spans
 * dropped because the batch queue was full): one line on stderr at most per
 * interval, saying how many more were held back. A collector that fails
 * every export would otherwise add a line per export, a rate that grows with
 * traffic.
 */
import type { DiagLogger } from '@opentelemetry/api';

/** Lines are written at most this often by default. */
export const DEFAULT_DIAG_INTERVAL_MS = 10_000;

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A {@link DiagLogger} that writes at most one line per `intervalMs`. */
export class ThrottledDiagLogger implements DiagLogger {
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private heldBack = 0;

  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
    private readonly intervalMs: number = DEFAULT_DIAG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  error(message: string, ...args: unknown[]): void {
    this.log('error', message, args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.log('warn', message, args);
  }

  // Below the warning level set with this logger: never called, nothing to write.
  info(): void {}
  debug(): void {}
  verbose(): void {}

  private log(level: string, message: string, args: unknown[]): void {
    const now = this.now();
    if (now - this.lastWriteAt < this.intervalMs) {
      this.heldBack++;
      return;
    }
    const heldBack = this.heldBack === 0 ? '' : ` (${this.heldBack} more OpenTelemetry messages held back since the last one)`;
    this.lastWriteAt = now;
    this.heldBack = 0;
    this.write(`OpenTelemetry ${level}: ${[message, ...args.map(describe)].join(' ')}${heldBack}\n`);
  }
}
