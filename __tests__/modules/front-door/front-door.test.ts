import { Testing, TerraformStack, type TerraformResource } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Duration } from '../../../modules/core/duration';
import { FrontDoor } from '../../../modules/front-door/front-door';
import { newStack, resolved, resources, synthJson } from '../fixture';
import { CERTIFICATE_ARN, frontDoorProps } from './fixture';

Testing.setupJest();

/** `${<type>.<id>.<attribute>}` of the child `childId` of the front door. */
function ref(frontDoor: FrontDoor, childId: string, attribute: string): string {
  const resource = frontDoor.node.findChild(childId) as TerraformResource;
  return `\${${resource.terraformResourceType}.${TerraformStack.of(frontDoor).getLogicalId(resource)}.${attribute}}`;
}

describe('FrontDoor with its defaults', () => {
  const stack = newStack();
  const frontDoor = new FrontDoor(stack, 'FrontDoor', frontDoorProps());
  const synth = Testing.synth(stack);
  const json = JSON.parse(synth);

  test('is an internet-facing ALB in the public subnets that drops invalid header fields and is protected from deletion', () => {
    expect(synth).toHaveResourceWithProperties(Lb, {
      name: 'ingest',
      load_balancer_type: 'application',
      internal: false,
      ip_address_type: 'ipv4',
      subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      security_groups: [ref(frontDoor, 'SecurityGroup', 'id')],
      drop_invalid_header_fields: true,
      enable_deletion_protection: true,
      idle_timeout: 60,
      access_logs: { enabled: true, bucket: '${aws_s3_bucket.FrontDoor_AccessLogBucket_2E1E04F9.bucket}' },
      depends_on: ['aws_s3_bucket_policy.FrontDoor_AccessLogBucket_Policy_1356E46B'],
    });
  });

  test('has one listener: HTTPS on 443 with the TLS 1.3 policy, the certificate and mutual TLS in verify mode', () => {
    expect(resources(json, 'aws_lb_listener')).toHaveLength(1);
    expect(synth).toHaveResourceWithProperties(LbListener, {
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: CERTIFICATE_ARN,
      mutual_authentication: {
        mode: 'verify',
        trust_store_arn: '${aws_lb_trust_store.FrontDoor_TrustStore_0A903F27.arn}',
        ignore_client_certificate_expiry: false,
        advertise_trust_store_ca_names: 'off',
      },
      default_action: [{ type: 'forward', target_group_arn: ref(frontDoor, 'TargetGroup', 'arn') }],
    });
  });

  test('admits HTTPS only, from anywhere on IPv4, and nothing on port 80', () => {
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toEqual([expect.objectContaining({ from_port: 443, to_port: 443, ip_protocol: 'tcp', cidr_ipv4: '0.0.0.0/0' })]);
    expect(synth).toHaveResourceWithProperties(SecurityGroup, { name: 'ingest-alb', vpc_id: 'vpc-0123456789abcdef0' });
    // No inline rules: Terraform's security group then has no egress at all until a service is connected.
    expect(resources(json, 'aws_security_group')[0].egress).toBeUndefined();
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
  });

  test('forwards to a target group of IP targets on the service port, with its health check', () => {
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
      name: 'ingest-tg',
      target_type: 'ip',
      protocol: 'HTTP',
      port: 3000,
      vpc_id: 'vpc-0123456789abcdef0',
      deregistration_delay: '30',
      health_check: {
        enabled: true,
        protocol: 'HTTP',
        port: 'traffic-port',
        path: '/',
        matcher: '200',
        interval: 10,
        timeout: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 3,
      },
    });
  });

  test('exposes the ARN suffixes autoscaling and alarms need, and a grace period of startup plus two healthy checks', () => {
    expect(resolved(stack, frontDoor.loadBalancerArnSuffix)).toBe(ref(frontDoor, 'LoadBalancer', 'arn_suffix'));
    expect(resolved(stack, frontDoor.targetGroupArnSuffix)).toBe(ref(frontDoor, 'TargetGroup', 'arn_suffix'));
    expect(resolved(stack, frontDoor.httpsListenerArn)).toBe(ref(frontDoor, 'HttpsListener', 'arn'));
    expect(resolved(stack, frontDoor.url)).toBe(`https://${ref(frontDoor, 'LoadBalancer', 'dns_name')}`);
    expect(frontDoor.healthCheckGracePeriodSeconds).toBe(30 + 2 * 10);
  });
});

