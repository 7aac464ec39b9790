import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Duration } from '../../../modules/core/duration';
import { ServiceConnectService } from '../../../modules/service-connect/service-connect-service';
import { appMeshCallPathBudgets } from '../../../modules/app-mesh/app-mesh-call-budget';
import { describeCallPathBudget } from '../../../modules/retry/call-path-budget';
import { STRICT_RETRY_BUDGET_CONTEXT } from '../../../modules/retry/retry-schedule';
import { serviceConnectCallPath, serviceConnectCallPathBudgets } from '../../../modules/service-connect/service-connect-budget';
import { RetryPolicy } from '../../../modules/retry/retry-policy';
import { Route } from '../../../modules/app-mesh/route';
import { VirtualService, VirtualServiceProvider } from '../../../modules/app-mesh/virtual-service';
import { meshWithRouter, newStack, node } from '../fixture';
import { ARTICLE_POLICY, serviceConnectPlatformIn, spec, timeouts } from '../service-connect-fixture';

interface Paths {
  readonly serverSeconds?: number;
  readonly clientSeconds?: number;
  /** The in-process deadline; null: the app does not retry. */
  readonly deadline?: Duration | null;
  readonly clientOnly?: boolean;
  readonly assumedProxyRetries?: number;
  readonly strict?: boolean;
}

/** processing (the article's policy) ← ingestion, with the given timeouts; returns the client. */
function callPath({
  serverSeconds = 6,
  clientSeconds = 70,
  deadline = Duration.seconds(68),
  clientOnly,
  assumedProxyRetries,
  strict,
}: Paths = {}) {
  const app = Testing.app(strict ? { context: { [STRICT_RETRY_BUDGET_CONTEXT]: true } } : {});
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'ap-northeast-1' });
  const platform = serviceConnectPlatformIn(stack);
  const processing = new ServiceConnectService(stack, 'Processing', {
    platform,
    spec: spec('data-processing', 3001, { retryPolicy: ARTICLE_POLICY, timeouts: timeouts(serverSeconds) }),
  });
  const ingestion = new ServiceConnectService(stack, 'Ingestion', {
    platform,
    spec: spec('data-ingestion', 3000, { backends: [processing], ...(clientOnly ? {} : { timeouts: timeouts(clientSeconds) }) }),
    ...(deadline ? { inProcessRetries: { deadline } } : {}),
    ...(clientOnly ? { clientOnly } : {}),
    ...(assumedProxyRetries !== undefined ? { assumedProxyRetries } : {}),
  });
  return { stack, processing, ingestion };
}

function warningsOf(stack: TerraformStack): string[] {
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === '@cdktf/warn')
    .map((m) => String(m.data));
}

