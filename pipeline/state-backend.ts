/**
 * Where a stack keeps its Terraform state. With `EV_PIPELINE_STATE_BUCKET`
 * set at synth time: an S3 bucket, one object per stack
 * (`<prefix><stack id>.tfstate`, the key the infrastructure workflow uses too), encrypted, locked by S3 itself
 * (`use_lockfile`, Terraform ≥ 1.10: a `.tflock` object beside the state; no
 * DynamoDB table). Without it: the local backend (`terraform.<stack
 * id>.tfstate` in the working directory), so `npm run synth` and the offline
 * tests need no AWS account. A backend cannot read Terraform variables, so it
 * is configured from the environment when the stacks are synthesized.
 */
import { S3Backend, type TerraformStack } from 'cdktf';

/** The environment variables that configure the remote state. */
export const STATE_BACKEND_ENV = Object.freeze({
  /** S3 bucket of the state; unset: local state. */
  BUCKET: 'EV_PIPELINE_STATE_BUCKET',
  /** Region of the bucket. @default AWS_REGION */
  REGION: 'EV_PIPELINE_STATE_REGION',
  /** Prefix of the state objects' keys. @default 'ev-pipeline/' (as the infrastructure workflow) */
  KEY_PREFIX: 'EV_PIPELINE_STATE_KEY_PREFIX',
} as const);

/** The key prefix of the state objects when `EV_PIPELINE_STATE_KEY_PREFIX` is not set: the infrastructure workflow's. */
export const DEFAULT_STATE_KEY_PREFIX = 'ev-pipeline/';

/** The S3 backend's settings read from `env`, or undefined for local state; throws naming the variable that is missing. */
export function stateBackendSettings(
  env: Readonly<Record<string, string | undefined>>,
): { readonly bucket: string; readonly region: string; readonly keyPrefix: string } | undefined {
  const bucket = env[STATE_BACKEND_ENV.BUCKET];
  if (bucket === undefined || bucket === '') return undefined;
  const region = env[STATE_BACKEND_ENV.REGION] || env.AWS_REGION;
  if (region === undefined || region === '') {
    throw new Error(`${STATE_BACKEND_ENV.BUCKET} is set but the bucket's region is not: set ${STATE_BACKEND_ENV.REGION} or AWS_REGION`);
  }
  return { bucket, region, keyPrefix: env[STATE_BACKEND_ENV.KEY_PREFIX] ?? DEFAULT_STATE_KEY_PREFIX };
}

/** Gives `stack` the S3 backend that `env` configures; leaves the local backend otherwise. */
export function configureStateBackend(stack: TerraformStack, env: Readonly<Record<string, string | undefined>>): void {
  const settings = stateBackendSettings(env);
  if (settings === undefined) return;
  const backend = new S3Backend(stack, {
    bucket: settings.bucket,
    key: `${settings.keyPrefix}${stack.node.id}.tfstate`,
    region: settings.region,
    encrypt: true,
  });
  // cdktf 0.21's S3BackendConfig predates Terraform 1.10's S3-native locking; the override writes it into the backend block.
  backend.addOverride('use_lockfile', true);
}
