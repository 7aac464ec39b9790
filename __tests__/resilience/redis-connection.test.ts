/**
 * The services' connection to the shared-state cache against real
 * redis-servers: over TLS as the ACL user it works and the user is confined
 * to its key prefixes and commands; every setting that cannot work fails at
 * once with one line naming what to fix; an unreachable server is an outage,
 * not a configuration error; a password changed after start-up (a rotation)
 * is reported once and the connection stops retrying it.
 */
import type Redis from 'ioredis';
import { connectRedis, closeRedis, RedisConfigurationError, redactRedisUrl } from '../../apps/resilience/redis-connection';
import { freeLoopbackPort, startRedisServer, TEST_REDIS_USER, type RedisServer } from '../../scripts/launch/redis-server';

let secure: RedisServer;
let plain: RedisServer;
const opened: Redis[] = [];

beforeAll(async () => {
  [secure, plain] = await Promise.all([startRedisServer(), startRedisServer({ secure: false })]);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((redis) => closeRedis(redis)));
});
afterAll(async () => {
  await Promise.all([secure.stop(), plain.stop()]);
});

async function failureOf(promise: Promise<Redis>): Promise<unknown> {
  return promise.then(
    (redis) => {
      opened.push(redis);
      return undefined;
    },
    (error: unknown) => error,
  );
}

describe('connectRedis to a TLS server with ACL users', () => {
  test('connects as the ACL user with the test CA; the user may use its own prefixes only', async () => {
    const redis = await connectRedis(secure.connection, { tls: secure.tls });
    opened.push(redis);
    expect(await redis.set('idem:connection-test', '1')).toBe('OK');
    await expect(redis.set('other:key', '1')).rejects.toThrow(/NOPERM/);
    await expect(redis.flushall()).rejects.toThrow(/NOPERM/);
    await expect(redis.call('CONFIG', 'GET', 'maxmemory')).rejects.toThrow(/NOPERM/);
  });

  test('credentials in the URL (percent-encoded) work as well as separate settings', async () => {
    const url = new URL(secure.url);
    url.username = TEST_REDIS_USER;
    url.password = encodeURIComponent(secure.users!.password);
    const redis = await connectRedis({ url: url.toString() }, { tls: secure.tls });
    opened.push(redis);
    expect(await redis.ping()).toBe('PONG');
  });

  test('a wrong password stops the start: the cache rejected the credentials of the user', async () => {
    const started = Date.now();
    const failure = await failureOf(connectRedis({ ...secure.connection, password: 'not-the-password' }, { tls: secure.tls }));
    expect(failure).toBeInstanceOf(RedisConfigurationError);
    expect(String(failure)).toMatch(
      /rejected the credentials of user "data-pipeline" \(WRONGPASS.*check REDIS_USERNAME and REDIS_PASSWORD/,
    );
    expect(String(failure)).not.toContain('not-the-password');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('no credentials: the cache requires authentication', async () => {
    const failure = await failureOf(connectRedis({ url: secure.url }, { tls: secure.tls }));
    expect(String(failure)).toMatch(/requires authentication: set REDIS_USERNAME and REDIS_PASSWORD/);
  });

  test('a certificate from an untrusted CA: not trusted, with the way to add a CA', async () => {
    const failure = await failureOf(connectRedis(secure.connection));
    expect(failure).toBeInstanceOf(RedisConfigurationError);
    expect(String(failure)).toMatch(/TLS certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN.*NODE_EXTRA_CA_CERTS/);
  });

  test('redis:// to the TLS-only server: closed at once, use rediss://', async () => {
    const failure = await failureOf(connectRedis({ ...secure.connection, url: secure.url.replace('rediss:', 'redis:') }));
    expect(String(failure)).toMatch(/closed the connection at once; if it requires TLS .*use rediss:\/\//);
  });
});

describe('connectRedis to a plain-text server', () => {
  test('rediss:// to a server without TLS stops the start: the server answers without TLS', async () => {
    const failure = await failureOf(connectRedis({ url: plain.url.replace('redis:', 'rediss:') }, { connectTimeoutMs: 500 }));
    expect(failure).toBeInstanceOf(RedisConfigurationError);
    expect(String(failure)).toMatch(/answers without TLS, so rediss:\/\/ cannot connect: enable TLS on the server/);
  });

  test('a password over redis:// to another host is refused before connecting', async () => {
    const failure = await failureOf(connectRedis({ url: 'redis://cache.internal:6379', username: 'app', password: 'secret' }));
    expect(String(failure)).toMatch(
      /redis:\/\/cache.internal:6379: a password over plain redis:\/\/ would cross the network unencrypted: use rediss:\/\//,
    );
  });

  test('redis:// without credentials still works (local development)', async () => {
    const redis = await connectRedis({ url: plain.url });
    opened.push(redis);
    expect(await redis.ping()).toBe('PONG');
  });
});

describe('an unreachable server is an outage, not a configuration error', () => {
  test('connectRedis resolves with a reconnecting connection; commands fail at once meanwhile', async () => {
    const port = await freeLoopbackPort();
    const redis = await connectRedis({ url: `rediss://127.0.0.1:${port}`, username: TEST_REDIS_USER, password: 'x' }, { tls: secure.tls });
    opened.push(redis);
    expect(redis.status).not.toBe('ready');
    const started = Date.now();
    await expect(redis.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(200);
  });
});

describe('a password changed after start-up (rotation)', () => {
  test('the reconnect is refused: onCredentialsRejected is called once and the connection stops retrying', async () => {
    const server = await startRedisServer();
    const rejected: RedisConfigurationError[] = [];
    const redis = await connectRedis(server.connection, { tls: server.tls, onCredentialsRejected: (error) => rejected.push(error) });
    opened.push(redis);
    const admin = server.adminClient();
    try {
      await admin.call('ACL', 'SETUSER', TEST_REDIS_USER, 'resetpass', '>the-rotated-password');
      await admin.call('CLIENT', 'KILL', 'USER', TEST_REDIS_USER);
      for (const deadline = Date.now() + 5_000; rejected.length === 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(rejected).toHaveLength(1);
      expect(String(rejected[0])).toMatch(/rejected the credentials of user "data-pipeline" \(WRONGPASS/);
      expect(redis.status).toBe('end');
    } finally {
      admin.disconnect();
      await server.stop();
    }
  });
});

test('redactRedisUrl hides the password', () => {
  expect(redactRedisUrl('rediss://app:s3cret@cache:6379')).toBe('rediss://app:***@cache:6379');
});
