/**
 * {@link IdempotentStore} in Redis: shared by all processing replicas and
 * surviving their restarts. Redis in cluster mode is not supported (the apply
 * script touches the key's record and the entity's record, which may live in
 * different hash slots); ElastiCache in non-cluster mode (one shard) is.
 */
import Redis from 'ioredis';
import type { ApplyOutcome, IdempotentStore, Transition } from './idempotent-store';

/**
 * Compare-and-set of one application, in one atomic step.
 * KEYS[1] the idempotency key's record, KEYS[2] the entity's hash {version, state}.
 * ARGV[1] the version the transition read, ARGV[2] new state JSON, ARGV[3] result JSON, ARGV[4] key TTL ms.
 * Returns {'replay', result} when the key was applied, {'conflict', version}
 * when the entity moved on since it was read, {'applied', version} otherwise.
 */
const APPLY_SCRIPT = `
local previous = redis.call('GET', KEYS[1])
if previous then return {'replay', previous} end
local current = redis.call('HGET', KEYS[2], 'version') or '0'
if current ~= ARGV[1] then return {'conflict', current} end
local next = tostring(tonumber(current) + 1)
redis.call('HSET', KEYS[2], 'version', next, 'state', ARGV[2])
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return {'applied', next}
`;

type ApplyReply = ['replay' | 'conflict' | 'applied', string];

interface RedisWithApply extends Redis {
  idempotentApply(resultKey: string, entityKey: string, expectedVersion: string, state: string, result: string, ttlMs: number): Promise<ApplyReply>;
}

/** Thrown when an application lost the compare-and-set more often than allowed. */
export class IdempotentApplyConflictError extends Error {
  constructor(key: string, entityId: string, attempts: number) {
    super(`idempotency key ${key} on entity ${entityId}: version conflict persisted over ${attempts} attempts`);
    this.name = 'IdempotentApplyConflictError';
  }
}

/** Options of {@link RedisIdempotentStore}. */
export interface RedisIdempotentStoreOptions {
  /** Prefix of every Redis key the store writes. @default 'idem:' */
  readonly keyPrefix?: string;
  /** How long an applied key is remembered, in milliseconds. @default 86_400_000 (24 h) */
  readonly keyTtlMs?: number;
  /** Attempts of one `applyOnce` when concurrent writers keep changing the entity. @default 100 */
  readonly maxAttempts?: number;
}

/**
 * Optimistic concurrency: read the entity's state and version, run the
 * transition in JS, then one Lua script records the key, writes the state and
 * bumps the version only if the version is unchanged; otherwise re-read and
 * re-apply. The transition must therefore be a pure function of its input.
 */
export class RedisIdempotentStore<S, R> implements IdempotentStore<S, R> {
  private readonly redis: RedisWithApply;
  private readonly keyPrefix: string;
  private readonly keyTtlMs: number;
  private readonly maxAttempts: number;

  /**
   * Uses `redis` without owning it: {@link close} leaves it open.
   * See {@link RedisIdempotentStore.connect} for a store that owns its connection.
   */
  constructor(
    redis: Redis,
    options: RedisIdempotentStoreOptions = {},
    private readonly ownsConnection = false,
  ) {
    redis.defineCommand('idempotentApply', { numberOfKeys: 2, lua: APPLY_SCRIPT });
    this.redis = redis as RedisWithApply;
    this.keyPrefix = options.keyPrefix ?? 'idem:';
    this.keyTtlMs = options.keyTtlMs ?? 86_400_000;
    this.maxAttempts = options.maxAttempts ?? 100;
  }

  /**
   * A store on a new connection to `url` (e.g. `REDIS_URL`), closed by
   * {@link close}. A command fails after one reconnect attempt instead of
   * queueing for long, so processing answers 503 quickly while Redis is away.
   */
  static connect<S, R>(url: string, options: RedisIdempotentStoreOptions = {}): RedisIdempotentStore<S, R> {
    return new RedisIdempotentStore<S, R>(new Redis(url, { maxRetriesPerRequest: 1 }), options, true);
  }

  async applyOnce(key: string, entityId: string, transition: Transition<S, R>): Promise<ApplyOutcome<R>> {
    const resultKey = `${this.keyPrefix}key:${key}`;
    const entityKey = this.entityKey(entityId);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const [previous, [version, stateJson]] = await Promise.all([
        this.redis.get(resultKey),
        this.redis.hmget(entityKey, 'version', 'state'),
      ]);
      if (previous !== null) return { result: JSON.parse(previous) as R, replayed: true };
      const next = transition(stateJson === null ? undefined : (JSON.parse(stateJson) as S));
      const [outcome, payload] = await this.redis.idempotentApply(
        resultKey,
        entityKey,
        version ?? '0',
        JSON.stringify(next.state),
        JSON.stringify(next.result),
        this.keyTtlMs,
      );
      if (outcome === 'applied') return { result: next.result, replayed: false };
      if (outcome === 'replay') return { result: JSON.parse(payload) as R, replayed: true };
    }
    throw new IdempotentApplyConflictError(key, entityId, this.maxAttempts);
  }

  async get(entityId: string): Promise<S | undefined> {
    const stateJson = await this.redis.hget(this.entityKey(entityId), 'state');
    return stateJson === null ? undefined : (JSON.parse(stateJson) as S);
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit();
  }

  private entityKey(entityId: string): string {
    return `${this.keyPrefix}entity:${entityId}`;
  }
}
