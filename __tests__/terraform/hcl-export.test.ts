/**
 * The way out of CDKTF (docs/leaving-cdktf.md): every stack main.ts
 * synthesizes, exported as HCL with `npm run synth -- --hcl`, validates and
 * plans to the same resources and planned values as its JSON synth. Same
 * addresses and values: plain Terraform takes over the state without a move.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, DataResource, TerraformStack, TerraformVariable } from 'cdktf';
import { renderJsonDocument } from '@ev-pipeline/cdktf-mesh-constructs';
import { ENVIRONMENTS } from '../../pipeline/environments';
import { stackIdOf } from '../../pipeline/data-plane';
import {
  expectTerraformSuccess,
  offlineTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
  type TerraformResult,
} from '../helpers/terraform';

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLE_VARS = join(ROOT, 'terraform', 'example.tfvars');
/** The front door's inputs, which only the Service Connect stacks have. */
const FRONT_DOOR_VARS = join(ROOT, 'terraform', 'example-front-door.tfvars');
const FORMATS = ['json', 'hcl'] as const;
type Format = (typeof FORMATS)[number];
/** The file each format writes into a stack directory. */
const STACK_FILE: Record<Format, string> = { json: 'cdk.tf.json', hcl: 'cdk.tf' };

/** Every stack main.ts synthesizes, per environment (EV_PIPELINE_ENV). */
const STACKS = Object.values(ENVIRONMENTS).flatMap((config) =>
  config.dataPlanes.map((plane) => ({ env: config.env, stack: stackIdOf(config.env, plane) })),
);

const offline = offlineTerraform('the HCL export');
const available = offline !== undefined;

/**
 * What a plan will do, from `terraform show -json`: per resource address its
 * actions and planned values (known values, which are unknown until apply,
 * which are sensitive), and the outputs. Left out: the plan's `configuration`
 * section, the expressions as written, which differ between the two formats
 * by construction (`"${aws_x.y.arn}"` against `aws_x.y.arn`) without changing
 * a value; and its format version and timestamp.
 */
function plannedChanges(showJson: string) {
  const plan = JSON.parse(showJson);
  const resources: Record<string, unknown> = {};
  for (const change of plan.resource_changes ?? []) {
    resources[change.address] = {
      actions: change.change.actions,
      after: change.change.after,
      afterUnknown: change.change.after_unknown,
      afterSensitive: change.change.after_sensitive,
    };
  }
  return { resources, outputs: plan.planned_values?.outputs ?? {} };
}

/** `validate -json`'s verdict and diagnostics (summary and where), to show in a failed expectation. */
function validation(result: TerraformResult) {
  const report = JSON.parse(result.stdout);
  return {
    valid: report.valid,
    diagnostics: (report.diagnostics ?? []).map(
      (d: { severity: string; summary: string; range?: { start: { line: number } } }) =>
        `${d.severity}: ${d.summary} (line ${d.range?.start.line})`,
    ),
  };
}

