import { App } from 'cdktf';
import { STRICT_RETRY_BUDGET_CONTEXT } from '@ev-pipeline/cdktf-mesh-constructs';
import { DataPipelineStack } from './pipeline/data-pipeline-stack';
import { environmentConfig } from './pipeline/environments';

/** Which environment to synthesize: `EV_PIPELINE_ENV` (dev, prd), dev by default. */
const config = environmentConfig(process.env.EV_PIPELINE_ENV ?? 'dev');

// Strict: a route whose timeouts cannot hold all of its retries fails the synth instead of warning.
const app = new App({ context: { [STRICT_RETRY_BUDGET_CONTEXT]: true } });
new DataPipelineStack(app, `ev-pipeline-${config.env}`, { config });
app.synth();
