import type { AppmeshVirtualNodeSpecListenerOutlierDetection } from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import { Duration } from '../core/duration';
import { InvalidPropError, requireIntegerInRange } from '../core/prop-error';

/**
 * Passive health checking: Envoy ejects a host of the node that answers too
 * many 5xx in a row, for a growing time.
 * https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_OutlierDetection.html
 */
export interface OutlierDetection {
  /** Consecutive server errors (5xx, connection failures) that eject a host. */
  readonly maxServerErrors: number;
  /** Time between ejection sweeps. */
  readonly interval: Duration;
  /** Base ejection time, multiplied by the number of times the host was ejected. */
  readonly baseEjectionDuration: Duration;
  /** Highest share of the node's hosts that may be ejected at once, in percent (0-100). */
  readonly maxEjectionPercent: number;
}

/** Renders `detection`; `owner` names the construct in errors. */
export function renderOutlierDetection(owner: string, detection: OutlierDetection): AppmeshVirtualNodeSpecListenerOutlierDetection {
  requireIntegerInRange(owner, 'outlierDetection.maxServerErrors', detection.maxServerErrors, 1, Number.MAX_SAFE_INTEGER);
  requireIntegerInRange(owner, 'outlierDetection.maxEjectionPercent', detection.maxEjectionPercent, 0, 100);
  for (const [prop, duration] of [
    ['outlierDetection.interval', detection.interval],
    ['outlierDetection.baseEjectionDuration', detection.baseEjectionDuration],
  ] as const) {
    if (!duration.isPositiveWholeMillis()) throw new InvalidPropError(owner, prop, `must be positive, got ${duration}`);
  }
  return {
    maxServerErrors: detection.maxServerErrors,
    maxEjectionPercent: detection.maxEjectionPercent,
    interval: detection.interval.toAppMesh(),
    baseEjectionDuration: detection.baseEjectionDuration.toAppMesh(),
  };
}
