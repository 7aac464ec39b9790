/**
 * A circuit breaker's state shared by every ingestion replica through Redis
 * (`REDIS_URL`; ElastiCache in AWS): the circuit lives in a central store, so
 * every replica sees the same state.
 * Outcomes go into per-bucket counters of one hash (pruned as the window
 * slides, expiring with it); state, open time, round number and the scout
 * permits of a half-open round live in a second hash. Each operation is one
 * Lua script, so two replicas can never both think they opened, closed or took
 * the last scout permit. Both keys share a hash tag, so the scripts also run
 * on Redis Cluster.
 */
import type Redis from 'ioredis';
import { CIRCUIT_BREAKER_KEY_PREFIX } from '../../../contract/shared-state';
import { closeRedis, connectRedis, requireConnected, type RedisConnectionOptions, type RedisConnectionSettings } from '../redis-connection';
import {
  CircuitState,
  DEFAULT_CIRCUIT_BREAKER_SETTINGS,
  type CallPermit,
  type CircuitBreakerSettings,
  type CircuitBreakerStore,
} from './circuit-breaker-store';

/** KEYS[1] state hash. ARGV now, openDurationMs, halfOpenScoutCalls. Returns {kind, generation, retryAfterMs, state}. */
const ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[1])
local openMs = tonumber(ARGV[2])
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'closed' then return {'normal', 0, 0, state} end
local generation = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
if state == 'open' then
  local openedAt = tonumber(redis.call('HGET', KEYS[1], 'openedAt'))
  if now < openedAt + openMs then return {'rejected', generation, openedAt + openMs - now, state} end
  redis.call('HSET', KEYS[1], 'state', 'half-open', 'halfOpenSince', now, 'permits', ARGV[3], 'scoutSuccesses', 0)
elseif now >= tonumber(redis.call('HGET', KEYS[1], 'halfOpenSince')) + openMs then
  redis.call('HSET', KEYS[1], 'halfOpenSince', now, 'permits', ARGV[3], 'scoutSuccesses', 0)
end
if tonumber(redis.call('HGET', KEYS[1], 'permits')) < 1 then return {'rejected', generation, 0, 'half-open'} end
redis.call('HINCRBY', KEYS[1], 'permits', -1)
return {'scout', generation, 0, 'half-open'}
`;

/**
 * KEYS[1] state hash, KEYS[2] window hash. ARGV now, 'success'|'failure', 'normal'|'scout', generation,
 * bucketMs, windowMs, minimumCalls, failureRateThreshold, halfOpenScoutCalls. Returns the state afterwards.
 */
const RECORD_SCRIPT = `
local now = tonumber(ARGV[1])
local failed = ARGV[2] == 'failure'
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local generation = tonumber(redis.call('HGET', KEYS[1], 'generation') or '0')
local function open()
  redis.call('HSET', KEYS[1], 'state', 'open', 'openedAt', now, 'generation', generation + 1)
  redis.call('DEL', KEYS[2])
  return 'open'
end
if ARGV[3] == 'scout' then
  if state ~= 'half-open' or generation ~= tonumber(ARGV[4]) then return state end
  if failed then return open() end
  if redis.call('HINCRBY', KEYS[1], 'scoutSuccesses', 1) >= tonumber(ARGV[9]) then
    redis.call('HSET', KEYS[1], 'state', 'closed')
    redis.call('DEL', KEYS[2])
    return 'closed'
  end
  return state
end
if state ~= 'closed' then return state end
local bucketMs = tonumber(ARGV[5])
local windowMs = tonumber(ARGV[6])
local bucket = math.floor(now / bucketMs)
redis.call('HINCRBY', KEYS[2], string.format('%d:%s', bucket, failed and 'f' or 's'), 1)
redis.call('PEXPIRE', KEYS[2], windowMs + bucketMs)
local oldest = bucket - math.ceil(windowMs / bucketMs) + 1
local calls, failures = 0, 0
local fields = redis.call('HGETALL', KEYS[2])
for i = 1, #fields, 2 do
  local number, kind = string.match(fields[i], '^(%-?%d+):(%a)$')
  if tonumber(number) < oldest then
    redis.call('HDEL', KEYS[2], fields[i])
  else
    local count = tonumber(fields[i + 1])
    calls = calls + count
    if kind == 'f' then failures = failures + count end
  end
