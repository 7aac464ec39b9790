import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  findProviderMirror,
  findTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
} from '../helpers/terraform';
/** The HCL fixes of `npm run synth -- --hcl` (a CommonJS script, as synth.cjs is). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { blocksForSkippedAttributes, fixHcl } = require('../../scripts/synth/hcl-fixes.cjs') as {
  blocksForSkippedAttributes: (hcl: string) => string;
  fixHcl: (hcl: string) => Promise<string>;
};

const ROOT = resolve(__dirname, '..', '..');
const CDKTF_CLI = join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf.js');
const FIXTURES = '__tests__/scripts/fixtures';
const ownApp = (entry: string) => `node scripts/synth.cjs --app-only ${entry}`;
const ANNOTATED_APP = ownApp(`${FIXTURES}/annotated-app.ts`);
const RETRY_BUDGET_APP = ownApp(`${FIXTURES}/retry-budget-app.ts`);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a child: no CDKTF_* settings of the caller, no network lookups by the CLI. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CDKTF_')));
  return { ...env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true', CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true', ...extra };
}

/** `npm run synth` without npm: node scripts/synth.cjs ARGS. */
function synth(args: string[], extraEnv: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, ['scripts/synth.cjs', ...args], {
    cwd: ROOT,
    env: childEnv(extraEnv),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The cdktf CLI itself: cdktf ARGS. */
function cdktf(args: string[], extraEnv: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [CDKTF_CLI, ...args], {
    cwd: ROOT,
    env: childEnv(extraEnv),
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectSuccess(run: Run): Run {
  if (run.status !== 0) throw new Error(`exit ${run.status}\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** Every file under `dir`, by relative path, with its bytes as text. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) walk(child);
      else files[relative(dir, child)] = readFileSync(child, 'latin1');
    }
  };
  walk(dir);
  return files;
}

let scratch: string;
beforeAll(() => {
  scratch = tempDir('synth-command-');
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm run synth writes what cdktf synth writes', () => {
  test('the app of cdktf.json: the same cdktf.out/, byte for byte', () => {
    // GIVEN both commands, each into its own output directory
    const fast = join(scratch, 'main-fast');
    const cli = join(scratch, 'main-cli');
    // WHEN
    const run = expectSuccess(synth(['--output', fast]));
    expectSuccess(cdktf(['synth', '--output', cli]));
    // THEN
    expect(run.stdout).toMatch(/^Generated Terraform code for the stacks: ev-pipeline-dev, ev-pipeline-dev-service-connect$/m);
    const files = tree(fast);
    expect(Object.keys(files).sort()).toEqual([
      'manifest.json',
      'stacks/ev-pipeline-dev-service-connect/cdk.tf.json',
      'stacks/ev-pipeline-dev/cdk.tf.json',
    ]);
    expect(files).toEqual(tree(cli));
  }, 300_000);

  test('--hcl: what cdktf synth --hcl writes, with the fixes Terraform needs (references unquoted, skipped attributes as blocks)', async () => {
    // GIVEN both commands, each into its own output directory
    const fast = join(scratch, 'hcl-fast');
    const cli = join(scratch, 'hcl-cli');
    // WHEN
    expectSuccess(synth(['--hcl', '--output', fast]));
    expectSuccess(cdktf(['synth', '--hcl', '--output', cli]));
    // THEN the same files; the HCL is the CLI's with the fixes applied
    const files = tree(fast);
    const cliFiles = tree(cli);
    expect(Object.keys(files).sort()).toEqual(Object.keys(cliFiles).sort());
    for (const [path, text] of Object.entries(files)) {
      if (!path.endsWith('/cdk.tf')) {
        expect(text).toBe(cliFiles[path]);
        continue;
      }
      expect(text).toBe(await fixHcl(cliFiles[path]!));
      expect(text).not.toMatch(/# Warning: The following attribute is of an unexpected type/);
      expect(text).not.toMatch(/^\s*(depends_on|ignore_changes)\s*=\s*\[[^\]]*"/m);
    }
    // the fixes did change something: quoted references and the WAF's statements
    expect(Object.values(cliFiles).join('\n')).toMatch(/# Warning: The following attribute is of an unexpected type/);
  }, 300_000);

  test('HCL fix: object attributes after the skipped-attribute warning become blocks, a list of objects one block per item', () => {
    const hcl = [
      'rule {',
      '  # Warning: The following attribute is of an unexpected type. …',
      '  # We understand this is not ideal …',
      '',
      '  statement = {',
      '    managed_rule_group_statement = {',
      '      name = "AWSManagedRulesCommonRuleSet"',
      '      rule_action_override = [',
      '        {',
      '          name = "SizeRestrictions_BODY"',
      '          action_to_use = {',
      '            count = {',
      '            }',
      '          }',
      '        },',
      '        {',
      '          name = "NoUserAgent_HEADER"',
      '        }',
      '      ]',
      '    }',
      '  }',
      '  priority = 1',
      '}',
    ].join('\n');
    expect(blocksForSkippedAttributes(hcl).split('\n')).toEqual([
      'rule {',
      '  statement {',
      '    managed_rule_group_statement {',
      '      name = "AWSManagedRulesCommonRuleSet"',
      '      rule_action_override {',
      '          name = "SizeRestrictions_BODY"',
      '          action_to_use {',
      '            count {',
      '            }',
      '          }',
      '      }',
      '      rule_action_override {',
      '          name = "NoUserAgent_HEADER"',
      '      }',
      '    }',
      '  }',
      '  priority = 1',
      '}',
    ]);
  });

  test('an app with annotations: the same manifest, stack traces included', () => {
    const fast = join(scratch, 'annotated-fast');
    const cli = join(scratch, 'annotated-cli');
    expectSuccess(synth(['--output', fast, '--app', ANNOTATED_APP]));
    expectSuccess(cdktf(['synth', '--output', cli, '--app', ANNOTATED_APP]));
    const manifest = JSON.parse(readFileSync(join(fast, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['fixture-one'].annotations).toHaveLength(2);
    expect(manifest.stacks['fixture-one'].annotations[1].stacktrace.length).toBeGreaterThan(3);
    expect(tree(fast)).toEqual(tree(cli));
  }, 300_000);
});

describe('npm run synth on the terminal', () => {
  test('prints every annotation as the CLI does, then the stacks', () => {
    const run = expectSuccess(synth(['--output', join(scratch, 'printed'), '--app', ANNOTATED_APP]));
    expect(run.stdout.trim().split('\n')).toEqual([
      'INFO [fixture-one]: an informational note',
      'WARN [fixture-one]: a warning the user must see',
      'Generated Terraform code for the stacks: fixture-one, fixture-two',
    ]);
  }, 60_000);

  test("prints the retry-budget check's warning", () => {
    const run = expectSuccess(synth(['--output', join(scratch, 'budget'), '--app', RETRY_BUDGET_APP]));
    expect(run.stdout).toMatch(/^WARN \[retry-budget\/Route\]: retry budget: only 2 of 13 attempts .* need 67525 ms/m);
  }, 60_000);

  test('fails on an error annotation, with its stack trace', () => {
    const run = synth(['--output', join(scratch, 'error'), '--app', ANNOTATED_APP], { FIXTURE_ERROR: '1' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^ERROR \[fixture-one\]: an error that fails synthesis\n_?Annotations\.addMessage /m);
    expect(run.stderr).toMatch(/error annotations have been encountered/);
  }, 60_000);

  test('fails when the app throws, showing its error', () => {
    const run = synth(['--output', join(scratch, 'throw'), '--app', ANNOTATED_APP], { FIXTURE_THROW: '1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/the fixture app was told to throw/);
    expect(run.stdout).not.toMatch(/Generated Terraform code/);
  }, 60_000);

  test("fails when the app does not compile, with esbuild's message and no stack trace", () => {
    const dir = join(ROOT, '.tmp', `synth-test-bad-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'app.ts'), "import { App } from 'cdktf';\nconst broken: = 1;\nnew App().synth();\n");
      const run = synth(['--output', join(scratch, 'bad'), '--app', ownApp(relative(ROOT, join(dir, 'app.ts')))]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/app\.ts:2:\d+: ERROR: Unexpected "="|Unexpected "="/);
      expect(run.stderr).toMatch(/synth: esbuild could not bundle the app: 1 error\(s\), shown above/);
      expect(run.stderr).not.toMatch(/at failureErrorWithLog/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test('runs any other app command through the shell, with the same environment', () => {
    const out = join(scratch, 'spawned');
    const run = expectSuccess(synth(['--output', out, '--app', `node --import tsx ${FIXTURES}/annotated-app.ts`]));
    expect(run.stdout).toMatch(/^WARN \[fixture-one\]: a warning the user must see$/m);
    const inProcess = join(scratch, 'in-process');
    expectSuccess(synth(['--output', inProcess, '--app', ANNOTATED_APP]));
    const stackFile = 'stacks/fixture-one/cdk.tf.json';
    expect(tree(out)[stackFile]).toEqual(tree(inProcess)[stackFile]);
  }, 60_000);

  test('removes the directory of a stack the app no longer synthesizes, as the CLI does', () => {
    const out = join(scratch, 'orphans');
    expectSuccess(synth(['--output', out, '--app', ANNOTATED_APP]));
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['fixture-one', 'fixture-two']);
    expectSuccess(synth(['--output', out, '--app', ANNOTATED_APP], { FIXTURE_STACKS: 'fixture-one' }));
    expect(readdirSync(join(out, 'stacks'))).toEqual(['fixture-one']);
  }, 60_000);
});

describe("the app's cached bundles (.tmp/synth-app)", () => {
  let appDir: string;
  beforeEach(() => {
    // An entry inside the project, so that its imports resolve from the project's node_modules.
    appDir = join(ROOT, '.tmp', `synth-test-${process.pid}-${Date.now()}`);
    mkdirSync(appDir, { recursive: true });
    cpSync(join(ROOT, FIXTURES, 'annotated-app.ts'), join(appDir, 'app.ts'));
    // Written a minute ago: a file modified while (or just before) its layer is built is never trusted.
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(appDir, 'app.ts'), aMinuteAgo, aMinuteAgo);
  });
  afterEach(() => rmSync(appDir, { recursive: true, force: true }));

  const greetingOf = (out: string) =>
    JSON.parse(readFileSync(join(out, 'stacks', 'fixture-one', 'cdk.tf.json'), 'utf8')).output.greeting.value;

  const cache = join(ROOT, '.tmp', 'synth-app');
  const layerFiles = () => readdirSync(cache).filter((file) => file.startsWith('app-') && file.endsWith('.json'));
  /** The app layer of `entry`, with the time its metadata was written. */
  const layerOf = (entry: string) =>
    layerFiles()
      .map((file) => ({ ...JSON.parse(readFileSync(join(cache, file), 'utf8')), writtenAt: statSync(join(cache, file)).mtimeMs }))
      .find((layer) => layer.entry === entry);

  test('an unchanged app is not bundled again; an edited source is (same size, newer time)', () => {
    const entry = join(appDir, 'app.ts');
    const app = ownApp(relative(ROOT, entry));
    const out = join(scratch, 'edited');
    expectSuccess(synth(['--output', out, '--app', app]));
    expect(greetingOf(out)).toBe('hello from fixture-one');
    const built = layerOf(entry);
    expectSuccess(synth(['--output', out, '--app', app]));
    expect(layerOf(entry)).toEqual(built);
    // WHEN the source changes (to text of the same length)
    const source = readFileSync(join(appDir, 'app.ts'), 'utf8');
    writeFileSync(join(appDir, 'app.ts'), source.replace('`hello from ${name}`', '`edited for ${name}`'));
    expectSuccess(synth(['--output', out, '--app', app]));
    // THEN
    expect(greetingOf(out)).toBe('edited for fixture-one');
    expect(layerOf(entry).bundle).not.toBe(built.bundle);
  }, 60_000);

  test('the layer of an entry that no longer exists is removed when another is built', () => {
    const first = join(appDir, 'app.ts');
    expectSuccess(synth(['--output', join(scratch, 'gone'), '--app', ownApp(relative(ROOT, first))]));
    expect(layerOf(first)).toBeDefined();
    // WHEN the entry is deleted and another entry is bundled
    rmSync(first);
    const second = join(appDir, 'second.ts');
    cpSync(join(ROOT, FIXTURES, 'annotated-app.ts'), second);
    expectSuccess(synth(['--output', join(scratch, 'gone'), '--app', ownApp(relative(ROOT, second))]));
    // THEN
    expect(layerOf(first)).toBeUndefined();
    expect(layerOf(second)).toBeDefined();
  }, 60_000);
});

const terraform = findTerraform();
const mirror = findProviderMirror();
const terraformAvailable = terraform !== undefined && mirror !== undefined;
if (!terraformAvailable) {
  if (process.env.REQUIRE_TERRAFORM === '1')
    throw new Error('The cdktf diff check needs terraform and the provider mirror (REQUIRE_TERRAFORM=1)');
  console.warn('SKIPPED cdktf diff --skip-synth on the output of npm run synth: terraform or the provider mirror not found.');
}

(terraformAvailable ? describe : describe.skip)('the cdktf CLI works from the output of npm run synth', () => {
  test('cdktf diff --skip-synth reads the manifest, runs terraform init and plans the whole stack; terraform validate passes', () => {
    // GIVEN cdktf.out/ written by npm run synth, offline Terraform settings (mirror, no credentials check)
    const out = join(scratch, 'diff');
    expectSuccess(synth(['--output', out]));
    const stackDir = join(out, 'stacks', 'ev-pipeline-dev');
    const cliConfig = writeMirrorCliConfig(scratch, mirror!);
    writeOfflineProviderOverride(stackDir);
    // WHEN
    const diff = cdktf(
      [
        'diff',
        'ev-pipeline-dev',
        '--skip-synth',
        '--skip-provider-lock',
        '--no-color',
        '--output',
        out,
        '--var-file',
        join(ROOT, 'terraform', 'example.tfvars'),
      ],
      {
        TF_CLI_CONFIG_FILE: cliConfig,
        TF_IN_AUTOMATION: '1',
        AWS_ACCESS_KEY_ID: 'AKIAOFFLINETEST00000',
        AWS_SECRET_ACCESS_KEY: 'offline-test-not-a-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    );
    // THEN
    expectSuccess(diff);
    expect(diff.stdout).toMatch(/Plan: 71 to add, 0 to change, 0 to destroy/);
    expect(existsSync(join(stackDir, 'plan'))).toBe(true);
    const validate = runTerraform(terraform!, cliConfig, stackDir, ['validate', '-json']);
    expect(validate.status).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
  }, 300_000);
});
