/**
 * The names of the pipeline's AWS resources, in one place: the stack gives
 * them to what it creates, and the deploy command finds the cluster, service,
 * task definition family and repository by them. Plain strings in, plain
 * strings out (a Terraform token such as `var.project` works as well), no
 * cdktf: scripts import this module.
 */

/** Project name of every resource name unless told otherwise (the default of the stack's `var.project`). */
export const DEFAULT_PROJECT = 'ev-pipeline';

/** Names shared by all services of one environment. */
export interface PipelineResourceNames {
  /** `<env>-<project>[-<data plane suffix>]`: the start of every resource name. */
  readonly namePrefix: string;
  /** The ECS cluster, `<env>-<project>-ecs-cluster`. */
  readonly clusterName: string;
  /** The role the delivery pipeline assumes to deploy, `<env>-<project>-deploy`. */
  readonly deployRoleName: string;
}

/** Names of one service's resources. */
export interface ServiceResourceNames {
  /** The ECS service: the service's contract name (`data-processing`). */
  readonly serviceName: string;
  /** The task definition family, `<env>-<project>-<service>-service`. */
  readonly taskFamily: string;
  /** The app's container in the task definition, `<service>-service`. */
  readonly appContainerName: string;
  /** The ECR repository of the app image, `<env>-<project>-<service>-service`. */
  readonly repositoryName: string;
}

/**
 * The names shared by the services of environment `env` of `project`;
 * `nameSuffix` is the data plane's (`nameSuffixOf` in `data-plane.ts`).
 */
export function pipelineResourceNames(env: string, project: string = DEFAULT_PROJECT, nameSuffix?: string): PipelineResourceNames {
  const namePrefix = [env, project, ...(nameSuffix === undefined ? [] : [nameSuffix])].join('-');
  return {
    namePrefix,
    clusterName: `${namePrefix}-ecs-cluster`,
    deployRoleName: `${namePrefix}-deploy`,
  };
}

/** The names of service `service` (its contract name) in `pipeline`. */
export function serviceResourceNames(pipeline: PipelineResourceNames, service: string): ServiceResourceNames {
  const prefix = `${pipeline.namePrefix}-${service}`;
  return {
    serviceName: service,
    taskFamily: `${prefix}-service`,
    appContainerName: `${service}-service`,
    repositoryName: `${prefix}-service`,
  };
}
