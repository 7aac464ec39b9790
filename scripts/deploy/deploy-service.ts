import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { checkDataPlane, detectDataPlane, type DataPlane } from './data-plane';
import { DeployError, DeployStep, READ_ONLY_STEPS, inStep } from './deploy-error';
import type { DeploymentOutcome } from './deployment-outcome';
import { findImageInEcr } from './ecr-image';
import { parseEcrImageReference, repositoryOf } from './image-reference';
import { checkPreflight } from './preflight';
import { renderTaskDefinition } from './render-task-definition';
import { revisionDrift } from './revision-drift';
import { findStackRevision, isStackRevision, type RevisionTag } from './stack-revision';
import { waitForDeployment, type Clock } from './wait-for-deployment';

/** Which service to deploy to, with the names resolved. */
export interface DeployTarget {
  /** Environment name (`dev`, `prd`). */
  readonly env: string;
  /** The ECS cluster's name or ARN. */
  readonly cluster: string;
  /** The ECS service's name. */
  readonly serviceName: string;
  /** The task definition family the service runs. */
  readonly family: string;
  /** The app's container, whose image is replaced. */
  readonly appContainerName: string;
  /** The tag that marks the revisions the stack registered (`ManagedBy=cdktf`): the reference a base revision is checked against. */
  readonly stackRevisionTag: RevisionTag;
  /** The tags every revision this command registers carries (the deploy role requires them). */
  readonly revisionTags: Readonly<Record<string, string>>;
}

/** How to deploy. */
export interface DeployOptions {
  /** `<registry>/<repository>@sha256:<digest>`. */
  readonly image: string;
  /** Make no mutating call: check, render and say what would be done. */
  readonly dryRun: boolean;
  /** On time-out, update the service back to the task definition it ran before. */
  readonly rollbackOnTimeout: boolean;
  /** How long to wait for the deployment's outcome, in seconds. */
  readonly timeoutSeconds: number;
  /** How often to look at the deployment, in seconds. */
  readonly pollIntervalSeconds: number;
}

