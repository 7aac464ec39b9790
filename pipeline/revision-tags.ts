/**
 * The tags that tell who registered a task definition revision, shared by
 * the stack (its provider's default tags, the deploy role's conditions) and
 * the deploy command (which revision is the stack's, which tags its own
 * revisions carry). Plain strings, no cdktf: scripts import this module.
 */

/** Tag key naming who registered a revision. */
export const MANAGED_BY_TAG = 'ManagedBy';
/** `ManagedBy` of what the stack creates, its task definition revisions included. */
export const MANAGED_BY_STACK = 'cdktf';
/** `ManagedBy` of the revisions `npm run deploy` registers; the deploy role can register no other. */
export const MANAGED_BY_DEPLOY_COMMAND = 'npm-run-deploy';
/** Tag key of the stack a resource belongs to: its name prefix `<env>-<project>[-<suffix>]`. */
export const DEPLOY_SCOPE_TAG = 'DeployScope';

/**
 * The tags every revision of `npm run deploy` carries in the stack of
 * `namePrefix`; the deploy role registers revisions with exactly these
 * values only, so it can neither pass a revision off as the stack's nor
 * register into another stack's scope.
 */
export function deployRevisionTags(namePrefix: string): Readonly<Record<string, string>> {
  return { [MANAGED_BY_TAG]: MANAGED_BY_DEPLOY_COMMAND, [DEPLOY_SCOPE_TAG]: namePrefix };
}
