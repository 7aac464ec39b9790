import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { renderJsonDocument } from '../core/json-document';

export interface AlarmTopicProps {
  /** Name of the SNS topic; the key's alias is `alias/<name>`. */
  readonly name: string;
  /** The account ID (a token is fine), for the key policy's administrator statement. */
  readonly accountId: string;
  /** AWS partition (`aws`, `aws-cn`, ...). */
  readonly partition: string;
}

/**
 * The SNS topic alarms notify, encrypted with its own KMS key
 * (rotated yearly). A customer-managed key, because CloudWatch cannot publish
 * to a topic encrypted with the AWS-managed `alias/aws/sns` key: its policy
 * does not let the CloudWatch service use it. Subscribe people or tools to
 * the topic (`alarm_topic_arn` output).
 */
export class AlarmTopic extends Construct {
  /** ARN of the topic (alarm actions). */
  public readonly topicArn: string;
  /** ARN of the topic's key. */
  public readonly keyArn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const key = new KmsKey(this, 'Key', {
      description: `Encrypts the ${props.name} SNS topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: renderJsonDocument({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministersKeyThroughIam',
            Effect: 'Allow',
            Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'CloudWatchPublishesAlarms',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
          },
        ],
      }),
    });
    new KmsAlias(this, 'Alias', { name: `alias/${props.name}`, targetKeyId: key.keyId });
    const topic = new SnsTopic(this, 'Resource', { name: props.name, kmsMasterKeyId: key.arn });
    this.topicArn = topic.arn;
    this.keyArn = key.arn;
  }
}
