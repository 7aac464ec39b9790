import { App } from 'cdktf';
import { STRICT_RETRY_BUDGET_CONTEXT } from '@ev-pipeline/cdktf-mesh-constructs';
import { environmentConfig } from './pipeline/environments';
import { addPipelineStacks } from './pipeline/pipeline-app';

/** Which environment to synthesize: `EV_PIPELINE_ENV` (dev, prd), dev by default; one stack per data plane it runs on. */
const config = environmentConfig(process.env.EV_PIPELINE_ENV ?? 'dev');

// Strict: a call path whose timeouts cannot hold all of its retries fails the synth instead of warning.
const app = new App({ context: { [STRICT_RETRY_BUDGET_CONTEXT]: true } });
addPipelineStacks(app, config);
app.synth();
