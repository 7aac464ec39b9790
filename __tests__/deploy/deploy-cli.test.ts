/**
 * `npm run deploy` against scripted ECS and ECR (aws-sdk-client-mock): every
 * path from refusal to rollback, the request shapes, and the output.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeImagesCommand, ECRClient, ImageNotFoundException } from '@aws-sdk/client-ecr';
import {
  AccessDeniedException,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Deployment,
  type Service,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ACCOUNT,
  BOOTSTRAP_IMAGE,
  CLUSTER,
  CONTAINER,
  FAMILY,
  FakeClock,
  NEW_DIGEST,
  NEW_IMAGE,
  OLD_DIGEST,
  REGION,
  REGISTRY,
  REPOSITORY,
  SERVICE,
  SERVICE_CONNECT,
  T0,
  TAGS,
  appMeshTaskDefinition,
  deployArgs,
  deployment,
  described,
  event,
  runCli,
  service,
  serviceConnectTaskDefinition,
  taskDefinitionArn,
} from './fixtures';

const ecs = mockClient(ECSClient);
const ecr = mockClient(ECRClient);
beforeEach(() => {
  ecs.reset();
  ecr.reset();
});

const OLD = 'ecs-svc/1000000000000000001';
const NEW = 'ecs-svc/2000000000000000002';
const ROLLBACK = 'ecs-svc/3000000000000000003';
/** The keys DescribeTaskDefinition returns that RegisterTaskDefinition must not get. */
const READ_ONLY_KEYS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
];

/** The new deployment of revision `revision`, as UpdateService returns it. */
function newDeployment(
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED',
  status: 'PRIMARY' | 'ACTIVE' = 'PRIMARY',
  extra: Partial<Deployment> = {},
) {
  return deployment(NEW, status, 4, rolloutState, { createdAt: new Date(T0), ...extra });
}

interface Script {
  /** The base revision (family's latest ACTIVE). @default App Mesh revision 3 with the bootstrap image */
  readonly base?: TaskDefinition;
  /** The base revision's tags. @default TAGS (the stack's: ManagedBy=cdktf) */
  readonly baseTags?: Tag[];
  /** Older ACTIVE revisions, newest first, as ListTaskDefinitions and DescribeTaskDefinition by ARN answer. @default none */
  readonly older?: { taskDefinition: TaskDefinition; tags: Tag[] }[];
  /** The service before the deployment. @default service() (runs revision 3) */
  readonly before?: Service;
  /** What DescribeServices answers while waiting, in order; the last repeats. */
  readonly polls?: Service[];
}

/** Scripts a deployment: preflight, base revision, image, register (as revision 4), update, then `polls`. */
function script({ base = appMeshTaskDefinition(3), baseTags = TAGS, older = [], before = service(), polls = [] }: Script = {}): void {
  const describeServices = ecs.on(DescribeServicesCommand);
  describeServices.resolvesOnce(described(before));
  for (const poll of polls.slice(0, -1)) describeServices.resolvesOnce(described(poll));
  if (polls.length > 0) describeServices.resolves(described(polls[polls.length - 1]));
  ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: base, tags: baseTags });
  for (const revision of older) {
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: revision.taskDefinition.taskDefinitionArn }).resolves(revision);
  }
  ecs.on(ListTaskDefinitionsCommand).resolves({
    taskDefinitionArns: [base, ...older.map((revision) => revision.taskDefinition)].map((revision) => revision.taskDefinitionArn!),
  });
  ecr.on(DescribeImagesCommand).resolves({
    imageDetails: [
      {
        registryId: ACCOUNT,
        repositoryName: REPOSITORY,
        imageDigest: NEW_DIGEST,
        imageTags: ['9d8e7f6'],
        imagePushedAt: new Date(T0 - 600_000),
        imageStatus: 'ACTIVE',
      },
    ],
  });
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input) => ({
    taskDefinition: { ...input, taskDefinitionArn: taskDefinitionArn(4), revision: 4, status: 'ACTIVE' },
  }));
  ecs.on(UpdateServiceCommand).callsFake((input) => ({
    service: service({
      deployments: [
        deployment(
          input.taskDefinition === taskDefinitionArn(4) ? NEW : ROLLBACK,
          'PRIMARY',
          Number(input.taskDefinition.split(':').pop()),
          'IN_PROGRESS',
        ),
        deployment(OLD, 'ACTIVE', 3, 'COMPLETED'),
      ],
    }),
  }));
}

