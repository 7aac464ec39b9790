import { App, Testing, TerraformStack } from 'cdktf';
import { configureStateBackend, stateBackendSettings } from '../../pipeline/state-backend';

/** The `terraform` block of `stack`'s synthesized JSON after `configureStateBackend(stack, env)`. */
function terraformBlock(env: Record<string, string>): Record<string, unknown> {
  const app = Testing.app();
  const stack = new TerraformStack(app as App, 'ev-pipeline-dev-service-connect');
  configureStateBackend(stack, env);
  return JSON.parse(Testing.synth(stack)).terraform ?? {};
}

describe('state backend without EV_PIPELINE_STATE_BUCKET', () => {
  test('stays local, so npm run synth needs no AWS account', () => {
    expect(terraformBlock({ AWS_REGION: 'eu-west-1' }).backend).toBeUndefined();
    expect(stateBackendSettings({})).toBeUndefined();
  });
});

describe('state backend with EV_PIPELINE_STATE_BUCKET', () => {
  test("is S3, one encrypted object per stack under the infrastructure workflow's key, locked by an S3 lock file (no DynamoDB table)", () => {
    const backend = terraformBlock({ EV_PIPELINE_STATE_BUCKET: 'acme-tf-state', AWS_REGION: 'eu-west-1' }).backend;
    expect(backend).toEqual({
      s3: {
        bucket: 'acme-tf-state',
        key: 'ev-pipeline/ev-pipeline-dev-service-connect.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test("takes the bucket's own region and a key prefix when given", () => {
    const backend = terraformBlock({
      EV_PIPELINE_STATE_BUCKET: 'acme-tf-state',
      EV_PIPELINE_STATE_REGION: 'us-east-1',
      EV_PIPELINE_STATE_KEY_PREFIX: 'telemetry/',
      AWS_REGION: 'eu-west-1',
    }).backend as { s3: Record<string, unknown> };
    expect(backend.s3).toMatchObject({ region: 'us-east-1', key: 'telemetry/ev-pipeline-dev-service-connect.tfstate' });
  });

  test('without any region, names the variables to set', () => {
    expect(() => stateBackendSettings({ EV_PIPELINE_STATE_BUCKET: 'acme-tf-state' })).toThrow(
      /EV_PIPELINE_STATE_BUCKET is set but the bucket's region is not: set EV_PIPELINE_STATE_REGION or AWS_REGION/,
    );
  });
});
