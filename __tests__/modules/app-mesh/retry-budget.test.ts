import { AnnotationMetadataEntryType, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Duration } from '../../../modules/core/duration';
import { Mesh } from '../../../modules/app-mesh/mesh';
import { ENVOY_DEFAULT_BACKOFF } from '../../../modules/retry/retry-backoff';
import { RetryPolicy, type RetryPolicySpec } from '../../../modules/retry/retry-policy';
import { VirtualRouter } from '../../../modules/app-mesh/virtual-router';
import { Route } from '../../../modules/app-mesh/route';
import { VirtualService, VirtualServiceProvider } from '../../../modules/app-mesh/virtual-service';
import { VirtualNode } from '../../../modules/app-mesh/virtual-node';
import { VirtualNodeListener } from '../../../modules/app-mesh/virtual-node-listener';
import { ServiceDiscovery } from '../../../modules/app-mesh/service-discovery';
import {
  attemptsWithinBudget,
  STRICT_RETRY_BUDGET_CONTEXT,
  worstCaseBackoffMs,
  worstCaseScheduleMs,
} from '../../../modules/retry/retry-schedule';
import { meshWithRouter, node } from '../fixture';

/** Retry gateway and connection errors 12 times, 5 s per attempt: 13 attempts. */
const TWELVE_RETRIES: RetryPolicySpec = {
  httpRetryEvents: ['gateway-error'],
  tcpRetryEvents: ['connection-error'],
  maxRetries: 12,
  perRetryTimeoutMs: 5_000,
};

describe('retry budget arithmetic (Envoy: full jitter, back-off before retry N < (2^N - 1) x 25 ms, capped at 250 ms)', () => {
  test('worst-case back-off grows and caps', () => {
    expect([1, 2, 3, 4, 12].map((n) => worstCaseBackoffMs(n, ENVOY_DEFAULT_BACKOFF))).toEqual([25, 75, 175, 250, 250]);
  });

  test("the article's 13 slow attempts need 67.525 s", () => {
    // 13 x 5 s + (25 + 75 + 175 + 9 x 250) ms
    expect(worstCaseScheduleMs(13, 5_000, ENVOY_DEFAULT_BACKOFF)).toBe(67_525);
  });

  test("App Mesh's default 15 s lets only 2 slow attempts of the article's 13 complete", () => {
    expect(attemptsWithinBudget(13, 5_000, 15_000, ENVOY_DEFAULT_BACKOFF)).toBe(2);
    expect(attemptsWithinBudget(13, 5_000, 70_000, ENVOY_DEFAULT_BACKOFF)).toBe(13);
  });
});

interface CallPathTimeouts {
  /** Seconds or a Duration; undefined: App Mesh's default. */
  readonly route?: number | Duration;
  readonly caller?: number | Duration;
  readonly target?: number | Duration;
}

/** caller node → virtual service → router → route → target node, with the given timeouts, in a stack of an app with `context`. */
function callPath(timeouts: CallPathTimeouts, policy: RetryPolicySpec = TWELVE_RETRIES, context: Record<string, unknown> = {}) {
  const stack = new TerraformStack(Testing.app({ context }), 'test');
  new AwsProvider(stack, 'aws', { region: 'ap-northeast-1' });
  const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
  const router = new VirtualRouter(stack, 'Router', { mesh, name: 'router', port: 3001 });
  const duration = (value?: number | Duration) => (typeof value === 'number' ? Duration.seconds(value) : value);
  const perRequest = (value?: number | Duration) => {
    const d = duration(value);
    return d ? { timeout: { perRequest: d } } : {};
  };
  const target = node(stack, 'Processing', mesh, 3001, duration(timeouts.target));
  const service = new VirtualService(stack, 'ProcessingService', {
    mesh,
    name: 'data-processing.dev.internal',
    provider: VirtualServiceProvider.virtualRouter(router),
  });
  new VirtualNode(stack, 'Ingestion', {
    mesh,
    name: 'ingestion',
    listener: VirtualNodeListener.http({ port: 3000, ...perRequest(timeouts.caller) }),
    serviceDiscovery: ServiceDiscovery.cloudMap('ns', 'data-ingestion'),
    backends: [service],
  });
  const route = new Route(stack, 'Route', {
    router,
    name: 'route',
    weightedTargets: [{ virtualNode: target }],
    retryPolicy: RetryPolicy.fromSpec(policy),
    ...perRequest(timeouts.route),
  });
  return { stack, route };
}

