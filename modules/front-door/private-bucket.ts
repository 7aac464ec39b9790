import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { requireIntegerInRange, requireNonEmptyString } from '../core/prop-error';

export interface PrivateBucketProps {
  /** Prefix of the bucket's name; S3 appends a unique suffix (at most 37 characters, lowercase). */
  readonly bucketPrefix: string;
  /** Days after which objects (and noncurrent versions) expire; undefined keeps them. @default objects never expire */
  readonly expirationDays?: number;
  /** Keep every version of each object (a changed object gets a new version ID). @default false */
  readonly versioned?: boolean;
  /** Let `terraform destroy` delete the bucket with its objects (for stacks that are thrown away); otherwise a bucket with objects stays. @default false */
  readonly forceDestroy?: boolean;
  /**
   * Statements added to the bucket policy after the TLS-only deny: given the
   * bucket's ARN, a list of policy statement objects, or a Terraform
   * expression that yields one (for example `Fn.concat(...)`).
   * @default none
   */
  readonly policyStatements?: (bucketArn: string) => unknown;
}

/**
 * A private S3 bucket: SSE-S3 encryption (AES256, the only server-side
 * encryption load balancer log delivery supports), every public access block
 * on, ACLs disabled (bucket owner enforced), a bucket policy that denies any
 * request not made over TLS, and optionally versioning and an expiry
 * lifecycle rule.
 */
export class PrivateBucket extends Construct {
  /** The bucket's name. */
  public readonly bucketName: string;
  /** The bucket's ARN. */
  public readonly bucketArn: string;
  /** The bucket policy (resources that need the policy in place depend on it). */
  public readonly policy: S3BucketPolicy;
  /** The versioning configuration, when the bucket is versioned (objects written before it is enabled get no version ID). */
  public readonly versioning?: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    requireNonEmptyString(this, 'bucketPrefix', props.bucketPrefix);
    if (props.expirationDays !== undefined) requireIntegerInRange(this, 'expirationDays', props.expirationDays, 1, 36_500);

    const bucket = new S3Bucket(this, 'Resource', { bucketPrefix: props.bucketPrefix, forceDestroy: props.forceDestroy ?? false });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;

    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'Ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    if (props.versioned) {
      this.versioning = new S3BucketVersioningA(this, 'Versioning', {
        bucket: bucket.id,
        versioningConfiguration: { status: 'Enabled' },
      });
    }
    if (props.expirationDays !== undefined) {
      new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
        bucket: bucket.id,
        rule: [
          {
            id: 'expire',
            status: 'Enabled',
            filter: [{ prefix: '' }],
            expiration: [{ days: props.expirationDays }],
            noncurrentVersionExpiration: [{ noncurrentDays: props.expirationDays }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
      });
    }

    const denyInsecureTransport = {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucket.arn, Fn.join('', [bucket.arn, '/*'])],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const extra = props.policyStatements?.(bucket.arn) ?? [];
    this.policy = new S3BucketPolicy(this, 'Policy', {
      bucket: bucket.id,
      policy: Fn.jsonencode({ Version: '2012-10-17', Statement: Fn.concat([[denyInsecureTransport], extra]) }),
      // S3 rejects a policy while the public access block is being written.
      dependsOn: [publicAccess],
    });
  }
}
