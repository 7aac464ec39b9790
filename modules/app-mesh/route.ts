import { renderRouteRetryPolicy } from './route-retry-policy';
import { Construct } from 'constructs';
import { AppmeshRoute } from '@cdktf/provider-aws/lib/appmesh-route';
import type { Duration } from '../core/duration';
import { describeValue, InvalidPropError, requireIntegerInRange } from '../core/prop-error';
import { RetryBudgetValidation } from './retry-budget';
import { ENVOY_DEFAULT_BACKOFF, type RetryBackoffSpec } from '../retry/retry-backoff';
import type { RetryPolicy } from '../retry/retry-policy';
import { effectivePerRequestTimeout, renderHttpTimeout, type HttpTimeout } from './timeouts';
import type { IVirtualRouter } from './virtual-router';
import type { WeightedTarget } from './weighted-target';

export interface RouteOptions {
  /** Name of the route. */
  readonly name: string;
  /** Path prefix the route matches; must start with '/'. @default '/' */
  readonly prefix?: string;
  /** Nodes that receive the traffic, with weights (1-10 targets). */
  readonly weightedTargets: readonly WeightedTarget[];
  /** Priority among the router's routes, 0 (highest) to 1000. @default 1 */
  readonly priority?: number;
  /** Retry policy of the route. @default no retries */
  readonly retryPolicy?: RetryPolicy;
  /** Timeouts of the route; the per-request timeout covers all retries. @default App Mesh's: 15 s per request */
  readonly timeout?: HttpTimeout;
  /** Envoy's retry back-off, for the retry-budget check only (App Mesh does not expose it). @default ENVOY_DEFAULT_BACKOFF (25 ms base, 250 ms cap) */
  readonly backoff?: RetryBackoffSpec;
  /**
   * How the retry-budget check names the timeouts to change, when a
   * composite made the route from props of its own (e.g. `MeshedService`:
   * `spec.timeouts.call`). @default the route's and listeners' own props
   */
  readonly timeoutsAsWritten?: TimeoutsAsWritten;
}

/** The props, as a composite's user writes them, that set a route's timeouts. */
export interface TimeoutsAsWritten {
  /** The construct the user wrote, e.g. `MeshedService 'stack/Orders'`. */
  readonly owner: string;
  /** Its prop that sets the route's per-request timeout, e.g. `spec.timeouts.call`. */
  readonly routeTimeout: string;
  /** The prop that sets the callers' request timeouts, e.g. `spec.timeouts.request`. */
  readonly callerTimeout: string;
}

export interface RouteProps extends RouteOptions {
  /** The router the route belongs to. */
  readonly router: IVirtualRouter;
}

/**
 * An HTTP route of a virtual router: prefix match, weighted targets, retry
 * policy and timeouts. Its retry budget is checked at synthesis (see
 * {@link RetryBudgetValidation}).
 */
export class Route extends Construct {
  /** The route's name. */
  public readonly routeName: string;
  /** The route's ARN. */
  public readonly routeArn: string;
  /** The router of the route. */
  public readonly router: IVirtualRouter;
  /** The route's targets. */
  public readonly weightedTargets: readonly WeightedTarget[];
  /** The route's retry policy, if any. */
  public readonly retryPolicy: RetryPolicy | undefined;
  /** Envoy's retry back-off assumed by the retry-budget check. */
  public readonly backoff: RetryBackoffSpec;
  /** How the retry-budget check names the timeouts to change. */
  public readonly timeoutsAsWritten: TimeoutsAsWritten | undefined;
  /** The per-request timeout in force on this route (App Mesh's 15 s when unset). */
  public readonly perRequestTimeout: Duration;

  constructor(scope: Construct, id: string, props: RouteProps) {
    super(scope, id);
    const owner = `Route '${this.node.path}'`;
    const prefix = props.prefix ?? '/';
    if (!prefix.startsWith('/')) throw new InvalidPropError(owner, 'prefix', `must start with '/', got ${describeValue(prefix)}`);
    const priority = props.priority ?? 1;
    requireIntegerInRange(owner, 'priority', priority, 0, 1_000);
    const weights = requireWeightedTargets(owner, 'weightedTargets', props.weightedTargets);

    this.router = props.router;
    this.weightedTargets = props.weightedTargets;
    this.retryPolicy = props.retryPolicy;
    this.backoff = props.backoff ?? ENVOY_DEFAULT_BACKOFF;
    this.timeoutsAsWritten = props.timeoutsAsWritten;
    this.perRequestTimeout = effectivePerRequestTimeout(props.timeout);

    const timeout = renderHttpTimeout(props.timeout);
    const route = new AppmeshRoute(this, 'Resource', {
      name: props.name,
      meshName: props.router.mesh.meshName,
      virtualRouterName: props.router.virtualRouterName,
      spec: {
        priority,
        httpRoute: {
          match: { prefix },
          ...(props.retryPolicy ? { retryPolicy: renderRouteRetryPolicy(props.retryPolicy, owner) } : {}),
          ...(timeout ? { timeout } : {}),
          action: {
            weightedTarget: props.weightedTargets.map((target, index) => ({
              virtualNode: target.virtualNode.virtualNodeName,
              weight: weights[index] ?? 1,
            })),
          },
        },
      },
    });
    this.routeName = route.name;
    this.routeArn = route.arn;
    this.node.addValidation(new RetryBudgetValidation(this));
  }
}

/**
 * Checks the targets of a route (1-10, weights 0-100 that do not sum to 0)
 * and returns their weights; `prop` is the prop as the caller wrote it.
 * @internal
 */
export function requireWeightedTargets(owner: string, prop: string, targets: readonly { readonly weight?: number }[]): number[] {
  requireIntegerInRange(owner, `${prop} (count)`, targets.length, 1, 10);
  const weights = targets.map((target, index) => {
    const weight = target.weight ?? 1;
    requireIntegerInRange(owner, `${prop}[${index}].weight`, weight, 0, 100);
    return weight;
  });
  if (weights.reduce((sum, weight) => sum + weight, 0) === 0) {
    throw new InvalidPropError(owner, prop, 'the weights sum to 0, so no target would receive traffic');
  }
  return weights;
}
