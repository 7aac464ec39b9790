import { Annotations } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { Duration } from '../core/duration';
import type { RetryBackoffSpec } from './retry-backoff';

/*
 * How long retries take when every attempt is slow, whatever layer applies
 * them (a proxy such as Envoy, or the app in-process): k attempts of at most
 * `perAttempt` each take k × perAttempt + Σ_{n=1}^{k-1} min(cap, (2^n − 1) × base)
 * with a fully jittered exponential back-off of base interval `base` and cap
 * `cap` (Envoy's router filter: "the back-off for the retry is in the range
 * [0, (2^N-1)B)", capped at the max interval).
 * https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter
 */

/** The worst-case back-off before retry number `retry` (1-based), in milliseconds. */
export function worstCaseBackoffMs(retry: number, backoff: RetryBackoffSpec): number {
  return Math.min(backoff.maxIntervalMs, (2 ** retry - 1) * backoff.baseIntervalMs);
}

/** The worst-case duration of `attempts` attempts that each run into `perAttemptMs`, back-off included, in milliseconds. */
export function worstCaseScheduleMs(attempts: number, perAttemptMs: number, backoff: RetryBackoffSpec): number {
  let total = attempts * perAttemptMs;
  for (let retry = 1; retry < attempts; retry++) total += worstCaseBackoffMs(retry, backoff);
  return total;
}

/** How many of `maxAttempts` slow attempts complete within `budgetMs`. */
export function attemptsWithinBudget(maxAttempts: number, perAttemptMs: number, budgetMs: number, backoff: RetryBackoffSpec): number {
  let fit = 0;
  while (fit < maxAttempts && worstCaseScheduleMs(fit + 1, perAttemptMs, backoff) <= budgetMs) fit++;
  return fit;
}

/**
 * Context key that turns retry-budget warnings into synthesis errors:
 * `new App({ context: { [STRICT_RETRY_BUDGET_CONTEXT]: true } })`, or the
 * `context` of `cdktf.json`.
 */
export const STRICT_RETRY_BUDGET_CONTEXT = 'cdktf-mesh-constructs:strictRetryBudget';

/** Set by the cdktf CLI when it runs the app; the CLI prints annotations itself. */
const CDKTF_CLI_MARKER = 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS';

/** A timeout along the call path, with where it comes from. */
export interface PathTimeout {
  /** The timeout. */
  readonly timeout: Duration;
  /** Where it is set, for messages. */
  readonly source: string;
}

/**
 * The smallest of the timeouts (the first one on a tie).
 * @internal
 */
export function smallestTimeout(first: PathTimeout, others: readonly PathTimeout[]): PathTimeout {
  return others.reduce((min, next) => (next.timeout.toMilliseconds() < min.timeout.toMilliseconds() ? next : min), first);
}

/**
 * Reports a retry-budget `finding` about `construct` the way every budget
 * check of this library does: an error when `fatal` or under
 * {@link STRICT_RETRY_BUDGET_CONTEXT} (returned, for an `IValidation`), else
 * a warning annotation that is also printed to stderr when the cdktf CLI is
 * not there to print it.
 * @internal
 */
export function reportRetryBudgetFinding(construct: IConstruct, subject: string, finding: string, fatal: boolean): string[] {
  const strictSetting: unknown = construct.node.tryGetContext(STRICT_RETRY_BUDGET_CONTEXT);
  const strict = strictSetting === true || strictSetting === 'true';
  if (fatal) return [`${subject}: ${finding}`];
  if (strict) return [`${subject}: ${finding} (${STRICT_RETRY_BUDGET_CONTEXT} is on)`];
  Annotations.of(construct).addWarning(finding);
  if (!process.env[CDKTF_CLI_MARKER]) console.warn(`WARN [${construct.node.path}]: ${finding}`);
  return [];
}
