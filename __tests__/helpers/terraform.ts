/**
 * Offline Terraform for the tests: finds the CLI and the hashicorp/aws
 * filesystem mirror, writes a CLI configuration that installs providers from
 * that mirror only, and runs terraform with it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The provider version that @cdktf/provider-aws 20.1.0 binds. */
export const AWS_PROVIDER_VERSION = '5.100.0';
const PROVIDER_DIR = join('registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION);

/** The terraform executable on PATH, or undefined. */
export function findTerraform(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'terraform');
    if (dir && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * The root of a filesystem mirror holding hashicorp/aws 5.100.0:
 * `TF_PROVIDER_MIRROR` when set, else the first likely root that has it
 * (`/opt/*`, `/usr/share/terraform/plugins`, `~/.terraform.d/plugins`,
 * `~/.local/share/terraform/plugins`).
 */
export function findProviderMirror(): string | undefined {
  const fromEnv = process.env.TF_PROVIDER_MIRROR;
  if (fromEnv) return existsSync(join(fromEnv, PROVIDER_DIR)) ? fromEnv : undefined;
  const optRoots = existsSync('/opt') ? readdirSync('/opt').map((entry) => join('/opt', entry)) : [];
  const roots = [
    ...optRoots,
    '/usr/share/terraform/plugins',
    join(homedir(), '.terraform.d', 'plugins'),
    join(homedir(), '.local', 'share', 'terraform', 'plugins'),
  ];
  return roots.find((root) => existsSync(join(root, PROVIDER_DIR)));
}

/**
 * Writes a CLI configuration that takes hashicorp/* from `mirror` only, and
 * shares installed providers through `pluginCacheDir` when given; returns its path.
 */
export function writeMirrorCliConfig(dir: string, mirror: string, pluginCacheDir?: string): string {
  const path = join(dir, 'terraform.tfrc');
  writeFileSync(
    path,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '}',
      ...(pluginCacheDir === undefined ? [] : [`plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`]),
      '',
    ].join('\n'),
  );
  return path;
}

/**
 * A provider override (a Terraform `*_override.tf.json` file, written into
 * the test's copy only) that lets `terraform plan` run without an account.
 */
export function writeOfflineProviderOverride(stackDir: string): void {
  writeFileSync(
    join(stackDir, 'offline_provider_override.tf.json'),
    JSON.stringify({
      provider: {
        aws: {
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
        },
      },
    }),
  );
}

export interface TerraformResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform in `cwd` with the mirror configuration and dummy credentials in the child's environment only. */
export function runTerraform(terraform: string, cliConfig: string, cwd: string, args: readonly string[]): TerraformResult {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: 'AKIAOFFLINETEST00000',
    AWS_SECRET_ACCESS_KEY: 'offline-test-not-a-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  const result = spawnSync(terraform, [...args, '-no-color'], { cwd, env, encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The terraform CLI and the provider mirror the offline checks run with. */
export interface OfflineTerraform {
  readonly terraform: string;
  readonly mirror: string;
}

/**
 * Finds the terraform CLI and the provider mirror for the offline checks of
 * `what`. When either is missing it warns "SKIPPED …" (visible in Jest's
 * output, so a skipped check is never mistaken for a passed one) and returns
 * undefined, or throws when `REQUIRE_TERRAFORM=1` (CI).
 */
export function offlineTerraform(what: string): OfflineTerraform | undefined {
  const terraform = findTerraform();
  const mirror = findProviderMirror();
  if (terraform !== undefined && mirror !== undefined) return { terraform, mirror };
  const missing =
    terraform === undefined
      ? 'the terraform CLI'
      : `a filesystem mirror with hashicorp/aws ${AWS_PROVIDER_VERSION} (set TF_PROVIDER_MIRROR)`;
  if (process.env.REQUIRE_TERRAFORM === '1')
    throw new Error(`Offline Terraform checks of ${what}: ${missing} not found, and REQUIRE_TERRAFORM=1`);
  console.warn(`SKIPPED offline Terraform checks of ${what}: ${missing} not found.`);
  return undefined;
}

/** Throws with terraform's output unless it exited 0. */
export function expectTerraformSuccess(result: TerraformResult): void {
  if (result.status !== 0) throw new Error(`terraform exited ${result.status}\n${result.stdout}\n${result.stderr}`);
}

/** `terraform validate -json`: expects success, a valid configuration and no errors. */
export function expectTerraformValid(tf: (...args: string[]) => TerraformResult): void {
  const result = tf('validate', '-json');
  expectTerraformSuccess(result);
  expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, error_count: 0 });
}

/**
 * `terraform plan` (with `args`: variables, var files) saved and shown as
 * JSON (`terraform show -json`); throws with terraform's output when either fails.
 */
export function planJson(tf: (...args: string[]) => TerraformResult, ...args: string[]): any {
  expectTerraformSuccess(tf('plan', '-input=false', '-lock=false', ...args, '-out=plan.bin'));
  const show = tf('show', '-json', 'plan.bin');
  expectTerraformSuccess(show);
  return JSON.parse(show.stdout);
}
