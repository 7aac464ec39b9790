/**
 * {@link ProcessingClient} over an undici `Pool`: keep-alive connections to
 * one origin, reused across requests (the Go original's `http.DefaultClient`
 * keeps only 2 idle per host and reconnects under load).
 */
import { Pool } from 'undici';
import { PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import {
  ProcessingUnreachableError,
  TransportFailure,
  type ProcessingAnswer,
  type ProcessingCall,
  type ProcessingClient,
} from './processing-client';

/** Options of {@link UndiciProcessingClient}. */
export interface UndiciProcessingClientOptions {
  /** Processing's `POST /ev` URL. */
  readonly url: URL;
  /** Most connections open to processing at once. @default 128 */
  readonly connections?: number;
  /** Longest wait for a complete answer, in milliseconds. @default PROCESSING_RETRY_POLICY.perRetryTimeoutMs (5000) */
  readonly timeoutMs?: number;
}

const CONNECT_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_ERROR_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The class of transport failure `error` is. */
function classify(error: unknown): TransportFailure {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECT_ERROR_CODES.has(code)) return TransportFailure.CONNECT;
  if (typeof code === 'string' && TIMEOUT_ERROR_CODES.has(code)) return TransportFailure.TIMEOUT;
  return TransportFailure.RESET;
}

/** Forwards events to one processing URL over a keep-alive pool. */
export class UndiciProcessingClient implements ProcessingClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly timeoutMs: number;

  constructor(options: UndiciProcessingClientOptions) {
    this.pool = new Pool(options.url.origin, {
      connections: options.connections ?? 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.timeoutMs ?? PROCESSING_RETRY_POLICY.perRetryTimeoutMs },
    });
    this.path = `${options.url.pathname}${options.url.search}`;
    this.timeoutMs = options.timeoutMs ?? PROCESSING_RETRY_POLICY.perRetryTimeoutMs;
  }

  async send(call: ProcessingCall): Promise<ProcessingAnswer> {
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: call.headers,
        body: call.body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      return { statusCode: response.statusCode, headers: response.headers, body };
    } catch (error) {
      throw new ProcessingUnreachableError(classify(error), error);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