/** The service while the new deployment rolls out; `events` so far. */
function rollingOut(events = [event('e1', 5, 'has started 1 tasks: (task 0a1b2c).')]): Service {
  return service({ deployments: [newDeployment('IN_PROGRESS'), deployment(OLD, 'ACTIVE', 3, 'COMPLETED')], events });
}

describe('a successful deployment', () => {
  const completed = service({
    deployments: [newDeployment('COMPLETED')],
    events: [
      event('e4', 71, 'has reached a steady state.'),
      event('e3', 70, `(deployment ${NEW}) deployment completed.`),
      event('e2', 65, 'has stopped 1 running tasks: (task 9f8e7d).'),
      event('e1', 5, 'has started 1 tasks: (task 0a1b2c).'),
      event('e0', -3600, 'has reached a steady state.'),
    ],
  });

  test('registers the rendered revision, updates the service and succeeds when that deployment is COMPLETED', async () => {
    script({ polls: [rollingOut(), rollingOut(), completed] });
    const clock = new FakeClock();
    const run = await runCli(deployArgs(), clock);

    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({
      outcome: 'succeeded',
      env: 'dev',
      cluster: CLUSTER,
      serviceName: SERVICE,
      family: FAMILY,
      image: NEW_IMAGE,
      dataPlane: 'app-mesh',
      previousTaskDefinition: taskDefinitionArn(3),
      taskDefinition: taskDefinitionArn(4),
      registered: true,
      deploymentId: NEW,
      rolloutState: 'COMPLETED',
      elapsedSeconds: 30,
    });
    expect(clock.sleeps).toEqual([15_000, 15_000]);
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toHaveLength(0);
  });

  test('asks ECS and ECR for exactly what it needs', async () => {
    script({ polls: [completed] });
    const run = await runCli(deployArgs());

    expect(ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).toEqual({ cluster: CLUSTER, services: [SERVICE] });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input).toEqual({ taskDefinition: FAMILY, include: ['TAGS'] });
    expect(ecr.commandCalls(DescribeImagesCommand)[0].args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: REPOSITORY,
      imageIds: [{ imageDigest: NEW_DIGEST }],
    });
    expect(run.ecrRegions).toEqual([REGION]);
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER, service: SERVICE, taskDefinition: taskDefinitionArn(4) },
    ]);
  });

  test("the registered revision is the base without its read-only keys, with only the app image changed, the tags kept and the deploy command's set over them", async () => {
    const base = appMeshTaskDefinition(3);
    script({ base, polls: [completed] });
    await runCli(deployArgs());

    const input = ecs.commandCalls(RegisterTaskDefinitionCommand)[0].args[0].input as unknown as Record<string, unknown>;
    for (const key of READ_ONLY_KEYS) expect(input).not.toHaveProperty(key);
    const expected = Object.fromEntries(Object.entries(base).filter(([key]) => !READ_ONLY_KEYS.includes(key)));
    expect({ ...input, containerDefinitions: undefined, tags: undefined }).toEqual({
      ...expected,
      containerDefinitions: undefined,
      tags: undefined,
    });
    const [app, ...sidecars] = input.containerDefinitions as TaskDefinition['containerDefinitions'] & object[];
    expect(app).toEqual({ ...base.containerDefinitions![0], image: NEW_IMAGE });
    expect(sidecars).toEqual(base.containerDefinitions!.slice(1));
    expect(input.tags).toEqual([
      { key: 'Project', value: 'ev-pipeline' },
      { key: 'Environment', value: 'dev' },
      { key: 'ManagedBy', value: 'npm-run-deploy' },
      { key: 'DeployScope', value: 'dev-ev-pipeline' },
    ]);
  });

  test('prints each step, the new service events once each and oldest first, and the JSON summary last', async () => {
    script({ polls: [rollingOut(), completed] });
    const run = await runCli(deployArgs());

    const steps = run.stderr.map((line) => /^\[([a-z-]+)\]/.exec(line)?.[1]).filter(Boolean);
    expect(steps).toEqual(['image-reference', 'preflight', 'base-revision', 'image', 'render', 'register', 'update', 'wait']);
    const events = run.stderr.filter((line) => line.startsWith('  '));
    expect(events).toEqual([
      `  2026-11-02T10:00:05.000Z (service ${SERVICE}) has started 1 tasks: (task 0a1b2c).`,
      `  2026-11-02T10:01:05.000Z (service ${SERVICE}) has stopped 1 running tasks: (task 9f8e7d).`,
      `  2026-11-02T10:01:10.000Z (service ${SERVICE}) (deployment ${NEW}) deployment completed.`,
      `  2026-11-02T10:01:11.000Z (service ${SERVICE}) has reached a steady state.`,
    ]);
    expect(run.stderr.join('\n')).toContain(`${CONTAINER}: ${BOOTSTRAP_IMAGE} -> ${NEW_IMAGE}`);
    expect(run.stdout).toHaveLength(1);
  });

  test('a Service Connect service: detected from its deployment, named port mappings checked', async () => {
    const withServiceConnect = (svc: Service): Service => ({
      ...svc,
      deployments: svc.deployments?.map((d) => ({ ...d, serviceConnectConfiguration: SERVICE_CONNECT })),
    });
    script({
      base: serviceConnectTaskDefinition(3),
      before: withServiceConnect(service()),
      polls: [withServiceConnect(service({ deployments: [newDeployment('COMPLETED')] }))],
    });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({ outcome: 'succeeded', dataPlane: 'service-connect' });
    expect(run.stderr.join('\n')).toContain(`Service Connect: port mappings ${SERVICE}/http, publishes ${SERVICE}`);
  });
});

