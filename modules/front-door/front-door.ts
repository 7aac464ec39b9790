import { Construct, type IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Duration } from '../core/duration';
import { describeValue, InvalidPropError, requireIntegerInRange, requireNonEmptyString, requirePort } from '../core/prop-error';
import type { LoadBalancerAttachment } from '../ecs/fargate-service';
import { FrontDoorAccessLogs } from './access-logs';
import { ClientTrustStore } from './client-trust-store';
import type { FrontDoorCertificate } from './front-door-certificate';
import { checkFrontDoorTimeouts } from './front-door-timeouts';
import { FrontDoorWebAcl } from './front-door-web-acl';
import type { PemObject } from './pem-object';

/** A front door, created here or elsewhere: what services, alarms and autoscaling need of it. */
export interface IFrontDoor extends IConstruct {
  /** ARN of the load balancer. */
  readonly loadBalancerArn: string;
  /** The load balancer's ARN suffix `app/<name>/<id>` (the `LoadBalancer` dimension of its CloudWatch metrics). */
  readonly loadBalancerArnSuffix: string;
  /** DNS name of the load balancer. */
  readonly dnsName: string;
  /** ID of the load balancer's security group (the only source services admit). */
  readonly securityGroupId: string;
  /** ARN of the HTTPS listener. */
  readonly httpsListenerArn: string;
  /** ARN of the target group the service's tasks register in. */
  readonly targetGroupArn: string;
  /** The target group's ARN suffix `targetgroup/<name>/<id>` (with the load balancer's, the resource label of `ALBRequestCountPerTarget`). */
  readonly targetGroupArnSuffix: string;
}

/** The health check of the target group. */
export interface FrontDoorHealthCheck {
  /** Path the load balancer requests. @default '/' */
  readonly path?: string;
  /** HTTP status codes of a healthy answer (e.g. `200` or `200-299`). @default '200' */
  readonly healthyHttpCodes?: string;
  /** Time between two checks of one target (5-300 s, whole seconds). @default Duration.seconds(10) */
  readonly interval?: Duration;
  /** Time a target has to answer one check (2-120 s, whole seconds, below `interval`). @default Duration.seconds(5) */
  readonly timeout?: Duration;
  /** Consecutive passed checks that make a target healthy (2-10). @default 2 */
  readonly healthyThreshold?: number;
  /** Consecutive failed checks that make a target unhealthy (2-10). @default 3 */
  readonly unhealthyThreshold?: number;
}

/** The service behind the front door, as the load balancer sees it. */
export interface FrontDoorTargetProps {
  /** The port the service's container listens on (plain HTTP inside the VPC). */
  readonly port: number;
  /**
   * The longest the service may take to answer one request, retries and
   * back-off included. Checked against the idle timeout and the
   * deregistration delay.
   */
  readonly longestAnswer: Duration;
  /**
   * The service's HTTP keep-alive timeout (Node's `server.keepAliveTimeout`,
   * 5 s by default, must be raised). Checked: it must exceed the idle timeout.
   */
  readonly keepAliveTimeout: Duration;
  /** How long a deregistering target may finish its requests (0-3600 s, whole seconds). @default the longer of 30 s and `longestAnswer`, rounded up to whole seconds */
  readonly deregistrationDelay?: Duration;
  /** How long a new task takes from start until it answers health checks; sizes the recommended grace period. @default Duration.seconds(30) */
  readonly startupTime?: Duration;
  /** The target group's health check. @default see {@link FrontDoorHealthCheck} */
  readonly healthCheck?: FrontDoorHealthCheck;
}

/** Client certificate verification on the HTTPS listener (mutual TLS, `verify` mode). */
export interface FrontDoorMutualTls {
  /** PEM bundle of the certificate authorities that issue client certificates. */
  readonly caBundle: PemObject;
  /** PEM revocation list (CRL) of one of those CAs. @default none */
  readonly revocationList?: PemObject;
  /** Send the trust store's CA names to clients in the TLS handshake (helps clients with several certificates choose). @default false */
  readonly advertiseCaNames?: boolean;
}

