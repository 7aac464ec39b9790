import { App } from 'cdktf';
import { environmentConfig } from './config/environments';
import { DataPipelineStack } from './modules/data-pipeline-stack';

/** Which environment to synthesize: `EV_PIPELINE_ENV` (dev, prd), dev by default. */
const config = environmentConfig(process.env.EV_PIPELINE_ENV ?? 'dev');

const app = new App();
new DataPipelineStack(app, `ev-pipeline-${config.env}`, { config });
app.synth();
