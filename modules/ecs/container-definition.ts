import { renderJsonDocument } from '../core/json-document';
import type { RenderedContainerHealthCheck } from './container-health-check';

/**
 * The part of an ECS container definition this library writes, in the ECS
 * API's own key names (`dependsOn`, not `depends_on`: ECS ignores unknown keys,
 * so a misspelt key silently drops the dependency).
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
 */
export interface ContainerDefinition {
  /** Container name, unique in the task. */
  readonly name: string;
  /** Image reference. */
  readonly image: string;
  /** Whether the task stops when this container stops. */
  readonly essential: boolean;
  /** UID (or UID:GID) the container runs as. @default the image's USER */
  readonly user?: string;
  /** Whether the root file system is read-only. */
  readonly readonlyRootFilesystem: boolean;
  /** CPU units reserved for the container. */
  readonly cpu?: number;
  /** Hard memory limit, in MiB. */
  readonly memory?: number;
  /** Soft memory limit, in MiB. */
  readonly memoryReservation?: number;
  /** Environment variables (no secrets). */
  readonly environment?: readonly { readonly name: string; readonly value: string }[];
  /** Environment variables that ECS reads from Secrets Manager or SSM at start. */
  readonly secrets?: readonly { readonly name: string; readonly valueFrom: string }[];
  /** Ports the container listens on. */
  readonly portMappings: readonly { readonly containerPort: number; readonly hostPort?: number; readonly protocol: 'tcp' | 'udp' }[];
  /** Container health check; times in seconds. */
  readonly healthCheck?: RenderedContainerHealthCheck;
  /** Containers this one waits for, and for which state. */
  readonly dependsOn?: readonly { readonly containerName: string; readonly condition: 'START' | 'HEALTHY' | 'COMPLETE' | 'SUCCESS' }[];
  /** Volumes mounted into the container. */
  readonly mountPoints?: readonly { readonly sourceVolume: string; readonly containerPath: string; readonly readOnly: boolean }[];
  /** Log driver and its options. */
  readonly logConfiguration: {
    readonly logDriver: 'awslogs';
    readonly options: Readonly<Record<string, string>>;
  };
}

/** The awslogs configuration of a container writing to `logGroupName` under `streamPrefix`. */
export function awslogs(logGroupName: string, region: string, streamPrefix: string): ContainerDefinition['logConfiguration'] {
  return {
    logDriver: 'awslogs',
    options: { 'awslogs-group': logGroupName, 'awslogs-region': region, 'awslogs-stream-prefix': streamPrefix },
  };
}

/** The `container_definitions` argument of a task definition: `containers` as JSON (see `renderJsonDocument`). */
export function renderContainerDefinitions(containers: readonly ContainerDefinition[]): string {
  return renderJsonDocument(containers);
}
