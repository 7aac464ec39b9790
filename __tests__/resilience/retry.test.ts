/**
 * App-mode retries against a real HTTP upstream on loopback, called with undici.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { request } from 'undici';
import { ENVOY_DEFAULT_BACKOFF, HttpRetryEvent, PROCESSING_RETRY_POLICY, type RetryPolicySpec } from '../../contract/retry-policy';
import { envoyBackoffMs, executeWithRetry, RetryFailedError } from '../../apps/resilience/retry';
import { UpstreamFailure, UpstreamFailureError } from '../../apps/resilience/upstream-failure';
import { freeLoopbackPort } from '../../scripts/launch/redis-server';

type Handler = (callNumber: number, req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server that counts calls and answers with `handler`. */
async function startUpstream(handler: Handler): Promise<{ url: string; calls: () => number; server: Server }> {
  let calls = 0;
  const server = createServer((req, res) => handler(++calls, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ev`, calls: () => calls, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      return closed;
    }),
  );
});

/** A POST through undici, the way ingestion forwards. */
const postTo = (url: string) => async (signal: AbortSignal) => {
  const response = await request(url, { method: 'POST', body: '{}', signal, headers: { 'content-type': 'application/json' } });
  await response.body.text();
  return { status: response.statusCode };
};

const noSleep = { sleep: async () => undefined };

describe('executeWithRetry', () => {
  it('calls an always-503 upstream exactly 1 + 12 = 13 times under PROCESSING_RETRY_POLICY', async () => {
    const upstream = await startUpstream((_, __, res) => res.writeHead(503).end('down'));
    servers.push(upstream.server);
    const delays: number[] = [];
    const outcome = await executeWithRetry(postTo(upstream.url), {
      policy: PROCESSING_RETRY_POLICY,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(outcome).toEqual({ response: { status: 503 }, attempts: 13 });
    expect(upstream.calls()).toBe(13);
    expect(delays).toHaveLength(12);
  });

  it('stops at the first non-retryable answer', async () => {
    const upstream = await startUpstream((call, _, res) => res.writeHead(call < 3 ? 502 : 200).end());
    servers.push(upstream.server);
    const outcome = await executeWithRetry(postTo(upstream.url), { policy: PROCESSING_RETRY_POLICY, ...noSleep });
    expect(outcome).toEqual({ response: { status: 200 }, attempts: 3 });
  });

  it('does not retry a 500 under gateway-error, but does under server-error', async () => {
    const upstream = await startUpstream((_, __, res) => res.writeHead(500).end());
    servers.push(upstream.server);
    const gateway = await executeWithRetry(postTo(upstream.url), { policy: PROCESSING_RETRY_POLICY, ...noSleep });
    expect(gateway.attempts).toBe(1);
    const serverError: RetryPolicySpec = { ...PROCESSING_RETRY_POLICY, httpRetryEvents: [HttpRetryEvent.SERVER_ERROR], maxRetries: 2 };
    const server = await executeWithRetry(postTo(upstream.url), { policy: serverError, ...noSleep });
    expect(server.attempts).toBe(3);
    expect(upstream.calls()).toBe(4);
  });

  it('retries connection refused under connection-error and throws with the attempt count', async () => {
    const closedPort = await freeLoopbackPort();
    const policy: RetryPolicySpec = { ...PROCESSING_RETRY_POLICY, maxRetries: 3 };
    const failure = await executeWithRetry(postTo(`http://127.0.0.1:${closedPort}/ev`), { policy, ...noSleep }).catch((e) => e);
    expect(failure).toBeInstanceOf(RetryFailedError);
    expect(failure).toMatchObject({ kind: 'connection-error', attempts: 4 });
  });

  it('does not retry connection refused without the connection-error event', async () => {
    const closedPort = await freeLoopbackPort();
    const policy: RetryPolicySpec = { ...PROCESSING_RETRY_POLICY, tcpRetryEvents: [] };
    const failure = await executeWithRetry(postTo(`http://127.0.0.1:${closedPort}/ev`), { policy, ...noSleep }).catch((e) => e);
    expect(failure).toMatchObject({ kind: 'connection-error', attempts: 1 });
  });

  it('aborts a slow attempt at the per-try timeout and retries it (reset)', async () => {
    const upstream = await startUpstream((call, _, res) => {
      if (call === 1) setTimeout(() => res.writeHead(200).end('late'), 2_000);
      else res.writeHead(200).end('fast');
    });
    servers.push(upstream.server);
    const policy: RetryPolicySpec = { ...PROCESSING_RETRY_POLICY, perRetryTimeoutMs: 100 };
    const started = Date.now();
    const outcome = await executeWithRetry(postTo(upstream.url), { policy, ...noSleep });
    expect(outcome).toEqual({ response: { status: 200 }, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('bounds an attempt that ignores its abort signal', async () => {
    const policy: RetryPolicySpec = { ...PROCESSING_RETRY_POLICY, maxRetries: 1, perRetryTimeoutMs: 50 };
    const hang = () => new Promise<{ status: number }>(() => undefined);
    const failure = await executeWithRetry(hang, { policy, ...noSleep }).catch((e) => e);
    expect(failure).toMatchObject({ kind: 'timeout', attempts: 2 });
  });

  it('gives up at the overall deadline even with retries left', async () => {
    const upstream = await startUpstream((_, __, res) => res.writeHead(503).end());
    servers.push(upstream.server);
    const started = Date.now();
    const outcome = await executeWithRetry(postTo(upstream.url), {
      policy: PROCESSING_RETRY_POLICY,
      backoff: { baseIntervalMs: 100, maxIntervalMs: 100 },
      random: () => 0.999,
      overallTimeoutMs: 300,
    });
    expect(outcome.response.status).toBe(503);
    expect(outcome.attempts).toBeLessThan(13);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('does not retry other errors (a bug in the attempt)', async () => {
    const failure = await executeWithRetry(
      async () => {
        throw new TypeError('bug');
      },
      { policy: PROCESSING_RETRY_POLICY, ...noSleep },
    ).catch((e) => e);
    expect(failure).toMatchObject({ kind: 'other', attempts: 1 });
  });

  it('retries errors that name their failure (an attempt function with its own error types)', async () => {
    class Unreachable extends UpstreamFailureError {}
    let calls = 0;
    const failures = [UpstreamFailure.TIMEOUT, UpstreamFailure.RESET, UpstreamFailure.CONNECTION_ERROR];
    const outcome = await executeWithRetry(
      async () => {
        if (calls < failures.length) throw new Unreachable(failures[calls++], 'no answer');
        return { status: 200 };
      },
      { policy: PROCESSING_RETRY_POLICY, ...noSleep },
    );
    expect(outcome).toEqual({ response: { status: 200 }, attempts: 4 });
  });

  it('does not retry an open circuit', async () => {
    const open = new UpstreamFailureError(UpstreamFailure.CIRCUIT_OPEN, 'circuit open');
    const failure = await executeWithRetry(() => Promise.reject(open), { policy: PROCESSING_RETRY_POLICY, ...noSleep }).catch((e) => e);
    expect(failure).toMatchObject({ kind: 'circuit-open', attempts: 1 });
  });

  it('passes the retry number and delay to onRetry', async () => {
    const upstream = await startUpstream((call, _, res) => res.writeHead(call < 3 ? 503 : 200).end());
    servers.push(upstream.server);
    const seen: unknown[] = [];
    await executeWithRetry(postTo(upstream.url), {
      policy: PROCESSING_RETRY_POLICY,
      random: () => 0.5,
      ...noSleep,
      onRetry: (r) => seen.push(r),
    });
    expect(seen).toEqual([
      { retryNumber: 1, delayMs: 12, reason: 'status 503' },
      { retryNumber: 2, delayMs: 37, reason: 'status 503' },
    ]);
  });
});

describe('envoyBackoffMs', () => {
  it('draws retry n from [0, (2^n - 1) x 25 ms), capped at 250 ms', () => {
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4, 5, 12].map((n) => envoyBackoffMs(n, ENVOY_DEFAULT_BACKOFF, almostOne))).toEqual([24, 74, 174, 250, 250, 250]);
    expect([1, 2, 3, 12].map((n) => envoyBackoffMs(n, ENVOY_DEFAULT_BACKOFF, () => 0))).toEqual([0, 0, 0, 0]);
  });

  it('stays within its bounds over many random draws (full jitter)', () => {
    for (let n = 1; n <= 12; n++) {
      const draws = Array.from({ length: 500 }, () => envoyBackoffMs(n, ENVOY_DEFAULT_BACKOFF, Math.random));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThanOrEqual(Math.min((2 ** n - 1) * 25, 250));
    }
  });

  it('uses a configured base and cap', () => {
    expect(envoyBackoffMs(3, { baseIntervalMs: 10, maxIntervalMs: 1_000 }, () => 0.999999)).toBe(69);
  });
});

describe('executeWithRetry stopped by its signal (the caller shutting down)', () => {
  const shutdown = () => new UpstreamFailureError(UpstreamFailure.SHUTDOWN, 'shutting down');

  it('abandons the attempt in flight at once and makes no further attempt', async () => {
    const upstream = await startUpstream(() => undefined);
    servers.push(upstream.server);
    const controller = new AbortController();
    const running = executeWithRetry(postTo(upstream.url), { policy: PROCESSING_RETRY_POLICY, signal: controller.signal });
    while (upstream.calls() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(shutdown());
    const failure = await running.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryFailedError);
    expect(failure).toMatchObject({ kind: UpstreamFailure.SHUTDOWN, attempts: 1 });
    expect(upstream.calls()).toBe(1);
  });

  it('during a back-off returns the last (retryable) answer instead of waiting for the next attempt', async () => {
    const upstream = await startUpstream((_call, _req, res) => res.writeHead(503).end());
    servers.push(upstream.server);
    const controller = new AbortController();
    const outcome = await executeWithRetry(postTo(upstream.url), {
      policy: PROCESSING_RETRY_POLICY,
      signal: controller.signal,
      sleep: () => {
        controller.abort(shutdown());
        return new Promise(() => undefined);
      },
    });
    expect(outcome).toEqual({ response: { status: 503 }, attempts: 1 });
    expect(upstream.calls()).toBe(1);
  });

  it('concurrent calls on one signal share one listener on it', async () => {
    const controller = new AbortController();
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const listenersSeen: number[] = [];
    const attempt = async () => {
      await gate;
      listenersSeen.push(getEventListeners(controller.signal, 'abort').length);
      return { status: 503 };
    };
    const calls = Array.from({ length: 10 }, () =>
      executeWithRetry(attempt, { policy: PROCESSING_RETRY_POLICY, signal: controller.signal, ...noSleep }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((outcome) => outcome.response.status === 503)).toBe(true);
    expect(Math.max(...listenersSeen)).toBe(1);
  });

  it('already fired: no attempt at all', async () => {
    const upstream = await startUpstream((_call, _req, res) => res.writeHead(200).end());
    servers.push(upstream.server);
    const controller = new AbortController();
    controller.abort(shutdown());
    const failure = await executeWithRetry(postTo(upstream.url), { policy: PROCESSING_RETRY_POLICY, signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ kind: UpstreamFailure.SHUTDOWN });
    expect(upstream.calls()).toBe(0);
  });
});
