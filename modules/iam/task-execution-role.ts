import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { ECS_TASKS_TRUST_POLICY, renderPolicyDocument } from './policy-statement';

export interface TaskExecutionRoleProps {
  /** Name of the role. */
  readonly name: string;
  /** ARNs of the ECR repositories the task's images come from (the app's and Envoy's). */
  readonly repositoryArns: readonly string[];
  /** ARN of the log group the containers write to. */
  readonly logGroupArn: string;
}

/**
 * The role ECS uses to start a task: pull its images from the named
 * repositories and write to its log group, nothing else.
 */
export class TaskExecutionRole extends Construct {
  /** The role's ARN. */
  public readonly roleArn: string;
  /** The role's name. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: TaskExecutionRoleProps) {
    super(scope, id);
    const role = new IamRole(this, 'Resource', { name: props.name, assumeRolePolicy: ECS_TASKS_TRUST_POLICY });
    new IamRolePolicy(this, 'Policy', {
      name: 'pull-images-and-write-logs',
      role: role.id,
      policy: renderPolicyDocument(`TaskExecutionRole '${this.node.path}'`, [
        // GetAuthorizationToken supports no resource-level permissions.
        { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        {
          sid: 'PullImages',
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          resources: props.repositoryArns,
        },
        {
          sid: 'WriteLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${props.logGroupArn}:log-stream:*`],
        },
      ]),
    });
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
