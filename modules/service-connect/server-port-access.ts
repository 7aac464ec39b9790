import { Construct } from 'constructs';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { requireNonEmptyString, requirePort } from '../core/prop-error';

export interface ServerPortAccessProps {
  /** The security group of the calling service's tasks. */
  readonly clientSecurityGroupId: string;
  /** The security group of the called service's tasks. */
  readonly serverSecurityGroupId: string;
  /** The port the server's Service Connect proxy listens on (its container port, on Fargate). */
  readonly port: number;
  /** Names for the rules' descriptions. */
  readonly clientName: string;
  readonly serverName: string;
}

/**
 * Lets one client reach one server on the server's port only: an ingress
 * rule on the server's group from the client's group, and the matching
 * egress rule on the client's group. Service Connect has no egress filter of
 * its own; these rules are what keeps a task from calling services it does
 * not declare. Created in the client's scope: a client added in another
 * stack brings its own rules. On Fargate the server's proxy listens on the
 * container port of the named port mapping ("By default, the Service
 * Connect proxy listens on the containerPort from the task definition port
 * mapping", Amazon ECS Developer Guide, "Amazon ECS Service Connect
 * components", Networking).
 */
export class ServerPortAccess extends Construct {
  constructor(scope: Construct, id: string, props: ServerPortAccessProps) {
    super(scope, id);
    requirePort(this, 'port', props.port);
    requireNonEmptyString(this, 'clientSecurityGroupId', props.clientSecurityGroupId);
    requireNonEmptyString(this, 'serverSecurityGroupId', props.serverSecurityGroupId);
    new VpcSecurityGroupIngressRule(this, 'Ingress', {
      securityGroupId: props.serverSecurityGroupId,
      description: `${props.serverName} port from ${props.clientName}`,
      ipProtocol: 'tcp',
      fromPort: props.port,
      toPort: props.port,
      referencedSecurityGroupId: props.clientSecurityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, 'Egress', {
      securityGroupId: props.clientSecurityGroupId,
      description: `${props.clientName} to the ${props.serverName} port`,
      ipProtocol: 'tcp',
      fromPort: props.port,
      toPort: props.port,
      referencedSecurityGroupId: props.serverSecurityGroupId,
    });
  }
}