describe('FrontDoor with its options', () => {
  test('redirectHttp adds a port-80 listener that only redirects to HTTPS, and opens port 80', () => {
    const stack = newStack();
    new FrontDoor(stack, 'FrontDoor', frontDoorProps({ redirectHttp: true, allowedCidrs: ['203.0.113.0/24'] }));
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }],
    });
    const ingress = resources(JSON.parse(synth), 'aws_vpc_security_group_ingress_rule');
    expect(ingress.map((rule) => [rule.from_port, rule.cidr_ipv4]).sort()).toEqual([
      [443, '203.0.113.0/24'],
      [80, '203.0.113.0/24'],
    ]);
  });

  test('takes the idle timeout, TLS 1.3 policy, deletion protection, health check and deregistration delay it is given', () => {
    const stack = newStack();
    const frontDoor = new FrontDoor(
      stack,
      'FrontDoor',
      frontDoorProps({
        idleTimeout: Duration.seconds(90),
        sslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
        deletionProtection: false,
        mutualTls: { ...frontDoorProps().mutualTls, advertiseCaNames: true },
        target: {
          port: 8080,
          longestAnswer: Duration.seconds(70),
          keepAliveTimeout: Duration.seconds(95),
          deregistrationDelay: Duration.seconds(75),
          startupTime: Duration.seconds(12),
          healthCheck: { path: '/health-check', interval: Duration.seconds(15), healthyThreshold: 3, healthyHttpCodes: '200-299' },
        },
      }),
    );
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Lb, { idle_timeout: 90, enable_deletion_protection: false });
    expect(synth).toHaveResourceWithProperties(LbListener, {
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
      mutual_authentication: expect.objectContaining({ mode: 'verify', advertise_trust_store_ca_names: 'on' }),
    });
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
      port: 8080,
      deregistration_delay: '75',
      health_check: expect.objectContaining({ path: '/health-check', interval: 15, healthy_threshold: 3, matcher: '200-299' }),
    });
    expect(frontDoor.healthCheckGracePeriodSeconds).toBe(12 + 3 * 15);
  });

  test('keeps its buckets on destroy unless destroyBucketsWithStack', () => {
    const kept = newStack();
    new FrontDoor(kept, 'FrontDoor', frontDoorProps());
    expect(resources(synthJson(kept), 'aws_s3_bucket').map((bucket) => bucket.force_destroy)).toEqual([false]);
    const thrownAway = newStack();
    new FrontDoor(thrownAway, 'FrontDoor', frontDoorProps({ destroyBucketsWithStack: true, deletionProtection: false }));
    expect(resources(synthJson(thrownAway), 'aws_s3_bucket').map((bucket) => bucket.force_destroy)).toEqual([true]);
  });

  test('the deregistration delay defaults to the longest answer when that exceeds 30 s', () => {
    const stack = newStack();
    new FrontDoor(
      stack,
      'FrontDoor',
      frontDoorProps({
        idleTimeout: Duration.seconds(80),
        target: { port: 3000, longestAnswer: Duration.millis(68_500), keepAliveTimeout: Duration.seconds(85) },
      }),
    );
    expect(Testing.synth(stack)).toHaveResourceWithProperties(LbTargetGroup, { deregistration_delay: '69' });
  });
});

