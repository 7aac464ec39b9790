import { Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LogGroup } from '../../../modules/logs/log-group';
import { newStack, synthJson } from '../fixture';

Testing.setupJest();

describe('LogGroup', () => {
  test('sets a retention period (90 days by default)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new LogGroup(stack, 'Logs', { name: '/ecs/x', retentionDays: 30 });
    new LogGroup(stack, 'Default', { name: '/ecs/y' });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/ecs/x', retention_in_days: 30 });
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/ecs/y', retention_in_days: 90 });
  });

  test('rejects a retention CloudWatch does not offer', () => {
    expect(() => new LogGroup(newStack(), 'Logs', { name: 'x', retentionDays: 10 })).toThrow(
      /LogGroup 'test\/Logs': invalid prop 'retentionDays': must be one of 1, 3, 5, .*got 10/,
    );
  });

  test('fromLogGroupAttributes references an existing log group and creates nothing', () => {
    const stack = newStack();
    const group = LogGroup.fromLogGroupAttributes(stack, 'Logs', {
      logGroupName: '/platform/orders',
      logGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:/platform/orders',
    });
    expect(group.logGroupName).toBe('/platform/orders');
    expect(synthJson(stack).resource).toBeUndefined();
  });
});
