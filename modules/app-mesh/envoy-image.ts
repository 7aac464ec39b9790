/** Account that publishes the App Mesh Envoy image in most regions. */
export const APP_MESH_ENVOY_ACCOUNT = '840364872350';

/** The App Mesh Envoy version this library pins. */
export const DEFAULT_ENVOY_VERSION = 'v1.29.6.0-prod';

export interface AppMeshEnvoyImageOptions {
  /** Region of the task (a token such as `data.aws_region.current.name` is fine). */
  readonly region: string;
  /** AWS partition (`aws`, `aws-cn`, ...). */
  readonly partition: string;
  /** Image tag. @default DEFAULT_ENVOY_VERSION */
  readonly version?: string;
  /** Publishing account; a few opt-in regions use their own. @default APP_MESH_ENVOY_ACCOUNT */
  readonly account?: string;
}

/** The official App Mesh Envoy image, from the regional AWS account, and the repository ARN to grant pulls on. */
export class EnvoyImage {
  /** The regional image `<account>.dkr.ecr.<region>.amazonaws.com/aws-appmesh-envoy:<version>`. */
  public static appMeshRegional(options: AppMeshEnvoyImageOptions): EnvoyImage {
    const account = options.account ?? APP_MESH_ENVOY_ACCOUNT;
    return new EnvoyImage(
      `${account}.dkr.ecr.${options.region}.amazonaws.com/aws-appmesh-envoy:${options.version ?? DEFAULT_ENVOY_VERSION}`,
      `arn:${options.partition}:ecr:${options.region}:${account}:repository/aws-appmesh-envoy`,
    );
  }

  private constructor(
    /** The image reference for the container definition. */
    public readonly imageUri: string,
    /** The ARN of the image's repository, for the execution role. */
    public readonly repositoryArn: string,
  ) {}
}