end
if failed and calls >= tonumber(ARGV[7]) and failures / calls >= tonumber(ARGV[8]) then return open() end
return state
`;

type AcquireReply = ['normal' | 'scout' | 'rejected', number, number, CircuitState];

interface RedisWithBreaker extends Redis {
  circuitAcquire(stateKey: string, now: number, openDurationMs: number, scouts: number): Promise<AcquireReply>;
  circuitRecord(stateKey: string, windowKey: string, ...args: (string | number)[]): Promise<CircuitState>;
}

/** Options of {@link RedisCircuitBreakerStore}. */
export interface RedisCircuitBreakerStoreOptions {
  /** Name of the guarded dependency; replicas using the same name share one circuit. @default 'data-processing' */
  readonly name?: string;
  /** Prefix of the Redis keys (the cache user may write only under `cb:`). @default 'cb:' */
  readonly keyPrefix?: string;
  /** How the circuit opens and recovers. @default DEFAULT_CIRCUIT_BREAKER_SETTINGS */
  readonly settings?: CircuitBreakerSettings;
}

/**
 * Shared {@link CircuitBreakerStore}. Times come from the callers' clocks
 * (passed into the scripts), so replicas' clocks must agree to well within a
 * bucket (NTP does; ECS tasks are synchronised by the Amazon Time Sync Service).
 */
export class RedisCircuitBreakerStore implements CircuitBreakerStore {
  private readonly redis: RedisWithBreaker;
  private readonly stateKey: string;
  private readonly windowKey: string;
  private readonly settings: CircuitBreakerSettings;

  /** Uses `redis` without owning it; see {@link RedisCircuitBreakerStore.connect}. */
  constructor(
    redis: Redis,
    options: RedisCircuitBreakerStoreOptions = {},
    private readonly ownsConnection = false,
  ) {
    redis.defineCommand('circuitAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('circuitRecord', { numberOfKeys: 2, lua: RECORD_SCRIPT });
    this.redis = redis as RedisWithBreaker;
    const base = `${options.keyPrefix ?? CIRCUIT_BREAKER_KEY_PREFIX}{${options.name ?? 'data-processing'}}`;
    this.stateKey = `${base}:state`;
    this.windowKey = `${base}:window`;
    this.settings = options.settings ?? DEFAULT_CIRCUIT_BREAKER_SETTINGS;
  }

  /**
   * A store on a new, checked connection (see {@link connectRedis}: throws
   * `RedisConfigurationError` when the credentials or TLS settings cannot
   * work), closed by {@link close}. While Redis is away commands fail at once,
   * so the breaker fails open without delaying calls.
   */
  static async connect(
    settings: RedisConnectionSettings,
    options: RedisCircuitBreakerStoreOptions = {},
    connection: RedisConnectionOptions = {},
  ): Promise<RedisCircuitBreakerStore> {
    return new RedisCircuitBreakerStore(await connectRedis(settings, connection), options, true);
  }

  async acquire(now: number): Promise<CallPermit> {
    requireConnected(this.redis, 'circuit breaker store');
    const { openDurationMs, halfOpenScoutCalls } = this.settings;
    const [kind, generation, retryAfterMs, state] = await this.redis.circuitAcquire(this.stateKey, now, openDurationMs, halfOpenScoutCalls);
    if (kind === 'normal') return { kind };
    if (kind === 'scout') return { kind, generation };
    return { kind, state, retryAfterMs };
  }

  async record(permit: Exclude<CallPermit, { kind: 'rejected' }>, succeeded: boolean, now: number): Promise<CircuitState> {
    requireConnected(this.redis, 'circuit breaker store');
    const s = this.settings;
    return this.redis.circuitRecord(
      this.stateKey,
      this.windowKey,
      now,
      succeeded ? 'success' : 'failure',
      permit.kind,
      permit.kind === 'scout' ? permit.generation : 0,
      s.bucketMs,
      s.windowMs,
      s.minimumCalls,
      s.failureRateThreshold,
      s.halfOpenScoutCalls,
    );
  }

  async state(): Promise<CircuitState> {
    const state = await this.redis.hget(this.stateKey, 'state');
    return (state as CircuitState | null) ?? CircuitState.CLOSED;
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await closeRedis(this.redis);
  }
}
