import { DeployError, DeployStep } from './deploy-error';

/** An image in a private ECR repository, named by its digest. */
export interface EcrImageReference {
  /** The reference as given, `<registry>/<repository>@sha256:<digest>`: what the task definition will say. */
  readonly uri: string;
  /** The registry host, `<account>.dkr.ecr.<region>.amazonaws.com`. */
  readonly registry: string;
  /** The registry's account ID (DescribeImages `registryId`). */
  readonly registryId: string;
  /** The registry's region. */
  readonly region: string;
  /** The repository's name inside the registry. */
  readonly repositoryName: string;
  /** The manifest digest, `sha256:<64 hex digits>`. */
  readonly digest: string;
}

/** Private ECR registry hosts: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`. */
const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
/** ECR repository names: lower-case path components separated by `/`. */
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Parses `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<digest>`.
 * Tags are refused, `latest` and immutable ones alike: a tag is a name that
 * can be moved or re-created, a digest is the content itself, and the
 * revision this command registers must run exactly the image that was tested.
 */
export function parseEcrImageReference(uri: string): EcrImageReference {
  const refuse = (problem: string): never => {
    throw new DeployError(DeployStep.IMAGE_REFERENCE, `image '${uri}': ${problem}`);
  };
  const at = uri.indexOf('@');
  const name = at === -1 ? uri : uri.slice(0, at);
  const slash = name.indexOf('/');
  const lastColon = name.lastIndexOf(':');
  const tag = lastColon > name.lastIndexOf('/') ? name.slice(lastColon + 1) : undefined;
  const repositoryUri = tag === undefined ? name : name.slice(0, lastColon);
  if (at === -1) {
    refuse(
      tag === undefined
        ? 'names no digest; give <repository>@sha256:<digest>'
        : `tag '${tag}' is mutable (a tag can be moved or re-pushed${tag === 'latest' ? ', and latest always is' : ''}); give the digest: ${repositoryUri}@sha256:<digest>`,
    );
  }
  if (tag !== undefined) refuse(`give the repository and the digest only, without the tag '${tag}'`);
  const digest = uri.slice(at + 1);
  if (!DIGEST.test(digest)) refuse(`digest '${digest}' is not sha256:<64 lower-case hex digits>`);
  const registry = slash === -1 ? '' : name.slice(0, slash);
  const registryMatch = ECR_REGISTRY.exec(registry);
  if (registryMatch === null) {
    refuse(`'${registry || name}' is not a private ECR registry (<account>.dkr.ecr.<region>.amazonaws.com)`);
  }
  const repositoryName = name.slice(slash + 1);
  if (!REPOSITORY_NAME.test(repositoryName)) refuse(`'${repositoryName}' is not an ECR repository name`);
  const [, registryId, region] = registryMatch as RegExpExecArray;
  return { uri, registry, registryId, region, repositoryName, digest };
}

/** `<registry>/<repository>` of any image reference: `image` without its `@digest` and `:tag`. */
export function repositoryOf(image: string): string {
  const name = image.split('@')[0];
  const lastColon = name.lastIndexOf(':');
  return lastColon > name.lastIndexOf('/') ? name.slice(0, lastColon) : name;
}
