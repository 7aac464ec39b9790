import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Cluster, HttpNamespace, ServiceSecurityGroup, ServiceConnectService, ServiceImage } from '@ev-pipeline/cdktf-mesh-constructs';
import {
  expectTerraformSuccess,
  offlineTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
} from '../helpers/terraform';

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLE_VARS = join(ROOT, 'terraform', 'example.tfvars');
/** The front door's inputs, which only the Service Connect stacks have. */
const FRONT_DOOR_VARS = join(ROOT, 'terraform', 'example-front-door.tfvars');
const offline = offlineTerraform('the Service Connect stack');
const terraform = offline?.terraform;
const mirror = offline?.mirror;
const available = offline !== undefined;

(available ? describe : describe.skip)('the synthesized Service Connect stack, with Terraform offline', () => {
  let workDir: string;
  let stackDir: string;
  let cliConfig: string;
  const tf = (dir: string, ...args: string[]) => runTerraform(terraform!, cliConfig, dir, args);

  beforeAll(() => {
    // GIVEN the app synthesized exactly as `cdktf synth` runs it
    workDir = tempDir('ev-pipeline-sc-tf-');
    const synth = spawnSync(process.execPath, ['scripts/synth.cjs', '--app-only'], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: workDir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (synth.status !== 0) throw new Error(`synth failed\n${synth.stdout}\n${synth.stderr}`);
    stackDir = join(workDir, 'stacks', 'ev-pipeline-dev-service-connect');
    cliConfig = writeMirrorCliConfig(workDir, mirror!);
    writeOfflineProviderOverride(stackDir);
    copyFileSync(join(ROOT, 'terraform', 'tests', 'service-connect-rehearsal.tftest.hcl'), join(stackDir, 'rehearsal.tftest.hcl'));
    expectTerraformSuccess(tf(stackDir, 'init', '-input=false'));
  }, 180_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('terraform validate accepts the configuration', () => {
    const result = tf(stackDir, 'validate', '-json');
    expectTerraformSuccess(result);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });

  test('terraform plan with the example variables creates the whole stack (81 resources: the pipeline, the front door and the scaling), none of App Mesh', () => {
    // WHEN
    expectTerraformSuccess(
      tf(stackDir, 'plan', '-input=false', '-lock=false', `-var-file=${EXAMPLE_VARS}`, `-var-file=${FRONT_DOOR_VARS}`, '-out=plan.bin'),
    );
    const show = tf(stackDir, 'show', '-json', 'plan.bin');
    expectTerraformSuccess(show);
    const plan = JSON.parse(show.stdout);
    // THEN
    const changes: any[] = plan.resource_changes;
    expect(changes.every((change) => change.change.actions.join() === 'create')).toBe(true);
    expect(changes).toHaveLength(81);
    // The application pipeline's role: trusted by the GitHub repository's environment through OIDC.
    const deployRole = changes.find((c) => c.type === 'aws_iam_role' && String(c.change.after.name).endsWith('-deploy'));
    expect(JSON.parse(deployRole.change.after.assume_role_policy).Statement[0].Condition.StringEquals).toMatchObject({
      'token.actions.githubusercontent.com:sub': ['repo:example-org/ev-pipeline:environment:application-dev'],
    });
    expect(changes.filter((c) => c.type.startsWith('aws_appmesh_'))).toEqual([]);
    const processing = changes.find((c) => c.type === 'aws_ecs_service' && c.name.startsWith('DataProcessing_Service'));
    expect(processing.change.after.name).toBe('data-processing');
    expect(processing.change.after.service_connect_configuration[0].service[0]).toMatchObject({
      port_name: 'data-processing',
      discovery_name: 'data-processing',
      client_alias: [{ dns_name: 'data-processing', port: 3001 }],
      timeout: [{ per_request_timeout_seconds: 6, idle_timeout_seconds: 300 }],
    });
    const cluster = changes.find((c) => c.type === 'aws_ecs_cluster');
    expect(cluster.change.after.name).toBe('dev-smn-app-mesh-ecs-sc-ecs-cluster');
    expect(plan.planned_values.outputs.ingestion_url.value).toBe('http://data-ingestion:3000/ev');
  });

  test('terraform test rehearses an apply against a mocked provider', () => {
    const result = tf(stackDir, 'test', `-var-file=${EXAMPLE_VARS}`, `-var-file=${FRONT_DOOR_VARS}`);
    expectTerraformSuccess(result);
    expect(result.stdout).toMatch(/run "rehearsal_apply"\.\.\. pass/);
    expect(result.stdout).toMatch(/1 passed, 0 failed/);
  });

  test('a server with TLS through AWS Private CA passes terraform validate (the provider schema of the tls block)', () => {
    // GIVEN a stack of one TLS server, synthesized by the library alone
    const stack = new TerraformStack(Testing.app(), 'tls');
    new AwsProvider(stack, 'aws', { region: 'ap-northeast-1' });
    const namespace = new HttpNamespace(stack, 'Namespace', { name: 'sc.example' });
    new ServiceConnectService(stack, 'Api', {
      platform: {
        namespace,
        cluster: new Cluster(stack, 'Cluster', { name: 'cluster', serviceConnectNamespaceArn: namespace.namespaceArn }),
        securityGroup: new ServiceSecurityGroup(stack, 'Tasks', { name: 'tasks', vpcId: 'vpc-0123456789abcdef0' }),
        subnetIds: ['subnet-0123456789abcdef0'],
        region: 'ap-northeast-1',
      },
      spec: {
        name: 'api',
        port: 8080,
        image: ServiceImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
        size: { cpu: 512, memory: 1024 },
      },
      tls: {
        certificateAuthorityArn: 'arn:aws:acm-pca:ap-northeast-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555',
        kmsKeyArn: 'arn:aws:kms:ap-northeast-1:111122223333:key/11111111-2222-3333-4444-555555555555',
      },
    });
    const dir = join(workDir, 'tls');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf.json'), Testing.synth(stack));
    // WHEN
    expectTerraformSuccess(tf(dir, 'init', '-input=false'));
    const result = tf(dir, 'validate', '-json');
    // THEN
    expectTerraformSuccess(result);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, error_count: 0 });
  }, 120_000);
});
