import { DescribeServicesCommand, type ECSClient, type ServiceEvent } from '@aws-sdk/client-ecs';
import { DeployError, DeployStep } from './deploy-error';
import { judgeDeployment, type DeploymentOutcome } from './deployment-outcome';

/** Time as the deploy command sees it; tests pass a fake one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What to wait for, and how long. */
export interface WaitOptions {
  readonly ecs: ECSClient;
  readonly cluster: string;
  readonly serviceName: string;
  /** The deployment UpdateService started. */
  readonly deploymentId: string;
  /** The task definition the service ran before: a PRIMARY deployment of it that is not ours is a rollback. */
  readonly previousTaskDefinition: string;
  /** Service events created before this time (ms since the epoch) are not printed. */
  readonly eventsSince: number;
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** Look again after this many milliseconds. */
  readonly pollIntervalMs: number;
  readonly clock: Clock;
  /** Receives one line per new service event. */
  readonly log: (line: string) => void;
}

/** The last judgement, or the time-out. */
export type WaitResult = { readonly outcome: DeploymentOutcome; readonly timedOut: boolean };

/**
 * Polls DescribeServices until deployment `deploymentId` has an outcome
 * other than in progress, or `timeoutMs` has passed; prints the service's
 * events as they appear. Memory is bounded: it remembers the IDs of the
 * events of the last response only (ECS returns at most 100).
 */
export async function waitForDeployment(options: WaitOptions): Promise<WaitResult> {
  const { ecs, cluster, serviceName, clock } = options;
  const deadline = clock.now() + options.timeoutMs;
  let printed = new Set<string>();
  for (;;) {
    const response = await ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] }));
    const service = response.services?.find((candidate) => candidate.serviceName === serviceName);
    if (service === undefined) {
      throw new DeployError(DeployStep.WAIT, `service '${serviceName}' is no longer in cluster '${cluster}'`);
    }
    printed = printNewEvents(service.events ?? [], printed, options);
    const outcome = judgeDeployment(service, options.deploymentId, options.previousTaskDefinition);
    if (outcome.kind !== 'in-progress') return { outcome, timedOut: false };
    const remaining = deadline - clock.now();
    if (remaining <= 0) return { outcome, timedOut: true };
    await clock.sleep(Math.min(options.pollIntervalMs, remaining));
  }
}

/** Logs the events not seen before, oldest first; returns the IDs of this response's events. */
function printNewEvents(events: readonly ServiceEvent[], printed: ReadonlySet<string>, options: WaitOptions): Set<string> {
  const fresh = events
    .filter((event) => event.id !== undefined && !printed.has(event.id) && (event.createdAt?.getTime() ?? 0) >= options.eventsSince)
    .sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  for (const event of fresh) options.log(`  ${event.createdAt?.toISOString()} ${event.message}`);
  return new Set(events.flatMap((event) => (event.id === undefined ? [] : [event.id])));
}
