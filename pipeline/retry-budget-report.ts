import { appMeshCallPathBudgets, describeCallPathBudget, serviceConnectCallPathBudgets } from '@ev-pipeline/cdktf-mesh-constructs';
import type { PipelineStack } from './pipeline-app';
import { describeRetryLayering } from './retry-layering';

/**
 * The retry budget of a pipeline stack as lines of text: who applies the
 * retry policy and how many calls reach processing per event, then every
 * call path of the stack's data plane as the library's checks see it.
 */
export function retryBudgetReport(stack: PipelineStack): string[] {
  const budgets = [...appMeshCallPathBudgets(stack), ...serviceConnectCallPathBudgets(stack)];
  return [
    `${stack.node.id}:`,
    `  ${describeRetryLayering(stack.retryLayering)}`,
    ...budgets.map((budget) => `  ${describeCallPathBudget(budget)}`),
  ];
}