describe('nothing to register', () => {
  test('the latest revision already has the image: no registration, the service moves to that revision', async () => {
    script({ base: appMeshTaskDefinition(4, NEW_IMAGE), polls: [service({ deployments: [newDeployment('COMPLETED')] })] });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(0);
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecs.commandCalls(UpdateServiceCommand)[0].args[0].input.taskDefinition).toBe(taskDefinitionArn(4));
    expect(run.summary).toMatchObject({ outcome: 'succeeded', registered: false, taskDefinition: taskDefinitionArn(4) });
  });

  test('the service already runs the latest revision with the image: no registration, no update', async () => {
    script({ base: appMeshTaskDefinition(3, NEW_IMAGE) });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(0);
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(run.summary).toMatchObject({ outcome: 'unchanged', registered: false });
  });
});

describe('a failed deployment', () => {
  const failing = service({
    deployments: [newDeployment('IN_PROGRESS', 'PRIMARY', { failedTasks: 2 }), deployment(OLD, 'ACTIVE', 3, 'COMPLETED')],
    events: [event('e1', 5, 'has started 1 tasks: (task 0a1b2c).'), event('e2', 50, '(task 0a1b2c) failed container health checks.')],
  });
  const reason = 'ECS deployment circuit breaker: tasks failed to start.';
  const rolledBack = service({
    deployments: [
      deployment(ROLLBACK, 'PRIMARY', 3, 'IN_PROGRESS', { createdAt: new Date(T0 + 180_000) }),
      newDeployment('FAILED', 'ACTIVE', { rolloutStateReason: reason }),
    ],
    events: [
      event('e4', 181, `rolling back to deployment ${OLD}.`),
      event('e3', 180, `(deployment ${NEW}) deployment failed: tasks failed to start.`),
      ...(failing.events ?? []),
    ],
  });

  test('a circuit-breaker rollback is a failure, reported with the rollback deployment', async () => {
    script({ polls: [failing, rolledBack] });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(1);
    expect(run.summary).toMatchObject({
      outcome: 'rolled-back',
      failedStep: 'wait',
      deploymentId: NEW,
      rolloutState: 'FAILED',
      rollbackDeploymentId: ROLLBACK,
      previousTaskDefinition: taskDefinitionArn(3),
      taskDefinition: taskDefinitionArn(4),
      registered: true,
    });
    expect(run.summary.message).toContain(reason);
    expect(run.stderr.join('\n')).toContain(`rolling back to deployment ${OLD}`);
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });

  test('"stable again" after the rollback is still a failure: our deployment gone, the previous revision PRIMARY and COMPLETED', async () => {
    const stableAfterRollback = service({ deployments: [deployment(ROLLBACK, 'PRIMARY', 3, 'COMPLETED')] });
    script({ polls: [failing, stableAfterRollback] });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(1);
    expect(run.summary).toMatchObject({ outcome: 'rolled-back', rollbackDeploymentId: ROLLBACK });
  });

  test('a FAILED rollout without a rollback is a failure', async () => {
    script({ polls: [service({ deployments: [newDeployment('FAILED', 'PRIMARY', { rolloutStateReason: reason })] })] });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(1);
    expect(run.summary).toMatchObject({ outcome: 'failed', failedStep: 'wait', rolloutState: 'FAILED' });
    expect(run.summary.message).toBe(`deployment ${NEW} FAILED: ${reason}`);
  });

  test('a deployment that disappeared is a failure', async () => {
    script({ polls: [service({ deployments: [deployment('ecs-svc/9', 'PRIMARY', 7, 'COMPLETED')] })] });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(1);
    expect(run.summary).toMatchObject({ outcome: 'failed', failedStep: 'wait' });
    expect(run.summary.message).toContain('is no longer listed');
  });

  test('a deployment replaced by someone else is a failure', async () => {
    const other = deployment('ecs-svc/9', 'PRIMARY', 7, 'IN_PROGRESS');
    script({ polls: [service({ deployments: [other, newDeployment('IN_PROGRESS', 'ACTIVE')] })] });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(1);
    expect(run.summary.message).toContain(`replaced by deployment ecs-svc/9 of ${taskDefinitionArn(7)}`);
  });

  test('an AWS error names its step', async () => {
    script();
    ecs
      .on(RegisterTaskDefinitionCommand)
      .rejects(new AccessDeniedException({ message: 'not authorized to perform ecs:RegisterTaskDefinition', $metadata: {} }));
    const run = await runCli(deployArgs());

    expect(run.code).toBe(1);
    expect(run.summary).toMatchObject({ outcome: 'failed', failedStep: 'register', registered: false });
    expect(run.summary.message).toBe('AccessDeniedException: not authorized to perform ecs:RegisterTaskDefinition');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });
});

