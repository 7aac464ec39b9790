/**
 * The logger of each request (`request.log`, `reply.log`): a child of the
 * service's logger bound to the request id, created the first time the
 * request logs through it. Most requests never do: their one line, the
 * request log (`request-log.ts`), goes through the service's logger with the
 * same `reqId` field, so the lines are the same and an answered request
 * costs no pino child (one per request was 1–1.5 % of a service's CPU time
 * under load). A warning or an error logged through `request.log` still
 * carries the request id.
 */
import type { FastifyBaseLogger, FastifyServerOptions, LogLevel } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

/** A pino log method, called with whatever its caller passed. */
type LogCall = (...args: unknown[]) => void;

/** `request.log`: the child logger, made on first use. */
export class RequestLogger implements FastifyBaseLogger {
  private created: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** The child's level: the route's (`logLevel`) if it has one, else the service logger's. */
  get level(): string {
    return this.created?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }

  private write(level: Exclude<LogLevel, 'silent'>, args: unknown[]): void {
    const logger = this.logger();
    Reflect.apply(logger[level] as LogCall, logger, args);
  }

  private logger(): FastifyBaseLogger {
    this.created ??= this.parent.child(this.bindings, this.options);
    return this.created;
  }
}

/** Fastify's `childLoggerFactory`: a {@link RequestLogger} per request. */
export const requestLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) =>
  new RequestLogger(logger, bindings, options);
