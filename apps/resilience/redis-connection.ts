/**
 * Opens the services' connection to the shared-state cache (Redis or Valkey;
 * ElastiCache in AWS), authenticated and over TLS, and checks it before the
 * service starts: a rejected password, a server that does not speak TLS or a
 * certificate that is not trusted are configuration errors, reported at
 * start-up in one line naming what to fix ({@link RedisConfigurationError}),
 * instead of a store that fails every call afterwards. A server that cannot
 * be reached at all is an outage, not a configuration error: the connection
 * opens anyway and keeps reconnecting, and the services answer 503 meanwhile.
 *
 * After start-up, commands never wait for a connection: while it is down they
 * fail at once (no offline queue), and a command the server does not answer
 * within `commandTimeoutMs` fails too, so a request never hangs on the cache.
 */
import { connect as connectTcp } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import Redis, { ReplyError, type RedisOptions } from 'ioredis';
import { DependencyUnavailableError } from './dependency-unavailable-error';

/** Where and as whom to connect. */
export interface RedisConnectionSettings {
  /** `redis://` or `rediss://` (TLS) URL; may hold `user:password@` (percent-encoded). */
  readonly url: string;
  /** User name (`REDIS_USERNAME`); wins over the URL's. @default the URL's, else none (the server's default user) */
  readonly username?: string;
  /** Password (`REDIS_PASSWORD`); wins over the URL's. @default the URL's, else none */
  readonly password?: string;
}

/** Options of {@link connectRedis}. */
export interface RedisConnectionOptions {
  /** Extra TLS options for `rediss://`, e.g. a test CA (`ca`). @default Node's trusted CAs (and `NODE_EXTRA_CA_CERTS`) */
  readonly tls?: ConnectionOptions;
  /** Longest wait for the TCP and TLS handshake, in milliseconds. @default 2000 */
  readonly connectTimeoutMs?: number;
  /** A command not answered within this many milliseconds fails. @default 1000 */
  readonly commandTimeoutMs?: number;
  /**
   * Called once when the server rejects the credentials after start-up (on a
   * reconnect, e.g. after the password was rotated). The connection is closed
   * first, so it does not retry a rejected password forever.
   * @default none (the connection is still closed)
   */
  readonly onCredentialsRejected?: (error: RedisConfigurationError) => void;
}

/** The cache refused the connection for a reason a retry will not fix: credentials, TLS, certificate. */
export class RedisConfigurationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisConfigurationError';
  }
}

/** TLS error codes that mean the server's certificate is not trusted or does not match the host. */
const UNTRUSTED_CERTIFICATE = /^(UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_|ERR_TLS_CERT_ALTNAME_INVALID)/;

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/** Whether the server's error reply says the credentials were refused. */
export function isCredentialsRejection(error: unknown): boolean {
  return /^(WRONGPASS|NOAUTH)\b/.test((error as Error | undefined)?.message ?? '');
}

/** Server replies that mean "not now": loading, a replica after failover, no primary, a busy script, refused credentials. */
const TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|NOAUTH|WRONGPASS)\b/;

/**
 * `error` of a Redis command as the caller should see it: connection
 * failures (closed, not writeable, timed out) and transient server replies
 * become a {@link DependencyUnavailableError} of `dependency`; anything else
 * (a script error, a missing ACL permission) is returned as it is.
 */
export function unavailableOrSelf(error: unknown, dependency: string, retryAfterSeconds = 1): unknown {
  const transient = !(error instanceof ReplyError) || TRANSIENT_REPLY.test((error as Error).message);
  return transient ? new DependencyUnavailableError(dependency, retryAfterSeconds, { cause: error }) : error;
}

/**
 * Throws {@link DependencyUnavailableError} of `dependency` when `redis` is
 * not connected and has no offline queue (as {@link connectRedis} makes it),
 * so a call while it reconnects fails without sending anything. A connection
 * with an offline queue keeps its own behaviour (commands wait for it).
 */
export function requireConnected(redis: Redis, dependency: string, retryAfterSeconds = 1): void {
  if (redis.status !== 'ready' && redis.options.enableOfflineQueue === false) {
    throw new DependencyUnavailableError(dependency, retryAfterSeconds, { cause: new Error(`connection ${redis.status}`) });
  }
}

