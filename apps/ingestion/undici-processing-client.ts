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
import { subscribeToAbort } from '../resilience/abort-subscription';
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

  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly resolve: (answer: ProcessingAnswer) => void,
    private readonly reject: (error: Error) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Aborts the exchange when the call's signal fires (undici then reports it through {@link onResponseError}). */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    const { signal } = this;
    if (signal === undefined) return;
    if (signal.aborted) {
      controller.abort(signal.reason as Error);
      return;
    }
    // One listener per signal, not per call: the signal is the process's shutdown signal (see abort-subscription.ts).
    this.unsubscribe = subscribeToAbort(signal, () => controller.abort(signal.reason as Error));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.release();
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.release();
    // undici failed the exchange (or the call's signal aborted it: its reason names the failure); an error with no known code is a reset.
    this.reject(new ProcessingUnreachableError(classifyUpstreamError(error, UpstreamFailure.RESET), error));
  }

  /** Stops waiting on the signal once the exchange has settled. */
  private release(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
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
        new AnswerCollector(resolve, reject, call.signal),
      );
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
