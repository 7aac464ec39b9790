import { Testing } from 'cdktf';
import { AppmeshRoute } from '@cdktf/provider-aws/lib/appmesh-route';
import { Duration } from '../../../modules/core/duration';
import { HttpRetryEvent, TcpRetryEvent } from '../../../modules/retry/retry-events';
import { RetryPolicy, type RetryPolicySpec } from '../../../modules/retry/retry-policy';
import { Route } from '../../../modules/app-mesh/route';
import { VirtualNode } from '../../../modules/app-mesh/virtual-node';
import { meshWithRouter, node, onlyResource, refOf, synthJson } from '../fixture';

/** Retry gateway and connection errors 12 times, 5 s per attempt, written with the API's strings. */
const TWELVE_RETRIES: RetryPolicySpec = {
  httpRetryEvents: ['gateway-error'],
  tcpRetryEvents: ['connection-error'],
  maxRetries: 12,
  perRetryTimeoutMs: 5_000,
};

Testing.setupJest();

describe('Route', () => {
  test('renders a retry policy given with API strings exactly as App Mesh takes it', () => {
    // GIVEN
    const { stack, router, target } = meshWithRouter();
    // WHEN
    new Route(stack, 'Route', {
      router,
      name: 'dev-ev-data-processing-service',
      weightedTargets: [{ virtualNode: target, weight: 1 }],
      retryPolicy: RetryPolicy.fromSpec(TWELVE_RETRIES),
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

  test('takes the enums as well as the strings', () => {
    const { stack, router, target } = meshWithRouter();
    new Route(stack, 'Route', {
      router,
      name: 'r',
      weightedTargets: [{ virtualNode: target }],
      retryPolicy: RetryPolicy.fromSpec({
        ...TWELVE_RETRIES,
        httpRetryEvents: [HttpRetryEvent.SERVER_ERROR],
        tcpRetryEvents: [TcpRetryEvent.CONNECTION_ERROR],
      }),
    });
    expect(onlyResource(synthJson(stack), 'aws_appmesh_route').spec.http_route.retry_policy.http_retry_events).toEqual(['server-error']);
  });

  test('routes to a node imported by name, and is added through the router', () => {
    const { stack, mesh, router } = meshWithRouter();
    const existing = VirtualNode.fromVirtualNodeName(stack, 'Existing', mesh, 'orders-v1');
    const route = router.addRoute('Route', { name: 'r', weightedTargets: [{ virtualNode: existing }] });
    expect(route.node.path).toBe('test/Router/Route');
    expect(onlyResource(synthJson(stack), 'aws_appmesh_route').spec.http_route.action.weighted_target).toEqual([
      { virtual_node: 'orders-v1', weight: 1 },
    ]);
  });

  test('renders sub-second per-retry timeouts in milliseconds', () => {
    const { stack, router, target } = meshWithRouter();
    new Route(stack, 'Route', {
      router,
      name: 'r',
      weightedTargets: [{ virtualNode: target }],
      retryPolicy: RetryPolicy.fromSpec({ ...TWELVE_RETRIES, maxRetries: 2, perRetryTimeoutMs: 750 }),
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
        ...(overrides.prefix !== undefined ? { prefix: overrides.prefix } : {}),
        ...(overrides.priority !== undefined ? { priority: overrides.priority } : {}),
        weightedTargets: weights.map((weight, i) => ({ virtualNode: i === 0 ? target : other, weight })),
        ...(overrides.spec ? { retryPolicy: RetryPolicy.fromSpec({ ...TWELVE_RETRIES, ...overrides.spec }) } : {}),
      });
    }

    test('a negative retry count', () => {
      expect(() => routeWith({ spec: { maxRetries: -1 } })).toThrow(
        /Route 'test\/Route': invalid prop 'retryPolicy\.maxRetries': must be a whole number of at least 0, got -1/,
      );
    });

    test('an unknown HTTP retry event', () => {
      expect(() => routeWith({ spec: { httpRetryEvents: ['teapot-error' as HttpRetryEvent] } })).toThrow(
        /Route 'test\/Route': invalid prop 'retryPolicy\.httpRetryEvents\[0\]': unknown event 'teapot-error' \(string\); known: server-error, gateway-error, client-error, stream-error/,
      );
    });

    test('an unknown TCP retry event', () => {
      expect(() => routeWith({ spec: { tcpRetryEvents: ['reset' as TcpRetryEvent] } })).toThrow(
        /Route 'test\/Route': invalid prop 'retryPolicy\.tcpRetryEvents\[0\]': unknown event 'reset' \(string\)/,
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
      expect(() => routeWith({ weights: [90, 101] })).toThrow(
        /Route 'test\/Route': invalid prop 'weightedTargets\[1\]\.weight': must be an integer from 0 to 100, got 101/,
      );
    });

    test('a priority above 1000', () => {
      expect(() => routeWith({ priority: 1001 })).toThrow(/Route.*'priority'/);
    });

    test('a prefix without a leading slash', () => {
      expect(() => routeWith({ prefix: 'ev' })).toThrow(/Route.*'prefix'/);
    });
  });
});