/** The WAF web ACL's settings. */
export interface FrontDoorWebAclOptions {
  /** Requests per client IP within the window before WAF blocks it (10-2,000,000,000). @default 2000 */
  readonly rateLimit?: number;
  /** Seconds WAF counts over: 60, 120, 300 or 600. @default 300 */
  readonly rateLimitWindowSeconds?: number;
  /** Rules of `AWSManagedRulesCommonRuleSet` that only count, e.g. `SizeRestrictions_BODY` for bodies over 8 KB. @default none */
  readonly commonRuleSetCountOnly?: readonly string[];
}

export interface FrontDoorProps {
  /**
   * Name of the front door (1-26 lowercase letters, digits and hyphens,
   * starting with a letter): names the load balancer, and with suffixes its
   * target group (`-tg`), security group (`-alb`), trust store (`-trust`),
   * web ACL (`-waf`) and bucket prefixes.
   */
  readonly name: string;
  /** ID of the VPC. */
  readonly vpcId: string;
  /** Public subnets of the load balancer, in at least two Availability Zones. */
  readonly publicSubnetIds: readonly string[];
  /** The stack's region (may be a Terraform reference): chooses who may write access logs. */
  readonly region: string;
  /** The HTTPS listener's certificate. */
  readonly certificate: FrontDoorCertificate;
  /** Client certificate verification; the listener always runs mutual TLS in `verify` mode. */
  readonly mutualTls: FrontDoorMutualTls;
  /** The service behind the front door. */
  readonly target: FrontDoorTargetProps;
  /** IPv4 CIDRs that may connect to port 443 (and 80 with `redirectHttp`). @default ['0.0.0.0/0'] */
  readonly allowedCidrs?: readonly string[];
  /** The listener's TLS 1.3 security policy (`ELBSecurityPolicy-TLS13-*`). @default 'ELBSecurityPolicy-TLS13-1-2-2021-06' (TLS 1.3 and 1.2) */
  readonly sslPolicy?: string;
  /** The load balancer's idle timeout (1-4000 s, whole seconds). @default Duration.seconds(60) */
  readonly idleTimeout?: Duration;
  /** Protect the load balancer from deletion (turn off for stacks that are destroyed). @default true */
  readonly deletionProtection?: boolean;
  /**
   * Let `terraform destroy` delete the buckets the front door created (access
   * logs, uploaded trust store files) with their objects, for stacks that are
   * thrown away; otherwise the buckets outlive a destroy while they hold objects.
   * @default false
   */
  readonly destroyBucketsWithStack?: boolean;
  /** Add a listener on port 80 that only redirects to HTTPS (301). @default false (port 80 closed) */
  readonly redirectHttp?: boolean;
  /** Where access logs go. @default FrontDoorAccessLogs.toNewBucket() (90 days) */
  readonly accessLogs?: FrontDoorAccessLogs;
  /** The WAF web ACL's settings. @default see {@link FrontDoorWebAclOptions} */
  readonly webAcl?: FrontDoorWebAclOptions;
}

/** What a service gets from {@link FrontDoor.connectService}. */
export interface FrontDoorServiceConnection {
  /** The target group attachment for the ECS service (`FargateServiceProps.loadBalancers`). */
  readonly loadBalancer: LoadBalancerAttachment;
  /** The health-check grace period the ECS service should use (`healthCheckGracePeriodSeconds`). */
  readonly healthCheckGracePeriodSeconds: number;
}

export interface ConnectServiceOptions {
  /** Name of the container that serves the target port. */
  readonly containerName: string;
  /** ID of the security group of the service's tasks; it gets an ingress rule from the load balancer's group only. */
  readonly serviceSecurityGroupId: string;
}

/** The default TLS policy: TLS 1.3 and 1.2, forward-secret ciphers only. */
export const DEFAULT_FRONT_DOOR_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

const NAME = /^[a-z][a-z0-9-]{0,24}[a-z0-9]$|^[a-z]$/;
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;

