import { Construct, type IConstruct } from 'constructs';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { renderJsonDocument } from '../core/json-document';
import { requireIntegerInRange, requireNonEmptyString } from '../core/prop-error';

/** An ECR repository, created here or elsewhere, that a task pulls its image from. */
export interface IRepository extends IConstruct {
  /** The repository's URL, `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  readonly repositoryUrl: string;
  /** The repository's ARN, which the task execution role may pull from. */
  readonly repositoryArn: string;
}

export interface RepositoryAttributes {
  /** URL of the existing repository. */
  readonly repositoryUrl: string;
  /** ARN of the existing repository. */
  readonly repositoryArn: string;
}

export interface RepositoryProps {
  /** Name of the repository (lower case). */
  readonly name: string;
  /** Images kept; older ones expire through the lifecycle policy. @default 30 */
  readonly maxImageCount?: number;
  /** Delete the repository even when it holds images (for throw-away environments). @default false */
  readonly forceDelete?: boolean;
}

/** A private ECR repository for one service's image: scan on push, immutable tags, a lifecycle policy. */
export class Repository extends Construct implements IRepository {
  /** An existing repository, by URL and ARN; creates nothing. */
  public static fromRepositoryAttributes(scope: Construct, id: string, attributes: RepositoryAttributes): IRepository {
    return new ImportedRepository(scope, id, attributes);
  }

  /** The repository's URL, `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  public readonly repositoryUrl: string;
  /** The repository's ARN. */
  public readonly repositoryArn: string;
  /** The repository's name. */
  public readonly repositoryName: string;

  constructor(scope: Construct, id: string, props: RepositoryProps) {
    super(scope, id);
    const maxImageCount = props.maxImageCount ?? 30;
    requireIntegerInRange(this, 'maxImageCount', maxImageCount, 1, 10_000);
    const repository = new EcrRepository(this, 'Resource', {
      name: props.name,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: props.forceDelete ?? false,
    });
    new EcrLifecyclePolicy(this, 'LifecyclePolicy', {
      repository: repository.name,
      policy: renderJsonDocument({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${maxImageCount} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: maxImageCount },
            action: { type: 'expire' },
          },
        ],
      }),
    });
    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.repositoryName = repository.name;
  }
}

class ImportedRepository extends Construct implements IRepository {
  public readonly repositoryUrl: string;
  public readonly repositoryArn: string;

  constructor(scope: Construct, id: string, attributes: RepositoryAttributes) {
    super(scope, id);
    const owner = `Repository.fromRepositoryAttributes '${this.node.path}'`;
    requireNonEmptyString(owner, 'repositoryUrl', attributes.repositoryUrl);
    requireNonEmptyString(owner, 'repositoryArn', attributes.repositoryArn);
    this.repositoryUrl = attributes.repositoryUrl;
    this.repositoryArn = attributes.repositoryArn;
  }
}
