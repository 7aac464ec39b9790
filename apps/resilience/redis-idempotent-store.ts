/**
 * {@link IdempotentStore} in Redis: shared by all processing replicas and
 * surviving their restarts. Redis in cluster mode is not supported (the apply
 * script touches the key's record and the entity's record, which may live in
 * different hash slots); ElastiCache in non-cluster mode (one shard) is.
 *
 * While the store is unreachable (or a failover is under way) every call
 * fails at once with a {@link DependencyUnavailableError}, which processing
 * answers with 503 and `Retry-After`.
 */
import type Redis from 'ioredis';
import { IDEMPOTENCY_KEY_PREFIX } from '../../contract/shared-state';
import { DependencyUnavailableError } from './dependency-unavailable-error';
import { entityScopedKey } from './entity-scoped-key';
import { IdempotencyKeyConflictError, type ApplyOutcome, type IdempotentStore, type Transition } from './idempotent-store';
import {
  closeRedis,
  connectRedis,
  requireConnected,
  unavailableOrSelf,
  type RedisConnectionOptions,
  type RedisConnectionSettings,
} from './redis-connection';

/** What the store is called in errors and readiness answers. */
export const SHARED_STATE_STORE = 'shared-state store';

/**
 * Compare-and-set of one application, in one atomic step.
 * KEYS[1] the idempotency key's record, KEYS[2] the entity's hash {version, state}.
 * ARGV[1] the version the transition read, ARGV[2] new state JSON, ARGV[3] the key's record (see `record`), ARGV[4] key TTL ms.
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
  idempotentApply(
    resultKey: string,
    entityKey: string,
    expectedVersion: string,
    state: string,
    result: string,
    ttlMs: number,
  ): Promise<ApplyReply>;
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
  /** Prefix of every Redis key the store writes (the cache user may write only under `idem:`). @default 'idem:' */
  readonly keyPrefix?: string;
  /** How long an applied key is remembered, in milliseconds. @default 86_400_000 (24 h) */
  readonly keyTtlMs?: number;
  /** Attempts of one `applyOnce` when concurrent writers keep changing the entity. @default 100 */
  readonly maxAttempts?: number;
  /**
   * Replicas that must hold an application before `applyOnce` returns
   * (Redis `WAIT`). Replication is asynchronous: without this, a failover
   * right after an answer can lose the key and the state it recorded. When
   * fewer replicas acknowledge within `replicationTimeoutMs`, `applyOnce`
   * throws {@link DependencyUnavailableError}; the caller's retry then finds
   * the key (a replay) or, if the write was lost, applies it again.
   * @default 0 (no wait)
   */
  readonly replicaAcks?: number;
  /** How long to wait for `replicaAcks` replicas, in milliseconds. @default 500 */
  readonly replicationTimeoutMs?: number;
}

/**
 * Optimistic concurrency: read the entity's state and version, run the
 * transition in JS, then one Lua script records the key, writes the state and
 * bumps the version only if the version is unchanged; otherwise re-read and
 * re-apply. The transition must therefore be a pure function of its input.
 *
 * Records: `<prefix>key:<entityScopedKey>` holds the request's fingerprint, a
 * newline and the result JSON, for the key TTL; `<prefix>entity:<id>` holds
 * the entity's version and state.
 */
export class RedisIdempotentStore<S, R> implements IdempotentStore<S, R> {
  private readonly redis: RedisWithApply;
  private readonly keyPrefix: string;
  private readonly keyTtlMs: number;
  private readonly maxAttempts: number;
  private readonly replicaAcks: number;
  private readonly replicationTimeoutMs: number;

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
    this.keyPrefix = options.keyPrefix ?? IDEMPOTENCY_KEY_PREFIX;
    this.keyTtlMs = options.keyTtlMs ?? 86_400_000;
    this.maxAttempts = options.maxAttempts ?? 100;
    this.replicaAcks = options.replicaAcks ?? 0;
    this.replicationTimeoutMs = options.replicationTimeoutMs ?? 500;
  }

  /**
   * A store on a new, checked connection (see {@link connectRedis}: throws
   * `RedisConfigurationError` when the credentials or TLS settings cannot
   * work), closed by {@link close}.
   */
  static async connect<S, R>(
    settings: RedisConnectionSettings,
    options: RedisIdempotentStoreOptions = {},
    connection: RedisConnectionOptions = {},
  ): Promise<RedisIdempotentStore<S, R>> {
    return new RedisIdempotentStore<S, R>(await connectRedis(settings, connection), options, true);
  }

  async applyOnce(key: string, entityId: string, fingerprint: string, transition: Transition<S, R>): Promise<ApplyOutcome<R>> {
    const resultKey = `${this.keyPrefix}key:${entityScopedKey(entityId, key)}`;
    const replay = (stored: string): ApplyOutcome<R> => {
      const newline = stored.indexOf('\n');
      if (stored.slice(0, newline) !== fingerprint) throw new IdempotencyKeyConflictError(key, entityId);
      return { result: JSON.parse(stored.slice(newline + 1)) as R, replayed: true };
    };
    const entityKey = this.entityKey(entityId);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const [previous, [version, stateJson]] = await this.command(() =>
        Promise.all([this.redis.get(resultKey), this.redis.hmget(entityKey, 'version', 'state')]),
      );
      if (previous !== null) return replay(previous);
      const next = transition(stateJson === null ? undefined : (JSON.parse(stateJson) as S));
      const [outcome, payload] = await this.command(() =>
        this.redis.idempotentApply(
          resultKey,
          entityKey,
          version ?? '0',
          JSON.stringify(next.state),
          `${fingerprint}\n${JSON.stringify(next.result)}`,
          this.keyTtlMs,
        ),
      );
      if (outcome === 'applied') {
        await this.awaitReplicas();
        return { result: next.result, replayed: false };
      }
      if (outcome === 'replay') return replay(payload);
    }
    throw new IdempotentApplyConflictError(key, entityId, this.maxAttempts);
  }

  async get(entityId: string): Promise<S | undefined> {
    const stateJson = await this.command(() => this.redis.hget(this.entityKey(entityId), 'state'));
    return stateJson === null ? undefined : (JSON.parse(stateJson) as S);
  }

  /** Resolves when the store answers a `PING`; else throws {@link DependencyUnavailableError} (for a readiness check). */
  async ping(): Promise<void> {
    await this.command(() => this.redis.ping());
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await closeRedis(this.redis);
  }

  private entityKey(entityId: string): string {
    return `${this.keyPrefix}entity:${entityId}`;
  }

  /** Runs Redis commands; connection failures and transient replies become {@link DependencyUnavailableError}. */
  private async command<T>(run: () => Promise<T>): Promise<T> {
    requireConnected(this.redis, SHARED_STATE_STORE);
    try {
      return await run();
    } catch (error) {
      throw unavailableOrSelf(error, SHARED_STATE_STORE);
    }
  }

  /** `WAIT` for `replicaAcks` replicas to hold the writes of this connection so far. */
  private async awaitReplicas(): Promise<void> {
    if (this.replicaAcks === 0) return;
    const acknowledged = await this.command(() => this.redis.wait(this.replicaAcks, this.replicationTimeoutMs));
    if (acknowledged < this.replicaAcks) {
      throw new DependencyUnavailableError(
        `${SHARED_STATE_STORE} replication (${acknowledged} of ${this.replicaAcks} replicas acknowledged)`,
        1,
      );
    }
  }
}
