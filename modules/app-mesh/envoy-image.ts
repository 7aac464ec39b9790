/** Account that publishes the App Mesh Envoy image in most regions. */
export const APP_MESH_ENVOY_ACCOUNT = '840364872350';

/** The App Mesh Envoy version this library pins. */
export const DEFAULT_ENVOY_VERSION = 'v1.29.6.0-prod';

export interface AppMeshEnvoyImageOptions {
  /** Region of the image. @default the platform's region (the tasks' region) */
  readonly region?: string;
  /** AWS partition (`aws`, `aws-cn`, ...) of the repository's ARN. @default the platform's partition */
  readonly partition?: string;
  /** Image tag. @default DEFAULT_ENVOY_VERSION */
  readonly version?: string;
  /** Publishing account; a few opt-in regions use their own. @default APP_MESH_ENVOY_ACCOUNT */
  readonly account?: string;
}

/** The official App Mesh Envoy image, from the regional AWS account, and the repository ARN to grant pulls on. */
export class EnvoyImage {
  /** The regional image `<account>.dkr.ecr.<region>.amazonaws.com/aws-appmesh-envoy:<version>`, in the tasks' region unless `region` is given. */
  public static appMeshRegional(options: AppMeshEnvoyImageOptions = {}): EnvoyImage {
    return new EnvoyImage(options);
  }

  private constructor(private readonly options: AppMeshEnvoyImageOptions) {}

  /** The image reference for a task in `region` (the options' region, when given, wins). */
  public imageUriIn(region: string): string {
    const account = this.options.account ?? APP_MESH_ENVOY_ACCOUNT;
    return `${account}.dkr.ecr.${this.options.region ?? region}.amazonaws.com/aws-appmesh-envoy:${this.options.version ?? DEFAULT_ENVOY_VERSION}`;
  }

  /** The ARN of the image's repository, for the execution role of a task in `region` of `partition`. */
  public repositoryArnIn(region: string, partition: string): string {
    const account = this.options.account ?? APP_MESH_ENVOY_ACCOUNT;
    return `arn:${this.options.partition ?? partition}:ecr:${this.options.region ?? region}:${account}:repository/aws-appmesh-envoy`;
  }
}
