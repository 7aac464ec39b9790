/**
 * `npm run budget`: the retry budget of every stack `npm run synth` writes
 * for an environment (`--env`, else `EV_PIPELINE_ENV`, else dev): who applies
 * the retry policy, the most calls that reach processing per event, and each
 * call path's schedule against its timeouts; then the findings of the
 * synth-time checks. Exits 1 when a check fails, 2 on a usage error.
 */
import { App } from 'cdktf';
import { ENVIRONMENTS, environmentConfig } from '../pipeline/environments';
import { addPipelineStacks } from '../pipeline/pipeline-app';
import { retryBudgetReport } from '../pipeline/retry-budget-report';
import { main, UsageError } from './cli/run-cli';

const USAGE = `usage: npm run budget [-- options]
  prints the retry budget of every stack of an environment and runs the synth-time checks
options:
  --env <name>   environment: ${Object.keys(ENVIRONMENTS).join(', ')} (default: EV_PIPELINE_ENV, else dev)
  -h, --help     this text`;

main({
  name: 'budget',
  usage: USAGE,
  options: { env: { type: 'string' } },
  run: ({ values }, io) => {
    const name = values.env ?? process.env.EV_PIPELINE_ENV ?? 'dev';
    if (!(name in ENVIRONMENTS)) throw new UsageError(`unknown environment '${name}'; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);
    const stacks = addPipelineStacks(new App({ outdir: '.tmp/retry-budget' }), environmentConfig(name));
    let failed = false;
    for (const stack of stacks) {
      io.stdout(retryBudgetReport(stack).join('\n'));
      const errors = stack.node.findAll().flatMap((construct) => construct.node.validate());
      for (const error of errors) io.stdout(`  ERROR ${error}`);
      io.stdout(errors.length === 0 ? '  checks: pass' : `  checks: ${errors.length} error(s)`);
      failed ||= errors.length > 0;
    }
    return failed ? 1 : 0;
  },
});
