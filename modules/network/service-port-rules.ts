import { Construct } from 'constructs';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { requirePort } from '../core/prop-error';
import type { ISecurityGroup } from './service-security-group';

export interface ServicePortRulesProps {
  /** The group whose members call each other. */
  readonly securityGroup: ISecurityGroup;
  /** The TCP port the service listens on. */
  readonly port: number;
  /** Name of the service, for the rules' descriptions. */
  readonly serviceName: string;
}

/** Ports already opened per group in this app: AWS rejects a second identical rule. */
const OPENED = new WeakMap<ISecurityGroup, Set<number>>();

/**
 * Opens a service's TCP port between the members of a security group, both
 * ways, in the scope of the service that needs it (so a service added in
 * another stack brings its own rules). Creates nothing when the group's
 * rules are managed elsewhere, or when another construct of this app opened
 * the same port of the same group already.
 */
export class ServicePortRules extends Construct {
  /** Whether this construct created the rules. */
  public readonly created: boolean;

  constructor(scope: Construct, id: string, props: ServicePortRulesProps) {
    super(scope, id);
    requirePort(this, 'port', props.port);
    const { securityGroup, port, serviceName } = props;
    const opened = OPENED.get(securityGroup) ?? new Set<number>();
    OPENED.set(securityGroup, opened);
    this.created = securityGroup.rulesManagedHere && !opened.has(port);
    if (!this.created) return;
    opened.add(port);
    new VpcSecurityGroupIngressRule(this, 'Ingress', {
      securityGroupId: securityGroup.securityGroupId,
      description: `${serviceName} app port from the mesh's tasks`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: securityGroup.securityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, 'Egress', {
      securityGroupId: securityGroup.securityGroupId,
      description: `${serviceName} app port to the mesh's tasks`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: securityGroup.securityGroupId,
    });
  }
}
