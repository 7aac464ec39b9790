import { App } from 'cdktf';
import { STRICT_RETRY_BUDGET_CONTEXT } from '@ev-pipeline/cdktf-mesh-constructs';
import { environmentConfig } from './pipeline/environments';
import { addPipelineStacks } from './pipeline/pipeline-app';
import { configureStateBackend } from './pipeline/state-backend';

/** Which environment to synthesize: `EV_PIPELINE_ENV` (dev, prd), dev by default; one stack per data plane it runs on. */
const config = environmentConfig(process.env.EV_PIPELINE_ENV ?? 'dev');

// Strict: a call path whose timeouts cannot hold all of its retries fails the synth instead of warning.
const app = new App({ context: { [STRICT_RETRY_BUDGET_CONTEXT]: true } });
for (const stack of addPipelineStacks(app, config)) configureStateBackend(stack, process.env); // S3 state when EV_PIPELINE_STATE_BUCKET is set
app.synth();
