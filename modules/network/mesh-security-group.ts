import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { requirePort } from '../core/prop-error';

export interface MeshSecurityGroupProps {
  /** Name of the security group. */
  readonly name: string;
  /** ID of the VPC. */
  readonly vpcId: string;
  /** CIDR the tasks may reach on TCP 443 (ECR, CloudWatch Logs, App Mesh, X-Ray endpoints). @default '0.0.0.0/0' (through NAT or VPC endpoints) */
  readonly httpsEgressCidr?: string;
}

/**
 * The security group of the mesh's tasks. The apps' ports are open only to
 * members of this same group (the services call each other through their
 * Envoys, so the packets carry the app port); Envoy's admin port 9901 stays
 * closed. Outbound: HTTPS to AWS APIs and the app ports within the group.
 */
export class MeshSecurityGroup extends Construct {
  /** The security group's ID. */
  public readonly securityGroupId: string;
  private readonly openPorts = new Set<number>();

  constructor(scope: Construct, id: string, props: MeshSecurityGroupProps) {
    super(scope, id);
    const group = new SecurityGroup(this, 'Resource', {
      name: props.name,
      description: 'Tasks of the service mesh: app ports from members only',
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = group.id;
    new VpcSecurityGroupEgressRule(this, 'HttpsEgress', {
      securityGroupId: group.id,
      description: 'HTTPS to AWS APIs (ECR, CloudWatch Logs, App Mesh, X-Ray)',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.httpsEgressCidr ?? '0.0.0.0/0',
    });
  }

  /** Opens `port` (TCP) between the members of the group, both ways. Idempotent per port. */
  public allowServicePort(port: number, serviceName: string): void {
    requirePort(this, 'port', port);
    if (this.openPorts.has(port)) return;
    this.openPorts.add(port);
    new VpcSecurityGroupIngressRule(this, `Ingress${port}`, {
      securityGroupId: this.securityGroupId,
      description: `${serviceName} app port from the mesh's tasks`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.securityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, `Egress${port}`, {
      securityGroupId: this.securityGroupId,
      description: `${serviceName} app port to the mesh's tasks`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.securityGroupId,
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
