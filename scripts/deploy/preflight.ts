import type { Deployment, DescribeServicesCommandOutput, Service } from '@aws-sdk/client-ecs';
import { DeployError, DeployStep } from './deploy-error';

/** What a deployment of the service starts from, once preflight has passed. */
export interface PreflightResult {
  /** The service as DescribeServices returned it. */
  readonly service: Service;
  /** The one deployment the service has: finished, PRIMARY. */
  readonly primary: Deployment;
  /** The task definition the service runs now: the target of a rollback. */
  readonly currentTaskDefinition: string;
}

/** The family of a task definition ARN (`…:task-definition/<family>:<revision>`) or `family:revision`. */
export function familyOf(taskDefinition: string): string {
  const name = taskDefinition.slice(taskDefinition.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}

/**
 * Checks that `serviceName` in `cluster` can take a deployment this command
 * can judge: it is ACTIVE, uses the ECS (rolling) deployment controller, has
 * the deployment circuit breaker with rollback on, runs `family`, and has
 * exactly one deployment, which is not in progress.
 */
export function checkPreflight(
  response: DescribeServicesCommandOutput,
  cluster: string,
  serviceName: string,
  family: string,
): PreflightResult {
  const refuse = (problem: string): never => {
    throw new DeployError(DeployStep.PREFLIGHT, `service '${serviceName}' in cluster '${cluster}' ${problem}`);
  };
  const service = response.services?.find((candidate) => candidate.serviceName === serviceName);
  if (service === undefined) {
    const failure = response.failures?.[0];
    return refuse(
      `was not found${failure?.reason ? ` (${failure.reason})` : ''}; is the stack deployed, and are --env, --cluster, --service-name right?`,
    );
  }
  if (service.status !== 'ACTIVE') refuse(`is ${service.status ?? 'in no status'}, not ACTIVE`);
  const controller = service.deploymentController?.type ?? 'ECS';
  if (controller !== 'ECS') {
    refuse(`uses the ${controller} deployment controller; this command drives the ECS deployment controller only`);
  }
  const strategy = service.deploymentConfiguration?.strategy ?? 'ROLLING';
  if (strategy !== 'ROLLING') refuse(`deploys with the ${strategy} strategy; this command follows ROLLING deployments only`);
  const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
  if (breaker?.enable !== true || breaker.rollback !== true) {
    refuse(
      `has no deployment circuit breaker with rollback (enable: ${breaker?.enable ?? false}, rollback: ${breaker?.rollback ?? false}): ` +
        'a failed deployment would keep failing instead of returning to the last good revision; turn it on in the stack and apply it',
    );
  }
  const deployments = service.deployments ?? [];
  const unfinished = deployments.filter((deployment) => deployment.status !== 'PRIMARY' || deployment.rolloutState === 'IN_PROGRESS');
  if (unfinished.length > 0 || deployments.length !== 1) {
    const list = deployments.map((d) => `${d.id} ${d.status} ${d.rolloutState ?? ''} ${d.taskDefinition}`.replace(/ +/g, ' ')).join('; ');
    refuse(`has a deployment in progress (${list || 'no deployment listed'}); wait until it is finished`);
  }
  const primary = deployments[0];
  const currentTaskDefinition = service.taskDefinition ?? primary.taskDefinition;
  if (currentTaskDefinition === undefined) return refuse('runs no task definition');
  if (familyOf(currentTaskDefinition) !== family) {
    refuse(`runs family '${familyOf(currentTaskDefinition)}', not '${family}'; pass --family if that is intended`);
  }
  return { service, primary, currentTaskDefinition };
}
