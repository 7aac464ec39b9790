import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_PENDING_BYTES, TurnBatchedDestination } from '../../../apps/service-kit/stdout-log-destination';

describe('TurnBatchedDestination', () => {
  let dir: string;
  let file: string;
  let fd: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-destination-'));
    file = join(dir, 'out.log');
    fd = openSync(file, 'w');
  });
  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the lines of one turn are written together when the turn ends', async () => {
    const destination = new TurnBatchedDestination(fd);
    destination.write('{"n":1}\n');
    destination.write('{"n":2}\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    destination.write('{"n":3}\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });

  test(`pending lines are written early once they reach ${MAX_PENDING_BYTES} bytes (the bound)`, () => {
    const destination = new TurnBatchedDestination(fd);
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < MAX_PENDING_BYTES / line.length; i++) destination.write(line);
    expect(readFileSync(file, 'utf8')).toHaveLength(MAX_PENDING_BYTES);
  });

  test('flush writes what is pending at once (as on exit)', () => {
    const destination = new TurnBatchedDestination(fd);
    destination.write('{"last":true}\n');
    destination.flush();
    expect(readFileSync(file, 'utf8')).toBe('{"last":true}\n');
  });
});
