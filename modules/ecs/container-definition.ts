/**
 * The part of an ECS container definition this library writes, in the ECS
 * API's own key names (`dependsOn`, not `depends_on`: ECS ignores unknown keys,
 * so a misspelt key silently drops the dependency).
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
 */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  readonly cpu?: number;
  readonly memory?: number;
  readonly memoryReservation?: number;
  readonly environment?: readonly { readonly name: string; readonly value: string }[];
  readonly portMappings: readonly { readonly containerPort: number; readonly hostPort?: number; readonly protocol: 'tcp' | 'udp' }[];
  readonly healthCheck?: {
    readonly command: readonly string[];
    readonly interval: number;
    readonly retries: number;
    readonly startPeriod: number;
    readonly timeout: number;
  };
  readonly dependsOn?: readonly { readonly containerName: string; readonly condition: 'START' | 'HEALTHY' | 'COMPLETE' | 'SUCCESS' }[];
  readonly mountPoints?: readonly { readonly sourceVolume: string; readonly containerPath: string; readonly readOnly: boolean }[];
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
