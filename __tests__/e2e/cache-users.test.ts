/**
 * Each service as its own cache user, with the ACL the stack gives it
 * (contract/shared-state.ts), against a real redis-server over TLS: the
 * built services work with exactly these permissions, and one service's
 * credentials reach nothing of the other's state.
 */
import Redis from 'ioredis';
import { SAMPLE_EVENT } from '../apps/sample-event';
import {
  CIRCUIT_BREAKER_KEY_PREFIX,
  IDEMPOTENCY_KEY_PREFIX,
  INGESTION_CACHE_ACCESS,
  PROCESSING_CACHE_ACCESS,
} from '../../contract/shared-state';
import { ensureBuilt, startService } from '../../scripts/launch/service-process';
import { startRedisServer, type RedisServer } from '../../scripts/launch/redis-server';

jest.setTimeout(60_000);

const QUIET = { LOG_LEVEL: 'warn', METRICS_FLUSH_INTERVAL_MS: '0' };
const USERS = {
  ingestion: { name: 'data-ingestion', password: 'ingestion-password-0123456789abcdef', access: INGESTION_CACHE_ACCESS },
  processing: { name: 'data-processing', password: 'processing-password-0123456789abcdef', access: PROCESSING_CACHE_ACCESS },
} as const;

let server: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  ensureBuilt();
  server = await startRedisServer();
  const admin = server.adminClient();
  try {
    for (const user of Object.values(USERS)) {
      await admin.call('ACL', 'SETUSER', user.name, 'reset', 'on', `>${user.password}`, ...user.access.split(' '));
    }
  } finally {
    await admin.quit();
  }
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
  await server.stop();
});

/** The environment of `service`'s process: the server's, with the service's own user. */
function envOf(service: keyof typeof USERS): Record<string, string> {
  return { ...QUIET, ...server.serviceEnv(), REDIS_USERNAME: USERS[service].name, REDIS_PASSWORD: USERS[service].password };
}

/** An in-process client authenticated as `service`'s user. */
function clientAs(service: keyof typeof USERS): Redis {
  const client = new Redis(server.url, { username: USERS[service].name, password: USERS[service].password, tls: server.tls });
  clients.push(client);
  return client;
}

test('ingestion and processing, each as its own user, carry an event end to end', async () => {
  const processing = await startService('processing', envOf('processing'));
  const ingestion = await startService('ingestion', { ...envOf('ingestion'), DATA_PROCESSING_URL: `${processing.url}/ev` });
  try {
    const response = await fetch(`${ingestion.url}/ev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SAMPLE_EVENT),
    });
    expect(response.status).toBe(200);
    expect(await (await fetch(`${processing.url}/ready`)).json()).toMatchObject({ status: 'ready' });
    const admin = server.adminClient();
    try {
      expect(await admin.keys(`${IDEMPOTENCY_KEY_PREFIX}*`)).not.toEqual([]);
      expect(await admin.keys(`${CIRCUIT_BREAKER_KEY_PREFIX}*`)).not.toEqual([]);
    } finally {
      await admin.quit();
    }
  } finally {
    expect(await ingestion.stop()).toBe(0);
    expect(await processing.stop()).toBe(0);
    expect(processing.output()).not.toMatch(/NOPERM/);
    expect(ingestion.output()).not.toMatch(/NOPERM/);
  }
});

describe("attack: one service's credentials against the other's state", () => {
  test("ingestion's user can neither read nor forge an idempotency key or a vehicle state", async () => {
    const ingestion = clientAs('ingestion');
    await expect(ingestion.get(`${IDEMPOTENCY_KEY_PREFIX}EV-C@2026-01-01T00:00:00Z`)).rejects.toThrow(/NOPERM/);
    await expect(ingestion.set(`${IDEMPOTENCY_KEY_PREFIX}EV-C@2026-01-01T00:00:00Z`, '{"forged":true}')).rejects.toThrow(/NOPERM/);
    await expect(ingestion.hset(`${IDEMPOTENCY_KEY_PREFIX}vehicle:EV-C`, 'state', '{}')).rejects.toThrow(/NOPERM/);
  });

  test("processing's user can neither open nor reset the shared circuit breaker", async () => {
    const processing = clientAs('processing');
    await expect(processing.hset(`${CIRCUIT_BREAKER_KEY_PREFIX}{data-processing}`, 'state', 'open')).rejects.toThrow(/NOPERM/);
    await expect(processing.del(`${CIRCUIT_BREAKER_KEY_PREFIX}{data-processing}`)).rejects.toThrow(/NOPERM/);
  });

  test('neither may run administrative commands or list keys', async () => {
    for (const service of ['ingestion', 'processing'] as const) {
      const client = clientAs(service);
      await expect(client.flushall()).rejects.toThrow(/NOPERM/);
      await expect(client.keys('*')).rejects.toThrow(/NOPERM/);
      await expect(client.call('ACL', 'LIST')).rejects.toThrow(/NOPERM/);
    }
  });
});
