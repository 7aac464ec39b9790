import { Testing } from 'cdktf';
import { PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import { RetryMode } from '../../contract/services';
import { DataPipelineStack } from '../../pipeline/data-pipeline-stack';
import { DataPlane, retryModeOf, stackIdOf } from '../../pipeline/data-plane';
import { ENVIRONMENTS } from '../../pipeline/environments';
import { retryBudgetReport } from '../../pipeline/retry-budget-report';
import { describeRetryLayering, retryLayering } from '../../pipeline/retry-layering';

describe('who applies the retry policy, per data plane and RETRY_MODE', () => {
  test.each([
    [DataPlane.APP_MESH, RetryMode.MESH, ['Envoy (the App Mesh route)'], 1, 13, 13, undefined],
    [DataPlane.APP_MESH, RetryMode.OFF, ['Envoy (the App Mesh route)'], 1, 13, 13, undefined],
    [DataPlane.APP_MESH, RetryMode.APP, ['ingestion in-process', 'Envoy (the App Mesh route)'], 13, 13, 169, /applied twice/],
    [DataPlane.SERVICE_CONNECT, RetryMode.APP, ['ingestion in-process'], 13, 3, 39, undefined],
    [DataPlane.SERVICE_CONNECT, RetryMode.OFF, [], 1, 3, 3, undefined],
    [DataPlane.SERVICE_CONNECT, RetryMode.MESH, [], 1, 3, 3, /applied by nobody/],
  ])('%s with RETRY_MODE=%s', (plane, mode, appliedBy, appAttempts, proxyAttempts, worstCaseCalls, problem) => {
    const layering = retryLayering(plane, mode, PROCESSING_RETRY_POLICY);
    expect(layering).toMatchObject({ appliedBy, appAttempts, proxyAttempts, worstCaseCalls });
    if (problem) expect(layering.problem).toMatch(problem);
    else expect(layering.problem).toBeUndefined();
  });

  test('the data plane decides the default RETRY_MODE, and the stack ids say which is which', () => {
    expect(retryModeOf(DataPlane.APP_MESH)).toBe(RetryMode.MESH);
    expect(retryModeOf(DataPlane.SERVICE_CONNECT)).toBe(RetryMode.APP);
    expect(stackIdOf('dev', DataPlane.APP_MESH)).toBe('ev-pipeline-dev');
    expect(stackIdOf('dev', DataPlane.SERVICE_CONNECT)).toBe('ev-pipeline-dev-service-connect');
  });

  test('a policy applied twice (RETRY_MODE=app under App Mesh) is reported, and fails synthesis of the App Mesh stack', () => {
    const layering = retryLayering(DataPlane.APP_MESH, RetryMode.APP, PROCESSING_RETRY_POLICY);
    expect(describeRetryLayering(layering)).toBe(
      'app-mesh, RETRY_MODE=app: the policy is applied by ingestion in-process and Envoy (the App Mesh route); at most 13 app attempt(s) × 13 Envoy attempts = 169 call(s) reach processing per event. ' +
        'PROBLEM: the retry policy is applied twice: ingestion retries in-process (RETRY_MODE=app) and Envoy retries each of those attempts on the App Mesh route, ' +
        'so up to 13 × 13 = 169 calls reach processing for one event instead of 13. Use RETRY_MODE=mesh with App Mesh.',
    );
    const stack = new DataPipelineStack(Testing.app(), 'ev-pipeline-dev', { config: ENVIRONMENTS.dev, retryMode: RetryMode.APP });
    expect(() => Testing.synth(stack, true)).toThrow(/Stack 'ev-pipeline-dev': the retry policy is applied twice/);
  });

  test("the App Mesh stack's report: Envoy retries, 13 calls at most, 13 of 13 attempts within the route's 70 s", () => {
    const stack = new DataPipelineStack(Testing.app(), 'ev-pipeline-dev', { config: ENVIRONMENTS.dev });
    expect(retryBudgetReport(stack)).toEqual([
      'ev-pipeline-dev:',
      '  app-mesh, RETRY_MODE=mesh: the policy is applied by Envoy (the App Mesh route); at most 1 app attempt(s) × 13 Envoy attempts = 13 call(s) reach processing per event',
      "  App Mesh: ev-pipeline-dev/DataIngestion/VirtualNode → ev-pipeline-dev/DataProcessing/Route: at most 13 call(s) reach the target per request (1 app attempt(s) × 13 proxy attempt(s): Envoy: 1 + the route's maxRetries 12); retried by the App Mesh proxy: 13 of 13 attempt(s) fit, each ≤ 5 s (the per-retry timeout), all within 70 s (the route's per-request timeout)",
    ]);
  });
});