(available ? describe : describe.skip)('the HCL export of every stack, with Terraform offline', () => {
  let workDir: string;
  let cliConfig: string;
  const summary: string[] = [];
  const stackDir = (env: string, format: Format, stack: string) => join(workDir, env, format, 'stacks', stack);
  const tf = (dir: string, ...args: string[]) => runTerraform(offline!.terraform, cliConfig, dir, args);

  beforeAll(() => {
    workDir = tempDir('ev-pipeline-hcl-');
    const pluginCache = join(workDir, 'plugin-cache');
    mkdirSync(pluginCache);
    cliConfig = writeMirrorCliConfig(workDir, offline!.mirror, pluginCache);
    // GIVEN each environment synthesized by the user's commands: `npm run synth` and `npm run synth -- --hcl`
    for (const env of Object.keys(ENVIRONMENTS)) {
      mkdirSync(join(workDir, env));
      for (const format of FORMATS) {
        const synth = spawnSync(
          process.execPath,
          ['scripts/synth.cjs', '--output', join(workDir, env, format), ...(format === 'hcl' ? ['--hcl'] : [])],
          { cwd: ROOT, env: { ...process.env, EV_PIPELINE_ENV: env, CHECKPOINT_DISABLE: '1' }, encoding: 'utf8' },
        );
        if (synth.status !== 0) throw new Error(`synth of ${env} (${format}) failed\n${synth.stdout}\n${synth.stderr}`);
      }
    }
    // One init per stack directory; the plugin cache shares the provider between them.
    for (const { env, stack } of STACKS) {
      for (const format of FORMATS) {
        writeOfflineProviderOverride(stackDir(env, format, stack));
        expectTerraformSuccess(tf(stackDir(env, format, stack), 'init', '-input=false'));
      }
    }
  }, 600_000);

  afterAll(() => {
    if (summary.length > 0) console.log(`HCL export against JSON synth, terraform plan:\n${summary.join('\n')}`);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('the synth writes exactly the stacks of the environments, each in its one format', () => {
    for (const env of Object.keys(ENVIRONMENTS)) {
      for (const format of FORMATS) {
        const manifest = JSON.parse(readFileSync(join(workDir, env, format, 'manifest.json'), 'utf8'));
        const stacks = Object.values(manifest.stacks as Record<string, { name: string; synthesizedStackPath: string }>);
        expect(stacks.map((s) => s.name).sort()).toEqual(
          STACKS.filter((s) => s.env === env)
            .map((s) => s.stack)
            .sort(),
        );
        for (const s of stacks) expect(s.synthesizedStackPath).toBe(`stacks/${s.name}/${STACK_FILE[format]}`);
      }
    }
  });

  describe.each(STACKS)('$stack', ({ env, stack }) => {
    test('terraform validate accepts the HCL export and the JSON synth, without a warning', () => {
      for (const format of FORMATS) {
        const result = tf(stackDir(env, format, stack), 'validate', '-json');
        expect({ format, ...validation(result) }).toEqual({ format, valid: true, diagnostics: [] });
      }
    }, 360_000);

    test('terraform plan of the HCL export creates the same resources with the same planned values as the JSON synth', () => {
      // WHEN both are planned with the example variables
      const [json, hcl] = FORMATS.map((format) => {
        const dir = stackDir(env, format, stack);
        const frontDoorVars = stack.endsWith('-service-connect') ? [`-var-file=${FRONT_DOOR_VARS}`] : [];
        expectTerraformSuccess(
          tf(dir, 'plan', '-input=false', '-lock=false', `-var-file=${EXAMPLE_VARS}`, ...frontDoorVars, '-out=plan.bin'),
        );
        const show = tf(dir, 'show', '-json', 'plan.bin');
        expectTerraformSuccess(show);
        return plannedChanges(show.stdout);
      });
      // THEN the same addresses (no state move), and equal actions and values
      const count = Object.keys(json.resources).length;
      expect(count).toBeGreaterThan(0);
      expect(Object.keys(hcl.resources).sort()).toEqual(Object.keys(json.resources).sort());
      expect(hcl).toEqual(json);
      summary.push(
        `  ${stack}: ${count} resources to create and ${Object.keys(json.outputs).length} outputs in both; addresses, planned values and outputs equal`,
      );
    }, 360_000);
  });
});

(available ? describe : describe.skip)('renderJsonDocument in both outputs, with Terraform offline', () => {
  /** A referenced value is interpolated into the JSON synth's text unescaped: no `"` or `\` (as in ARNs, names and URLs). */
  const VARIABLE_VALUE = "Ann O'Neil";
  /** Strings that neither a plain HCL string nor a cdktf function argument carries as they are. */
  const document = (reference: string) => ({
    quotes: 'He said "hi"',
    backslashes: 'C:\\path\\',
    nestedJson: JSON.stringify({ a: '"x"\\' }),
    templateSequences: 'literal ${x} and %{ if y }',
    escapedTemplate: '$${',
    controlCharacters: 'a\nb\r\tc\u0001',
    unicode: 'é✓ <>&',
    'key "with" quotes ${k}': true,
    list: [1, 2.5, -3e21, null, undefined, Number.POSITIVE_INFINITY, false, 'x'],
    empty: {},
    emptyList: [],
    leftOut: undefined,
    reference,
    mixed: `pre "q" \\ ${reference} mid %{ ${reference}$`,
  });
  const expected = JSON.parse(JSON.stringify(document(VARIABLE_VALUE)));
  let workDir: string;
  let cliConfig: string;

  /** A stack of terraform_data resources whose input is a rendered document, synthesized as `format`. */
  function synthesize(format: Format): string {
    const outdir = join(workDir, format);
    const before = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = String(format === 'hcl'); // as `cdktf synth --hcl` sets it for the app
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'documents');
      const name = new TerraformVariable(stack, 'name', { type: 'string', default: VARIABLE_VALUE });
      new DataResource(stack, 'with_reference', { input: { document: renderJsonDocument(document(name.stringValue)) } });
      new DataResource(stack, 'literal_only', { input: { document: renderJsonDocument(document(VARIABLE_VALUE)) } });
      new DataResource(stack, 'reference_and_quotes', {
        input: { document: renderJsonDocument({ a: name.stringValue, b: 'x "y" \\ z' }) },
      });
      app.synth();
    } finally {
      if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = before;
    }
    return join(outdir, 'stacks', 'documents');
  }

  beforeAll(() => {
    workDir = tempDir('ev-pipeline-json-document-');
    cliConfig = writeMirrorCliConfig(workDir, offline!.mirror);
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test.each(FORMATS)('in the %s output, Terraform plans each document as JSON.stringify renders it', (format) => {
    // GIVEN
    const dir = synthesize(format);
    const tf = (...args: string[]) => runTerraform(offline!.terraform, cliConfig, dir, args);
    expectTerraformSuccess(tf('init', '-input=false'));
    // WHEN
    expectTerraformSuccess(tf('plan', '-input=false', '-lock=false', '-out=plan.bin'));
    const show = tf('show', '-json', 'plan.bin');
    expectTerraformSuccess(show);
    // THEN
    const inputs = Object.fromEntries(
      (JSON.parse(show.stdout).resource_changes as { name: string; change: { after: { input: { document: string } } } }[]).map((change) => [
        change.name,
        JSON.parse(change.change.after.input.document),
      ]),
    );
    expect(inputs).toEqual({
      with_reference: expected,
      literal_only: expected,
      reference_and_quotes: { a: VARIABLE_VALUE, b: 'x "y" \\ z' },
    });
  });
});
