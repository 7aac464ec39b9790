import { Writable } from 'node:stream';
import { DATA_PROCESSING } from '../../../contract/services';
import { RequestLogger } from '../../../apps/service-kit/request-logger';
import { createServiceApp, type ServiceApp } from '../../../apps/service-kit/service-app';

/** Collects JSON log lines. */
class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line !== '') this.lines.push(JSON.parse(line));
    done();
  }
}

describe('request.log, made on first use', () => {
  let app: ServiceApp;
  let log: LogLines;
  let children: number;
  beforeEach(async () => {
    log = new LogLines();
    app = createServiceApp(DATA_PROCESSING, { logStream: log });
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/warns', async (request) => {
      request.log.warn({ detail: 'x' }, 'something odd');
      return { ok: true };
    });
    app.get('/route-level', { logLevel: 'warn' }, async (request) => ({ level: request.log.level }));
    await app.ready();
    children = 0;
    const child = app.log.child.bind(app.log);
    jest.spyOn(app.log, 'child').mockImplementation((...args) => {
      children++;
      return child(...args);
    });
  });
  afterEach(() => app.close());

  test('a request that logs nothing but its request line makes no child logger; the line is the same as one through the child', async () => {
    await app.inject({ method: 'GET', url: '/quiet' });
    expect(children).toBe(0);
    const line = log.lines.find((entry) => entry.msg === 'request')!;
    expect(Object.keys(line)).toEqual(['level', 'time', 'service', 'reqId', 'method', 'url', 'statusCode', 'responseTimeMs', 'msg']);
    expect(line).toMatchObject({ level: 30, service: DATA_PROCESSING.name, method: 'GET', url: '/quiet', statusCode: 200 });
    expect(line.reqId).toMatch(/^req-/);
  });

  test('a line logged through request.log carries the request id of its request line', async () => {
    await app.inject({ method: 'GET', url: '/warns' });
    await app.inject({ method: 'GET', url: '/warns' });
    expect(children).toBe(2);
    const warnings = log.lines.filter((entry) => entry.msg === 'something odd');
    const requests = log.lines.filter((entry) => entry.msg === 'request');
    expect(warnings.map((entry) => entry.reqId)).toEqual(requests.map((entry) => entry.reqId));
    expect(new Set(warnings.map((entry) => entry.reqId)).size).toBe(2);
    expect(warnings[0]).toMatchObject({ level: 40, detail: 'x', service: DATA_PROCESSING.name });
  });

  test("the level is the route's, without making the child", async () => {
    const response = await app.inject({ method: 'GET', url: '/route-level' });
    expect(response.json()).toEqual({ level: 'warn' });
    expect(children).toBe(0);
  });

  test('forwards every level and child() to the child it makes once', () => {
    const written: unknown[][] = [];
    const child = {
      level: 'trace',
      ...Object.fromEntries(
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => [
          level,
          (...args: unknown[]) => written.push([level, ...args]),
        ]),
      ),
      child: () => child,
    } as unknown as ConstructorParameters<typeof RequestLogger>[0];
    let made = 0;
    const parent = { ...child, level: 'info', child: () => (made++, child) } as typeof child;
    const logger = new RequestLogger(parent, { reqId: 'req-1' }, {});
    expect(logger.level).toBe('info');
    logger.fatal('a');
    logger.error({ b: 1 }, 'b');
    logger.warn('c', 1);
    logger.info('d');
    logger.debug('e');
    logger.trace('f');
    logger.silent();
    expect(logger.child({ more: true })).toBe(child);
    expect(made).toBe(1);
    expect(logger.level).toBe('trace');
    expect(written).toEqual([
      ['fatal', 'a'],
      ['error', { b: 1 }, 'b'],
      ['warn', 'c', 1],
      ['info', 'd'],
      ['debug', 'e'],
      ['trace', 'f'],
    ]);
  });
});
