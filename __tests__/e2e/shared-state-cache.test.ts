/**
 * The built services against a real redis-server as they meet ElastiCache
 * (TLS, the ACL user's credentials from `REDIS_USERNAME` / `REDIS_PASSWORD`,
 * the test CA through `NODE_EXTRA_CA_CERTS`): they start and work; settings
 * that cannot work stop the start with exit 1 and one line; a password
 * rotated on the server makes a running service exit 1 after a graceful
 * shutdown, so that ECS starts it again with the current secret.
 */
import { SAMPLE_EVENT } from '../apps/sample-event';
import { ensureBuilt, startService } from '../../scripts/launch/service-process';
import { startRedisServer, TEST_REDIS_USER, type RedisServer } from '../../scripts/launch/redis-server';

jest.setTimeout(60_000);

const QUIET = { LOG_LEVEL: 'warn', METRICS_FLUSH_INTERVAL_MS: '0' };

let secure: RedisServer;
let plain: RedisServer;

beforeAll(async () => {
  ensureBuilt();
  [secure, plain] = await Promise.all([startRedisServer(), startRedisServer({ secure: false })]);
});
afterAll(async () => {
  await Promise.all([secure.stop(), plain.stop()]);
});

test('processing over TLS as the ACL user: applies events and is ready', async () => {
  const processing = await startService('processing', { ...QUIET, ...secure.serviceEnv() });
  try {
    const response = await fetch(`${processing.url}/ev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SAMPLE_EVENT),
    });
    expect(response.status).toBe(200);
    expect(await (await fetch(`${processing.url}/ready`)).json()).toEqual({ status: 'ready', checks: { 'shared-state store': 'up' } });
  } finally {
    expect(await processing.stop()).toBe(0);
  }
});

test.each([
  [
    'processing',
    () => ({ ...secure.serviceEnv(), REDIS_PASSWORD: 'wrong-password' }),
    /the cache rejected the credentials of user "data-pipeline" \(WRONGPASS/,
  ],
  [
    'ingestion',
    () => ({ ...secure.serviceEnv(), REDIS_PASSWORD: '', REDIS_USERNAME: '' }),
    /the cache requires authentication: set REDIS_USERNAME and REDIS_PASSWORD/,
  ],
  [
    'ingestion',
    () => ({ REDIS_URL: plain.url.replace('redis:', 'rediss:') }),
    /the server answers without TLS, so rediss:\/\/ cannot connect/,
  ],
  ['processing', () => ({ ...secure.serviceEnv(), NODE_EXTRA_CA_CERTS: '' }), /TLS certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN/],
] as const)('%s does not start with a cache setting that cannot work: exit 1 and one line', async (service, env, message) => {
  const failure = await startService(service, { ...QUIET, ...env() }).catch((error: unknown) => error);
  expect(String(failure)).toMatch(/exited with 1 before answering/);
  expect(String(failure)).toMatch(message);
  expect(String(failure)).not.toContain(secure.users!.password);
});

test('a password rotated on the server: the running service exits 1 once its reconnect is refused (ECS restarts it with the new secret)', async () => {
  const server = await startRedisServer();
  const ingestion = await startService('ingestion', { ...QUIET, ...server.serviceEnv() });
  const admin = server.adminClient();
  try {
    await admin.call('ACL', 'SETUSER', TEST_REDIS_USER, 'resetpass', '>rotated-password-0123456789');
    await admin.call('CLIENT', 'KILL', 'USER', TEST_REDIS_USER);
    expect(await ingestion.exited()).toBe(1);
    // In the JSON log line the quotes are escaped.
    expect(ingestion.output()).toMatch(/the cache rejected the credentials of user \\"data-pipeline\\" \(WRONGPASS/);
    expect(ingestion.output()).toMatch(/shutting down after an error/);
  } finally {
    admin.disconnect();
    await ingestion.stop();
    await server.stop();
  }
});
