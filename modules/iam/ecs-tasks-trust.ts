import { renderJsonDocument } from '../core/json-document';
import { Fn } from 'cdktf';

/**
 * The trust policy that lets ECS tasks of one account and region assume a
 * role, and no others: `aws:SourceAccount` must be that account and
 * `aws:SourceArn` an ECS ARN of that account and region, so that ECS acting
 * for another account (the confused deputy) cannot hand the role to its
 * tasks.
 *
 * `arnInAccount` is any ARN of the task's account and region (for example
 * its log group's or its virtual node's); the partition, region and account
 * are read from it as Terraform expressions, so no `data.aws_caller_identity`
 * (whose STS call an offline plan cannot make) is needed.
 */
export function ecsTasksTrustPolicy(arnInAccount: string): string {
  const part = (index: number) => Fn.element(Fn.split(':', arnInAccount), index);
  const [partition, region, account] = [part(1), part(3), part(4)];
  return renderJsonDocument({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:ecs:${region}:${account}:*` },
        },
      },
    ],
  });
}
