import { awslogs, type ContainerDefinition } from '../ecs/container-definition';

/**
 * The readiness gate of a Service Connect task.
 *
 * Service Connect does not use the app's health check: "Service Connect does
 * not support application health checks. This means it attempts to route
 * traffic to containers before they're ready" ("Service Connect Health Checks",
 * https://github.com/aws/containers-roadmap/issues/2334). The workaround
 * AWS validated in that issue: give the app a container health check, and
 * add a non-essential container that `dependsOn` the app being `HEALTHY` and
 * exits at once. ECS starts it only once the app answers its health check,
 * and the task does not reach RUNNING (and its Service Connect endpoint gets
 * no traffic) before that. Later, an app that fails its health check makes
 * the task UNHEALTHY, and ECS replaces it.
 */

/** A small image whose `true` exits 0 at once, pinned (Docker's official busybox, mirrored on Amazon ECR Public). */
export const READINESS_GATE_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37.0';

/** Name of the gate's container in the task. */
export const READINESS_GATE_CONTAINER_NAME = 'readiness-gate';

/** UID of `nobody`: the gate needs no privileges. */
const NOBODY = '65534';

/**
 * A container definition with the command ECS runs instead of the image's.
 * @internal
 */
export type ContainerDefinitionWithCommand = ContainerDefinition & { readonly command: readonly string[] };

/**
 * The gate container: starts when `appContainerName` is HEALTHY, exits 0 at once, is not essential.
 * @internal
 */
export function readinessGateContainer(
  appContainerName: string,
  logging: { readonly logGroupName: string; readonly region: string; readonly streamPrefix: string },
): ContainerDefinitionWithCommand {
  return {
    name: READINESS_GATE_CONTAINER_NAME,
    image: READINESS_GATE_IMAGE,
    essential: false,
    command: ['true'],
    cpu: 0,
    user: NOBODY,
    readonlyRootFilesystem: true,
    portMappings: [],
    dependsOn: [{ containerName: appContainerName, condition: 'HEALTHY' }],
    logConfiguration: awslogs(logging.logGroupName, logging.region, logging.streamPrefix),
  };
}
