import { Testing } from 'cdktf';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { RETRY_QUEUE_SETTINGS } from '../../../contract/retry-queue';
import { RedriveOperatorPolicy } from '../../../modules/queue/redrive-operator-policy';
import { RetryQueue, worstCaseRetryScheduleSeconds, type RetryQueueProps } from '../../../modules/queue/retry-queue';
import { newStack, onlyResource, refOf, resources, synthJson } from '../fixture';

Testing.setupJest();

function queueWith(overrides: Partial<RetryQueueProps> = {}) {
  const stack = newStack();
  const queue = new RetryQueue(stack, 'Queue', { name: 'dev-ev-retry', settings: RETRY_QUEUE_SETTINGS, ...overrides });
  return { stack, queue };
}

describe('RetryQueue', () => {
  test('two encrypted standard queues; the retry queue long-polls with the contract visibility timeout', () => {
    const { stack } = queueWith();
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(SqsQueue, {
      name: 'dev-ev-retry',
      message_retention_seconds: 345_600,
      visibility_timeout_seconds: RETRY_QUEUE_SETTINGS.visibilityTimeoutSeconds,
      receive_wait_time_seconds: RETRY_QUEUE_SETTINGS.receiveWaitSeconds,
      sqs_managed_sse_enabled: true,
    });
    expect(synth).toHaveResourceWithProperties(SqsQueue, {
      name: 'dev-ev-retry-dlq',
      message_retention_seconds: 1_209_600,
      sqs_managed_sse_enabled: true,
    });
    expect(resources(synthJson(stack), 'aws_sqs_queue').some((q) => q.fifo_queue)).toBe(false);
  });

  test("dead-letters after the contract's maxReceiveCount, and the DLQ accepts only this queue", () => {
    const { stack, queue } = queueWith();
    const json = synthJson(stack);
    const redrive = onlyResource(json, 'aws_sqs_queue_redrive_policy');
    expect(JSON.parse(redrive.redrive_policy)).toEqual({
      deadLetterTargetArn: expect.stringMatching(/^\$\{aws_sqs_queue\.Queue_DeadLetterQueue_[0-9A-F]{8}\.arn\}$/),
      maxReceiveCount: RETRY_QUEUE_SETTINGS.maxReceiveCount,
    });
    expect(redrive.queue_url).toBe(refOf(queue, 'url'));
    const allow = onlyResource(json, 'aws_sqs_queue_redrive_allow_policy');
    expect(JSON.parse(allow.redrive_allow_policy)).toEqual({ redrivePermission: 'byQueue', sourceQueueArns: [refOf(queue, 'arn')] });
  });

  test('denies requests without TLS on both queues', () => {
    const { stack } = queueWith();
    const policies = resources(synthJson(stack), 'aws_sqs_queue_policy').map((p) => JSON.parse(p.policy).Statement[0]);
    expect(policies).toHaveLength(2);
    for (const statement of policies) {
      expect(statement).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    }
  });

  test('grants: producers send, consumers drain, operators move dead letters', () => {
    const { queue } = queueWith();
    expect(queue.producerStatements().flatMap((s) => s.actions)).toEqual(['sqs:SendMessage']);
    expect(queue.consumerStatements().flatMap((s) => s.actions)).not.toContain('sqs:SendMessage');
    expect(queue.redriveStatements().flatMap((s) => s.actions)).toEqual(
      expect.arrayContaining(['sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:CancelMessageMoveTask']),
    );
  });

  test('the redrive operator policy is a managed policy without wildcard actions', () => {
    const { stack, queue } = queueWith();
    new RedriveOperatorPolicy(stack, 'Operator', { name: 'dev-ev-redrive-operator', queue });
    const document = JSON.parse(onlyResource(synthJson(stack), 'aws_iam_policy').policy);
    const actions: string[] = document.Statement.flatMap((s: { Action: string[] }) => s.Action);
    expect(actions.some((a) => a.includes('*'))).toBe(false);
    expect(document.Statement.find((s: { Sid: string }) => s.Sid === 'ReturnToRetryQueue').Resource).toEqual([refOf(queue, 'arn')]);
  });

  describe('rejects props that cannot work', () => {
    test('a retention that does not outlast the worst-case back-off schedule (messages would be lost)', () => {
      const schedule = worstCaseRetryScheduleSeconds(RETRY_QUEUE_SETTINGS);
      expect(() => queueWith({ retentionSeconds: schedule })).toThrow(
        new RegExp(`RetryQueue 'test/Queue'.*'retentionSeconds'.*worst-case retry schedule of ${schedule} s`),
      );
    });

    test('a dead-letter retention shorter than the retry queue', () => {
      expect(() => queueWith({ retentionSeconds: 86_400, deadLetterRetentionSeconds: 3_600 })).toThrow(
        /RetryQueue.*'deadLetterRetentionSeconds'/,
      );
    });

    test('a retention beyond 14 days', () => {
      expect(() => queueWith({ retentionSeconds: 1_209_601 })).toThrow(/RetryQueue.*'retentionSeconds'/);
    });

    test('a long-polling wait beyond 20 s', () => {
      expect(() => queueWith({ settings: { ...RETRY_QUEUE_SETTINGS, receiveWaitSeconds: 21 } })).toThrow(
        /RetryQueue.*'settings\.receiveWaitSeconds'/,
      );
    });

    test('a maxReceiveCount of 0', () => {
      expect(() => queueWith({ settings: { ...RETRY_QUEUE_SETTINGS, maxReceiveCount: 0 } })).toThrow(
        /RetryQueue.*'settings\.maxReceiveCount'/,
      );
    });
  });
});
