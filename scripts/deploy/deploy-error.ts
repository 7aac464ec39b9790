/** The steps of a deployment, in order; a failure names the step it stopped at. */
export enum DeployStep {
  /** The image reference: an ECR repository and a digest, no tag. */
  IMAGE_REFERENCE = 'image-reference',
  /** The service: active, ECS controller, circuit breaker with rollback, nothing in progress. */
  PREFLIGHT = 'preflight',
  /** The family's latest ACTIVE revision and what the data plane needs of it. */
  BASE_REVISION = 'base-revision',
  /** The image exists in ECR, by digest. */
  IMAGE = 'image',
  /** The new revision: the base with the app container's image replaced. */
  RENDER = 'render',
  /** RegisterTaskDefinition. */
  REGISTER = 'register',
  /** UpdateService. */
  UPDATE = 'update',
  /** Waiting for the outcome of the deployment UpdateService started. */
  WAIT = 'wait',
}

/** Steps that make no change: a failure there is a refusal, and the service is untouched. */
export const READ_ONLY_STEPS: ReadonlySet<DeployStep> = new Set([
  DeployStep.IMAGE_REFERENCE,
  DeployStep.PREFLIGHT,
  DeployStep.BASE_REVISION,
  DeployStep.IMAGE,
  DeployStep.RENDER,
]);

/** A deployment stopped at `step` for the reason in the message. */
export class DeployError extends Error {
  constructor(
    public readonly step: DeployStep,
    message: string,
  ) {
    super(message);
    this.name = 'DeployError';
  }
}

/**
 * Runs `action` as part of `step`: an AWS error (access denied, throttling,
 * a missing region) becomes a {@link DeployError} of that step, with the
 * error's name and message.
 */
export async function inStep<T>(step: DeployStep, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof DeployError) throw error;
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    throw new DeployError(step, `${name}: ${message}`);
  }
}
