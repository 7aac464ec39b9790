import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { LbTrustStore } from '@cdktf/provider-aws/lib/lb-trust-store';
import { LbTrustStoreRevocation } from '@cdktf/provider-aws/lib/lb-trust-store-revocation';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { ClientTrustStore, CA_BUNDLE_KEY, REVOCATION_LIST_KEY } from '../../../modules/front-door/client-trust-store';
import { FrontDoor } from '../../../modules/front-door/front-door';
import { PemObject } from '../../../modules/front-door/pem-object';
import { newStack, resources, synthJson } from '../fixture';
import { frontDoorProps, makeTestCa, type TestCa } from './fixture';

Testing.setupJest();

let ca: TestCa;
beforeAll(() => {
  ca = makeTestCa();
});
afterAll(() => ca?.remove());

describe('ClientTrustStore with a CA bundle already in S3', () => {
  test('reads the bundle from the given object and creates no bucket', () => {
    const stack = newStack();
    new ClientTrustStore(stack, 'Trust', {
      name: 'vehicles',
      caBundle: PemObject.fromBucket({ bucketName: 'vehicle-pki', key: 'ca/bundle.pem', objectVersion: 'v3' }),
      revocationList: PemObject.fromBucket({ bucketName: 'vehicle-pki', key: 'ca/crl.pem' }),
    });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LbTrustStore, {
      name: 'vehicles',
      ca_certificates_bundle_s3_bucket: 'vehicle-pki',
      ca_certificates_bundle_s3_key: 'ca/bundle.pem',
      ca_certificates_bundle_s3_object_version: 'v3',
    });
    expect(synth).toHaveResourceWithProperties(LbTrustStoreRevocation, {
      trust_store_arn: expect.stringMatching(/^\$\{aws_lb_trust_store\.Trust_[0-9A-F]+\.arn\}$/),
      revocations_s3_bucket: 'vehicle-pki',
      revocations_s3_key: 'ca/crl.pem',
    });
    expect(resources(JSON.parse(synth), 'aws_s3_bucket')).toEqual([]);
  });
});

describe('ClientTrustStore with local PEM files', () => {
  test('uploads them to a private versioned bucket and pins the uploaded versions', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const store = new ClientTrustStore(stack, 'Trust', {
      name: 'vehicles',
      caBundle: PemObject.fromFile(ca.caPem),
      revocationList: PemObject.fromFile(ca.crlPem),
    });
    // THEN
    const synth = Testing.synth(stack);
    const json = JSON.parse(synth);
    expect(resources(json, 'aws_s3_bucket')).toEqual([expect.objectContaining({ bucket_prefix: 'vehicles-trust-', force_destroy: false })]);
    expect(synth).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    const objects = resources(json, 'aws_s3_object');
    expect(objects.map((object) => object.key).sort()).toEqual([CA_BUNDLE_KEY, REVOCATION_LIST_KEY]);
    const bundle = objects.find((object) => object.key === CA_BUNDLE_KEY);
    // The file travels with the synthesized stack as an asset; its hash makes a changed file a new upload.
    expect(bundle.source).toMatch(/^assets\/Trust_CaBundleAsset_[0-9A-F]+\/[0-9A-F]+\/ca\.pem$/);
    expect(bundle.source_hash).toBe(`\${filemd5("${bundle.source}")}`);
    expect(bundle.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_versioning\./), expect.stringMatching(/^aws_s3_bucket_policy\./)]),
    );
    expect(synth).toHaveResourceWithProperties(LbTrustStore, {
      ca_certificates_bundle_s3_bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.Trust_UploadBucket_[0-9A-F]+\.bucket\}$/),
      ca_certificates_bundle_s3_key: expect.stringMatching(/^\$\{aws_s3_object\.Trust_CaBundle_[0-9A-F]+\.key\}$/),
      ca_certificates_bundle_s3_object_version: expect.stringMatching(/^\$\{aws_s3_object\.Trust_CaBundle_[0-9A-F]+\.version_id\}$/),
    });
    expect(synth).toHaveResourceWithProperties(LbTrustStoreRevocation, {
      revocations_s3_object_version: expect.stringMatching(/^\$\{aws_s3_object\.Trust_RevocationList_[0-9A-F]+\.version_id\}$/),
    });
    expect(store.uploadBucketName).toBeDefined();
    // The upload bucket is private like the log bucket: TLS-only policy, public access blocked.
    const [policy] = resources(json, 'aws_s3_bucket_policy');
    expect(policy.policy).toContain('"Sid" = "DenyInsecureTransport", "Effect" = "Deny"');
    expect(resources(json, 'aws_s3_bucket_public_access_block')).toEqual([
      expect.objectContaining({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ]);
  });

  test('the front door uploads its CA bundle the same way', () => {
    const stack = newStack();
    new FrontDoor(stack, 'FrontDoor', frontDoorProps({ mutualTls: { caBundle: PemObject.fromFile(ca.caPem) } }));
    const json = synthJson(stack);
    expect(resources(json, 'aws_s3_object')).toEqual([expect.objectContaining({ key: CA_BUNDLE_KEY })]);
    expect(resources(json, 'aws_lb_trust_store')).toEqual([expect.objectContaining({ name: 'ingest-trust' })]);
    expect(resources(json, 'aws_lb_trust_store_revocation')).toEqual([]);
  });
});