describe('time-out', () => {
  test('ends with a clear message and leaves the deployment running', async () => {
    script({ polls: [rollingOut()] });
    const clock = new FakeClock();
    const run = await runCli(deployArgs('--timeout', '60'), clock);

    expect(run.code).toBe(1);
    expect(clock.sleeps).toEqual([15_000, 15_000, 15_000, 15_000]);
    expect(run.summary).toMatchObject({ outcome: 'timed-out', failedStep: 'wait', rolloutState: 'IN_PROGRESS', elapsedSeconds: 60 });
    expect(run.summary.message).toContain(`deployment ${NEW} did not finish within 60 s`);
    expect(run.summary.message).toContain(
      `aws ecs update-service --cluster ${CLUSTER} --service ${SERVICE} --task-definition ${taskDefinitionArn(3)}`,
    );
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });

  test('with --rollback-on-timeout, updates the service back to the revision it ran before', async () => {
    script({ polls: [rollingOut()] });
    const run = await runCli(deployArgs('--timeout', '40', '--rollback-on-timeout'));

    expect(run.code).toBe(1);
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER, service: SERVICE, taskDefinition: taskDefinitionArn(4) },
      { cluster: CLUSTER, service: SERVICE, taskDefinition: taskDefinitionArn(3) },
    ]);
    expect(run.summary).toMatchObject({ outcome: 'timed-out', rollbackDeploymentId: ROLLBACK });
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toHaveLength(0);
  });
});

/** Tags of a revision `npm run deploy` registered in dev's App Mesh stack. */
const DEPLOYED_TAGS: Tag[] = [
  { key: 'Project', value: 'ev-pipeline' },
  { key: 'Environment', value: 'dev' },
  { key: 'ManagedBy', value: 'npm-run-deploy' },
  { key: 'DeployScope', value: 'dev-ev-pipeline' },
];

