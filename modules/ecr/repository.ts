import { Construct } from 'constructs';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { requireIntegerInRange } from '../core/prop-error';

export interface RepositoryProps {
  /** Name of the repository (lower case). */
  readonly name: string;
  /** Images kept; older ones expire through the lifecycle policy. @default 30 */
  readonly maxImageCount?: number;
  /** Delete the repository even when it holds images (for throw-away environments). @default false */
  readonly forceDelete?: boolean;
}

/** A private ECR repository for one service's image: scan on push, immutable tags, a lifecycle policy. */
export class Repository extends Construct {
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
      policy: JSON.stringify({
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