/**
 * An internet-facing HTTPS entrance to one service: an Application Load
 * Balancer in public subnets with its own security group, an HTTPS listener
 * (TLS 1.3 policy, mutual TLS in `verify` mode against a trust store), a
 * target group of IP targets, a WAF web ACL (rate limit per client IP, AWS
 * common rule set) and access logs in S3. Invalid header fields are dropped;
 * port 80 is closed unless it only redirects.
 *
 * In `verify` mode the load balancer refuses, during the TLS handshake, any
 * client whose certificate does not chain to the trust store's CAs, is
 * expired or is revoked; it sends the client's leaf certificate to the
 * target in `X-Amzn-Mtls-Clientcert-Leaf` (URL-encoded PEM), with
 * `X-Amzn-Mtls-Clientcert-Subject`, `-Issuer`, `-Serial-Number` and
 * `-Validity`.
 *
 * The timeouts are checked at construction (see {@link checkFrontDoorTimeouts}).
 */
export class FrontDoor extends Construct implements IFrontDoor {
  /** The load balancer (an `IArnSuffixSource` for request-count scaling). */
  public readonly loadBalancer: Lb;
  /** The target group of the service's tasks (an `IArnSuffixSource` for request-count scaling). */
  public readonly targetGroup: LbTargetGroup;
  public readonly loadBalancerArn: string;
  public readonly loadBalancerArnSuffix: string;
  public readonly dnsName: string;
  /** Route 53 zone ID of the load balancer (for alias records). */
  public readonly zoneId: string;
  public readonly securityGroupId: string;
  public readonly httpsListenerArn: string;
  public readonly targetGroupArn: string;
  public readonly targetGroupArnSuffix: string;
  /** ARN of the trust store that holds the client CAs. */
  public readonly trustStoreArn: string;
  /** ARN of the WAF web ACL. */
  public readonly webAclArn: string;
  /** The HTTPS URL clients use: the certificate's domain when the front door made it, else the load balancer's DNS name. */
  public readonly url: string;
  /** The target port. */
  public readonly targetPort: number;
  /**
   * The health-check grace period the ECS service should use, in seconds:
   * the target's startup time plus `healthyThreshold` × `interval`, the
   * time a healthy new task needs to pass its first checks.
   */
  public readonly healthCheckGracePeriodSeconds: number;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id);
    const { name, target } = props;
    if (!Token.isUnresolved(name) && (typeof name !== 'string' || !NAME.test(name))) {
      throw new InvalidPropError(
        this,
        'name',
        `must be 1-26 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, got ${describeValue(name)}`,
      );
    }
    requireNonEmptyString(this, 'vpcId', props.vpcId);
    requireNonEmptyString(this, 'region', props.region);
    // A Terraform list variable is one token at synthesis: its length is known only to Terraform (check it there).
    const subnetsKnown = Array.isArray(props.publicSubnetIds) && !Token.isUnresolved(props.publicSubnetIds);
    if (!Array.isArray(props.publicSubnetIds) || (subnetsKnown && props.publicSubnetIds.length < 2)) {
      throw new InvalidPropError(
        this,
        'publicSubnetIds',
        `an Application Load Balancer needs public subnets in at least two Availability Zones, got ${describeValue(props.publicSubnetIds)}`,
      );
    }
    props.publicSubnetIds.forEach((subnet, index) => requireNonEmptyString(this, `publicSubnetIds[${index}]`, subnet));
    const allowedCidrs = props.allowedCidrs ?? ['0.0.0.0/0'];
    if (allowedCidrs.length === 0) {
      throw new InvalidPropError(this, 'allowedCidrs', 'give at least one CIDR (nobody could connect), e.g. 0.0.0.0/0');
    }
    allowedCidrs.forEach((cidr, index) => {
      if (!Token.isUnresolved(cidr) && !IPV4_CIDR.test(cidr)) {
        throw new InvalidPropError(
          this,
          `allowedCidrs[${index}]`,
          `must be an IPv4 CIDR such as 203.0.113.0/24, got ${describeValue(cidr)}`,
        );
      }
    });
    const sslPolicy = props.sslPolicy ?? DEFAULT_FRONT_DOOR_SSL_POLICY;
    if (!sslPolicy.startsWith('ELBSecurityPolicy-TLS13-')) {
      throw new InvalidPropError(
        this,
        'sslPolicy',
        `must be a TLS 1.3 security policy (ELBSecurityPolicy-TLS13-*), e.g. ${DEFAULT_FRONT_DOOR_SSL_POLICY}, got '${sslPolicy}'`,
      );
    }
    const idleTimeout = props.idleTimeout ?? Duration.seconds(60);
    const idleSeconds = wholeSeconds(this, 'idleTimeout', idleTimeout, 1, 4_000);
    requirePort(this, 'target.port', target.port);
    const health = target.healthCheck ?? {};
    const healthPath = health.path ?? '/';
    if (!healthPath.startsWith('/'))
      throw new InvalidPropError(this, 'target.healthCheck.path', `must start with '/', got '${healthPath}'`);
    const interval = wholeSeconds(this, 'target.healthCheck.interval', health.interval ?? Duration.seconds(10), 5, 300);
    const checkTimeout = wholeSeconds(this, 'target.healthCheck.timeout', health.timeout ?? Duration.seconds(5), 2, 120);
    if (checkTimeout >= interval) {
      throw new InvalidPropError(
        this,
        'target.healthCheck.timeout',
        `must be shorter than the interval (${interval} s), got ${checkTimeout} s`,
      );
    }
    const healthyThreshold = health.healthyThreshold ?? 2;
    const unhealthyThreshold = health.unhealthyThreshold ?? 3;
    requireIntegerInRange(this, 'target.healthCheck.healthyThreshold', healthyThreshold, 2, 10);
    requireIntegerInRange(this, 'target.healthCheck.unhealthyThreshold', unhealthyThreshold, 2, 10);
    const deregistrationDelay =
      target.deregistrationDelay ?? Duration.seconds(Math.max(30, Math.ceil(target.longestAnswer.toMilliseconds() / 1_000)));
    const drainSeconds = wholeSeconds(this, 'target.deregistrationDelay', deregistrationDelay, 0, 3_600);
    const startupTime = target.startupTime ?? Duration.seconds(30);
    if (startupTime.toMilliseconds() < 0 || startupTime.toMilliseconds() > 3_600_000) {
      throw new InvalidPropError(this, 'target.startupTime', `must be from 0 to 3600 s, got ${startupTime}`);
    }
    const startupSeconds = Math.ceil(startupTime.toMilliseconds() / 1_000);
    checkFrontDoorTimeouts(this, {
      idleTimeout,
      longestAnswer: target.longestAnswer,
      keepAliveTimeout: target.keepAliveTimeout,
      deregistrationDelay,
    });

    const group = new SecurityGroup(this, 'SecurityGroup', {
      name: `${name}-alb`,
      description: `Load balancer ${name}: HTTPS from the allowed CIDRs, the target port to the service only`,
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = group.id;
    const ports = props.redirectHttp ? [443, 80] : [443];
    ports.forEach((port) =>
      allowedCidrs.forEach(
        (cidr, index) =>
          new VpcSecurityGroupIngressRule(this, `Ingress${port}From${index}`, {
            securityGroupId: group.id,
            description: port === 443 ? 'HTTPS from clients' : 'HTTP from clients (redirected to HTTPS)',
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            cidrIpv4: cidr,
          }),
      ),
    );

    const accessLogs = (props.accessLogs ?? FrontDoorAccessLogs.toNewBucket()).bind(this, {
      bucketPrefix: `${name}-logs-`,
      region: props.region,
      forceDestroy: props.destroyBucketsWithStack ?? false,
    });
    const lb = new Lb(this, 'LoadBalancer', {
      name,
      loadBalancerType: 'application',
      internal: false,
      ipAddressType: 'ipv4',
      subnets: [...props.publicSubnetIds],
      securityGroups: [group.id],
      idleTimeout: idleSeconds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? true,
      accessLogs: {
        bucket: accessLogs.bucketName,
        enabled: true,
        ...(accessLogs.prefix !== undefined ? { prefix: accessLogs.prefix } : {}),
      },
      ...(accessLogs.dependsOn.length > 0 ? { dependsOn: accessLogs.dependsOn } : {}),
    });
    this.loadBalancerArn = lb.arn;
    this.loadBalancer = lb;
    this.loadBalancerArnSuffix = lb.arnSuffix;
    this.dnsName = lb.dnsName;
    this.zoneId = lb.zoneId;

    const targetGroup = new LbTargetGroup(this, 'TargetGroup', {
      name: `${name}-tg`,
      targetType: 'ip',
      protocol: 'HTTP',
      port: target.port,
      vpcId: props.vpcId,
      deregistrationDelay: String(drainSeconds),
      healthCheck: {
        enabled: true,
        protocol: 'HTTP',
        port: 'traffic-port',
        path: healthPath,
        matcher: health.healthyHttpCodes ?? '200',
        interval,
        timeout: checkTimeout,
        healthyThreshold,
        unhealthyThreshold,
      },
    });
    this.targetGroupArn = targetGroup.arn;
    this.targetGroup = targetGroup;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.targetPort = target.port;
    this.healthCheckGracePeriodSeconds = startupSeconds + healthyThreshold * interval;

    const certificate = props.certificate.bind(this, { dnsName: lb.dnsName, zoneId: lb.zoneId });
    this.url = `https://${certificate.domainName ?? lb.dnsName}`;

    const trustStore = new ClientTrustStore(this, 'TrustStore', {
      name: `${name}-trust`,
      caBundle: props.mutualTls.caBundle,
      ...(props.mutualTls.revocationList ? { revocationList: props.mutualTls.revocationList } : {}),
      forceDestroyUploadBucket: props.destroyBucketsWithStack ?? false,
    });
    this.trustStoreArn = trustStore.trustStoreArn;

    const https = new LbListener(this, 'HttpsListener', {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy,
      certificateArn: certificate.certificateArn,
      mutualAuthentication: {
        mode: 'verify',
        trustStoreArn: trustStore.trustStoreArn,
        ignoreClientCertificateExpiry: false,
        advertiseTrustStoreCaNames: props.mutualTls.advertiseCaNames ? 'on' : 'off',
      },
      defaultAction: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
    });
    this.httpsListenerArn = https.arn;
    if (props.redirectHttp) {
      new LbListener(this, 'HttpRedirectListener', {
        loadBalancerArn: lb.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      });
    }

    const webAcl = new FrontDoorWebAcl(this, 'WebAcl', { name: `${name}-waf`, loadBalancerArn: lb.arn, ...(props.webAcl ?? {}) });
    this.webAclArn = webAcl.webAclArn;
  }

  /**
   * Lets a service's tasks receive the front door's traffic: opens the target
   * port on the service's security group to the load balancer's group only,
   * and the load balancer's group to the service's on that port (requests
   * and health checks), both in `scope`. Returns the target group attachment
   * and the health-check grace period for the ECS service.
   */
  public connectService(scope: Construct, id: string, options: ConnectServiceOptions): FrontDoorServiceConnection {
    const owner = `FrontDoor.connectService '${scope.node.path}/${id}'`;
    requireNonEmptyString(owner, 'containerName', options.containerName);
    requireNonEmptyString(owner, 'serviceSecurityGroupId', options.serviceSecurityGroupId);
    const rules = new Construct(scope, id);
    new VpcSecurityGroupIngressRule(rules, 'FromLoadBalancer', {
      securityGroupId: options.serviceSecurityGroupId,
      description: `Port ${this.targetPort} from load balancer ${this.node.id} only`,
      ipProtocol: 'tcp',
      fromPort: this.targetPort,
      toPort: this.targetPort,
      referencedSecurityGroupId: this.securityGroupId,
    });
    new VpcSecurityGroupEgressRule(rules, 'LoadBalancerToService', {
      securityGroupId: this.securityGroupId,
      description: `Requests and health checks to the service's tasks on port ${this.targetPort}`,
      ipProtocol: 'tcp',
      fromPort: this.targetPort,
      toPort: this.targetPort,
      referencedSecurityGroupId: options.serviceSecurityGroupId,
    });
    return {
      loadBalancer: { targetGroupArn: this.targetGroupArn, containerName: options.containerName, containerPort: this.targetPort },
      healthCheckGracePeriodSeconds: this.healthCheckGracePeriodSeconds,
    };
  }
}

/** `duration` in whole seconds within [min, max], or an InvalidPropError naming `prop`. */
function wholeSeconds(construct: IConstruct, prop: string, duration: Duration, min: number, max: number): number {
  const ms = duration.toMilliseconds();
  if (ms % 1_000 !== 0 || ms < min * 1_000 || ms > max * 1_000) {
    throw new InvalidPropError(construct, prop, `must be a whole number of seconds from ${min} to ${max}, got ${duration}`);
  }
  return ms / 1_000;
}
