import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import {
  Cluster,
  Duration,
  FargateService,
  FrontDoor,
  FrontDoorCertificate,
  logDeliveryStatements,
  ServiceSecurityGroup,
  PemObject,
} from '@ev-pipeline/cdktf-mesh-constructs';
import {
  expectTerraformSuccess,
  expectTerraformValid,
  offlineTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
  planJson,
} from '../../helpers/terraform';
import { makeTestCa, type TestCa } from './fixture';

const offline = offlineTerraform('the front door');
const available = offline !== undefined;

(available ? describe : describe.skip)('a stack with a front door before an ECS service, with Terraform offline', () => {
  let ca: TestCa;
  let workDir: string;
  let stackDir: string;
  let cliConfig: string;
  let frontDoor: FrontDoor;
  const tf = (...args: string[]) => runTerraform(offline!.terraform, cliConfig, stackDir, args);

  beforeAll(() => {
    // GIVEN a front door with a DNS-validated certificate, a CA bundle and a CRL from local files, in front of a Fargate service
    ca = makeTestCa();
    workDir = tempDir('front-door-tf-');
    const app = new App({ outdir: workDir });
    const stack = new TerraformStack(app, 'front-door');
    new AwsProvider(stack, 'aws', { region: 'ap-northeast-1' });
    frontDoor = new FrontDoor(stack, 'FrontDoor', {
      name: 'ingest',
      vpcId: 'vpc-0123456789abcdef0',
      publicSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      region: new DataAwsRegion(stack, 'current').name,
      certificate: FrontDoorCertificate.dnsValidated({ domainName: 'ingest.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }),
      mutualTls: { caBundle: PemObject.fromFile(ca.caPem), revocationList: PemObject.fromFile(ca.crlPem) },
      target: { port: 3000, longestAnswer: Duration.seconds(30), keepAliveTimeout: Duration.seconds(65) },
      deletionProtection: false,
      redirectHttp: true,
    });
    const tasks = new ServiceSecurityGroup(stack, 'Tasks', { name: 'ingestion-tasks', vpcId: 'vpc-0123456789abcdef0' });
    const connection = frontDoor.connectService(stack, 'IngestionFromFrontDoor', {
      containerName: 'data-ingestion',
      serviceSecurityGroupId: tasks.securityGroupId,
    });
    new FargateService(stack, 'Ingestion', {
      name: 'data-ingestion',
      cluster: new Cluster(stack, 'Cluster', { name: 'cluster' }),
      taskDefinitionArn: 'arn:aws:ecs:ap-northeast-1:111122223333:task-definition/data-ingestion:1',
      desiredCount: 2,
      deploymentMaximumPercent: 200,
      deploymentMinimumHealthyPercent: 100,
      subnetIds: ['subnet-0123456789abcdef2'],
      securityGroupIds: [tasks.securityGroupId],
      loadBalancers: [connection.loadBalancer],
      healthCheckGracePeriodSeconds: connection.healthCheckGracePeriodSeconds,
    });
    app.synth();
    stackDir = join(workDir, 'stacks', 'front-door');
    cliConfig = writeMirrorCliConfig(workDir, offline!.mirror);
    writeOfflineProviderOverride(stackDir);
    expectTerraformSuccess(tf('init', '-input=false'));
  }, 180_000);

  afterAll(() => {
    ca?.remove();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('terraform validate accepts the configuration', () => {
    expectTerraformValid(tf);
  });

  test('terraform plan creates the front door: listeners, trust store with its uploaded files, WAF, logs bucket, certificate', () => {
    // WHEN
    const changes: any[] = planJson(tf).resource_changes;
    // THEN
    expect(changes.every((change) => change.change.actions.join() === 'create')).toBe(true);
    const count = (type: string) => changes.filter((change) => change.type === type).length;
    expect(count('aws_lb')).toBe(1);
    expect(count('aws_lb_listener')).toBe(2);
    expect(count('aws_lb_trust_store')).toBe(1);
    expect(count('aws_lb_trust_store_revocation')).toBe(1);
    expect(count('aws_s3_object')).toBe(2);
    expect(count('aws_wafv2_web_acl')).toBe(1);
    expect(count('aws_wafv2_web_acl_association')).toBe(1);
    expect(count('aws_acm_certificate_validation')).toBe(1);
    expect(count('aws_route53_record')).toBe(2);
    const after = (type: string) => changes.find((change) => change.type === type).change.after;
    expect(after('aws_lb')).toMatchObject({
      internal: false,
      drop_invalid_header_fields: true,
      idle_timeout: 60,
      enable_deletion_protection: false,
    });
    const https = changes.find((change) => change.type === 'aws_lb_listener' && change.change.after.port === 443).change.after;
    expect(https).toMatchObject({
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      mutual_authentication: [{ mode: 'verify', ignore_client_certificate_expiry: false }],
    });
    const service = after('aws_ecs_service');
    expect(service).toMatchObject({
      health_check_grace_period_seconds: 50,
      load_balancer: [{ container_name: 'data-ingestion', container_port: 3000 }],
    });
  });
});

(available ? describe : describe.skip)(
  'the access-log delivery statements, evaluated by Terraform for a region given as a variable',
  () => {
    let workDir: string;
    let stackDir: string;
    let cliConfig: string;
    const tf = (...args: string[]) => runTerraform(offline!.terraform, cliConfig, stackDir, args);

    beforeAll(() => {
      // GIVEN the statements for a region that only Terraform knows
      workDir = tempDir('front-door-log-policy-');
      const app = new App({ outdir: workDir });
      const stack = new TerraformStack(app, 'log-policy');
      const region = new TerraformVariable(stack, 'region', { type: 'string' });
      new TerraformOutput(stack, 'statements', { value: logDeliveryStatements('arn:aws:s3:::ingest-logs', region.stringValue) });
      app.synth();
      stackDir = join(workDir, 'stacks', 'log-policy');
      cliConfig = writeMirrorCliConfig(workDir, offline!.mirror);
      expectTerraformSuccess(tf('init', '-input=false'));
    }, 120_000);

    afterAll(() => {
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    const statementsFor = (region: string): any[] => {
      return planJson(tf, `-var=region=${region}`).planned_values.outputs.statements.value;
    };

    test("a region opened before August 2022 gets the service principal and the region's ELB account", () => {
      expect(statementsFor('ap-northeast-1')).toEqual([
        {
          Sid: 'ElbLogDeliveryService',
          Effect: 'Allow',
          Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::ingest-logs/AWSLogs/*',
        },
        {
          Sid: 'ElbLogDeliveryRegionalAccount',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::582318560864:root' },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::ingest-logs/AWSLogs/*',
        },
      ]);
    }, 60_000);

    test('a region opened since gets the service principal only', () => {
      expect(statementsFor('ap-southeast-5').map((statement) => statement.Sid)).toEqual(['ElbLogDeliveryService']);
    }, 60_000);
  },
);
