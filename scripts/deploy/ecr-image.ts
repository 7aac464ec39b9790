import {
  DescribeImagesCommand,
  ImageNotFoundException,
  RepositoryNotFoundException,
  type ECRClient,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import { DeployError, DeployStep } from './deploy-error';
import type { EcrImageReference } from './image-reference';

/**
 * The ECR record of `image`, looked up by digest (DescribeImages with
 * `imageIds: [{ imageDigest }]`); refuses an image that is not there or is
 * archived (ECR serves archived images only after they are restored).
 */
export async function findImageInEcr(ecr: ECRClient, image: EcrImageReference): Promise<ImageDetail> {
  const where = `repository '${image.repositoryName}' of registry ${image.registryId} (${image.region})`;
  let details: ImageDetail[];
  try {
    const response = await ecr.send(
      new DescribeImagesCommand({
        registryId: image.registryId,
        repositoryName: image.repositoryName,
        imageIds: [{ imageDigest: image.digest }],
      }),
    );
    details = response.imageDetails ?? [];
  } catch (error) {
    if (error instanceof ImageNotFoundException) {
      throw new DeployError(DeployStep.IMAGE, `no image ${image.digest} in ${where}: push it first`);
    }
    if (error instanceof RepositoryNotFoundException) {
      throw new DeployError(DeployStep.IMAGE, `${where} does not exist`);
    }
    throw error;
  }
  const detail = details.find((candidate) => candidate.imageDigest === image.digest);
  if (detail === undefined) throw new DeployError(DeployStep.IMAGE, `no image ${image.digest} in ${where}: push it first`);
  if (detail.imageStatus !== undefined && detail.imageStatus !== 'ACTIVE') {
    throw new DeployError(DeployStep.IMAGE, `image ${image.digest} in ${where} is ${detail.imageStatus}; restore it before deploying it`);
  }
  return detail;
}
