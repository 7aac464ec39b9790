/**
 * The shared-state cache as the stack and the services agree on it: the key
 * prefixes the services write and the permissions of the cache user they
 * connect as. No cdktf or fastify imports here.
 */

/** Prefix of the idempotency keys and vehicle states (processing). */
export const IDEMPOTENCY_KEY_PREFIX = 'idem:';

/** Prefix of the shared circuit breaker's keys (ingestion). */
export const CIRCUIT_BREAKER_KEY_PREFIX = 'cb:';

/**
 * ACL rules of the services' cache user (Redis/Valkey ACL syntax, without
 * `on`/`off` and passwords): its own key prefixes only, and only the commands
 * the stores send — the reads and writes of their Lua scripts, `EVALSHA`/`EVAL`
 * to run them, `WAIT` for replica acknowledgements, `PING` and `INFO`
 * (ioredis's ready check). Everything else, `FLUSHALL`, `KEYS`, `CONFIG`,
 * `ACL` included, is refused.
 */
export const SHARED_STATE_USER_ACCESS = [
  `~${IDEMPOTENCY_KEY_PREFIX}*`,
  `~${CIRCUIT_BREAKER_KEY_PREFIX}*`,
  '-@all',
  '+ping',
  '+info',
  '+evalsha',
  '+eval',
  '+wait',
  '+get',
  '+set',
  '+del',
  '+pexpire',
  '+hget',
  '+hmget',
  '+hset',
  '+hgetall',
  '+hincrby',
  '+hdel',
].join(' ');
