import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { ecsTasksTrustPolicy } from './ecs-tasks-trust';
import { ECS_EXEC_STATEMENT, renderPolicyDocument, type PolicyStatement } from './policy-statement';
import { ImportedRole, type IRole } from './role';
import { InvalidPropError } from '../core/prop-error';

export interface TaskRoleProps {
  /** Name of the role. */
  readonly name: string;
  /** ARNs of the service's virtual nodes (one per version): its Envoys may stream the configuration of these nodes only. */
  readonly virtualNodeArns: readonly string[];
  /** Allow ECS Exec (Session Manager channels). @default false */
  readonly enableExecuteCommand?: boolean;
  /** Further permissions of the app (for example queue access). @default none */
  readonly statements?: readonly PolicyStatement[];
}

/**
 * The role the task's containers act as: Envoy streams its own virtual
 * nodes' configuration, the X-Ray daemon sends traces, and the app gets
 * what `statements` grants.
 */
export class TaskRole extends Construct implements IRole {
  /**
   * An existing task role, by ARN; the library attaches nothing to it. With
   * App Mesh, it must allow `appmesh:StreamAggregatedResources` on the task's
   * virtual node, else Envoy gets no configuration.
   */
  public static fromRoleArn(scope: Construct, id: string, roleArn: string): IRole {
    return new ImportedRole(scope, id, roleArn, 'TaskRole.fromRoleArn');
  }

  /** The role's ARN. */
  public readonly roleArn: string;
  /** The role's name. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: TaskRoleProps) {
    super(scope, id);
    if (props.virtualNodeArns.length === 0) {
      throw new InvalidPropError(
        `TaskRole '${this.node.path}'`,
        'virtualNodeArns',
        'give the ARN of at least one virtual node of the service',
      );
    }
    // The virtual nodes are in the tasks' account and region: the trust admits ECS tasks of those only.
    const role = new IamRole(this, 'Resource', {
      name: props.name,
      assumeRolePolicy: ecsTasksTrustPolicy(props.virtualNodeArns[0] as string),
    });
    const statements: PolicyStatement[] = [
      { sid: 'EnvoyOwnNodeOnly', actions: ['appmesh:StreamAggregatedResources'], resources: [...props.virtualNodeArns] },
      // X-Ray supports no resource-level permissions for these actions.
      {
        sid: 'XRayDaemon',
        actions: [
          'xray:GetSamplingRules',
          'xray:GetSamplingStatisticSummaries',
          'xray:GetSamplingTargets',
          'xray:PutTelemetryRecords',
          'xray:PutTraceSegments',
        ],
        resources: ['*'],
      },
    ];
    if (props.enableExecuteCommand) statements.push(ECS_EXEC_STATEMENT);
    statements.push(...(props.statements ?? []));
    new IamRolePolicy(this, 'Policy', {
      name: 'task-permissions',
      role: role.id,
      policy: renderPolicyDocument(`TaskRole '${this.node.path}'`, statements),
    });
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
