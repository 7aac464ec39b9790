/**
 * The construct library as a stranger gets it: packed with `npm pack`,
 * installed from the tarball in a project outside the repository (next to
 * this repository's cdktf, constructs and provider, its peers), compiled by
 * that project under strict flags, run with plain `node`, and the
 * synthesized stacks checked by Terraform offline.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  expectTerraformSuccess,
  offlineTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
} from '../helpers/terraform';

const ROOT = resolve(__dirname, '..', '..');
const PACKAGE = '@ev-pipeline/cdktf-mesh-constructs';
/** The peers, and Node's types for the examples' `node:assert`. */
const SHARED_FROM_ROOT = ['cdktf', 'constructs', '@cdktf/provider-aws', '@types/node'];
/** What a consumer with strict habits compiles with. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    lib: ['ES2022'],
    types: ['node'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src/**/*.ts'],
};

const offline = offlineTerraform('the consumer stacks');
const terraform = offline?.terraform;
const mirror = offline?.mirror;
const terraformAvailable = offline !== undefined;

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    // Plain node: no loader from the environment (tsx, ts-node) may help it.
    env: { ...process.env, NODE_OPTIONS: '', CHECKPOINT_DISABLE: '1', npm_config_audit: 'false', npm_config_fund: 'false', ...env },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}\n${result.error ?? ''}`);
  }
  return result;
}

describe(`${PACKAGE} installed from its tarball`, () => {
  let work: string;
  let consumer: string;
  let tarball: string;

  beforeAll(() => {
    work = tempDir('cdktf-mesh-constructs-');
    // GIVEN the packed library (prepack builds lib/)
    const packed = JSON.parse(run('npm', ['pack', '--workspace', 'modules', '--pack-destination', work, '--json'], ROOT).stdout);
    tarball = join(work, packed[0].filename);
    // and a project outside the repository whose parent folder holds the peers
    for (const name of SHARED_FROM_ROOT) {
      const link = join(work, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
    }
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '0.0.0', private: true, dependencies: { [PACKAGE]: `file:${tarball}` } }),
    );
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    cpSync(join(ROOT, 'modules', 'examples'), join(consumer, 'src'), { recursive: true });
    // WHEN it installs the tarball (peers come from the parent folder, as an app's own copies would)
    run('npm', ['install', '--offline', '--legacy-peer-deps', '--ignore-scripts', '--no-package-lock'], consumer);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the tarball holds only the build, the README, the licence and package.json', () => {
    const entries = run('tar', ['-tzf', tarball], work).stdout.trim().split('\n');
    const unexpected = entries.filter(
      (entry) =>
        !/^package\/(package\.json|README\.md|LICENSE|lib\/.+\.(js|d\.ts))$/.test(entry) || /^package\/lib\/examples\//.test(entry),
    );
    expect(unexpected).toEqual([]);
    expect(entries).toEqual(
      expect.arrayContaining(['package/lib/index.js', 'package/lib/index.d.ts', 'package/README.md', 'package/LICENSE']),
    );
  });

  test('its package.json is public, depends on nothing and names cdktf, constructs and the provider as peers', () => {
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules', PACKAGE, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@cdktf/provider-aws', 'cdktf', 'constructs']);
    expect(lstatSync(join(consumer, 'node_modules', PACKAGE)).isSymbolicLink()).toBe(false);
  });

  describe('a JavaScript consumer (no compiler) making mistakes, run with plain node', () => {
    /** What the library reports for each mistake of `fixtures/mistakes.cjs`, by the mistake's name. */
    let reported: Record<string, string | null>;

    beforeAll(() => {
      cpSync(join(__dirname, 'fixtures', 'mistakes.cjs'), join(consumer, 'mistakes.cjs'));
      const lines = run(process.execPath, ['mistakes.cjs'], consumer).stdout.trim().split('\n');
      reported = Object.fromEntries(lines.map((line) => JSON.parse(line)).map(({ name, message }) => [name, message]));
    }, 120_000);

    /** Each mistake, the construct the message must name and the props as the consumer wrote them. */
    const expected: [string, string, string[]][] = [
      ['port as a string', 'MeshedService', ["'spec.port'", "got '8080' (string)"]],
      ['port out of range', 'MeshedService', ["'spec.port'", 'from 1 to 65535, got 70000']],
      ['name with capitals', 'MeshedService', ["'spec.name'", "got 'Orders' (string)"]],
      ['cpu Fargate does not offer', 'MeshedService', ["'spec.size.cpu'", 'got 300']],
      ['memory Fargate does not offer with the cpu', 'MeshedService', ["'spec.size.memory'", 'got 3000']],
      [
        'sidecars leave the app too little',
        'MeshedService',
        ["'spec.size.cpu'", 'leave the app 96', 'sidecarSize.envoyCpu', 'spec.minimumAppSize.cpu'],
      ],
      ['misspelt prop', 'MeshedService', ["'desiredCont'", "did you mean 'desiredCount'?"]],
      ['unknown spec prop', 'MeshedService', ["'spec.timeout'", "did you mean 'spec.timeouts'?"]],
      ['misspelt timeout', 'MeshedService', ["'spec.timeouts.requst'", "did you mean 'spec.timeouts.request'?"]],
      ['timeout of zero', 'MeshedService', ["'spec.timeouts.call'", 'positive whole number of milliseconds']],
      ['timeout as a number', 'MeshedService', ["'spec.timeouts.request'", 'got 5000']],
      ['negative retries', 'MeshedService', ["'spec.retryPolicy.maxRetries'", 'got -1']],
      ['unknown retry event', 'MeshedService', ["'spec.retryPolicy.httpRetryEvents[0]'", "'teapot-error'"]],
      ['retry policy misspelt', 'MeshedService', ["'spec.retryPolicy.maxRetry'", "did you mean 'spec.retryPolicy.maxRetries'?"]],
      ['retry timeouts that cannot fit', 'MeshedService', ['only 1 of 4 attempts', 'spec.timeouts.call', 'spec.timeouts.request']],
      ['backend from another mesh', 'MeshedService', ["'spec.backends[0]'", 'belongs to mesh']],
      ['backend that is a string', 'MeshedService', ["'spec.backends[0]'", "got 'payments.shop.internal' (string)"]],
      ['version weights summing to 0', 'MeshedService', ["'versions'", 'sum to 0']],
      ['version given twice', 'MeshedService', ["'versions[1].name'", 'given twice']],
      ['version prop misspelt', 'MeshedService', ["'versions[0].wieght'", "did you mean 'versions[0].weight'?"]],
      ['environment value not a string', 'MeshedService', ["'spec.environment.LEVEL'", 'must be a string, got 3']],
      ['secret in the environment', 'MeshedService', ["'spec.environment.DB_PASSWORD'", 'spec.secrets']],
      ['secret that is no ARN', 'MeshedService', ["'spec.secrets.API_TOKEN'", "got 'hunter2' (string)"]],
      ['log retention CloudWatch does not offer', 'MeshedService', ["'logRetentionDays'", 'got 45']],
      ['deployment maximum above 200 %', 'MeshedService', ["'deploymentMaximumPercent'", 'got 300']],
      ['image as a string', 'MeshedService', ["'spec.image'", "got 'nginx:latest' (string)"]],
      ['health check as a plain object', 'MeshedService', ["'spec.healthCheck'", 'ContainerHealthCheck']],
      ['egress port out of range', 'MeshedService', ["'egressIgnoredPorts[1]'", 'got 99999']],
      ['two services of one name', 'MeshedService', ["'spec.name'", "'orders' is already the name of MeshedService"]],
      [
        'several mistakes in one spec',
        'MeshedService',
        ['4 invalid props', "'spec.name'", "'spec.port'", "'spec.size.cpu'", "'spec.timeouts.call'"],
      ],
      ['Service Connect: timeout in milliseconds', 'ServiceConnectService', ["'spec.timeouts.request'", 'whole number of seconds']],
      [
        'Service Connect: idle timeout below the request timeout',
        'ServiceConnectService',
        ["'idleTimeout'", 'below the per-request timeout'],
      ],
      ['Service Connect: proxy headroom below AWS advice', 'ServiceConnectService', ["'proxyHeadroom.cpu'", 'got 128 CPU units']],
      ['Service Connect: misspelt prop', 'ServiceConnectService', ["'clientAlais'", "did you mean 'clientAlias'?"]],
      ['scaling: min above max', 'ServiceConnectService', ["'spec.scaling.minTasks'", 'more than maxTasks']],
    ];

    test('every mistake of the fixture is checked here, and there are at least 25 kinds', () => {
      expect(Object.keys(reported).sort()).toEqual(expected.map(([name]) => name).sort());
      expect(expected.length).toBeGreaterThanOrEqual(25);
    });

    test.each(expected)('%s: reported by the construct and the prop the consumer wrote', (name, construct, parts) => {
      const message = reported[name];
      expect(message).toEqual(expect.stringContaining(`${construct} 'mistakes/Orders`));
      for (const part of parts) expect(message).toEqual(expect.stringContaining(part));
      // Never by an inner construct's prop.
      expect(message).not.toMatch(/'(timeout\.perRequest|retentionDays|listener\.port|size\.envoyCpu|appEnvironment)/);
    });
  });

  describe('a consumer compiled under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess, run with plain node', () => {
    let outdir: string;

    beforeAll(() => {
      run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], consumer);
      outdir = join(work, 'cdktf.out');
      run(process.execPath, ['dist/app.js'], consumer, { CDKTF_OUTDIR: outdir });
    }, 300_000);

    test('synthesizes both stacks', () => {
      expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['invoices', 'shop']);
    });

    test("runs the README's testing example", () => {
      const result = run(process.execPath, ['-e', "require('./dist/testing').testCanarySplit(); console.log('passed')"], consumer);
      expect(result.stdout.trim()).toBe('passed');
    });

    (terraformAvailable ? describe : describe.skip)('with Terraform, offline', () => {
      let cliConfig: string;
      const tf = (stack: string, ...args: string[]) => runTerraform(terraform!, cliConfig, join(outdir, 'stacks', stack), args);

      /** `terraform plan` of `stack`, as `terraform show -json` reports it. */
      function plan(stack: string): any {
        expectTerraformSuccess(tf(stack, 'plan', '-input=false', '-lock=false', '-out=plan.bin'));
        const show = tf(stack, 'show', '-json', 'plan.bin');
        expectTerraformSuccess(show);
        return JSON.parse(show.stdout);
      }

      beforeAll(() => {
        cliConfig = writeMirrorCliConfig(work, mirror!);
        for (const stack of ['shop', 'invoices']) {
          writeOfflineProviderOverride(join(outdir, 'stacks', stack));
          expectTerraformSuccess(tf(stack, 'init', '-input=false'));
        }
      }, 300_000);

      test.each(['shop', 'invoices'])('terraform validate accepts %s', (stack) => {
        const result = tf(stack, 'validate', '-json');
        expectTerraformSuccess(result);
        expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, error_count: 0 });
      });

      test('plan of the mesh of three services: four ECS services, the canary split 90/10, the retry policy', () => {
        const changes: any[] = plan('shop').resource_changes;
        expect(changes.every((change) => change.change.actions.join() === 'create')).toBe(true);
        expect(
          changes
            .filter((c) => c.type === 'aws_ecs_service')
            .map((c) => c.change.after.name)
            .sort(),
        ).toEqual(['orders-v1', 'orders-v2', 'payments', 'web']);
        const route = changes.find((c) => c.type === 'aws_appmesh_route' && c.change.after.name === 'orders-service');
        expect(route.change.after.spec[0].http_route[0].action[0].weighted_target.map((t: { weight: number }) => t.weight)).toEqual([
          90, 10,
        ]);
        expect(route.change.after.spec[0].http_route[0].retry_policy[0]).toMatchObject({
          max_retries: 2,
          http_retry_events: ['gateway-error'],
        });
      });

      test('plan of the service in an existing estate: its own resources in the existing mesh, cluster and namespace', () => {
        const changes: any[] = plan('invoices').resource_changes;
        expect(changes.every((change) => change.change.actions.join() === 'create')).toBe(true);
        const types = new Set(changes.map((c) => c.type));
        for (const created of [
          'aws_appmesh_mesh',
          'aws_ecs_cluster',
          'aws_service_discovery_private_dns_namespace',
          'aws_security_group',
        ]) {
          expect(types.has(created)).toBe(false);
        }
        const after = (type: string) => changes.find((c) => c.type === type).change.after;
        expect(after('aws_appmesh_virtual_node')).toMatchObject({ mesh_name: 'platform', name: 'invoices-service' });
        expect(after('aws_ecs_service').cluster).toBe('arn:aws:ecs:eu-west-1:111122223333:cluster/platform');
        expect(after('aws_service_discovery_service').dns_config[0].namespace_id).toBe('ns-a1b2c3d4e5f6g7h8');
        expect(after('aws_appmesh_virtual_service').name).toBe('invoices.platform.internal');
      });
    });
  });
});