/** Host names that stay on this machine, where a password over plain `redis://` does not cross a network. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

/** The ioredis options of `settings`: credentials, TLS, fail-fast commands. */
function redisOptions(settings: RedisConnectionSettings, url: URL, options: RedisConnectionOptions): RedisOptions {
  const username = settings.username ?? (url.username === '' ? undefined : decodeURIComponent(url.username));
  const password = settings.password ?? (url.password === '' ? undefined : decodeURIComponent(url.password));
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    keepAlive: 10_000,
    // After a failover the old primary answers writes with READONLY: reconnect (the endpoint's DNS now names the new primary).
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(url.protocol === 'rediss:' ? { tls: { ...options.tls } } : {}),
  };
}

/** Explains a failed first connection in one line; undefined when the server is merely unreachable (an outage). */
async function diagnose(error: unknown, url: URL, username: string | undefined): Promise<RedisConfigurationError | undefined> {
  const where = redactRedisUrl(url.toString());
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (message.startsWith('WRONGPASS')) {
    return new RedisConfigurationError(
      `${where}: the cache rejected the credentials of user "${username ?? 'default'}" (${message.trim()}): check REDIS_USERNAME and REDIS_PASSWORD (the cache's credentials secret)`,
      { cause: error },
    );
  }
  if (message.startsWith('NOAUTH')) {
    return new RedisConfigurationError(
      `${where}: the cache requires authentication: set REDIS_USERNAME and REDIS_PASSWORD (or user:password@ in REDIS_URL)`,
      {
        cause: error,
      },
    );
  }
  if (UNTRUSTED_CERTIFICATE.test(code)) {
    return new RedisConfigurationError(
      `${where}: the cache's TLS certificate is not trusted (${code}: ${message}); a private CA must be added with NODE_EXTRA_CA_CERTS`,
      { cause: error },
    );
  }
  if (url.protocol === 'rediss:' && /ETIMEDOUT|ECONNRESET|EPROTO|ERR_SSL/.test(`${code} ${message}`) && (await answersPlainText(url))) {
    return new RedisConfigurationError(
      `${where}: the server answers without TLS, so rediss:// cannot connect: enable TLS on the server (ElastiCache: transit encryption), or use redis:// on a trusted local network only`,
      { cause: error },
    );
  }
  if (url.protocol === 'redis:' && code === 'ECONNRESET') {
    return new RedisConfigurationError(
      `${where}: the server closed the connection at once; if it requires TLS (ElastiCache with transit encryption), use rediss://`,
      {
        cause: error,
      },
    );
  }
  return undefined;
}

/** Whether `url`'s host answers a plain-text `PING` (with `+PONG` or an `-NOAUTH` error) within a second. */
function answersPlainText(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(Number(url.port || 6379), url.hostname.replace(/^\[|\]$/g, ''));
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^[+-]/.test(data.toString())));
  });
}

/**
 * Connects to the cache and checks the connection with a `PING`. Throws
 * {@link RedisConfigurationError} when the settings cannot work (credentials
 * refused, TLS mismatch, untrusted certificate, a password over plain
 * `redis://` to another host); resolves with a reconnecting connection when
 * the server is merely unreachable.
 */
export async function connectRedis(settings: RedisConnectionSettings, options: RedisConnectionOptions = {}): Promise<Redis> {
  const url = new URL(settings.url);
  const ioredisOptions = redisOptions(settings, url, options);
  if (url.protocol === 'redis:' && ioredisOptions.password !== undefined && !isLoopback(url.hostname)) {
    throw new RedisConfigurationError(
      `${redactRedisUrl(settings.url)}: a password over plain redis:// would cross the network unencrypted: use rediss://`,
    );
  }
  const redis = new Redis(settings.url, ioredisOptions);
  let firstError: unknown;
  const recordFirst = (error: unknown) => (firstError ??= error);
  redis.on('error', recordFirst);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const problem = await diagnose(firstError ?? error, url, ioredisOptions.username);
    if (problem !== undefined) {
      redis.disconnect();
      throw problem;
    }
  } finally {
    redis.off('error', recordFirst);
  }
  let rejected = false;
  redis.on('error', (error) => {
    if (rejected || !isCredentialsRejection(error)) return;
    rejected = true;
    redis.disconnect();
    void diagnose(error, url, ioredisOptions.username).then((problem) =>
      options.onCredentialsRejected?.(problem ?? new RedisConfigurationError(String(error))),
    );
  });
  return redis;
}

/** Closes `redis`: `QUIT` when connected (pending replies arrive first), else drops the connection and stops reconnecting. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // the connection went away meanwhile
    }
  }
  redis.disconnect();
}
