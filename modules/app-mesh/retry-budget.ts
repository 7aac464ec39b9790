import type { IValidation } from 'constructs';
import { Duration } from '../core/duration';
import type { RetryPolicy } from '../retry/retry-policy';
import {
  attemptsWithinBudget,
  reportRetryBudgetFinding,
  smallestTimeout,
  worstCaseScheduleMs,
  type PathTimeout,
} from '../retry/retry-schedule';
import type { Route } from './route';
import { VirtualNode } from './virtual-node';
import { VirtualService } from './virtual-service';

/*
 * The retry budget of a route: how many of its configured attempts can
 * actually happen before a timeout cuts the request, when every attempt is
 * slow (runs into its per-retry timeout).
 *
 * Sources:
 * - Envoy router filter, "A few notes on how Envoy does retries": "The route
 *   timeout ... includes all retries. Thus if the request timeout is set to
 *   3s, and the first request attempt takes 2.7s, the retry (including
 *   back-off) has .3s to complete." And: "Envoy uses a fully jittered
 *   exponential back-off algorithm for retries with a default base interval
 *   of 25ms. Given a base interval B and retry number N, the back-off for the
 *   retry is in the range [0, (2^N-1)B)", capped at the max interval (default
 *   10 × base = 250 ms).
 *   https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter
 * - App Mesh `HttpTimeout.perRequest`: "The default value is 15 seconds. If you
 *   set a higher timeout, then make sure that the higher value is set for each
 *   App Mesh resource in a conversation ... the timeout should be greater than
 *   15 seconds for the source and destination virtual node and the route."
 *   https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_HttpTimeout.html
 * - App Mesh `HttpRetryPolicy.perRetryTimeout` bounds each attempt.
 *   https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_HttpRetryPolicy.html
 *
 * Model of the call path caller → route → target:
 * - budget = the smallest per-request timeout of the route and of the
 *   listeners of the calling virtual nodes (the caller's inbound request
 *   waits for the whole retry schedule);
 * - one attempt lasts at most min(perRetryTimeout, the target listener's
 *   per-request timeout), since each attempt is a new request into the
 *   target's Envoy;
 * - k attempts take k × attempt + Σ_{n=1}^{k-1} min(cap, (2^n − 1) × base).
 */

/** The retry schedule of a route with retries, as the retry-budget check sees it. */
export interface RouteRetrySchedule {
  /** The route's retry policy. */
  readonly policy: RetryPolicy;
  /** The nodes whose backends include the route's virtual service. */
  readonly callers: readonly VirtualNode[];
  /** What bounds all attempts together: the smallest of the route's and the callers' listener per-request timeouts. */
  readonly budget: PathTimeout;
  /** What bounds one attempt: the smaller of the per-retry timeout and the targets' listener per-request timeouts. */
  readonly attempt: PathTimeout;
  /** The per-retry timeout. */
  readonly perRetry: PathTimeout;
  /** How many attempts fit in the budget when every attempt is slow. */
  readonly fit: number;
}

/**
 * The retry schedule of `route`, or undefined when it has no retries.
 * @internal
 */
export function routeRetrySchedule(route: Route): RouteRetrySchedule | undefined {
  const policy = route.retryPolicy;
  if (!policy || policy.spec.maxRetries === 0) return undefined;
  const all = route.node.root.node.findAll();
  const services = all.filter((c): c is VirtualService => c instanceof VirtualService && c.provider.router === route.router);
  const callers = all.filter((c): c is VirtualNode => c instanceof VirtualNode && c.backends.some((b) => services.some((s) => s === b)));
  const targets = route.weightedTargets
    .map(({ virtualNode }) => virtualNode)
    .filter((node): node is VirtualNode => node instanceof VirtualNode);

  const budget = smallestTimeout(
    { timeout: route.perRequestTimeout, source: `the route's per-request timeout` },
    callers.map((caller) => ({
      timeout: caller.listener.perRequestTimeout,
      source: `the listener per-request timeout of calling node '${caller.node.path}'`,
    })),
  );
  const perRetry: PathTimeout = { timeout: policy.perRetryTimeout, source: 'the per-retry timeout' };
  const attempt = smallestTimeout(
    perRetry,
    targets.map((target) => ({
      timeout: target.listener.perRequestTimeout,
      source: `the listener per-request timeout of target node '${target.node.path}'`,
    })),
  );
  const fit = attemptsWithinBudget(policy.maxAttempts, attempt.timeout.toMilliseconds(), budget.timeout.toMilliseconds(), route.backoff);
  return { policy, callers, budget, attempt, perRetry, fit };
}

/**
 * The synth-time check of a route's retry budget: a warning when fewer
 * attempts fit than the policy configures, an error when not even one retry
 * fits (or, under `STRICT_RETRY_BUDGET_CONTEXT`, for any shortfall).
 * Warnings are annotations, which the cdktf CLI prints; an app run without
 * the CLI (`node main.js`) prints them to stderr itself. Added to every
 * {@link Route} by its constructor.
 */
export class RetryBudgetValidation implements IValidation {
  constructor(private readonly route: Route) {}

  public validate(): string[] {
    const schedule = routeRetrySchedule(this.route);
    if (!schedule) return [];
    const { policy, budget, attempt, perRetry, fit } = schedule;
    if (fit === policy.maxAttempts) return [];
    const attemptMs = attempt.timeout.toMilliseconds();

    // Recommend what lets every attempt run its full per-retry timeout: it
    // stays enough when a target listener that now cuts attempts short is raised.
    const current = Duration.millis(worstCaseScheduleMs(policy.maxAttempts, attemptMs, this.route.backoff));
    const recommended = Duration.millis(
      worstCaseScheduleMs(policy.maxAttempts, policy.perRetryTimeout.toMilliseconds(), this.route.backoff),
    );
    let finding =
      `retry budget: only ${fit} of ${policy.maxAttempts} attempts (1 + maxRetries ${policy.spec.maxRetries}) ` +
      `fit when every attempt is slow: ${policy.maxAttempts} × ${attempt.timeout} (${attempt.source}) plus ` +
      `Envoy's back-off need ${current}, but ${budget.source} is ${budget.timeout}. ` +
      `${setTimeouts(this.route)} to at least ${recommended}, or lower maxRetries.`;
    if (attempt !== perRetry) {
      finding +=
        ` Note: ${attempt.source} (${attempt.timeout}) is below the per-retry timeout (${perRetry.timeout}) and cuts every attempt ` +
        `short; raise it to at least ${perRetry.timeout}, or lower perRetryTimeoutMs to ${attempt.timeout}.`;
    }
    const written = this.route.timeoutsAsWritten;
    const subject = written ? `${written.owner} (route '${this.route.node.path}')` : `Route '${this.route.node.path}'`;
    if (fit < 2) return reportRetryBudgetFinding(this.route, subject, `${finding} Not even one retry can happen.`, true);
    return reportRetryBudgetFinding(this.route, subject, finding, false);
  }
}

/** What the user sets to give `route` more time, in the words of the construct they wrote. */
function setTimeouts(route: Route): string {
  const written = route.timeoutsAsWritten;
  if (!written) return "Set the route's timeout.perRequest and the listener per-request timeouts of its callers";
  return `Set ${written.routeTimeout} of ${written.owner} and ${written.callerTimeout} of the services that call it`;
}
