import type { IValidation } from 'constructs';
import { ASSUMED_SERVICE_CONNECT_PROXY_RETRIES, type RetryPolicySpec } from '@ev-pipeline/cdktf-mesh-constructs';
import { RetryMode } from '../contract/services';
import { DataPlane } from './data-plane';

/**
 * Who applies the processing call's retry policy in one stack, and how many
 * calls that lets reach processing for one client request. Envoy under App
 * Mesh applies the route's policy; ingestion applies the same policy object
 * in-process when `RETRY_MODE=app`; the Service Connect proxy retries on its
 * own a few times whatever is configured (ASSUMED_SERVICE_CONNECT_PROXY_RETRIES).
 */
export interface RetryLayering {
  /** The stack's data plane. */
  readonly dataPlane: DataPlane;
  /** Ingestion's `RETRY_MODE`. */
  readonly retryMode: RetryMode;
  /** Attempts ingestion makes per event (1 + maxRetries when it retries in-process). */
  readonly appAttempts: number;
  /** Attempts the data plane makes per app attempt: Envoy's 1 + maxRetries, or 1 + the Service Connect proxy's assumed retries. */
  readonly proxyAttempts: number;
  /** The most calls that reach processing for one client request. */
  readonly worstCaseCalls: number;
  /** The layers that apply the policy: none, one, or (a mistake) two. */
  readonly appliedBy: readonly ('ingestion in-process' | 'Envoy (the App Mesh route)')[];
  /** What is wrong, if anything: the policy applied twice, or by nobody although retries were meant. */
  readonly problem: string | undefined;
}

/** The layering of `policy` on `dataPlane` when ingestion runs with `retryMode`. */
export function retryLayering(
  dataPlane: DataPlane,
  retryMode: RetryMode,
  policy: RetryPolicySpec,
  assumedProxyRetries = ASSUMED_SERVICE_CONNECT_PROXY_RETRIES,
): RetryLayering {
  const attempts = policy.maxRetries + 1;
  const appRetries = retryMode === RetryMode.APP;
  const meshRetries = dataPlane === DataPlane.APP_MESH;
  const appAttempts = appRetries ? attempts : 1;
  const proxyAttempts = meshRetries ? attempts : 1 + assumedProxyRetries;
  const appliedBy = [
    ...(appRetries ? (['ingestion in-process'] as const) : []),
    ...(meshRetries ? (['Envoy (the App Mesh route)'] as const) : []),
  ];
  let problem: string | undefined;
  if (appliedBy.length === 2) {
    problem =
      `the retry policy is applied twice: ingestion retries in-process (RETRY_MODE=${retryMode}) and Envoy retries each of those ` +
      `attempts on the App Mesh route, so up to ${appAttempts} × ${proxyAttempts} = ${appAttempts * proxyAttempts} calls reach processing ` +
      `for one event instead of ${attempts}. Use RETRY_MODE=${RetryMode.MESH} with App Mesh.`;
  } else if (appliedBy.length === 0 && retryMode === RetryMode.MESH) {
    problem =
      `the retry policy is applied by nobody: RETRY_MODE=${RetryMode.MESH} leaves retries to a mesh route, and Service Connect has no ` +
      `configurable retry policy. Use RETRY_MODE=${RetryMode.APP} with Service Connect (or ${RetryMode.OFF} to turn retries off on purpose).`;
  }
  return { dataPlane, retryMode, appAttempts, proxyAttempts, worstCaseCalls: appAttempts * proxyAttempts, appliedBy, problem };
}

/** One line that reports `layering`. */
export function describeRetryLayering(layering: RetryLayering): string {
  const by = layering.appliedBy.length === 0 ? 'nobody' : layering.appliedBy.join(' and ');
  const proxy = layering.dataPlane === DataPlane.APP_MESH ? 'Envoy attempts' : 'Service Connect proxy attempts (1 + its assumed retries)';
  return (
    `${layering.dataPlane}, RETRY_MODE=${layering.retryMode}: the policy is applied by ${by}; at most ` +
    `${layering.appAttempts} app attempt(s) × ${layering.proxyAttempts} ${proxy} = ${layering.worstCaseCalls} call(s) reach processing per event` +
    (layering.problem ? `. PROBLEM: ${layering.problem}` : '')
  );
}

/** Fails synthesis when the stack's layering applies the policy twice or by nobody. */
export class RetryLayeringValidation implements IValidation {
  constructor(
    private readonly stackPath: string,
    private readonly layering: RetryLayering,
  ) {}

  public validate(): string[] {
    return this.layering.problem ? [`Stack '${this.stackPath}': ${this.layering.problem}`] : [];
  }
}