describe('ClientTrustStore rejects sources that cannot work', () => {
  const build = (caBundle: PemObject, revocationList?: PemObject) => () =>
    new ClientTrustStore(newStack(), 'Trust', { name: 'vehicles', caBundle, ...(revocationList ? { revocationList } : {}) });

  test('a relative path, or no file', () => {
    expect(build(PemObject.fromFile('ca.pem'))).toThrow(
      /ClientTrustStore 'test\/Trust': invalid prop 'caBundle': PemObject.fromFile needs an absolute path known at synthesis, got 'ca.pem'/,
    );
    expect(build(PemObject.fromFile(join(ca.dir, 'missing.pem')))).toThrow(
      /invalid prop 'caBundle': PemObject.fromFile: no file at '.*missing.pem'/,
    );
  });

  test('a CA bundle without a certificate, or a revocation list without a CRL', () => {
    const key = join(ca.dir, 'ca.key');
    expect(build(PemObject.fromFile(key))).toThrow(/invalid prop 'caBundle': 'ca.key' holds no PEM block '-----BEGIN CERTIFICATE-----'/);
    expect(build(PemObject.fromFile(ca.caPem), PemObject.fromFile(ca.caPem))).toThrow(
      /invalid prop 'revocationList': 'ca.pem' holds no PEM block '-----BEGIN X509 CRL-----'/,
    );
  });

  test("a client's own certificate in the CA bundle, or a block that is not a certificate", () => {
    const mixed = join(ca.dir, 'mixed.pem');
    writeFileSync(mixed, readFileSync(ca.caPem, 'utf8') + readFileSync(ca.leafPem, 'utf8'));
    expect(build(PemObject.fromFile(mixed))).toThrow(
      /invalid prop 'caBundle': 'mixed.pem': certificate 2 of 2 \(CN=VIN0000000000001\) is not a CA certificate \(basic constraints CA:TRUE\)/,
    );
    const garbled = join(ca.dir, 'garbled.pem');
    writeFileSync(garbled, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    expect(build(PemObject.fromFile(garbled))).toThrow(
      /invalid prop 'caBundle': 'garbled.pem': certificate 1 of 1 does not parse as X.509/,
    );
  });

  test('an empty bucket name or key', () => {
    expect(build(PemObject.fromBucket({ bucketName: '', key: 'k' }))).toThrow(
      /invalid prop 'caBundle.bucketName': must be a non-empty string/,
    );
    expect(build(PemObject.fromBucket({ bucketName: 'b', key: '' }))).toThrow(/invalid prop 'caBundle.key'/);
  });

  test('an empty file', () => {
    const empty = join(ca.dir, 'empty.pem');
    writeFileSync(empty, '');
    expect(build(PemObject.fromFile(empty))).toThrow(/invalid prop 'caBundle': 'empty.pem' holds no PEM block/);
  });
});
