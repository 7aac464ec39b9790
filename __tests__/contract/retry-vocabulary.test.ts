/**
 * The contract and the construct library each carry the retry vocabulary and
 * the schedule maths: the library is a package of its own that imports
 * nothing of this repository, and the services must not depend on cdktf. The
 * copies must say the same; this proves they do.
 */
import * as contract from '../../contract/retry-policy';
import * as library from '../../modules/retry';

describe('the retry vocabulary of the contract and of the library', () => {
  test('the same HTTP and TCP retry events, with the same API strings', () => {
    expect({ ...contract.HttpRetryEvent }).toEqual({ ...library.HttpRetryEvent });
    expect({ ...contract.TcpRetryEvent }).toEqual({ ...library.TcpRetryEvent });
  });

  test('the same Envoy back-off', () => {
    expect(contract.ENVOY_DEFAULT_BACKOFF).toEqual(library.ENVOY_DEFAULT_BACKOFF);
  });

  test('the same worst-case back-off before every retry, for several back-offs', () => {
    const backoffs = [
      library.ENVOY_DEFAULT_BACKOFF,
      { baseIntervalMs: 100, maxIntervalMs: 1_000 },
      { baseIntervalMs: 0, maxIntervalMs: 0 },
    ];
    for (const backoff of backoffs) {
      for (let retry = 1; retry <= 20; retry++) {
        expect([backoff, retry, contract.worstCaseBackoffMs(retry, backoff)]).toEqual([
          backoff,
          retry,
          library.worstCaseBackoffMs(retry, backoff),
        ]);
      }
    }
  });

  test("the contract's schedule budget is the library's worst-case schedule of the policy's attempts", () => {
    const policy = contract.PROCESSING_RETRY_POLICY;
    expect(contract.retryScheduleBudgetMs(policy, contract.ENVOY_DEFAULT_BACKOFF)).toBe(
      library.worstCaseScheduleMs(policy.maxRetries + 1, policy.perRetryTimeoutMs, library.ENVOY_DEFAULT_BACKOFF),
    );
  });

  test('a policy the contract defines passes the library’s check unchanged', () => {
    expect(() => library.RetryPolicy.fromSpec(contract.PROCESSING_RETRY_POLICY).check('test', 'policy')).not.toThrow();
  });
});
