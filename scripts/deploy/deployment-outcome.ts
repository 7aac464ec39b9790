import type { Deployment, Service } from '@aws-sdk/client-ecs';

/**
 * Where one deployment stands. "The service is stable" is not one of these:
 * a service is stable again after the circuit breaker rolled a failed
 * deployment back, which is how deploy tools that wait for stability report
 * a failed deployment as a success.
 */
export type DeploymentOutcome =
  /** Still rolling out. */
  | { readonly kind: 'in-progress'; readonly deployment: Deployment }
  /** Rolled out: rolloutState COMPLETED while PRIMARY. The only success. */
  | { readonly kind: 'completed'; readonly deployment: Deployment }
  /**
   * The circuit breaker gave up on it and a new PRIMARY deployment returns
   * the service to the task definition it ran before.
   */
  | { readonly kind: 'rolled-back'; readonly reason: string; readonly rollback: Deployment }
  /** rolloutState FAILED with no deployment back to the previous task definition. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** Another deployment (not a rollback) took over: someone else updated the service. */
  | { readonly kind: 'superseded'; readonly by: Deployment }
  /** The deployment is no longer listed and no rollback explains it. */
  | { readonly kind: 'disappeared' };

/**
 * Judges deployment `deploymentId` (from the UpdateService response) in
 * `service` (a DescribeServices result). `previousTaskDefinition` is what the
 * service ran before: a PRIMARY deployment of it that is not ours is the
 * circuit breaker's rollback.
 */
export function judgeDeployment(service: Service, deploymentId: string, previousTaskDefinition: string): DeploymentOutcome {
  const deployments = service.deployments ?? [];
  const ours = deployments.find((deployment) => deployment.id === deploymentId);
  const primary = deployments.find((deployment) => deployment.status === 'PRIMARY');
  const replacedBy = primary !== undefined && primary.id !== deploymentId ? primary : undefined;
  const reason = ours?.rolloutStateReason ?? 'no reason given';
  if (replacedBy !== undefined && replacedBy.taskDefinition === previousTaskDefinition) {
    return { kind: 'rolled-back', reason: ours === undefined ? 'the deployment is no longer listed' : reason, rollback: replacedBy };
  }
  if (ours === undefined) return { kind: 'disappeared' };
  if (ours.rolloutState === 'FAILED') return { kind: 'failed', reason };
  if (replacedBy !== undefined) return { kind: 'superseded', by: replacedBy };
  if (ours.rolloutState === 'COMPLETED') return { kind: 'completed', deployment: ours };
  return { kind: 'in-progress', deployment: ours };
}
