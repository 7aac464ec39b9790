/**
 * {@link ProcessingClient} over an undici `Pool`: keep-alive connections to
 * one origin, reused across requests (the Go original's `http.DefaultClient`
 * keeps only 2 idle per host and reconnects under load). It dispatches with a
 * small handler that collects the answer's bytes, which costs less than
 * `request()`'s stream per call.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import { UpstreamFailure, classifyUpstreamError } from '../resilience/upstream-failure';
import { ProcessingUnreachableError, type ProcessingAnswer, type ProcessingCall, type ProcessingClient } from './processing-client';

/** Options of {@link UndiciProcessingClient}. */
export interface UndiciProcessingClientOptions {
  /** Processing's `POST /ev` URL. */
  readonly url: URL;
  /** Most connections open to processing at once. @default 128 */
  readonly connections?: number;
  /** Longest wait for a complete answer, in milliseconds. @default PROCESSING_RETRY_POLICY.perRetryTimeoutMs (5000) */
  readonly timeoutMs?: number;
}

/** Collects one answer and settles its promise. */
class AnswerCollector implements Dispatcher.DispatchHandler {
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (answer: ProcessingAnswer) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** Present so that undici treats this as a handler of its current (v7) interface. */
  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // undici failed the exchange: an error with no known code is a reset of the upstream.
    this.reject(new ProcessingUnreachableError(classifyUpstreamError(error, UpstreamFailure.RESET), error));
  }
}

/** Forwards events to one processing URL over a keep-alive pool. */
export class UndiciProcessingClient implements ProcessingClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly timeoutMs: number;

  constructor(options: UndiciProcessingClientOptions) {
    this.timeoutMs = options.timeoutMs ?? PROCESSING_RETRY_POLICY.perRetryTimeoutMs;
    this.pool = new Pool(options.url.origin, {
      connections: options.connections ?? 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: this.timeoutMs },
    });
    this.path = `${options.url.pathname}${options.url.search}`;
  }

  send(call: ProcessingCall): Promise<ProcessingAnswer> {
    return new Promise((resolve, reject) => {
      this.pool.dispatch(
        {
          method: 'POST',
          path: this.path,
          headers: call.headers,
          body: call.body,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        },
        new AnswerCollector(resolve, reject),
      );
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
