import { Testing } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AlarmTopic } from '../../../modules/monitoring/alarm-topic';
import { newStack, onlyResource, synthJson } from '../fixture';

Testing.setupJest();

describe('AlarmTopic', () => {
  test('an SNS topic encrypted with its own rotated key that CloudWatch may use', () => {
    const stack = newStack();
    const topic = new AlarmTopic(stack, 'Topic', { name: 'dev-ev-alarms', accountId: '111122223333', partition: 'aws' });
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_sns_topic')).toMatchObject({
      name: 'dev-ev-alarms',
      kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.Topic_Key_[0-9A-F]{8}\.arn\}$/),
    });
    expect(topic.topicArn).toBeDefined();
    expect(Testing.synth(stack)).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    const policy = JSON.parse(onlyResource(json, 'aws_kms_key').policy);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'CloudWatchPublishesAlarms')).toEqual({
      Sid: 'CloudWatchPublishesAlarms',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    });
    expect(policy.Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    expect(onlyResource(json, 'aws_kms_alias').name).toBe('alias/dev-ev-alarms');
  });
});