/** The AWS clients, the clock and where progress lines go. */
export interface DeployDependencies {
  readonly ecs: ECSClient;
  /** An ECR client for the registry's region. */
  readonly ecrClientFor: (region: string) => ECRClient;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

/** How a run ended: the first three are successes (exit 0), the rest failures. */
export type DeployOutcome = 'succeeded' | 'unchanged' | 'dry-run' | 'refused' | 'failed' | 'rolled-back' | 'timed-out';

/** Outcomes that end the command with exit code 0. */
export const SUCCESSFUL_OUTCOMES: ReadonlySet<DeployOutcome> = new Set(['succeeded', 'unchanged', 'dry-run']);

/** The JSON summary the command prints last. */
export interface DeploySummary {
  readonly outcome: DeployOutcome;
  /** One sentence: what happened. */
  readonly message: string;
  /** The step a refusal or failure stopped at. */
  readonly failedStep?: DeployStep;
  readonly env: string;
  readonly cluster: string;
  readonly serviceName: string;
  readonly family: string;
  readonly image: string;
  readonly dataPlane?: DataPlane;
  /** The task definition the service ran before (the rollback target). */
  readonly previousTaskDefinition?: string;
  /** The stack's revision the base was checked against. */
  readonly stackTaskDefinition?: string;
  /** How the base revision differs from the stack's beyond the app image (a refusal). */
  readonly drift?: readonly string[];
  /** The task definition deployed (or, on a dry run, the base revision it would be rendered from). */
  readonly taskDefinition?: string;
  /** Whether a new revision was registered. */
  readonly registered: boolean;
  readonly deploymentId?: string;
  readonly rolloutState?: string;
  /** The deployment that returns the service to `previousTaskDefinition`: the circuit breaker's, or ours after a time-out. */
  readonly rollbackDeploymentId?: string;
  readonly elapsedSeconds: number;
}

type Progress = { -readonly [K in keyof DeploySummary]?: DeploySummary[K] };

/**
 * Deploys `options.image` to the service of `target`: refuses mutable tags,
 * checks the service (preflight), takes the family's latest ACTIVE revision
 * as the base and checks it against the service's data plane, finds the image
 * in ECR by digest, renders the base with only the app's image changed,
 * registers it unless nothing changed, updates the service and waits for the
 * outcome of that deployment. Never deregisters a revision. Resolves to the
 * summary; only programming errors reject.
 */
export async function deployService(target: DeployTarget, options: DeployOptions, deps: DeployDependencies): Promise<DeploySummary> {
  const { ecs, clock, log } = deps;
  const { cluster, serviceName, family, appContainerName } = target;
  const startedAt = clock.now();
  const progress: Progress = { registered: false };
  const finish = (outcome: DeployOutcome, message: string, failedStep?: DeployStep): DeploySummary => ({
    outcome,
    message,
    ...(failedStep === undefined ? {} : { failedStep }),
    env: target.env,
    cluster,
    serviceName,
    family,
    image: options.image,
    ...progress,
    registered: progress.registered ?? false,
    elapsedSeconds: Math.round((clock.now() - startedAt) / 1000),
  });

  try {
    const image = parseEcrImageReference(options.image);
    log(`[${DeployStep.IMAGE_REFERENCE}] ${image.repositoryName}@${image.digest} in ${image.registry}`);

    const preflight = await inStep(DeployStep.PREFLIGHT, async () =>
      checkPreflight(await ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] })), cluster, serviceName, family),
    );
    progress.previousTaskDefinition = preflight.currentTaskDefinition;
    log(
      `[${DeployStep.PREFLIGHT}] service ${serviceName} in ${cluster}: ACTIVE, ECS deployment controller, ` +
        `circuit breaker with rollback, no deployment in progress; runs ${preflight.currentTaskDefinition}`,
    );

    const described = await inStep(DeployStep.BASE_REVISION, () =>
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] })),
    );
    const base = described.taskDefinition;
    if (base?.taskDefinitionArn === undefined) throw new DeployError(DeployStep.BASE_REVISION, `family '${family}' has no ACTIVE revision`);
    const label = `${family}:${base.revision}`;
    const plane = detectDataPlane(preflight.primary, base, label);
    const dataPlaneFit = checkDataPlane(plane, base, preflight.primary, appContainerName, label);
    progress.dataPlane = plane;

    const stack = isStackRevision(described.tags, target.stackRevisionTag)
      ? base
      : await inStep(DeployStep.BASE_REVISION, () => findStackRevision(ecs, family, target.stackRevisionTag));
    const stackLabel = `${family}:${stack.revision}`;
    progress.stackTaskDefinition = stack.taskDefinitionArn;
    const drift = revisionDrift(stack, base, appContainerName);
    if (drift.length > 0) {
      progress.drift = drift;
      throw new DeployError(
        DeployStep.BASE_REVISION,
        `${label} differs from the stack's revision ${stackLabel} in more than the app image (${drift.length} difference(s): ` +
          `${drift.join('; ')}); it was not registered by the stack or by this command from the stack's revision. ` +
          'Find out who registered it (registeredBy), then apply the stack to register a clean revision',
      );
    }
    const origin = stack === base ? "the stack's revision" : `the stack's revision ${stackLabel} but for the app image`;
    log(`[${DeployStep.BASE_REVISION}] ${label} (latest ACTIVE, ${origin}); ${dataPlaneFit}`);

    const rendered = renderTaskDefinition(base, described.tags, appContainerName, image.uri, target.revisionTags);
    const expectedRepository = repositoryOf(rendered.previousImage);
    if (expectedRepository !== `${image.registry}/${image.repositoryName}`) {
      throw new DeployError(
        DeployStep.IMAGE,
        `image is in ${image.registry}/${image.repositoryName}, but container '${appContainerName}' of ${label} runs images of ${expectedRepository}`,
      );
    }
    const detail = await inStep(DeployStep.IMAGE, () => findImageInEcr(deps.ecrClientFor(image.region), image));
    log(
      `[${DeployStep.IMAGE}] in ECR: pushed ${detail.imagePushedAt?.toISOString() ?? 'at an unknown time'}, ` +
        `tags ${detail.imageTags?.join(', ') || 'none'}`,
    );

    let taskDefinitionArn = base.taskDefinitionArn;
    progress.taskDefinition = taskDefinitionArn;
    if (rendered.changed) {
      log(`[${DeployStep.RENDER}] ${appContainerName}: ${rendered.previousImage} -> ${image.uri}; all else as in ${label}`);
    } else {
      log(`[${DeployStep.RENDER}] ${label} already runs this image: nothing to register`);
    }
    if (!rendered.changed && taskDefinitionArn === preflight.currentTaskDefinition) {
      return finish('unchanged', `service ${serviceName} already runs ${label} with this image; nothing to deploy`);
    }
    if (options.dryRun) {
      const action = rendered.changed ? `register the next revision of ${family} and update` : `update`;
      log(`[dry-run] would ${action} service ${serviceName} (now ${preflight.currentTaskDefinition}); no change made`);
      return finish('dry-run', `dry run: would ${action} service ${serviceName}; no change made`);
    }

    if (rendered.changed) {
      const registered = await inStep(DeployStep.REGISTER, () => ecs.send(new RegisterTaskDefinitionCommand(rendered.input)));
      const arn = registered.taskDefinition?.taskDefinitionArn;
      if (arn === undefined) throw new DeployError(DeployStep.REGISTER, 'RegisterTaskDefinition returned no task definition ARN');
      taskDefinitionArn = arn;
      progress.taskDefinition = arn;
      progress.registered = true;
      log(`[${DeployStep.REGISTER}] ${family}:${registered.taskDefinition?.revision}`);
    }

    const updated = await inStep(DeployStep.UPDATE, () =>
      ecs.send(new UpdateServiceCommand({ cluster, service: serviceName, taskDefinition: taskDefinitionArn })),
    );
    const deployment = updated.service?.deployments?.find((d) => d.status === 'PRIMARY' && d.taskDefinition === taskDefinitionArn);
    if (deployment?.id === undefined) {
      throw new DeployError(DeployStep.UPDATE, `UpdateService started no PRIMARY deployment of ${taskDefinitionArn}`);
    }
    progress.deploymentId = deployment.id;
    log(`[${DeployStep.UPDATE}] deployment ${deployment.id} started; waiting up to ${options.timeoutSeconds} s for its outcome`);

    const waited = await inStep(DeployStep.WAIT, () =>
      waitForDeployment({
        ecs,
        cluster,
        serviceName,
        deploymentId: deployment.id as string,
        previousTaskDefinition: preflight.currentTaskDefinition,
        eventsSince: deployment.createdAt?.getTime() ?? clock.now(),
        timeoutMs: options.timeoutSeconds * 1000,
        pollIntervalMs: options.pollIntervalSeconds * 1000,
        clock,
        log,
      }),
    );
    if (waited.timedOut) return await timedOut(target, options, deps, progress, finish);
    return judged(waited.outcome, deployment.id, preflight.currentTaskDefinition, progress, finish, log);
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    log(`[${error.step}] ${error.message}`);
    return finish(READ_ONLY_STEPS.has(error.step) ? 'refused' : 'failed', error.message, error.step);
  }
}

