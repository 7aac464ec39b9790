import { Testing } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { FrontDoorAccessLogs } from '../../../modules/front-door/access-logs';
import { FrontDoor } from '../../../modules/front-door/front-door';
import { newStack, resources, synthJson } from '../fixture';
import { frontDoorProps } from './fixture';

Testing.setupJest();

/** The bucket policy of the access-log bucket, as the Terraform expression cdktf writes. */
function accessLogPolicy(json: any): string {
  const policies = Object.entries(json.resource.aws_s3_bucket_policy).filter(([id]) => id.includes('AccessLogBucket'));
  expect(policies).toHaveLength(1);
  return (policies[0][1] as any).policy;
}

describe('FrontDoorAccessLogs.toNewBucket (the default)', () => {
  const stack = newStack();
  new FrontDoor(stack, 'FrontDoor', frontDoorProps());
  const synth = Testing.synth(stack);
  const json = JSON.parse(synth);

  test('creates a bucket named after the front door, encrypted with SSE-S3, all public access blocked, ACLs disabled', () => {
    expect(resources(json, 'aws_s3_bucket')).toEqual([expect.objectContaining({ bucket_prefix: 'ingest-logs-' })]);
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(synth).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
  });

  test('expires log files after 90 days', () => {
    expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({
          status: 'Enabled',
          expiration: [{ days: 90 }],
          noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        }),
      ],
    });
  });

  test('denies every request not made over TLS, on the bucket and its objects', () => {
    const policy = accessLogPolicy(json);
    expect(policy).toContain(
      '{"Sid" = "DenyInsecureTransport", "Effect" = "Deny", "Principal" = "*", "Action" = "s3:*", "Resource" = [aws_s3_bucket.FrontDoor_AccessLogBucket_2E1E04F9.arn, join("", [aws_s3_bucket.FrontDoor_AccessLogBucket_2E1E04F9.arn, "/*"])], "Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}}',
    );
  });

  test("lets the ELB log-delivery service principal and the region's ELB account (ap-northeast-1: 582318560864) write under AWSLogs/ only", () => {
    const policy = accessLogPolicy(json);
    expect(policy).toContain(
      '{"Sid" = "ElbLogDeliveryService", "Effect" = "Allow", "Principal" = {"Service" = "logdelivery.elasticloadbalancing.amazonaws.com"}, "Action" = "s3:PutObject", "Resource" = join("", [aws_s3_bucket.FrontDoor_AccessLogBucket_2E1E04F9.arn, "/AWSLogs/*"])}',
    );
    expect(policy).toContain(
      '"Principal" = {"AWS" = join("", ["arn:", element(split(":", aws_s3_bucket.FrontDoor_AccessLogBucket_2E1E04F9.arn), 1), ":iam::582318560864:root"])}, "Action" = "s3:PutObject"',
    );
  });

  test('the load balancer waits for the bucket policy (ELB checks it can write when logging is turned on)', () => {
    expect(synth).toHaveResourceWithProperties(Lb, {
      depends_on: [expect.stringMatching(/^aws_s3_bucket_policy\.FrontDoor_AccessLogBucket_Policy_/)],
    });
  });
});

describe('FrontDoorAccessLogs.toNewBucket in other regions', () => {
  test('a region opened after August 2022 grants the service principal only', () => {
    const stack = newStack();
    new FrontDoor(stack, 'FrontDoor', frontDoorProps({ region: 'ap-southeast-5' }));
    const policy = accessLogPolicy(synthJson(stack));
    expect(policy).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
    expect(policy).not.toContain('ElbLogDeliveryRegionalAccount');
  });

  test('a region given as a Terraform reference lets Terraform choose the ELB account', () => {
    const stack = newStack();
    const region = new DataAwsRegion(stack, 'current').name;
    new FrontDoor(stack, 'FrontDoor', frontDoorProps({ region }));
    const policy = accessLogPolicy(synthJson(stack));
    expect(policy).toMatch(
      /lookup\(\{"us-east-1" = "127311923021", .*"ap-northeast-1" = "582318560864", .*\}, data\.aws_region\.current\.name, "none"\) == "none"\) \? \[\] : \[\{"Sid" = "ElbLogDeliveryRegionalAccount"/,
    );
  });

  test('a custom expiry', () => {
    const stack = newStack();
    new FrontDoor(stack, 'FrontDoor', frontDoorProps({ accessLogs: FrontDoorAccessLogs.toNewBucket({ expirationDays: 400 }) }));
    expect(Testing.synth(stack)).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ expiration: [{ days: 400 }] })],
    });
  });
});

describe('FrontDoorAccessLogs.toExistingBucket', () => {
  test('writes to the bucket under the prefix and creates no bucket', () => {
    const stack = newStack();
    new FrontDoor(
      stack,
      'FrontDoor',
      frontDoorProps({ accessLogs: FrontDoorAccessLogs.toExistingBucket({ bucketName: 'org-alb-logs', prefix: 'ingest' }) }),
    );
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(Lb, { access_logs: { bucket: 'org-alb-logs', prefix: 'ingest', enabled: true } });
    expect(resources(JSON.parse(synth), 'aws_s3_bucket')).toEqual([]);
  });
});

describe('FrontDoorAccessLogs rejects options that cannot work', () => {
  const build = (accessLogs: FrontDoorAccessLogs) => () => new FrontDoor(newStack(), 'FrontDoor', frontDoorProps({ accessLogs }));

  test('an expiry outside 1-36500 days', () => {
    expect(build(FrontDoorAccessLogs.toNewBucket({ expirationDays: 0 }))).toThrow(
      /FrontDoor 'test\/FrontDoor': invalid prop 'accessLogs.expirationDays': must be an integer from 1 to 36500, got 0/,
    );
    expect(build(FrontDoorAccessLogs.toNewBucket({ expirationDays: 1.5 }))).toThrow(/accessLogs.expirationDays/);
  });

  test('an empty bucket name, or a prefix ELB refuses', () => {
    expect(build(FrontDoorAccessLogs.toExistingBucket({ bucketName: '' }))).toThrow(/invalid prop 'accessLogs.bucketName'/);
    expect(build(FrontDoorAccessLogs.toExistingBucket({ bucketName: 'b', prefix: 'x/AWSLogs' }))).toThrow(
      /invalid prop 'accessLogs.prefix': must be non-empty, must not contain 'AWSLogs'.*got 'x\/AWSLogs'/,
    );
    expect(build(FrontDoorAccessLogs.toExistingBucket({ bucketName: 'b', prefix: 'logs/' }))).toThrow(/accessLogs.prefix/);
  });
});
