import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecretStore, type AppSecret } from '../ecs/app-secret';
import { ecsTasksTrustPolicy } from './ecs-tasks-trust';
import { renderPolicyDocument, type PolicyStatement } from './policy-statement';
import { ImportedRole, type IRole } from './role';

export interface TaskExecutionRoleProps {
  /** Name of the role. */
  readonly name: string;
  /** ARNs of the ECR repositories the task's images come from (the app's and Envoy's); none for images from public registries. */
  readonly repositoryArns: readonly string[];
  /** ARN of the log group the containers write to. */
  readonly logGroupArn: string;
  /** Secrets ECS passes to the containers; the role may read exactly these. A secret encrypted with a customer-managed KMS key also needs `kms:Decrypt` on that key. @default none */
  readonly secrets?: readonly AppSecret[];
}

/**
 * The role ECS uses to start a task: pull its images from the named
 * repositories, write to its log group and read the task's secrets, nothing
 * else.
 */
export class TaskExecutionRole extends Construct implements IRole {
  /** An existing execution role, by ARN; the library attaches nothing to it. */
  public static fromRoleArn(scope: Construct, id: string, roleArn: string): IRole {
    return new ImportedRole(scope, id, roleArn, 'TaskExecutionRole.fromRoleArn');
  }

  /** The role's ARN. */
  public readonly roleArn: string;
  /** The role's name. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: TaskExecutionRoleProps) {
    super(scope, id);
    // The log group is in the tasks' account and region: the trust admits ECS tasks of those only.
    const role = new IamRole(this, 'Resource', { name: props.name, assumeRolePolicy: ecsTasksTrustPolicy(props.logGroupArn) });
    new IamRolePolicy(this, 'Policy', {
      name: 'pull-images-and-write-logs',
      role: role.id,
      policy: renderPolicyDocument(`TaskExecutionRole '${this.node.path}'`, [
        // Images from public registries need no ECR permission (IAM rejects a statement without resources).
        ...(props.repositoryArns.length > 0
          ? [
              // GetAuthorizationToken supports no resource-level permissions.
              { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
              {
                sid: 'PullImages',
                actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
                resources: props.repositoryArns,
              },
            ]
          : []),
        {
          sid: 'WriteLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${props.logGroupArn}:log-stream:*`],
        },
        ...secretStatements(props.secrets ?? []),
      ]),
    });
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}

function secretStatements(secrets: readonly AppSecret[]): PolicyStatement[] {
  const arnsIn = (store: SecretStore) => [...new Set(secrets.filter((s) => s.store === store).map((s) => s.resourceArn))];
  const statements: PolicyStatement[] = [];
  const secretArns = arnsIn(SecretStore.SECRETS_MANAGER);
  if (secretArns.length > 0) {
    statements.push({ sid: 'ReadSecretsManagerSecrets', actions: ['secretsmanager:GetSecretValue'], resources: secretArns });
  }
  const parameterArns = arnsIn(SecretStore.SSM_PARAMETER);
  if (parameterArns.length > 0) {
    statements.push({ sid: 'ReadSsmParameters', actions: ['ssm:GetParameters'], resources: parameterArns });
  }
  return statements;
}
