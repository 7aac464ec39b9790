import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import { DeployError, DeployStep } from './deploy-error';

/**
 * The keys RegisterTaskDefinition accepts; the others DescribeTaskDefinition
 * returns are the revision's identity, state and history (taskDefinitionArn,
 * revision, status, requiresAttributes, compatibilities, registeredAt,
 * registeredBy, deregisteredAt, deleteRequestedAt) and are dropped.
 * `satisfies` keeps the list equal to the SDK's: a field the API adds fails
 * the build here until it is listed, so it is carried over, not lost.
 */
export const REGISTRABLE_KEYS = {
  family: true,
  taskRoleArn: true,
  executionRoleArn: true,
  networkMode: true,
  containerDefinitions: true,
  volumes: true,
  placementConstraints: true,
  requiresCompatibilities: true,
  cpu: true,
  memory: true,
  tags: true,
  pidMode: true,
  ipcMode: true,
  proxyConfiguration: true,
  inferenceAccelerators: true,
  ephemeralStorage: true,
  runtimePlatform: true,
  enableFaultInjection: true,
} as const satisfies Record<keyof RegisterTaskDefinitionCommandInput, true>;

/** Tag keys starting with `aws:` are reserved for AWS; RegisterTaskDefinition rejects them. */
const RESERVED_TAG_PREFIX = 'aws:';

/** The revision to register, or the finding that the base already runs the image. */
export interface RenderedTaskDefinition {
  /** The RegisterTaskDefinition input: the base revision with the app container's image replaced. */
  readonly input: RegisterTaskDefinitionCommandInput;
  /** The app container's image in the base revision. */
  readonly previousImage: string;
  /** Whether anything differs from the base revision; when not, the base revision is deployed as it is. */
  readonly changed: boolean;
}

/**
 * Renders the next revision: `base` (from DescribeTaskDefinition) with the
 * image of container `appContainerName` set to `image` and nothing else
 * changed; read-only keys dropped (see `REGISTRABLE_KEYS`); the base's tags (`include: ['TAGS']`)
 * kept, except reserved `aws:` ones, with `revisionTags` set over them (the
 * tags the deploy role requires of every revision it registers).
 */
export function renderTaskDefinition(
  base: TaskDefinition,
  tags: readonly Tag[] | undefined,
  appContainerName: string,
  image: string,
  revisionTags: Readonly<Record<string, string>>,
): RenderedTaskDefinition {
  const app = base.containerDefinitions?.find((container) => container.name === appContainerName);
  if (app === undefined || base.family === undefined) {
    throw new DeployError(DeployStep.RENDER, `the base revision has no container '${appContainerName}' or no family`);
  }
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    if (key in REGISTRABLE_KEYS && value !== undefined) input[key] = value;
  }
  input.containerDefinitions = base.containerDefinitions?.map((container) =>
    container.name === appContainerName ? { ...container, image } : container,
  );
  const keptTags = (tags ?? []).filter((tag) => !tag.key?.startsWith(RESERVED_TAG_PREFIX) && !Object.hasOwn(revisionTags, tag.key ?? ''));
  const requiredTags = Object.entries(revisionTags).map(([key, value]) => ({ key, value }));
  if (keptTags.length + requiredTags.length > 0) input.tags = [...keptTags, ...requiredTags];
  const previousImage = app.image ?? '';
  return { input: input as unknown as RegisterTaskDefinitionCommandInput, previousImage, changed: previousImage !== image };
}