describe('FrontDoor.connectService', () => {
  test('admits the target port on the service group from the load balancer group only, and lets the load balancer reach it', () => {
    // GIVEN
    const stack = newStack();
    const frontDoor = new FrontDoor(stack, 'FrontDoor', frontDoorProps());
    // WHEN
    const connection = frontDoor.connectService(stack, 'IngestionFromFrontDoor', {
      containerName: 'data-ingestion',
      serviceSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa',
    });
    // THEN
    const synth = Testing.synth(stack);
    const albGroup = ref(frontDoor, 'SecurityGroup', 'id');
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      security_group_id: 'sg-0aaaaaaaaaaaaaaaa',
      ip_protocol: 'tcp',
      from_port: 3000,
      to_port: 3000,
      referenced_security_group_id: albGroup,
    });
    const serviceIngress = resources(JSON.parse(synth), 'aws_vpc_security_group_ingress_rule').filter(
      (rule) => rule.security_group_id === 'sg-0aaaaaaaaaaaaaaaa',
    );
    expect(serviceIngress).toHaveLength(1);
    expect(serviceIngress[0].cidr_ipv4).toBeUndefined();
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      security_group_id: albGroup,
      from_port: 3000,
      to_port: 3000,
      referenced_security_group_id: 'sg-0aaaaaaaaaaaaaaaa',
    });
    // The rules live in the caller's scope, next to the service.
    expect(stack.node.tryFindChild('IngestionFromFrontDoor')).toBeDefined();
    expect(resolved(stack, connection.loadBalancer.targetGroupArn)).toBe(ref(frontDoor, 'TargetGroup', 'arn'));
    expect(connection.loadBalancer).toMatchObject({ containerName: 'data-ingestion', containerPort: 3000 });
    expect(connection.healthCheckGracePeriodSeconds).toBe(frontDoor.healthCheckGracePeriodSeconds);
  });

  test('rejects a missing container name or security group', () => {
    const stack = newStack();
    const frontDoor = new FrontDoor(stack, 'FrontDoor', frontDoorProps());
    expect(() => frontDoor.connectService(stack, 'A', { containerName: '', serviceSecurityGroupId: 'sg-1' })).toThrow(
      /FrontDoor.connectService 'test\/A': invalid prop 'containerName': must be a non-empty string/,
    );
    expect(() => frontDoor.connectService(stack, 'B', { containerName: 'app', serviceSecurityGroupId: '' })).toThrow(
      /invalid prop 'serviceSecurityGroupId': must be a non-empty string/,
    );
  });
});

