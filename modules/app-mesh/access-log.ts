import type { AppmeshVirtualNodeSpecLogging } from '@cdktf/provider-aws/lib/appmesh-virtual-node';

/** Where a virtual node's Envoy writes its access log. */
export class AccessLog {
  /** A file path in the Envoy container; `/dev/stdout` sends it to the container's log driver. */
  public static fromFilePath(path: string): AccessLog {
    return new AccessLog(path);
  }

  private constructor(private readonly path: string) {}

  /** Renders the provider block. */
  public render(): AppmeshVirtualNodeSpecLogging {
    return { accessLog: { file: { path: this.path } } };
  }
}
