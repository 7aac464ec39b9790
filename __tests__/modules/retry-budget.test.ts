import { AnnotationMetadataEntryType, Testing } from 'cdktf';
import { ENVOY_DEFAULT_BACKOFF, PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import { Duration } from '../../modules/core/duration';
import { RetryPolicy } from '../../modules/mesh/retry-policy';
import { Route } from '../../modules/mesh/route';
import { VirtualService, VirtualServiceProvider } from '../../modules/mesh/virtual-service';
import { VirtualNode } from '../../modules/mesh/virtual-node';
import { VirtualNodeListener } from '../../modules/mesh/virtual-node-listener';
import { ServiceDiscovery } from '../../modules/mesh/service-discovery';
import { attemptsWithinBudget, worstCaseBackoffMs, worstCaseScheduleMs } from '../../modules/validation/retry-budget';
import { meshWithRouter, node } from './fixture';

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

/** caller node → virtual service → router → route → target node, with the given timeouts. */
function callPath(timeouts: { route?: number; caller?: number; target?: number }) {
  const { stack, mesh, router } = meshWithRouter();
  const seconds = (s?: number) => (s === undefined ? undefined : Duration.seconds(s));
  const target = node(stack, 'Processing', mesh, 3001, seconds(timeouts.target));
  const service = new VirtualService(stack, 'ProcessingService', {
    mesh,
    name: 'data-processing.dev.internal',
    provider: VirtualServiceProvider.virtualRouter(router),
  });
  new VirtualNode(stack, 'Ingestion', {
    mesh,
    name: 'ingestion',
    listener: VirtualNodeListener.http({
      port: 3000,
      timeout: timeouts.caller ? { perRequest: Duration.seconds(timeouts.caller) } : undefined,
    }),
    serviceDiscovery: ServiceDiscovery.cloudMap('ns', 'data-ingestion'),
    backends: [service],
  });
  const route = new Route(stack, 'Route', {
    router,
    name: 'route',
    weightedTargets: [{ virtualNode: target }],
    retryPolicy: RetryPolicy.fromSpec(PROCESSING_RETRY_POLICY),
    timeout: timeouts.route ? { perRequest: Duration.seconds(timeouts.route) } : undefined,
  });
  return { stack, route };
}

function warningsOf(route: Route): string[] {
  return route.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

describe('RetryBudgetValidation', () => {
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

  test('ignores routes without retries', () => {
    const { stack, router, target } = meshWithRouter();
    const route = new Route(stack, 'Route', { router, name: 'r', weightedTargets: [{ virtualNode: target }] });
    Testing.synth(stack, true);
    expect(warningsOf(route)).toEqual([]);
  });
});
