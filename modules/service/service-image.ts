import type { IRepository } from '../ecr/repository';

/** The image of a service's app container. */
export class ServiceImage {
  /**
   * `tag` of the service's own ECR repository: the one passed as the
   * service's `repository`, or else one the service creates.
   */
  public static fromOwnRepository(tag: string): ServiceImage {
    return new ServiceImage({ kind: 'own', tag });
  }

  /** `tag` of an ECR repository (created here or imported); the execution role may pull from it. */
  public static fromEcrRepository(repository: IRepository, tag: string): ServiceImage {
    return new ServiceImage({ kind: 'ecr', repository, tag });
  }

  /** An image the task pulls without credentials, e.g. `public.ecr.aws/nginx/nginx:1.27`. */
  public static fromRegistry(imageReference: string): ServiceImage {
    return new ServiceImage({ kind: 'registry', imageReference });
  }

  private constructor(private readonly source: ImageSource) {}

  /** Whether the image comes from the service's own repository. */
  public get usesOwnRepository(): boolean {
    return this.source.kind === 'own';
  }

  /** The tag or reference as given, for checks and messages. */
  public get label(): string {
    return this.source.kind === 'registry' ? this.source.imageReference : this.source.tag;
  }

  /** The image reference and the repository to grant pulls on; `own` is the service's own repository, when it has one. */
  public bind(own: IRepository | undefined): { readonly imageUri: string; readonly repository: IRepository | undefined } {
    switch (this.source.kind) {
      case 'own':
        if (!own) throw new Error('ServiceImage.fromOwnRepository needs the service to have a repository');
        return { imageUri: `${own.repositoryUrl}:${this.source.tag}`, repository: own };
      case 'ecr':
        return { imageUri: `${this.source.repository.repositoryUrl}:${this.source.tag}`, repository: this.source.repository };
      case 'registry':
        return { imageUri: this.source.imageReference, repository: undefined };
    }
  }
}

type ImageSource =
  | { readonly kind: 'own'; readonly tag: string }
  | { readonly kind: 'ecr'; readonly repository: IRepository; readonly tag: string }
  | { readonly kind: 'registry'; readonly imageReference: string };
