/**
 * The shared-state cache as the stack and the services agree on it: the key
 * prefixes the services write and the permissions of the cache user they
 * connect as. No cdktf or fastify imports here.
 */

/** Prefix of the idempotency keys and vehicle states (processing). */
export const IDEMPOTENCY_KEY_PREFIX = 'idem:';

/** Prefix of the shared circuit breaker's keys (ingestion). */
export const CIRCUIT_BREAKER_KEY_PREFIX = 'cb:';

/** Commands every client sends: `PING`, `INFO` (ioredis's ready check), `EVALSHA`/`EVAL` to run the stores' Lua scripts. */
const CONNECTION_COMMANDS = ['+ping', '+info', '+evalsha', '+eval'];

/**
 * ACL rules of data-ingestion's cache user (Redis/Valkey ACL syntax, without
 * `on`/`off` and passwords): the shared circuit breaker's keys only, and the
 * commands its Lua scripts and reads send. It cannot read or write an
 * idempotency key or a vehicle state.
 */
export const INGESTION_CACHE_ACCESS = [
  `~${CIRCUIT_BREAKER_KEY_PREFIX}*`,
  '-@all',
  ...CONNECTION_COMMANDS,
  '+hget',
  '+hset',
  '+hincrby',
  '+hgetall',
  '+hdel',
  '+del',
  '+pexpire',
].join(' ');

/**
 * ACL rules of data-processing's cache user: the idempotency keys and
 * vehicle states only, the commands of its compare-and-set script and
 * reads, and `WAIT` for replica acknowledgements. It cannot touch the
 * circuit breaker's keys.
 */
export const PROCESSING_CACHE_ACCESS = [
  `~${IDEMPOTENCY_KEY_PREFIX}*`,
  '-@all',
  ...CONNECTION_COMMANDS,
  '+wait',
  '+get',
  '+set',
  '+hget',
  '+hmget',
  '+hset',
].join(' ');

/**
 * ACL rules of one user serving both services (a local server of tests
 * and `npm run dev`, which run both against one user): both sets of keys and
 * commands. Everything else, `FLUSHALL`, `KEYS`, `CONFIG`, `ACL` included, is
 * refused. Deployed stacks give each service its own user instead.
 */
export const SHARED_STATE_USER_ACCESS = [
  `~${IDEMPOTENCY_KEY_PREFIX}*`,
  `~${CIRCUIT_BREAKER_KEY_PREFIX}*`,
  '-@all',
  ...CONNECTION_COMMANDS,
  ...['+wait', '+get', '+set', '+del', '+pexpire', '+hget', '+hmget', '+hset', '+hgetall', '+hincrby', '+hdel'],
].join(' ');