describe("the base revision against the stack's", () => {
  const stackRevision = appMeshTaskDefinition(3);
  const completed = service({ deployments: [newDeployment('COMPLETED')] });

  test("a base the deploy command made from the stack's revision (only the app image differs) is deployed", async () => {
    script({
      base: appMeshTaskDefinition(5, `${REGISTRY}/${REPOSITORY}@${OLD_DIGEST}`),
      baseTags: DEPLOYED_TAGS,
      older: [{ taskDefinition: stackRevision, tags: TAGS }],
      polls: [completed],
    });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({ outcome: 'succeeded', stackTaskDefinition: taskDefinitionArn(3) });
    expect(ecs.commandCalls(ListTaskDefinitionsCommand)[0].args[0].input).toEqual({
      familyPrefix: FAMILY,
      status: 'ACTIVE',
      sort: 'DESC',
      maxResults: 100,
    });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual([
      { taskDefinition: FAMILY, include: ['TAGS'] },
      { taskDefinition: taskDefinitionArn(5), include: ['TAGS'] },
      { taskDefinition: taskDefinitionArn(3), include: ['TAGS'] },
    ]);
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER, service: SERVICE, taskDefinition: taskDefinitionArn(4) },
    ]);
  });

  test('attack: a revision planted with the deploy role (a sidecar, another task role, changed environment and secrets) is refused, each difference named', async () => {
    const planted = appMeshTaskDefinition(5, `${REGISTRY}/${REPOSITORY}@${OLD_DIGEST}`);
    const [app, envoy, xray] = planted.containerDefinitions!;
    planted.taskRoleArn = `arn:aws:iam::${ACCOUNT}:role/dev-ev-pipeline-data-ingestion-task`;
    planted.containerDefinitions = [
      {
        ...app,
        environment: [...(app!.environment ?? []), { name: 'HTTPS_PROXY', value: 'http://203.0.113.7:3128' }],
        secrets: [{ name: 'REDIS_PASSWORD', valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:other` }],
      },
      { ...envoy!, image: 'public.ecr.aws/attacker/envoy:latest' },
      xray!,
      { name: 'exfiltrator', image: 'public.ecr.aws/attacker/tools:latest', essential: false },
    ];
    script({ base: planted, baseTags: DEPLOYED_TAGS, older: [{ taskDefinition: stackRevision, tags: TAGS }] });
    const run = await runCli(deployArgs());

    expect(run.code).toBe(1);
    expect(run.summary).toMatchObject({ outcome: 'refused', failedStep: 'base-revision', stackTaskDefinition: taskDefinitionArn(3) });
    expect(run.summary.drift).toEqual([
      `taskRoleArn: "arn:aws:iam::${ACCOUNT}:role/dev-ev-pipeline-data-processing-task" -> "arn:aws:iam::${ACCOUNT}:role/dev-ev-pipeline-data-ingestion-task"`,
      `container 'exfiltrator' added (image "public.ecr.aws/attacker/tools:latest")`,
      `container '${CONTAINER}' environment HTTPS_PROXY added ("http://203.0.113.7:3128")`,
      `container '${CONTAINER}' secrets REDIS_PASSWORD added ("arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:other")`,
      `container 'envoy' image: "840364872350.dkr.ecr.ap-northeast-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod" -> "public.ecr.aws/attacker/envoy:latest"`,
    ]);
    expect(run.summary.message).toMatch(
      /differs from the stack's revision dev-ev-pipeline-data-processing-service:3 in more than the app image \(5 difference/,
    );
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  test('a container removed and a secret changed are named too', async () => {
    const stackWithSecret = appMeshTaskDefinition(3);
    const secret = { name: 'REDIS_PASSWORD', valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:dev-processing:password::` };
    stackWithSecret.containerDefinitions![0] = { ...stackWithSecret.containerDefinitions![0]!, secrets: [secret] };
    const base = appMeshTaskDefinition(5, NEW_IMAGE);
    base.containerDefinitions = [
      {
        ...base.containerDefinitions![0]!,
        secrets: [{ ...secret, valueFrom: `${secret.valueFrom.replace('dev-processing', 'dev-ingestion')}` }],
      },
      base.containerDefinitions![1]!,
    ];
    script({ base, baseTags: DEPLOYED_TAGS, older: [{ taskDefinition: stackWithSecret, tags: TAGS }] });
    const run = await runCli(deployArgs());

    expect(run.summary.drift).toEqual([
      `container '${CONTAINER}' secrets REDIS_PASSWORD: "${secret.valueFrom}" -> "${secret.valueFrom.replace('dev-processing', 'dev-ingestion')}"`,
      "container 'xray-daemon' removed",
    ]);
  });

  test("no revision of the stack's among the ACTIVE ones is refused", async () => {
    script({
      base: appMeshTaskDefinition(5),
      baseTags: DEPLOYED_TAGS,
      older: [{ taskDefinition: appMeshTaskDefinition(4), tags: DEPLOYED_TAGS }],
    });
    const run = await runCli(deployArgs());

    expect(run.summary).toMatchObject({ outcome: 'refused', failedStep: 'base-revision' });
    expect(run.summary.message).toMatch(
      /no ACTIVE revision of family 'dev-ev-pipeline-data-processing-service' among the newest 2 carries ManagedBy=cdktf/,
    );
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  });
});

describe('dry run', () => {
  test('checks and renders, makes no mutating call', async () => {
    script();
    const run = await runCli(deployArgs('--dry-run'));

    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({ outcome: 'dry-run', registered: false, dataPlane: 'app-mesh' });
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });
});

/** Expects a refusal at `step` with a message matching `message`, and no mutating call. */
function expectRefused(run: Awaited<ReturnType<typeof runCli>>, step: string, message: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.summary).toMatchObject({ outcome: 'refused', failedStep: step, registered: false });
  expect(run.summary.message).toMatch(message);
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
}

