import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  type ECSClient,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { DeployError, DeployStep } from './deploy-error';

/** A tag, key and value, that marks who registered a revision. */
export interface RevisionTag {
  readonly key: string;
  readonly value: string;
}

/** How many ACTIVE revisions of a family, newest first, are searched for the stack's before giving up. */
export const STACK_REVISION_SEARCH_LIMIT = 100;

/** Whether `tags` (DescribeTaskDefinition's, `include: ['TAGS']`) carry `mark`. */
export function isStackRevision(tags: readonly Tag[] | undefined, mark: RevisionTag): boolean {
  return (tags ?? []).some((tag) => tag.key === mark.key && tag.value === mark.value);
}

/**
 * The newest ACTIVE revision of `family` that carries `mark` (the stack
 * tags its own revisions `ManagedBy=cdktf`; the deploy role can register
 * none with that tag), searching at most {@link STACK_REVISION_SEARCH_LIMIT}
 * revisions, newest first. Refuses when there is none.
 */
export async function findStackRevision(ecs: ECSClient, family: string, mark: RevisionTag): Promise<TaskDefinition> {
  let searched = 0;
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: family,
        status: 'ACTIVE',
        sort: 'DESC',
        maxResults: Math.min(100, STACK_REVISION_SEARCH_LIMIT - searched),
        ...(nextToken === undefined ? {} : { nextToken }),
      }),
    );
    for (const arn of page.taskDefinitionArns ?? []) {
      searched += 1;
      const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
      if (described.taskDefinition !== undefined && isStackRevision(described.tags, mark)) return described.taskDefinition;
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined && searched < STACK_REVISION_SEARCH_LIMIT);
  throw new DeployError(
    DeployStep.BASE_REVISION,
    `no ACTIVE revision of family '${family}' among the newest ${searched} carries ${mark.key}=${mark.value}: ` +
      "the stack's own revision, which every deployment is checked against, is missing; apply the stack",
  );
}