describe('the Service Connect retry budget', () => {
  beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test("the pipeline's timeouts: 13 of 13 in-process attempts fit, 13 × (1 + 2 proxy retries) = 39 calls at most", () => {
    // GIVEN / WHEN
    const { stack, ingestion, processing } = callPath();
    const { budget, findings } = serviceConnectCallPath(ingestion, processing);
    // THEN
    expect(findings).toEqual([]);
    expect(budget).toMatchObject({
      dataPlane: 'Service Connect',
      appAttempts: 13,
      proxyAttempts: 3,
      worstCaseCalls: 39,
      retriedBy: 'app',
      attempts: 13,
      fit: 13,
    });
    expect(budget.perAttempt.timeout.toMilliseconds()).toBe(5_000);
    expect(budget.deadline.timeout.toMilliseconds()).toBe(68_000);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(warningsOf(stack)).toEqual([]);
    expect(describeCallPathBudget(budget)).toBe(
      'Service Connect: test/Ingestion → test/Processing: at most 39 call(s) reach the target per request (13 app attempt(s) × 3 proxy attempt(s): ' +
        '1 + 2 assumed proxy retries (assumedProxyRetries)); retried by the app (in-process): 13 of 13 attempt(s) fit, each ≤ 5 s ' +
        "(the retry policy's per-retry timeout), all within 68 s (the in-process deadline of 'test/Ingestion' (inProcessRetries.deadline))",
    );
  });

  test('the proxy retry count is a parameter of the check', () => {
    const { ingestion, processing } = callPath({ assumedProxyRetries: 0 });
    expect(serviceConnectCallPath(ingestion, processing).budget).toMatchObject({ proxyAttempts: 1, worstCaseCalls: 13 });
  });

  test('a deadline too short for the schedule warns, saying what to set; following the advice removes the warning', () => {
    const { stack } = callPath({ deadline: Duration.seconds(30) });
    Testing.synth(stack, true);
    expect(warningsOf(stack)).toEqual([
      expect.stringMatching(
        /^retry budget: only 5 of 13 in-process attempts \(1 \+ maxRetries 12\) fit when every attempt is slow: 13 × 5 s \(the retry policy's per-retry timeout\) plus the back-off need 67525 ms, but the in-process deadline of 'test\/Ingestion' \(inProcessRetries\.deadline\) is 30 s\. Set inProcessRetries\.deadline \(and the app's own deadline\) and the spec\.timeouts of 'test\/Ingestion' to at least 67525 ms/,
      ),
    ]);
    expect(console.warn).toHaveBeenCalledWith(expect.stringMatching(/^WARN \[test\/Ingestion\]: retry budget: only 5 of 13/));
    const followed = callPath({ deadline: Duration.millis(67_525), clientSeconds: 68 });
    Testing.synth(followed.stack, true);
    expect(warningsOf(followed.stack)).toEqual([]);
  });

  test("the caller's own per-request timeout bounds the schedule too (its callers wait for it)", () => {
    const { ingestion, processing } = callPath({ clientSeconds: 20 });
    const { budget, findings } = serviceConnectCallPath(ingestion, processing);
    expect(budget.deadline.source).toBe("the per-request timeout of 'test/Ingestion' itself (its callers wait for its calls)");
    expect(budget.fit).toBe(3);
    expect(findings[0]?.message).toMatch(/only 3 of 13 in-process attempts/);
  });

  test('a client-only caller has no inbound timeout to check', () => {
    const { ingestion, processing } = callPath({ clientOnly: true });
    expect(serviceConnectCallPath(ingestion, processing).budget.fit).toBe(13);
  });

  test('a proxy per-request timeout below the per-retry timeout cuts every attempt short', () => {
    const { ingestion, processing } = callPath({ serverSeconds: 3 });
    const { budget, findings } = serviceConnectCallPath(ingestion, processing);
    expect(budget.perAttempt.timeout.toMilliseconds()).toBe(3_000);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^the per-request timeout of 'data-processing' \(its Service Connect proxy\) is 3 s, below the retry policy's per-retry timeout \(5 s\): the proxy cuts every attempt short\. Set the spec\.timeouts of 'data-processing' to more than 5 s/,
      ),
    ]);
  });

  test('not even one retry fits: synthesis fails', () => {
    const { stack } = callPath({ deadline: Duration.seconds(7) });
    expect(() => Testing.synth(stack, true)).toThrow(
      /ServiceConnectService 'test\/Ingestion': retry budget: only 1 of 13 .* Not even one retry can happen\./,
    );
  });

  test('under the strict context, any shortfall fails synthesis', () => {
    const { stack } = callPath({ deadline: Duration.seconds(30), strict: true });
    expect(() => Testing.synth(stack, true)).toThrow(
      /only 5 of 13 in-process attempts .*\(cdktf-mesh-constructs:strictRetryBudget is on\)/,
    );
  });

  test('a server policy that no caller applies is reported, never dropped in silence', () => {
    const { stack, ingestion, processing } = callPath({ deadline: null });
    const { budget, findings } = serviceConnectCallPath(ingestion, processing);
    expect(budget).toMatchObject({ retriedBy: 'nobody', appAttempts: 1, worstCaseCalls: 3 });
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^the retry policy of 'data-processing' \(maxRetries 12\) is applied by nobody: Service Connect has no configurable retries/,
      ),
    ]);
    Testing.synth(stack, true);
    expect(warningsOf(stack)).toHaveLength(1);
  });

  test('serviceConnectCallPathBudgets finds every call path of a scope', () => {
    const { stack } = callPath();
    expect(serviceConnectCallPathBudgets(stack).map((b) => `${b.caller} → ${b.target}`)).toEqual(['test/Ingestion → test/Processing']);
  });
});

describe('App Mesh call-path budgets', () => {
  test("a route's budget in the same terms: Envoy makes 1 + maxRetries attempts per app attempt, within the route's default 15 s", () => {
    // GIVEN a caller node whose backend is the router's virtual service
    const { stack, mesh, router, target } = meshWithRouter();
    const service = new VirtualService(stack, 'Service', {
      mesh,
      name: 'svc.dev.example.internal',
      provider: VirtualServiceProvider.virtualRouter(router),
    });
    const caller = node(stack, 'Caller', mesh, 3000, Duration.seconds(70));
    caller.addBackend(service);
    new Route(stack, 'Route', {
      router,
      name: 'route',
      weightedTargets: [{ virtualNode: target, weight: 1 }],
      retryPolicy: RetryPolicy.fromSpec(ARTICLE_POLICY),
    });
    // WHEN
    const [budget, ...others] = appMeshCallPathBudgets(stack);
    // THEN
    expect(others).toEqual([]);
    expect(budget).toMatchObject({
      dataPlane: 'App Mesh',
      caller: 'test/Caller',
      target: 'test/Route',
      appAttempts: 1,
      proxyAttempts: 13,
      worstCaseCalls: 13,
    });
    expect(budget!.fit).toBe(2);
    expect(describeCallPathBudget(budget!)).toMatch(
      /retried by the App Mesh proxy: 2 of 13 attempt\(s\) fit, each ≤ 5 s \(the per-retry timeout\), all within 15 s/,
    );
  });

  test('a route without retries has no budget', () => {
    const { stack, router, target } = meshWithRouter();
    new Route(stack, 'Route', { router, name: 'route', weightedTargets: [{ virtualNode: target, weight: 1 }] });
    expect(appMeshCallPathBudgets(newStack())).toEqual([]);
    expect(appMeshCallPathBudgets(stack)).toEqual([]);
  });
});
