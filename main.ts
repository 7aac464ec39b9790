import { App } from 'cdktf';
import { DataPipelineStack } from './pipeline/data-pipeline-stack';
import { environmentConfig } from './pipeline/environments';

/** Which environment to synthesize: `EV_PIPELINE_ENV` (dev, prd), dev by default. */
const config = environmentConfig(process.env.EV_PIPELINE_ENV ?? 'dev');

const app = new App();
new DataPipelineStack(app, `ev-pipeline-${config.env}`, { config });
app.synth();
