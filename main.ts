import { App } from 'cdktf';
import { environmentConfig } from './pipeline/environments';
import { addPipelineStacks } from './pipeline/pipeline-app';

/** Which environment to synthesize: `EV_PIPELINE_ENV` (dev, prd), dev by default; one stack per data plane it runs on. */
const config = environmentConfig(process.env.EV_PIPELINE_ENV ?? 'dev');

const app = new App();
addPipelineStacks(app, config);
app.synth();
