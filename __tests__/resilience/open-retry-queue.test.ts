/** Selecting the retry queue from the environment. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import { openRetryQueue } from '../../apps/resilience/retry-queue/open-retry-queue';
import { SqsRetryQueue } from '../../apps/resilience/retry-queue/sqs-retry-queue';

describe('openRetryQueue', () => {
  it('chooses SQS when RETRY_QUEUE_URL is set', async () => {
    const queue = await openRetryQueue({
      RETRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q',
      RETRY_QUEUE_DIR: '/nonexistent',
      AWS_REGION: 'eu-west-1',
    });
    expect(queue).toBeInstanceOf(SqsRetryQueue);
    expect((queue as SqsRetryQueue).queueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/1/q');
  });

  it('chooses the embedded queue in RETRY_QUEUE_DIR otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open-queue-'));
    const queue = await openRetryQueue({ RETRY_QUEUE_DIR: dir });
    expect(queue).toBeInstanceOf(EmbeddedRetryQueue);
    expect((queue as EmbeddedRetryQueue).root).toBe(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says what to set when neither is configured', async () => {
    await expect(openRetryQueue({})).rejects.toThrow(/RETRY_QUEUE_URL .* RETRY_QUEUE_DIR/);
  });
});