describe('FrontDoor rejects props that cannot work', () => {
  const build = (overrides: Parameters<typeof frontDoorProps>[0]) => () =>
    new FrontDoor(newStack(), 'FrontDoor', frontDoorProps(overrides));

  test.each([
    ['Ingest', /invalid prop 'name': must be 1-26 lowercase letters.*got 'Ingest'/],
    ['a-name-that-is-far-too-long-x', /invalid prop 'name': must be 1-26/],
    ['ingest-', /invalid prop 'name'/],
  ])('name %s', (name, message) => {
    expect(build({ name })).toThrow(message);
  });

  test('no subnets, or one subnet', () => {
    expect(build({ publicSubnetIds: [] })).toThrow(
      /FrontDoor 'test\/FrontDoor': invalid prop 'publicSubnetIds': an Application Load Balancer needs public subnets in at least two Availability Zones, got an array of 0/,
    );
    expect(build({ publicSubnetIds: ['subnet-a'] })).toThrow(/invalid prop 'publicSubnetIds'.*got an array of 1/);
    expect(build({ publicSubnetIds: ['subnet-a', ''] })).toThrow(/invalid prop 'publicSubnetIds\[1\]': must be a non-empty string/);
  });

  test('an empty VPC ID or region', () => {
    expect(build({ vpcId: '' })).toThrow(/invalid prop 'vpcId'/);
    expect(build({ region: '' })).toThrow(/invalid prop 'region'/);
  });

  test('no CIDR, or a CIDR that is not IPv4', () => {
    expect(build({ allowedCidrs: [] })).toThrow(/invalid prop 'allowedCidrs': give at least one CIDR/);
    expect(build({ allowedCidrs: ['0.0.0.0/0', '::/0'] })).toThrow(/invalid prop 'allowedCidrs\[1\]': must be an IPv4 CIDR.*got '::\/0'/);
    expect(build({ allowedCidrs: ['10.0.0.0/33'] })).toThrow(/invalid prop 'allowedCidrs\[0\]'/);
  });

  test('a security policy without TLS 1.3', () => {
    expect(build({ sslPolicy: 'ELBSecurityPolicy-2016-08' })).toThrow(
      /invalid prop 'sslPolicy': must be a TLS 1.3 security policy \(ELBSecurityPolicy-TLS13-\*\).*got 'ELBSecurityPolicy-2016-08'/,
    );
  });

  test('an idle timeout outside 1-4000 s or not in whole seconds', () => {
    const target = { port: 3000, longestAnswer: Duration.millis(100), keepAliveTimeout: Duration.seconds(5_000) };
    expect(build({ idleTimeout: Duration.seconds(0), target })).toThrow(
      /invalid prop 'idleTimeout': must be a whole number of seconds from 1 to 4000, got 0 s/,
    );
    expect(build({ idleTimeout: Duration.seconds(4_001), target })).toThrow(/invalid prop 'idleTimeout'.*got 4001 s/);
    expect(build({ idleTimeout: Duration.millis(1_500), target })).toThrow(/invalid prop 'idleTimeout'.*got 1500 ms/);
  });

  test('a bad target port', () => {
    const target = { ...frontDoorProps().target };
    expect(build({ target: { ...target, port: 0 } })).toThrow(/invalid prop 'target.port': must be an integer from 1 to 65535, got 0/);
    expect(build({ target: { ...target, port: 70_000 } })).toThrow(/invalid prop 'target.port'.*got 70000/);
  });

  test('a health check that cannot work', () => {
    const target = frontDoorProps().target;
    const withCheck = (healthCheck: object) => build({ target: { ...target, healthCheck } });
    expect(withCheck({ path: 'health' })).toThrow(/invalid prop 'target.healthCheck.path': must start with '\/', got 'health'/);
    expect(withCheck({ interval: Duration.seconds(4) })).toThrow(/invalid prop 'target.healthCheck.interval'.*from 5 to 300/);
    expect(withCheck({ timeout: Duration.seconds(10) })).toThrow(
      /invalid prop 'target.healthCheck.timeout': must be shorter than the interval \(10 s\), got 10 s/,
    );
    expect(withCheck({ healthyThreshold: 1 })).toThrow(
      /invalid prop 'target.healthCheck.healthyThreshold': must be an integer from 2 to 10/,
    );
    expect(withCheck({ unhealthyThreshold: 11 })).toThrow(/invalid prop 'target.healthCheck.unhealthyThreshold'/);
  });

  test('a startup time over an hour', () => {
    const target = { ...frontDoorProps().target, startupTime: Duration.seconds(3_601) };
    expect(build({ target })).toThrow(/invalid prop 'target.startupTime': must be from 0 to 3600 s, got 3601 s/);
  });

  test('a deregistration delay over an hour', () => {
    const target = { ...frontDoorProps().target, deregistrationDelay: Duration.seconds(3_601) };
    expect(build({ target })).toThrow(/invalid prop 'target.deregistrationDelay': must be a whole number of seconds from 0 to 3600/);
  });

  test('timeouts that do not fit together', () => {
    const target = { port: 3000, longestAnswer: Duration.seconds(68), keepAliveTimeout: Duration.seconds(65) };
    expect(build({ target })).toThrow(
      /FrontDoor 'test\/FrontDoor': invalid prop 'target.longestAnswer': the target may take 68 s to answer/,
    );
  });
});

describe('FrontDoor in a stack', () => {
  test('synthesizes once per stack with distinct names when two front doors share a stack', () => {
    const stack = newStack();
    new FrontDoor(stack, 'Vehicles', frontDoorProps({ name: 'vehicles' }));
    new FrontDoor(stack, 'Partners', frontDoorProps({ name: 'partners' }));
    const names = resources(synthJson(stack), 'aws_lb').map((lb) => lb.name);
    expect(names.sort()).toEqual(['partners', 'vehicles']);
  });
});