function warningsOf(route: Route): string[] {
  return route.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

/** The value the warning tells to set the route and callers' listeners to. */
function recommendedIn(warning: string): Duration {
  const match = /listener per-request timeouts of its callers to at least (\d+) ms/.exec(warning);
  if (!match?.[1]) throw new Error(`no recommendation in: ${warning}`);
  return Duration.millis(Number(match[1]));
}

describe('RetryBudgetValidation', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => stderr.mockRestore());

  test('passes silently when the route and every listener on the path allow all 13 attempts', () => {
    const { stack, route } = callPath({ route: 70, caller: 70, target: 70 });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(warningsOf(route)).toEqual([]);
  });

  test("warns with the attempts that fit under App Mesh's default 15 s", () => {
    const { stack, route } = callPath({});
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(warningsOf(route)).toEqual([
      expect.stringMatching(/only 2 of 13 attempts.*need 67525 ms.*the route's per-request timeout is 15 s/),
    ]);
  });

  test('following the advice removes the warning', () => {
    // GIVEN a warning about the default timeouts
    const first = callPath({});
    Testing.synth(first.stack, true);
    const recommended = recommendedIn(warningsOf(first.route)[0]!);
    // WHEN the route and the caller's listener are set as advised
    const { stack, route } = callPath({ route: recommended, caller: recommended });
    Testing.synth(stack, true);
    // THEN
    expect(recommended.toMilliseconds()).toBe(67_525);
    expect(warningsOf(route)).toEqual([]);
  });

  describe('a target listener timeout below the per-retry timeout', () => {
    // 4 attempts; each cut at the target's 1 s instead of 2 s: 4 x 1 s + 275 ms back-off = 4.275 s > the route's 4 s.
    const policy: RetryPolicySpec = { ...TWELVE_RETRIES, maxRetries: 3, perRetryTimeoutMs: 2_000 };

    test('recommends what still fits when that listener is raised, and says that it cuts attempts', () => {
      const { stack, route } = callPath({ route: 4, caller: 70, target: 1 }, policy);
      Testing.synth(stack, true);
      const [warning] = warningsOf(route);
      expect(warning).toMatch(/only 3 of 4 attempts.*need 4275 ms/);
      expect(recommendedIn(warning!).toMilliseconds()).toBe(8_275);
      expect(warning).toMatch(
        /target node 'test\/Processing' \(1 s\) is below the per-retry timeout \(2 s\).*raise it to at least 2 s, or lower perRetryTimeoutMs to 1 s/,
      );
    });

    test.each([
      ['route and caller only', false],
      ['route, caller and the target listener too', true],
    ])('following the advice (%s) removes the warning', (_, raiseTarget) => {
      const recommended = Duration.millis(8_275);
      const { stack, route } = callPath({ route: recommended, caller: recommended, target: raiseTarget ? recommended : 1 }, policy);
      Testing.synth(stack, true);
      expect(warningsOf(route)).toEqual([]);
    });
  });

  test("names the calling node's listener when it is the tighter timeout", () => {
    const { stack, route } = callPath({ route: 70, target: 70, caller: 30 });
    Testing.synth(stack, true);
    expect(warningsOf(route)).toEqual([expect.stringMatching(/only 5 of 13.*calling node 'test\/Ingestion' is 30 s/)]);
  });

  test("bounds each attempt by the target node's listener timeout", () => {
    // target listener 2 s < per-retry 5 s: 13 attempts x 2 s + 2.525 s = 28.525 s fit in 30 s
    const { stack, route } = callPath({ route: 30, caller: 30, target: 2 });
    Testing.synth(stack, true);
    expect(warningsOf(route)).toEqual([]);
  });

  test('fails synthesis when not even one retry fits', () => {
    const { stack } = callPath({ route: 8, caller: 70, target: 70 });
    expect(() => Testing.synth(stack, true)).toThrow(/Route 'test\/Route'.*only 1 of 13 attempts.*Not even one retry/);
  });

  test(`fails synthesis for any shortfall under the ${STRICT_RETRY_BUDGET_CONTEXT} context`, () => {
    const { stack } = callPath({}, TWELVE_RETRIES, { [STRICT_RETRY_BUDGET_CONTEXT]: true });
    expect(() => Testing.synth(stack, true)).toThrow(/Route 'test\/Route'.*only 2 of 13 attempts.*strictRetryBudget is on/);
  });

  test('prints the warning to stderr when the cdktf CLI, which prints annotations, does not run the app', () => {
    const { stack } = callPath({});
    Testing.synth(stack, true);
    expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/^WARN \[test\/Route\]: retry budget: only 2 of 13 attempts/));
  });

  test('leaves printing to the cdktf CLI when it runs the app', () => {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
    try {
      const { stack, route } = callPath({});
      Testing.synth(stack, true);
      expect(warningsOf(route)).toHaveLength(1);
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
  });

  test('ignores routes without retries', () => {
    const { stack, router, target } = meshWithRouter();
    const route = new Route(stack, 'Route', { router, name: 'r', weightedTargets: [{ virtualNode: target }] });
    Testing.synth(stack, true);
    expect(warningsOf(route)).toEqual([]);
  });
});
