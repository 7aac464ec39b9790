import { Testing } from 'cdktf';
import { AppmeshRoute } from '@cdktf/provider-aws/lib/appmesh-route';
import { HttpRetryEvent, PROCESSING_RETRY_POLICY, TcpRetryEvent, type RetryPolicySpec } from '../../contract/retry-policy';
import { Duration } from '../../modules/core/duration';
import { RetryPolicy } from '../../modules/mesh/retry-policy';
import { Route } from '../../modules/mesh/route';
import { meshWithRouter, node, onlyResource, refOf, synthJson } from './fixture';

Testing.setupJest();

describe('Route', () => {
  test("renders the contract's processing policy exactly as the article", () => {
    // GIVEN
    const { stack, router, target } = meshWithRouter();
    // WHEN
    new Route(stack, 'Route', {
      router,
      name: 'dev-ev-data-processing-service',
      weightedTargets: [{ virtualNode: target, weight: 1 }],
      retryPolicy: RetryPolicy.fromSpec(PROCESSING_RETRY_POLICY),
      timeout: { perRequest: Duration.seconds(70) },
    });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(AppmeshRoute, {
      name: 'dev-ev-data-processing-service',
      virtual_router_name: refOf(router, 'name'),
      spec: {
        priority: 1,
        http_route: {
          match: { prefix: '/' },
          retry_policy: {
            http_retry_events: ['gateway-error'],
            max_retries: 12,
            per_retry_timeout: { unit: 's', value: 5 },
            tcp_retry_events: ['connection-error'],
          },
          timeout: { per_request: { unit: 's', value: 70 } },
          action: { weighted_target: [{ virtual_node: refOf(target, 'name'), weight: 1 }] },
        },
      },
    });
  });

  test('splits traffic between weighted targets (canary)', () => {
    const { stack, mesh, router, target } = meshWithRouter();
    const canary = node(stack, 'Canary', mesh, 3001);
    new Route(stack, 'Route', {
      router,
      name: 'r',
      weightedTargets: [
        { virtualNode: target, weight: 90 },
        { virtualNode: canary, weight: 10 },
      ],
    });
    const route = onlyResource(synthJson(stack), 'aws_appmesh_route');
    expect(route.spec.http_route.action.weighted_target).toEqual([
      { virtual_node: refOf(target, 'name'), weight: 90 },
      { virtual_node: refOf(canary, 'name'), weight: 10 },
    ]);
    expect(route.spec.http_route.retry_policy).toBeUndefined();
  });

  test('renders sub-second per-retry timeouts in milliseconds', () => {
    const { stack, router, target } = meshWithRouter();
    new Route(stack, 'Route', {
      router,
      name: 'r',
      weightedTargets: [{ virtualNode: target }],
      retryPolicy: RetryPolicy.fromSpec({ ...PROCESSING_RETRY_POLICY, maxRetries: 2, perRetryTimeoutMs: 750 }),
    });
    const policy = onlyResource(synthJson(stack), 'aws_appmesh_route').spec.http_route.retry_policy;
    expect(policy.per_retry_timeout).toEqual({ unit: 'ms', value: 750 });
  });

  describe('rejects props that cannot work', () => {
    function routeWith(overrides: { spec?: Partial<RetryPolicySpec>; weights?: number[]; priority?: number; prefix?: string }) {
      const { stack, mesh, router, target } = meshWithRouter();
      const other = node(stack, 'Other', mesh, 3001);
      const weights = overrides.weights ?? [1];
      return new Route(stack, 'Route', {
        router,
        name: 'r',
        prefix: overrides.prefix,
        priority: overrides.priority,
        weightedTargets: weights.map((weight, i) => ({ virtualNode: i === 0 ? target : other, weight })),
        retryPolicy: overrides.spec ? RetryPolicy.fromSpec({ ...PROCESSING_RETRY_POLICY, ...overrides.spec }) : undefined,
      });
    }

    test('a negative retry count', () => {
      expect(() => routeWith({ spec: { maxRetries: -1 } })).toThrow(/Route 'test\/Route'.*'retryPolicy\.maxRetries'.*-1/);
    });

    test('an unknown HTTP retry event', () => {
      expect(() => routeWith({ spec: { httpRetryEvents: ['teapot-error' as HttpRetryEvent] } })).toThrow(
        /Route 'test\/Route'.*'retryPolicy\.httpRetryEvents'.*teapot-error/,
      );
    });

    test('an unknown TCP retry event', () => {
      expect(() => routeWith({ spec: { tcpRetryEvents: ['reset' as TcpRetryEvent] } })).toThrow(
        /Route.*'retryPolicy\.tcpRetryEvents'.*reset/,
      );
    });

    test('a policy without any retry event', () => {
      expect(() => routeWith({ spec: { httpRetryEvents: [], tcpRetryEvents: [] } })).toThrow(/Route.*'retryPolicy'.*at least one/);
    });

    test('a per-retry timeout of 0', () => {
      expect(() => routeWith({ spec: { perRetryTimeoutMs: 0 } })).toThrow(/Route.*'retryPolicy\.perRetryTimeoutMs'/);
    });

    test('weights that sum to 0', () => {
      expect(() => routeWith({ weights: [0, 0] })).toThrow(/Route 'test\/Route'.*'weightedTargets'.*sum to 0/);
    });

    test('a weight above 100', () => {
      expect(() => routeWith({ weights: [101] })).toThrow(/Route.*'weightedTargets\.weight'/);
    });

    test('a priority above 1000', () => {
      expect(() => routeWith({ priority: 1001 })).toThrow(/Route.*'priority'/);
    });

    test('a prefix without a leading slash', () => {
      expect(() => routeWith({ prefix: 'ev' })).toThrow(/Route.*'prefix'/);
    });
  });
});
