/**
 * ECS task scale-in protection while the retry-queue drain holds messages:
 * the task asks the ECS container agent (`${ECS_AGENT_URI}/task-protection/v1/state`)
 * to protect it when a receive brings messages, and to drop the protection
 * when a receive comes back empty (nothing left in hand). A scale-in or a
 * deployment then stops tasks that hold no messages first.
 *
 * Bound: one protection lasts `expiresInMinutes` and is renewed only after
 * an empty receive, so a task that never runs dry (a steady trickle) cannot
 * block a scale-in for longer than that; if stopped then, the drain still
 * finishes its batch on SIGTERM.
 */
import type { ReceiveRequest, ReceivedMessage, RetryQueue } from '../resilience/retry-queue/retry-queue';

/** How long one protection lasts when none is given, in minutes. */
export const DEFAULT_PROTECTION_MINUTES = 2;

/** How long one call to the agent may take, in ms. */
const AGENT_TIMEOUT_MS = 2_000;

/** Pause after a failed call to the agent before the next one, in ms. */
export const AGENT_RETRY_PAUSE_MS = 60_000;

/** The task's protection as the agent reports it. */
export interface ProtectionState {
  readonly protectionEnabled: boolean;
  /** When the protection ends (ISO 8601), while enabled. */
  readonly expirationDate?: string;
}

/** Options of {@link TaskScaleInProtection}. */
export interface TaskScaleInProtectionOptions {
  /** The container agent's URI (ECS injects it as `ECS_AGENT_URI`). */
  readonly agentUri: string;
  /** Minutes one protection lasts (1-2880). @default DEFAULT_PROTECTION_MINUTES */
  readonly expiresInMinutes?: number;
}

/** The agent's task-protection endpoint: turns this task's scale-in protection on and off. */
export class TaskScaleInProtection {
  private readonly url: string;
  /** Minutes one protection lasts. */
  public readonly expiresInMinutes: number;

  constructor(options: TaskScaleInProtectionOptions) {
    const minutes = options.expiresInMinutes ?? DEFAULT_PROTECTION_MINUTES;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 2_880) {
      throw new RangeError(`expiresInMinutes must be an integer from 1 to 2880, got ${minutes}`);
    }
    this.url = `${options.agentUri.replace(/\/+$/, '')}/task-protection/v1/state`;
    this.expiresInMinutes = minutes;
  }

  /** Turns protection on (for `expiresInMinutes`) or off; throws with the agent's reason when it refuses. */
  async set(enabled: boolean): Promise<ProtectionState> {
    const body = enabled ? { ProtectionEnabled: true, ExpiresInMinutes: this.expiresInMinutes } : { ProtectionEnabled: false };
    const response = await fetch(this.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(AGENT_TIMEOUT_MS),
    });
    const text = await response.text();
    let reply: { protection?: { ProtectionEnabled?: unknown; ExpirationDate?: unknown }; failure?: unknown; error?: unknown };
    try {
      reply = JSON.parse(text);
    } catch {
      throw new Error(`task protection: the agent answered ${response.status} with a body that is not JSON`);
    }
    const protection = reply.protection;
    if (response.ok && protection !== undefined && typeof protection.ProtectionEnabled === 'boolean') {
      return {
        protectionEnabled: protection.ProtectionEnabled,
        ...(typeof protection.ExpirationDate === 'string' ? { expirationDate: protection.ExpirationDate } : {}),
      };
    }
    const problem = reply.failure ?? reply.error ?? reply;
    throw new Error(`task protection: the agent answered ${response.status}: ${JSON.stringify(problem)}`);
  }
}

/**
 * `queue` whose receives turn the task's scale-in protection on (messages
 * received while unprotected) and off (an empty receive while protected).
 * The drainer receives again only after its batch is done, so an empty
 * receive means nothing is in hand. A failing agent call is reported to
 * `onError`, never stops the drain, and pauses the calls for
 * {@link AGENT_RETRY_PAUSE_MS}.
 */
export function protectWhileHolding(
  queue: RetryQueue,
  protection: TaskScaleInProtection,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): RetryQueue {
  /** Set while this task holds a protection it asked for (even once expired): renewed only after an empty receive. */
  let holding = false;
  /** No call to the agent before this time (ms), after a failed one: an unreachable agent costs one timeout a minute, not one per batch. */
  let quietUntil = 0;
  const set = async (enabled: boolean) => {
    if (now() < quietUntil) return;
    try {
      await protection.set(enabled);
      holding = enabled;
    } catch (error) {
      quietUntil = now() + AGENT_RETRY_PAUSE_MS;
      onError(error);
    }
  };
  return {
    send: (request) => queue.send(request),
    delete: (receiptHandle) => queue.delete(receiptHandle),
    changeVisibility: (receiptHandle, timeoutSeconds) => queue.changeVisibility(receiptHandle, timeoutSeconds),
    async receive(request: ReceiveRequest): Promise<ReceivedMessage[]> {
      const batch = await queue.receive(request);
      if (batch.length > 0 && !holding) await set(true);
      else if (batch.length === 0 && holding) await set(false);
      return batch;
    },
  };
}

/**
 * `queue` holding task scale-in protection through the agent at `agentUri`
 * (see {@link protectWhileHolding}), or `queue` as it is when there is no
 * queue or no agent (not on ECS). A failing agent call becomes a process
 * warning on stderr.
 */
export function withTaskScaleInProtection(queue: RetryQueue | undefined, agentUri: string | undefined): RetryQueue | undefined {
  if (queue === undefined || agentUri === undefined || agentUri === '') return queue;
  return protectWhileHolding(queue, new TaskScaleInProtection({ agentUri }), (error) =>
    process.emitWarning(`task scale-in protection: ${String(error)}; the drain goes on unprotected, next try in a minute`),
  );
}
