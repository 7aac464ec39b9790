import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  expectTerraformSuccess,
  expectTerraformValid,
  offlineTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
  planJson,
} from '../helpers/terraform';

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLE_VARS = join(ROOT, 'terraform', 'example.tfvars');
const offline = offlineTerraform('the App Mesh stack');
const terraform = offline?.terraform;
const mirror = offline?.mirror;
const available = offline !== undefined;

(available ? describe : describe.skip)('the synthesized stack, with Terraform offline', () => {
  let workDir: string;
  let stackDir: string;
  let cliConfig: string;
  const tf = (...args: string[]) => runTerraform(terraform!, cliConfig, stackDir, args);

  beforeAll(() => {
    // GIVEN the app synthesized exactly as `cdktf synth` runs it (cdktf.json: node scripts/synth.cjs --app-only)
    workDir = tempDir('ev-pipeline-tf-');
    const synth = spawnSync(process.execPath, ['scripts/synth.cjs', '--app-only'], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: workDir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (synth.status !== 0) throw new Error(`synth failed\n${synth.stdout}\n${synth.stderr}`);
    stackDir = join(workDir, 'stacks', 'ev-pipeline-dev');
    cliConfig = writeMirrorCliConfig(workDir, mirror!);
    writeOfflineProviderOverride(stackDir);
    copyFileSync(join(ROOT, 'terraform', 'tests', 'rehearsal.tftest.hcl'), join(stackDir, 'rehearsal.tftest.hcl'));
    // One init for validate, plan and test; the local backend needs no network.
    expectTerraformSuccess(tf('init', '-input=false'));
  }, 180_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('terraform validate accepts the configuration', () => {
    expectTerraformValid(tf);
  });

  test('terraform plan with the example variables creates the whole stack (71 resources), retry policy included', () => {
    // WHEN
    const plan = planJson(tf, `-var-file=${EXAMPLE_VARS}`);
    // THEN
    const changes: any[] = plan.resource_changes;
    expect(changes.every((change) => change.change.actions.join() === 'create')).toBe(true);
    expect(changes).toHaveLength(71);
    // The application pipeline's role: trusted by the GitHub repository's environment through OIDC.
    const deployRole = changes.find((c) => c.type === 'aws_iam_role' && String(c.change.after.name).endsWith('-deploy'));
    expect(JSON.parse(deployRole.change.after.assume_role_policy).Statement[0].Condition.StringEquals).toMatchObject({
      'token.actions.githubusercontent.com:sub': ['repo:example-org/ev-pipeline:environment:application-dev'],
    });
    const route = changes.find((c) => c.type === 'aws_appmesh_route' && c.name.startsWith('DataProcessing_Route'));
    expect(route.change.after.name).toBe('dev-smn-app-mesh-ecs-data-processing-service');
    expect(route.change.after.spec[0].http_route[0].retry_policy[0]).toEqual({
      http_retry_events: ['gateway-error'],
      max_retries: 12,
      per_retry_timeout: [{ unit: 's', value: 5 }],
      tcp_retry_events: ['connection-error'],
    });
    expect(plan.planned_values.outputs.ingestion_url.value).toBe('http://data-ingestion.dev.smn-app-mesh-ecs.internal:3000/ev');
  });

  test('terraform plan rejects a malformed VPC id through the variable validation', () => {
    const result = tf('plan', '-input=false', '-lock=false', `-var-file=${EXAMPLE_VARS}`, '-var', 'vpc_id=my-vpc');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/vpc_id must look like vpc-0123abcd/);
  });

  test('terraform test rehearses an apply against a mocked provider', () => {
    const result = tf('test', `-var-file=${EXAMPLE_VARS}`);
    expectTerraformSuccess(result);
    expect(result.stdout).toMatch(/run "rehearsal_apply"\.\.\. pass/);
    expect(result.stdout).toMatch(/1 passed, 0 failed/);
  });

  test('the example variables file sets every variable without a default', () => {
    const config = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    const required = Object.entries(config.variable as Record<string, { default?: unknown }>)
      .filter(([, v]) => v.default === undefined)
      .map(([name]) => name);
    const example = readFileSync(EXAMPLE_VARS, 'utf8');
    for (const name of required) expect(example).toMatch(new RegExp(`^${name}\\s*=`, 'm'));
  });
});