describe('preflight refusals', () => {
  test.each<[string, Service | undefined, RegExp]>([
    ['a missing service', undefined, /was not found \(MISSING\)/],
    ['a draining service', service({ status: 'DRAINING' }), /is DRAINING, not ACTIVE/],
    [
      'the CODE_DEPLOY controller',
      service({ deploymentController: { type: 'CODE_DEPLOY' } }),
      /uses the CODE_DEPLOY deployment controller/,
    ],
    [
      'a blue/green strategy',
      service({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, strategy: 'BLUE_GREEN' } }),
      /deploys with the BLUE_GREEN strategy/,
    ],
    [
      'no circuit breaker',
      service({ deploymentConfiguration: {} }),
      /no deployment circuit breaker with rollback \(enable: false, rollback: false\)/,
    ],
    [
      'a circuit breaker without rollback',
      service({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } }),
      /\(enable: true, rollback: false\)/,
    ],
    [
      'a deployment in progress',
      service({ deployments: [deployment('ecs-svc/5', 'PRIMARY', 3, 'IN_PROGRESS'), deployment(OLD, 'ACTIVE', 2, 'COMPLETED')] }),
      /has a deployment in progress \(ecs-svc\/5 PRIMARY IN_PROGRESS .*:3; .*ACTIVE COMPLETED .*:2\)/,
    ],
    [
      'a service running another family',
      service({ deployments: [{ ...deployment(OLD, 'PRIMARY', 3, 'COMPLETED'), taskDefinition: taskDefinitionArn(3, 'other-family') }] }),
      /runs family 'other-family', not 'dev-ev-pipeline-data-processing-service'/,
    ],
  ])('refuses %s', async (_, svc, message) => {
    ecs
      .on(DescribeServicesCommand)
      .resolves(svc ? described(svc) : { services: [], failures: [{ arn: SERVICE, reason: 'MISSING' }], $metadata: {} });
    const run = await runCli(deployArgs());

    expectRefused(run, 'preflight', message);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
  });
});

describe('image refusals', () => {
  test.each([
    ['latest', `${REGISTRY}/${REPOSITORY}:latest`, /tag 'latest' is mutable .*latest always is.*give the digest: .*@sha256:<digest>/],
    ['an immutable tag', `${REGISTRY}/${REPOSITORY}:9d8e7f6`, /tag '9d8e7f6' is mutable/],
    ['a tag beside the digest', `${REGISTRY}/${REPOSITORY}:9d8e7f6@${NEW_DIGEST}`, /without the tag '9d8e7f6'/],
    ['no tag and no digest', `${REGISTRY}/${REPOSITORY}`, /names no digest/],
    ['a short digest', `${REGISTRY}/${REPOSITORY}@sha256:abc`, /is not sha256:<64 lower-case hex digits>/],
    ['a registry that is not ECR', `ghcr.io/acme/${REPOSITORY}@${NEW_DIGEST}`, /'ghcr.io' is not a private ECR registry/],
  ])('refuses %s before calling AWS', async (_, image, message) => {
    const run = await runCli(['--env', 'dev', '--data-plane', 'app-mesh', '--service', SERVICE, '--image', image]);

    expectRefused(run, 'image-reference', message);
    expect(ecs.calls()).toHaveLength(0);
    expect(ecr.calls()).toHaveLength(0);
  });

  test('refuses an image that is not in ECR', async () => {
    script();
    ecr.on(DescribeImagesCommand).rejects(new ImageNotFoundException({ message: 'not found', $metadata: {} }));
    const run = await runCli(deployArgs());

    expectRefused(
      run,
      'image',
      new RegExp(`no image ${NEW_DIGEST} in repository '${REPOSITORY}' of registry ${ACCOUNT} \\(${REGION}\\): push it first`),
    );
  });

  test('refuses an archived image', async () => {
    script();
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: NEW_DIGEST, imageStatus: 'ARCHIVED' }] });
    const run = await runCli(deployArgs());

    expectRefused(run, 'image', /is ARCHIVED; restore it/);
  });

  test("refuses an image from another repository than the app container's", async () => {
    script();
    const run = await runCli([
      '--env',
      'dev',
      '--data-plane',
      'app-mesh',
      '--service',
      SERVICE,
      '--image',
      `${REGISTRY}/dev-ev-pipeline-data-ingestion-service@${OLD_DIGEST}`,
    ]);

    expectRefused(run, 'image', /runs images of .*dev-ev-pipeline-data-processing-service/);
    expect(ecr.calls()).toHaveLength(0);
  });
});

