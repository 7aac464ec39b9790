import type { App } from 'cdktf';
import { DataPipelineStack } from './data-pipeline-stack';
import { DataPlane, stackIdOf } from './data-plane';
import type { EnvironmentConfig } from './environments';
import { ServiceConnectPipelineStack } from './service-connect-stack';

/** A stack of the pipeline, on either data plane. */
export type PipelineStack = DataPipelineStack | ServiceConnectPipelineStack;

/** The environment's stacks in `app`, one per data plane it runs on, named by `stackIdOf`. */
export function addPipelineStacks(app: App, config: EnvironmentConfig): PipelineStack[] {
  return config.dataPlanes.map((dataPlane): PipelineStack => {
    const id = stackIdOf(config.env, dataPlane);
    switch (dataPlane) {
      case DataPlane.APP_MESH:
        return new DataPipelineStack(app, id, { config });
      case DataPlane.SERVICE_CONNECT:
        return new ServiceConnectPipelineStack(app, id, { config });
    }
  });
}
