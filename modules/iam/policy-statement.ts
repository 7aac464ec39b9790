import { renderJsonDocument } from '../core/json-document';
import { InvalidPropError } from '../core/prop-error';

/** Conditions of a statement: operator → condition key → value(s), e.g. `{ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }`. */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** One statement of an IAM policy: named actions (no wildcards) on resources. */
export interface PolicyStatement {
  /** Statement ID, for readers of the policy. */
  readonly sid: string;
  /** Whether the statement allows or denies. @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  /** Actions, each `service:Action` without `*`. */
  readonly actions: readonly string[];
  /** Resource ARNs; `*` only for actions that support no resource-level permissions. */
  readonly resources: readonly string[];
  /** Conditions under which the statement applies. @default none */
  readonly conditions?: PolicyConditions;
}

/** Renders `statements` as an IAM policy document (JSON, see `renderJsonDocument`); rejects wildcard actions (FSBP IAM.21). */
export function renderPolicyDocument(owner: string, statements: readonly PolicyStatement[]): string {
  for (const statement of statements) {
    const wildcard = statement.actions.find((action) => action.includes('*'));
    if (wildcard) throw new InvalidPropError(owner, 'statements.actions', `wildcard action '${wildcard}' is not allowed`);
  }
  return renderJsonDocument({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions === undefined ? {} : { Condition: s.conditions }),
    })),
  });
}

/** The Session Manager channels ECS Exec opens; ssmmessages supports no resource-level permissions. */
export const ECS_EXEC_STATEMENT: PolicyStatement = Object.freeze({
  sid: 'EcsExec',
  actions: [
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
  ],
  resources: ['*'],
});