describe('data-plane refusals', () => {
  const appMesh = appMeshTaskDefinition(3);
  const [app, envoy, xray] = appMesh.containerDefinitions!;
  const withServiceConnect = (svc: Service): Service => ({
    ...svc,
    deployments: svc.deployments?.map((d) => ({ ...d, serviceConnectConfiguration: SERVICE_CONNECT })),
  });
  const serviceConnect = serviceConnectTaskDefinition(3);
  const [scApp, collector] = serviceConnect.containerDefinitions!;

  test.each<[string, TaskDefinition, Service, RegExp]>([
    [
      'App Mesh without its Envoy container',
      { ...appMesh, containerDefinitions: [app, xray] },
      service(),
      /names container 'envoy', which the task definition does not have/,
    ],
    [
      'App Mesh with a non-essential Envoy',
      { ...appMesh, containerDefinitions: [app, { ...envoy, essential: false }, xray] },
      service(),
      /the Envoy container 'envoy' is not essential/,
    ],
    [
      'App Mesh with an Envoy that knows no virtual node',
      { ...appMesh, containerDefinitions: [app, { ...envoy, environment: [] }, xray] },
      service(),
      /has neither APPMESH_RESOURCE_ARN nor APPMESH_VIRTUAL_NODE_NAME/,
    ],
    [
      'App Mesh with the app port outside AppPorts',
      { ...appMesh, proxyConfiguration: { ...appMesh.proxyConfiguration!, properties: [{ name: 'AppPorts', value: '8080' }] } },
      service(),
      /the app's port 3001 is not in the proxy's AppPorts \(8080\)/,
    ],
    [
      'App Mesh with an app that does not wait for Envoy',
      { ...appMesh, containerDefinitions: [{ ...app, dependsOn: [] }, envoy, xray] },
      service(),
      /does not depend on 'envoy' being HEALTHY/,
    ],
    [
      'Service Connect with an unnamed port mapping',
      { ...serviceConnect, containerDefinitions: [{ ...scApp, portMappings: [{ containerPort: 3001, protocol: 'tcp' }] }, collector] },
      withServiceConnect(service()),
      /port mapping 3001 needs a name and an appProtocol \(has no name, no appProtocol\).*publishes port 'data-processing', which no port mapping is named/,
    ],
    [
      'Service Connect without appProtocol',
      { ...serviceConnect, containerDefinitions: [{ ...scApp, portMappings: [{ name: SERVICE, containerPort: 3001 }] }, collector] },
      withServiceConnect(service()),
      /has name 'data-processing', no appProtocol.*port mapping 'data-processing' has no appProtocol/,
    ],
    [
      'both data planes',
      appMesh,
      withServiceConnect(service()),
      /has an APPMESH proxy configuration, but the service has Service Connect enabled/,
    ],
    ['no data plane', serviceConnect, service(), /is in no data plane/],
    [
      'a base revision without the app container',
      { ...appMesh, containerDefinitions: [envoy, xray] },
      service(),
      /has no container 'data-processing-service' \(it has 'envoy', 'xray-daemon'\); pass --container/,
    ],
  ])('refuses %s', async (_, base, before, message) => {
    script({ base, before });
    const run = await runCli(deployArgs());

    expectRefused(run, 'base-revision', message);
    expect(run.summary.message).toMatch(/^dev-ev-pipeline-data-processing-service:3 /);
    expect(ecr.calls()).toHaveLength(0);
  });
});