type Finish = (outcome: DeployOutcome, message: string, failedStep?: DeployStep) => DeploySummary;

/** The summary of a deployment that reached an outcome. */
function judged(
  outcome: DeploymentOutcome,
  deploymentId: string,
  previousTaskDefinition: string,
  progress: Progress,
  finish: Finish,
  log: (line: string) => void,
): DeploySummary {
  let summary: DeploySummary;
  switch (outcome.kind) {
    case 'completed':
      progress.rolloutState = 'COMPLETED';
      summary = finish('succeeded', `deployment ${deploymentId} COMPLETED`);
      break;
    case 'rolled-back':
      progress.rolloutState = 'FAILED';
      progress.rollbackDeploymentId = outcome.rollback.id;
      summary = finish(
        'rolled-back',
        `deployment ${deploymentId} failed and was rolled back by the deployment circuit breaker (${outcome.reason}); ` +
          `deployment ${outcome.rollback.id} returns the service to ${previousTaskDefinition}`,
        DeployStep.WAIT,
      );
      break;
    case 'failed':
      progress.rolloutState = 'FAILED';
      summary = finish('failed', `deployment ${deploymentId} FAILED: ${outcome.reason}`, DeployStep.WAIT);
      break;
    case 'superseded':
      summary = finish(
        'failed',
        `deployment ${deploymentId} was replaced by deployment ${outcome.by.id} of ${outcome.by.taskDefinition}, which this command did not start`,
        DeployStep.WAIT,
      );
      break;
    case 'disappeared':
      summary = finish('failed', `deployment ${deploymentId} is no longer listed, and no rollback explains it`, DeployStep.WAIT);
      break;
    case 'in-progress':
      throw new Error('an in-progress deployment has no summary before its time-out');
  }
  log(`[${DeployStep.WAIT}] ${summary.message}`);
  return summary;
}

/** The summary after a time-out, having rolled back when asked to. */
async function timedOut(
  target: DeployTarget,
  options: DeployOptions,
  deps: DeployDependencies,
  progress: Progress,
  finish: Finish,
): Promise<DeploySummary> {
  const previous = progress.previousTaskDefinition as string;
  progress.rolloutState = 'IN_PROGRESS';
  let message = `deployment ${progress.deploymentId} did not finish within ${options.timeoutSeconds} s`;
  if (options.rollbackOnTimeout) {
    try {
      const rollback = await deps.ecs.send(
        new UpdateServiceCommand({ cluster: target.cluster, service: target.serviceName, taskDefinition: previous }),
      );
      const started = rollback.service?.deployments?.find((d) => d.status === 'PRIMARY' && d.taskDefinition === previous);
      progress.rollbackDeploymentId = started?.id;
      message += `; --rollback-on-timeout: deployment ${started?.id ?? '(none listed)'} returns the service to ${previous}`;
    } catch (error) {
      message += `; --rollback-on-timeout: UpdateService back to ${previous} failed: ${(error as Error).name}: ${(error as Error).message}`;
    }
  } else {
    message +=
      '; it goes on, and the circuit breaker may still roll it back. Follow it with `aws ecs describe-services`; ' +
      `to return to the previous revision now: aws ecs update-service --cluster ${target.cluster} --service ${target.serviceName} --task-definition ${previous}`;
  }
  deps.log(`[${DeployStep.WAIT}] ${message}`);
  return finish('timed-out', message, DeployStep.WAIT);
}
