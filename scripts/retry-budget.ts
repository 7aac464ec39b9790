/**
 * `npm run budget`: the retry budget of every stack `npm run synth` writes
 * for the environment `EV_PIPELINE_ENV` (dev by default): who applies the
 * retry policy, the most calls that reach processing per event, and each
 * call path's schedule against its timeouts; then the findings of the
 * synth-time checks. Exits 1 when a check fails.
 */
import { App } from 'cdktf';
import { environmentConfig } from '../pipeline/environments';
import { addPipelineStacks } from '../pipeline/pipeline-app';
import { retryBudgetReport } from '../pipeline/retry-budget-report';

const config = environmentConfig(process.env.EV_PIPELINE_ENV ?? 'dev');
const stacks = addPipelineStacks(new App({ outdir: '.tmp/retry-budget' }), config);
let failed = false;
for (const stack of stacks) {
  console.log(retryBudgetReport(stack).join('\n'));
  const errors = stack.node.findAll().flatMap((construct) => construct.node.validate());
  for (const error of errors) console.log(`  ERROR ${error}`);
  console.log(errors.length === 0 ? '  checks: pass' : `  checks: ${errors.length} error(s)`);
  failed ||= errors.length > 0;
}
process.exitCode = failed ? 1 : 0;