describe('command line', () => {
  test('--help documents every option and the exit codes', async () => {
    const run = await runCli(['--help']);
    const help = run.stdout.join('\n');

    expect(run.code).toBe(0);
    for (const option of [
      '--env',
      '--service',
      '--image',
      '--dry-run',
      '--timeout',
      '--poll-interval',
      '--rollback-on-timeout',
      '--project',
      '--cluster',
      '--service-name',
      '--family',
      '--container',
      '--print-names',
      'AWS_REGION',
      'AWS_ENDPOINT_URL_ECS',
      'Exit codes',
    ]) {
      expect(help).toContain(option);
    }
    expect(help).toContain('environment: dev, prd');
    expect(help).toContain('data-ingestion, data-processing');
  });

  test.each([
    ['no --env', ['--service', SERVICE, '--image', NEW_IMAGE], /--env is required/],
    ['an unknown environment', ['--env', 'qa', '--service', SERVICE, '--image', NEW_IMAGE], /unknown environment 'qa'; known: dev, prd/],
    ['an unknown service', ['--env', 'dev', '--service', 'billing', '--image', NEW_IMAGE], /no settings for service 'billing'/],
    ['no --image', ['--env', 'dev', '--service', SERVICE], /--image is required/],
    ['a time-out that is no number', [...deployArgs(), '--timeout', 'soon'], /--timeout must be a whole number of seconds, got 'soon'/],
    ['an unknown option', [...deployArgs(), '--force'], /Unknown option '--force'/],
  ])('%s is a usage error (exit 2)', async (_, args, message) => {
    const run = await runCli(args);

    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(message);
    expect(ecs.calls()).toHaveLength(0);
  });

  test('--print-names prints the names from the configuration, with the overrides (prd runs Service Connect only: -sc names)', async () => {
    const run = await runCli(['--env', 'prd', '--service', 'data-ingestion', '--project', 'fleet', '--print-names']);
    expect(JSON.parse(run.stdout.join('\n'))).toEqual({
      env: 'prd',
      cluster: 'prd-fleet-sc-ecs-cluster',
      serviceName: 'data-ingestion',
      family: 'prd-fleet-sc-data-ingestion-service',
      appContainerName: 'data-ingestion-service',
      repositoryName: 'prd-fleet-sc-data-ingestion-service',
    });
  });

  test('--data-plane picks the stack whose names to use; dev defaults to Service Connect, a plane the environment lacks is refused', async () => {
    const names = async (...extra: string[]) =>
      JSON.parse((await runCli(['--env', 'dev', '--service', 'data-processing', '--print-names', ...extra])).stdout.join('\n'));
    expect((await names()).cluster).toBe('dev-ev-pipeline-sc-ecs-cluster');
    expect((await names('--data-plane', 'app-mesh')).cluster).toBe('dev-ev-pipeline-ecs-cluster');
    const refused = await runCli(['--env', 'prd', '--service', 'data-processing', '--print-names', '--data-plane', 'app-mesh']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.join('\n')).toMatch(/--data-plane 'app-mesh': this environment runs service-connect/);
  });

  test('--cluster, --service-name, --family and --container replace the configured names in the requests', async () => {
    const base = appMeshTaskDefinition(3);
    const renamed: TaskDefinition = {
      ...base,
      family: 'custom-family',
      taskDefinitionArn: taskDefinitionArn(3, 'custom-family'),
      containerDefinitions: [{ ...base.containerDefinitions![0], name: 'app' }, ...base.containerDefinitions!.slice(1)],
    };
    script({
      base: renamed,
      before: service({
        serviceName: 'ingest',
        deployments: [{ ...deployment(OLD, 'PRIMARY', 3, 'COMPLETED'), taskDefinition: taskDefinitionArn(3, 'custom-family') }],
      }),
    });
    const run = await runCli([
      ...deployArgs('--dry-run'),
      '--cluster',
      'shared-cluster',
      '--service-name',
      'ingest',
      '--family',
      'custom-family',
      '--container',
      'app',
    ]);

    expect(run.code).toBe(0);
    expect(ecs.commandCalls(DescribeServicesCommand)[0].args[0].input).toEqual({ cluster: 'shared-cluster', services: ['ingest'] });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input).toEqual({
      taskDefinition: 'custom-family',
      include: ['TAGS'],
    });
    expect(run.stderr.join('\n')).toContain(`app: ${BOOTSTRAP_IMAGE} -> ${NEW_IMAGE}`);
  });

  test('npm run deploy runs the entry point (tsx scripts/deploy.ts)', async () => {
    const root = join(__dirname, '..', '..');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'deploy.ts'), '--help'], {
      cwd: root,
    });
    expect(stdout).toContain('usage: npm run deploy -- --env <env> --service <service> --image <image>');
  });
});
