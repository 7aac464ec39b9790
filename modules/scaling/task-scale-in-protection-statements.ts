import { Fn } from 'cdktf';
import type { ICluster } from '../ecs/cluster';
import type { PolicyStatement } from '../iam/policy-statement';

/**
 * What a task role needs for the task to set its own scale-in protection
 * through the ECS container agent (`${ECS_AGENT_URI}/task-protection/v1/state`):
 * `ecs:GetTaskProtection` and `ecs:UpdateTaskProtection` on the tasks of
 * `cluster` (`arn:<partition>:ecs:<region>:<account>:task/<cluster>/*`).
 * The agent calls the ECS API with the task role's credentials.
 */
export function taskScaleInProtectionStatements(cluster: ICluster): PolicyStatement[] {
  return [
    {
      sid: 'SetOwnScaleInProtection',
      actions: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'],
      resources: [`${Fn.replace(cluster.clusterArn, ':cluster/', ':task/')}/*`],
    },
  ];
}
