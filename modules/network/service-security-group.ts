import { Construct, type IConstruct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { requireNonEmptyString, requirePort } from '../core/prop-error';

/** A security group, created here or elsewhere, that tasks are members of. */
export interface ISecurityGroup extends IConstruct {
  /** The security group's ID. */
  readonly securityGroupId: string;
  /** ID of its VPC, where services create their own groups; undefined when an imported group was given none. */
  readonly vpcId: string | undefined;
  /** Whether constructs may add rules to it (a service opens its port between the members); false when someone else manages its rules. */
  readonly rulesManagedHere: boolean;
}

export interface ServiceSecurityGroupProps {
  /** Name of the security group. */
  readonly name: string;
  /** ID of the VPC. */
  readonly vpcId: string;
  /** CIDR the tasks may reach on TCP 443 (ECR, CloudWatch Logs, App Mesh, X-Ray endpoints). @default '0.0.0.0/0' (through NAT or VPC endpoints) */
  readonly httpsEgressCidr?: string;
}

/**
 * The security group every task of a platform joins. Each service opens its app port
 * to the members of this same group, in the service's own scope (the
 * services call each other through their Envoys, so the packets carry the
 * app port); Envoy's admin port 9901 stays closed. Outbound: HTTPS to AWS
 * APIs, and what services and {@link allowEgressTo} add.
 */
export class ServiceSecurityGroup extends Construct implements ISecurityGroup {
  /**
   * An existing security group, by ID, whose rules someone else manages:
   * services join it but add no rules to it. It must already let its
   * members reach each other on the services' ports and reach HTTPS.
   * `vpcId` is its VPC's ID, which a Service Connect service needs (it
   * creates a group of its own there).
   */
  public static fromSecurityGroupId(scope: Construct, id: string, securityGroupId: string, vpcId?: string): ISecurityGroup {
    return new ImportedSecurityGroup(scope, id, securityGroupId, vpcId);
  }

  /** The security group's ID. */
  public readonly securityGroupId: string;
  /** ID of its VPC. */
  public readonly vpcId: string;
  /** Services add their port rules to a group created here. */
  public readonly rulesManagedHere = true;

  constructor(scope: Construct, id: string, props: ServiceSecurityGroupProps) {
    super(scope, id);
    const group = new SecurityGroup(this, 'Resource', {
      name: props.name,
      description: 'Tasks of the service mesh: app ports from members only',
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = group.id;
    this.vpcId = props.vpcId;
    new VpcSecurityGroupEgressRule(this, 'HttpsEgress', {
      securityGroupId: group.id,
      description: 'HTTPS to AWS APIs (ECR, CloudWatch Logs, App Mesh, X-Ray)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.httpsEgressCidr ?? '0.0.0.0/0',
    });
  }

  /** Allows TCP `port` out to the members of security group `destinationSecurityGroupId` (e.g. a cache). */
  public allowEgressTo(port: number, destinationSecurityGroupId: string, description: string): void {
    requirePort(this, 'port', port);
    new VpcSecurityGroupEgressRule(this, `EgressTo${port}`, {
      securityGroupId: this.securityGroupId,
      description,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: destinationSecurityGroupId,
    });
  }
}

class ImportedSecurityGroup extends Construct implements ISecurityGroup {
  public readonly rulesManagedHere = false;

  constructor(
    scope: Construct,
    id: string,
    public readonly securityGroupId: string,
    public readonly vpcId: string | undefined,
  ) {
    super(scope, id);
    requireNonEmptyString(`ServiceSecurityGroup.fromSecurityGroupId '${this.node.path}'`, 'securityGroupId', securityGroupId);
    if (vpcId !== undefined) requireNonEmptyString(`ServiceSecurityGroup.fromSecurityGroupId '${this.node.path}'`, 'vpcId', vpcId);
  }
}
