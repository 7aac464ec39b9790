import type { IConstruct } from 'constructs';
import { Route } from './route';
import type { CallPathBudget } from '../retry/call-path-budget';
import { routeRetrySchedule } from './retry-budget';

/**
 * The call-path budgets of the App Mesh routes with retries under `scope`:
 * Envoy applies the route's policy, so each app attempt becomes up to
 * 1 + maxRetries calls. The library assumes the calling apps do not retry
 * themselves (one app attempt); an app that does multiplies the figure.
 */
export function appMeshCallPathBudgets(scope: IConstruct): CallPathBudget[] {
  return scope.node
    .findAll()
    .filter((c): c is Route => c instanceof Route)
    .flatMap((route) => {
      const schedule = routeRetrySchedule(route);
      if (!schedule) return [];
      const { policy } = schedule;
      return [
        {
          dataPlane: 'App Mesh' as const,
          caller: schedule.callers.map((caller) => caller.node.path).join(', ') || '(no calling node in this app)',
          target: route.node.path,
          appAttempts: 1,
          proxyAttempts: policy.maxAttempts,
          proxyAttemptsSource: `Envoy: 1 + the route's maxRetries ${policy.spec.maxRetries}`,
          worstCaseCalls: policy.maxAttempts,
          retriedBy: 'proxy' as const,
          attempts: policy.maxAttempts,
          fit: schedule.fit,
          perAttempt: schedule.attempt,
          deadline: schedule.budget,
        },
      ];
    });
}
