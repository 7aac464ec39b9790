import { Construct } from 'constructs';
import { LbTrustStore } from '@cdktf/provider-aws/lib/lb-trust-store';
import { LbTrustStoreRevocation } from '@cdktf/provider-aws/lib/lb-trust-store-revocation';
import { requireNonEmptyString } from '../core/prop-error';
import { caBundleProblem } from './ca-bundle';
import { PemObject, type UploadBucket } from './pem-object';
import { PrivateBucket } from './private-bucket';

export interface ClientTrustStoreProps {
  /** Name of the trust store (1-32 letters, digits and hyphens). */
  readonly name: string;
  /** The PEM bundle of the certificate authorities whose client certificates the load balancer accepts. */
  readonly caBundle: PemObject;
  /** A PEM certificate revocation list of one of those CAs; the load balancer refuses the certificates it lists. @default no revocation list */
  readonly revocationList?: PemObject;
  /** Prefix of the name of the bucket local files are uploaded to (lowercase, at most 37 characters). @default `${name}-trust-` */
  readonly uploadBucketPrefix?: string;
  /** Let `terraform destroy` delete the upload bucket with its objects. @default false */
  readonly forceDestroyUploadBucket?: boolean;
}

/** Key of the CA bundle in the upload bucket. */
export const CA_BUNDLE_KEY = 'trust-store/ca-bundle.pem';
/** Key of the revocation list in the upload bucket. */
export const REVOCATION_LIST_KEY = 'trust-store/revocation-list.pem';

/**
 * An Elastic Load Balancing trust store: the CA bundle that client
 * certificates must chain to, and optionally a revocation list. Local files
 * are uploaded to a private, versioned bucket created here, and the trust
 * store pins the uploaded object versions, so replacing a file updates the
 * trust store in place on the next apply.
 */
export class ClientTrustStore extends Construct {
  /** ARN of the trust store (the listener's `mutual_authentication.trust_store_arn`). */
  public readonly trustStoreArn: string;
  /** Name of the bucket local files were uploaded to, when there were any. */
  public readonly uploadBucketName?: string;

  constructor(scope: Construct, id: string, props: ClientTrustStoreProps) {
    super(scope, id);
    requireNonEmptyString(this, 'name', props.name);
    const needsBucket = props.caBundle.needsUploadBucket || props.revocationList?.needsUploadBucket === true;
    let uploadBucket: UploadBucket | undefined;
    if (needsBucket) {
      const bucket = new PrivateBucket(this, 'UploadBucket', {
        bucketPrefix: props.uploadBucketPrefix ?? `${props.name}-trust-`,
        versioned: true,
        forceDestroy: props.forceDestroyUploadBucket ?? false,
      });
      uploadBucket = { bucketName: bucket.bucketName, dependsOn: [bucket.versioning!, bucket.policy] };
      this.uploadBucketName = bucket.bucketName;
    }

    const bundle = props.caBundle.bind(
      this,
      'CaBundle',
      { prop: 'caBundle', label: 'CERTIFICATE', key: CA_BUNDLE_KEY, contentProblem: caBundleProblem },
      uploadBucket,
    );
    const store = new LbTrustStore(this, 'Resource', {
      name: props.name,
      caCertificatesBundleS3Bucket: bundle.bucketName,
      caCertificatesBundleS3Key: bundle.key,
      ...(bundle.objectVersion !== undefined ? { caCertificatesBundleS3ObjectVersion: bundle.objectVersion } : {}),
    });
    this.trustStoreArn = store.arn;

    if (props.revocationList) {
      const crl = props.revocationList.bind(
        this,
        'RevocationList',
        { prop: 'revocationList', label: 'X509 CRL', key: REVOCATION_LIST_KEY },
        uploadBucket,
      );
      new LbTrustStoreRevocation(this, 'Revocation', {
        trustStoreArn: store.arn,
        revocationsS3Bucket: crl.bucketName,
        revocationsS3Key: crl.key,
        ...(crl.objectVersion !== undefined ? { revocationsS3ObjectVersion: crl.objectVersion } : {}),
      });
    }
  }
}
