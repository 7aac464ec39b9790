import { ThrottledDiagLogger } from '../../apps/tracing/throttled-diag-logger';

describe('ThrottledDiagLogger', () => {
  test('writes one line per interval at most, then says how many were held back', () => {
    // GIVEN a logger with a 10 s interval and a clock the test moves
    const lines: string[] = [];
    let now = 1_000_000;
    const logger = new ThrottledDiagLogger(
      (line) => lines.push(line),
      10_000,
      () => now,
    );
    // WHEN an export fails repeatedly within the interval, then again after it
    logger.error('export failed:', new Error('connect ECONNREFUSED 127.0.0.1:4318'));
    now += 1_000;
    logger.warn('Dropped 12 spans because maxQueueSize reached');
    logger.error('export failed:', new Error('connect ECONNREFUSED 127.0.0.1:4318'));
    now += 9_000;
    logger.error('export failed:', { code: 14 });
    // THEN two lines: the first as it came, the second with the count held back
    expect(lines).toEqual([
      'OpenTelemetry error: export failed: connect ECONNREFUSED 127.0.0.1:4318\n',
      'OpenTelemetry error: export failed: {"code":14} (2 more OpenTelemetry messages held back since the last one)\n',
    ]);
  });
});
