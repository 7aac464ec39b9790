import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { renderPolicyDocument } from '../iam/policy-statement';
import type { RetryQueue } from './retry-queue';

export interface RedriveOperatorPolicyProps {
  /** Name of the managed policy. */
  readonly name: string;
  /** The queue pair whose dead letters the operator moves back. */
  readonly queue: RetryQueue;
  /** Description of the policy, e.g. the command the operator runs. @default 'Redrive <queue>-dlq into <queue>' */
  readonly description?: string;
}

/**
 * A customer-managed IAM policy for the people or pipelines that move dead
 * letters back into the retry queue: attach it to their role. No task gets it.
 */
export class RedriveOperatorPolicy extends Construct {
  /** ARN of the policy. */
  public readonly policyArn: string;

  constructor(scope: Construct, id: string, props: RedriveOperatorPolicyProps) {
    super(scope, id);
    const policy = new IamPolicy(this, 'Resource', {
      name: props.name,
      description: props.description ?? `Redrive ${props.queue.deadLetterQueueName} into ${props.queue.queueName}`,
      policy: renderPolicyDocument(`RedriveOperatorPolicy '${this.node.path}'`, props.queue.redriveStatements()),
    });
    this.policyArn = policy.arn;
  }
}
