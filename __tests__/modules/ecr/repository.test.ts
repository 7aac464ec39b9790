import { Testing } from 'cdktf';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Repository } from '../../../modules/ecr/repository';
import { newStack, onlyResource, synthJson } from '../fixture';

Testing.setupJest();

describe('Repository', () => {
  test('scan on push, immutable tags, a lifecycle policy keeping the last images', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new Repository(stack, 'Repo', { name: 'dev-ev-data-processing-service' });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(EcrRepository, {
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
    });
    const policy = JSON.parse(onlyResource(synthJson(stack), 'aws_ecr_lifecycle_policy').policy);
    expect(policy.rules[0].selection).toEqual({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 });
  });

  test('rejects keeping 0 images', () => {
    expect(() => new Repository(newStack(), 'Repo', { name: 'r', maxImageCount: 0 })).toThrow(
      /Repository 'test\/Repo': invalid prop 'maxImageCount': must be an integer from 1 to 10000, got 0/,
    );
  });

  test('fromRepositoryAttributes references an existing repository and creates nothing', () => {
    const stack = newStack();
    const repository = Repository.fromRepositoryAttributes(stack, 'Repo', {
      repositoryUrl: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders',
      repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/orders',
    });
    expect(repository.repositoryUrl).toBe('111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders');
    expect(synthJson(stack).resource).toBeUndefined();
    expect(() => Repository.fromRepositoryAttributes(stack, 'Bad', { repositoryUrl: '', repositoryArn: 'a' })).toThrow(
      /Repository\.fromRepositoryAttributes 'test\/Bad': invalid prop 'repositoryUrl'/,
    );
  });
});
