import type { PathTimeout } from './retry-schedule';

/** The data planes whose call paths this library checks. */
export type DataPlaneName = 'App Mesh' | 'Service Connect';

/**
 * The retry budget of one call path (a caller calling a service), in the
 * same terms for every data plane: how many calls can reach the service for
 * one request the caller serves, which layer retries, and how many of that
 * layer's attempts fit before a timeout cuts them when every attempt is slow.
 */
export interface CallPathBudget {
  /** The data plane that carries the calls. */
  readonly dataPlane: DataPlaneName;
  /** The caller (construct paths). */
  readonly caller: string;
  /** The called service or route (construct path). */
  readonly target: string;
  /** Attempts the caller's app makes per call (1 when the app does not retry). */
  readonly appAttempts: number;
  /** Attempts the data plane's proxy makes per app attempt (1 + its retries). */
  readonly proxyAttempts: number;
  /** Where {@link proxyAttempts} comes from, for the report. */
  readonly proxyAttemptsSource: string;
  /** The most calls that reach the target for one request of the caller: appAttempts × proxyAttempts. */
  readonly worstCaseCalls: number;
  /** Which layer applies the retry policy: the app in-process, the proxy, or nobody. */
  readonly retriedBy: 'app' | 'proxy' | 'nobody';
  /** The attempts of that layer's policy (1 when nobody retries). */
  readonly attempts: number;
  /** How many of them fit within {@link deadline} when every attempt runs into {@link perAttempt}. */
  readonly fit: number;
  /** What bounds one attempt. */
  readonly perAttempt: PathTimeout;
  /** What bounds all attempts of one call together. */
  readonly deadline: PathTimeout;
}

/** One line that reports `budget`, as `npm run`-style reports and logs show it. */
export function describeCallPathBudget(budget: CallPathBudget): string {
  const layer = { app: 'the app (in-process)', proxy: `the ${budget.dataPlane} proxy`, nobody: 'nobody' }[budget.retriedBy];
  return (
    `${budget.dataPlane}: ${budget.caller} → ${budget.target}: at most ${budget.worstCaseCalls} call(s) reach the target per request ` +
    `(${budget.appAttempts} app attempt(s) × ${budget.proxyAttempts} proxy attempt(s): ${budget.proxyAttemptsSource}); ` +
    `retried by ${layer}: ${budget.fit} of ${budget.attempts} attempt(s) fit, each ≤ ${budget.perAttempt.timeout} (${budget.perAttempt.source}), ` +
    `all within ${budget.deadline.timeout} (${budget.deadline.source})`
  );
}
