import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import type { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset, Token, type ITerraformDependable } from 'cdktf';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { InvalidPropError, requireNonEmptyString } from '../core/prop-error';

/** Where an object is in S3. */
export interface S3ObjectLocation {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** Key of the object. */
  readonly key: string;
  /** Version of the object; pin it in a versioned bucket so a new upload is an explicit change. @default the latest version */
  readonly objectVersion?: string;
}

/** A bucket a local file is uploaded to. */
export interface UploadBucket {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** What the upload must wait for (the bucket's versioning, so the object gets a version ID). */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** What a file's content must look like. */
export interface PemExpectation {
  /** The prop the file was given as, for messages. */
  readonly prop: string;
  /** The PEM label the file must contain, e.g. `CERTIFICATE` or `X509 CRL`. */
  readonly label: string;
  /** Key of the object in the upload bucket. */
  readonly key: string;
  /** Why the file's content cannot serve, or undefined when it can. @default only the PEM label is checked */
  readonly contentProblem?: (pem: string) => string | undefined;
}

/**
 * A PEM file the load balancer reads from S3: an object that is already
 * there, or a local file that Terraform uploads (the file is copied into the
 * synthesized stack as an asset; a changed file uploads a new object
 * version, which updates what reads it).
 */
export abstract class PemObject {
  /** An object already in S3 (the bucket must be in the load balancer's region). */
  public static fromBucket(location: S3ObjectLocation): PemObject {
    return new ExistingPemObject(location);
  }

  /** A local PEM file (absolute path), uploaded by Terraform. */
  public static fromFile(path: string): PemObject {
    return new LocalPemObject(path);
  }

  /** Whether binding needs an upload bucket. */
  public abstract readonly needsUploadBucket: boolean;

  /** Checks the source in `scope`'s words, uploads a local file into `bucket`, and says where the object is. */
  public abstract bind(scope: Construct, id: string, expectation: PemExpectation, bucket?: UploadBucket): S3ObjectLocation;
}

class ExistingPemObject extends PemObject {
  public readonly needsUploadBucket = false;

  constructor(private readonly location: S3ObjectLocation) {
    super();
  }

  public bind(scope: Construct, _id: string, { prop }: PemExpectation): S3ObjectLocation {
    requireNonEmptyString(scope, `${prop}.bucketName`, this.location.bucketName);
    requireNonEmptyString(scope, `${prop}.key`, this.location.key);
    if (this.location.objectVersion !== undefined) requireNonEmptyString(scope, `${prop}.objectVersion`, this.location.objectVersion);
    return { ...this.location };
  }
}

class LocalPemObject extends PemObject {
  public readonly needsUploadBucket = true;

  constructor(private readonly path: string) {
    super();
  }

  public bind(scope: Construct, id: string, { prop, label, key, contentProblem }: PemExpectation, bucket?: UploadBucket): S3ObjectLocation {
    requirePemFile(scope, prop, this.path, label, contentProblem);
    if (bucket === undefined) throw new InvalidPropError(scope, prop, 'a local file needs an upload bucket');
    const asset = new TerraformAsset(scope, `${id}Asset`, { path: this.path, type: AssetType.FILE });
    const object = new S3Object(scope, id, {
      bucket: bucket.bucketName,
      key,
      source: asset.path,
      sourceHash: Fn.filemd5(asset.path),
      contentType: 'application/x-pem-file',
      dependsOn: [...bucket.dependsOn],
    });
    return { bucketName: bucket.bucketName, key: object.key, objectVersion: object.versionId };
  }
}

/** Throws unless `path` is an absolute path to a readable file holding at least one PEM block labelled `label`, whose content has no problem. */
function requirePemFile(
  scope: Construct,
  prop: string,
  path: string,
  label: string,
  contentProblem: ((pem: string) => string | undefined) | undefined,
): void {
  requireNonEmptyString(scope, prop, path);
  if (Token.isUnresolved(path) || !isAbsolute(path)) {
    throw new InvalidPropError(scope, prop, `PemObject.fromFile needs an absolute path known at synthesis, got '${path}'`);
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InvalidPropError(scope, prop, `PemObject.fromFile: no file at '${path}'`);
  }
  const text = readFileSync(path, 'utf8');
  if (!text.includes(`-----BEGIN ${label}-----`)) {
    throw new InvalidPropError(scope, prop, `'${basename(path)}' holds no PEM block '-----BEGIN ${label}-----'`);
  }
  const problem = contentProblem?.(text);
  if (problem !== undefined) throw new InvalidPropError(scope, prop, `'${basename(path)}': ${problem}`);
}
