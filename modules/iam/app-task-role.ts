import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { ecsTasksTrustPolicy } from './ecs-tasks-trust';
import { ECS_EXEC_STATEMENT, renderPolicyDocument, type PolicyStatement } from './policy-statement';
import type { IRole } from './role';

export interface AppTaskRoleProps {
  /** Name of the role. */
  readonly name: string;
  /**
   * Any ARN of the tasks' account and region (their log group's, for one):
   * the trust policy admits ECS tasks of that account and region only
   * (`aws:SourceAccount`, `aws:SourceArn`).
   */
  readonly accountArn: string;
  /** What the task's containers may do (the app's queue access, a collector's exporter). @default none */
  readonly statements?: readonly PolicyStatement[];
  /** Allow ECS Exec (Session Manager channels). @default false */
  readonly enableExecuteCommand?: boolean;
}

/**
 * The role a task's containers act as when no mesh proxy needs one: exactly
 * the given statements (plus ECS Exec when enabled). No App Mesh permission:
 * an ECS Service Connect proxy gets its configuration from ECS, not from the
 * task role.
 */
export class AppTaskRole extends Construct implements IRole {
  /** The role's ARN. */
  public readonly roleArn: string;
  /** The role's name. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: AppTaskRoleProps) {
    super(scope, id);
    const role = new IamRole(this, 'Resource', { name: props.name, assumeRolePolicy: ecsTasksTrustPolicy(props.accountArn) });
    const statements = [...(props.statements ?? []), ...(props.enableExecuteCommand ? [ECS_EXEC_STATEMENT] : [])];
    // A role with no statement needs no policy (IAM rejects an empty one).
    if (statements.length > 0) {
      new IamRolePolicy(this, 'Policy', {
        name: 'task-permissions',
        role: role.id,
        policy: renderPolicyDocument(`AppTaskRole '${this.node.path}'`, statements),
      });
    }
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
