import {
  ENVOY_DEFAULT_BACKOFF,
  PROCESSING_CALL_TIMEOUT_MS,
  PROCESSING_RETRY_POLICY,
  callTimeoutMs,
  retryScheduleBudgetMs,
  type RetryPolicySpec,
} from '../../contract/retry-policy';
import { worstCaseBackoffMs } from '../../modules/retry/retry-schedule';
import { LOCAL_DATA_PROCESSING_URL, DATA_INGESTION, EV_PATH, serviceUrl } from '../../contract/services';
import { MAX_IDEMPOTENCY_KEY_LENGTH, idempotencyKeyProblem } from '../../contract/ev-payload';

describe('the retry schedule of a policy', () => {
  test('worst-case back-off: (2^n - 1) x base, capped at the max interval', () => {
    expect([1, 2, 3, 4, 12].map((n) => worstCaseBackoffMs(n, ENVOY_DEFAULT_BACKOFF))).toEqual([25, 75, 175, 250, 250]);
  });

  test('the processing policy: 13 slow attempts of 5 s plus 2,525 ms of back-off', () => {
    expect(retryScheduleBudgetMs(PROCESSING_RETRY_POLICY, ENVOY_DEFAULT_BACKOFF)).toBe(13 * 5_000 + 25 + 75 + 175 + 9 * 250);
  });

  test('no retries: one attempt, no back-off', () => {
    const once: RetryPolicySpec = { ...PROCESSING_RETRY_POLICY, maxRetries: 0, perRetryTimeoutMs: 2_000 };
    expect(retryScheduleBudgetMs(once, ENVOY_DEFAULT_BACKOFF)).toBe(2_000);
  });

  test('the call timeout is the next whole second above the budget', () => {
    expect(PROCESSING_CALL_TIMEOUT_MS).toBe(68_000);
    const exact: RetryPolicySpec = { ...PROCESSING_RETRY_POLICY, maxRetries: 0, perRetryTimeoutMs: 2_000 };
    expect(callTimeoutMs(exact, ENVOY_DEFAULT_BACKOFF)).toBe(3_000);
    expect(callTimeoutMs({ ...exact, perRetryTimeoutMs: 1_999 }, ENVOY_DEFAULT_BACKOFF)).toBe(2_000);
  });
});

describe('service addresses', () => {
  test("a service's URL carries its contract port", () => {
    expect(serviceUrl(DATA_INGESTION, 'data-ingestion.dev.internal', EV_PATH)).toBe('http://data-ingestion.dev.internal:3000/ev');
    expect(LOCAL_DATA_PROCESSING_URL).toBe('http://127.0.0.1:3001/ev');
  });
});

describe('the idempotency-key check', () => {
  test('absent or up to the limit: accepted; longer: refused, naming the header', () => {
    expect(idempotencyKeyProblem(undefined)).toBeUndefined();
    expect(idempotencyKeyProblem('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH))).toBeUndefined();
    expect(idempotencyKeyProblem('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1))).toBe('idempotency-key header is longer than 256 characters');
  });
});
