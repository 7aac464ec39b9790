/**
 * `GET /ready` (the contract's `READINESS_PATH`): whether this instance can
 * serve requests now. Each check (e.g. a `PING` of the shared-state store)
 * must resolve within the timeout; 200 `{"status":"ready","checks":{...}}`
 * when all do, else 503 with `Retry-After` and the failing check's reason.
 * The health check stays a liveness check: a dependency outage must not make
 * ECS replace healthy tasks, it only takes them out of routing.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { READINESS_PATH } from '../../contract/services';

/** One dependency the instance needs to serve. */
export interface ReadinessCheck {
  /** Name in the answer (e.g. `shared-state store`). */
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or takes longer than the timeout) when it does not. */
  readonly check: () => Promise<void>;
}

/** Options of {@link readiness}. */
export interface ReadinessOptions {
  readonly checks: readonly ReadinessCheck[];
  /** Longest wait for one check, in milliseconds. @default 1000 */
  readonly timeoutMs?: number;
}

const ReadinessBody = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
  checks: Type.Record(Type.String(), Type.String()),
});

/** Runs `check`, failing after `timeoutMs`; resolves with `'up'` or `'down: <reason>'`. */
async function outcomeOf(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return 'up';
  } catch (error) {
    return `down: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** A function resolving true when every check passes within `timeoutMs` (for work outside requests, such as a queue drain). */
export function allReady(checks: readonly ReadinessCheck[], timeoutMs = 1_000): () => Promise<boolean> {
  return async () => (await Promise.all(checks.map((check) => outcomeOf(check, timeoutMs)))).every((outcome) => outcome === 'up');
}

/** Registers `GET /ready`. */
export const readiness: FastifyPluginAsyncTypebox<ReadinessOptions> = async (app, { checks, timeoutMs = 1_000 }) => {
  app.get(READINESS_PATH, { schema: { response: { 200: ReadinessBody, 503: ReadinessBody } } }, async (_request, reply) => {
    const outcomes = await Promise.all(checks.map((check) => outcomeOf(check, timeoutMs)));
    const ready = outcomes.every((outcome) => outcome === 'up');
    const body = {
      status: ready ? ('ready' as const) : ('not-ready' as const),
      checks: Object.fromEntries(checks.map((check, i) => [check.name, outcomes[i]])),
    };
    if (!ready) reply.code(503).header('retry-after', '1');
    return body;
  });
};
