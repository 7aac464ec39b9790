/**
 * `npm run deploy -- --env <env> --service <service> --image <repository>@sha256:<digest>`:
 * rolls an app image out to its ECS service and reports the outcome of that
 * deployment. Names come from the typed configuration the stack uses.
 */
import { parseArgs } from 'node:util';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ENVIRONMENTS, environmentConfig, PIPELINE_SERVICE_NAMES, serviceSettings } from '../../pipeline/environments';
import { DataPlane, nameSuffixOf } from '../../pipeline/data-plane';
import { DEFAULT_PROJECT, pipelineResourceNames, serviceResourceNames } from '../../pipeline/resource-names';
import {
  DEPLOY_SCOPE_TAG,
  MANAGED_BY_DEPLOY_COMMAND,
  MANAGED_BY_STACK,
  MANAGED_BY_TAG,
  deployRevisionTags,
} from '../../pipeline/revision-tags';
import { SUCCESSFUL_OUTCOMES, deployService, type DeployTarget } from './deploy-service';
import { SYSTEM_CLOCK, type Clock } from './wait-for-deployment';

const DEFAULT_TIMEOUT_SECONDS = 1_800;
const DEFAULT_POLL_INTERVAL_SECONDS = 15;

/** The text of `--help`. */
export const USAGE = `usage: npm run deploy -- --env <env> --service <service> --image <image> [options]

Deploys an app image to its ECS service and waits for the outcome of that
deployment (not for "services stable", which a rolled-back deployment reaches
too). Steps: preflight (service ACTIVE, ECS deployment controller, circuit
breaker with rollback, no deployment in progress); base revision (the family's
latest ACTIVE task definition, checked against the service's data plane: App
Mesh or Service Connect, and against the stack's own revision, tagged
${MANAGED_BY_TAG}=${MANAGED_BY_STACK}: a base that differs from it in anything but the app image
is refused, each difference listed); the image exists in ECR; render (only the
app container's image changes; tagged ${MANAGED_BY_TAG}=${MANAGED_BY_DEPLOY_COMMAND} and ${DEPLOY_SCOPE_TAG}=<name prefix>);
register (skipped when nothing changed); update the service (its task
definition, nothing else); wait. Revisions are never deregistered.

required:
  --env <env>              environment: ${Object.keys(ENVIRONMENTS).join(', ')}
  --service <service>      service of the environment's configuration: ${[...PIPELINE_SERVICE_NAMES].join(', ')}
  --image <image>          <account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<digest>;
                           tags (latest or any other) are refused: deploy by digest

options:
  --dry-run                check and render, make no change (no RegisterTaskDefinition, no UpdateService)
  --timeout <seconds>      how long to wait for the outcome (default ${DEFAULT_TIMEOUT_SECONDS})
  --poll-interval <seconds>  how often to look (default ${DEFAULT_POLL_INTERVAL_SECONDS})
  --rollback-on-timeout    on time-out, update the service back to the task definition it ran before
  --data-plane <plane>     app-mesh or service-connect: the stack whose names to use (default: the
                           environment's only data plane; service-connect where it has both)
  --project <name>         project part of the names (default ${DEFAULT_PROJECT}, the stack's var.project)
  --cluster <name>         ECS cluster (default <env>-<project>[-sc]-ecs-cluster)
  --service-name <name>    ECS service (default <service>)
  --family <name>          task definition family (default <env>-<project>[-sc]-<service>-service)
  --container <name>       the app's container (default <service>-service)
  --print-names            print the resolved names (and the ECR repository name) as JSON, and exit
  -h, --help               this text

AWS region, credentials and endpoints come from the SDK's standard environment:
AWS_REGION, AWS_PROFILE or the AWS_* credentials, AWS_ENDPOINT_URL_ECS and
AWS_ENDPOINT_URL_ECR. The ECR client uses the region named in the image.

Progress goes to stderr; the JSON summary to stdout. Exit codes: 0 deployed,
already deployed, or dry run; 1 refused, failed, rolled back or timed out;
2 bad command line.`;

/** Where the CLI writes, and the clients and clock to use (tests pass their own). */
export interface DeployCliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly ecs?: ECSClient;
  readonly ecrClientFor?: (region: string) => ECRClient;
  readonly clock?: Clock;
}

/** Runs the CLI; resolves to the exit code (0 success, 1 deployment refused or failed, 2 usage). */
export async function runDeployCli(argv: readonly string[], io: DeployCliIo): Promise<number> {
  const usageError = (message: string): number => {
    io.stderr(`deploy: ${message}\nrun with --help for the options`);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        env: { type: 'string' },
        service: { type: 'string' },
        image: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_SECONDS) },
        'poll-interval': { type: 'string', default: String(DEFAULT_POLL_INTERVAL_SECONDS) },
        'rollback-on-timeout': { type: 'boolean', default: false },
        'data-plane': { type: 'string' },
        project: { type: 'string', default: DEFAULT_PROJECT },
        cluster: { type: 'string' },
        'service-name': { type: 'string' },
        family: { type: 'string' },
        container: { type: 'string' },
        'print-names': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.env === undefined) return usageError('--env is required');
  if (values.service === undefined) return usageError('--service is required');
  let dataPlane: DataPlane;
  try {
    const config = environmentConfig(values.env);
    serviceSettings(config, values.service);
    dataPlane = chooseDataPlane(config.dataPlanes, values['data-plane']);
  } catch (error) {
    return usageError((error as Error).message);
  }
  const pipeline = pipelineResourceNames(values.env, values.project, nameSuffixOf(dataPlane));
  const names = serviceResourceNames(pipeline, values.service);
  const target: DeployTarget = {
    env: values.env,
    cluster: values.cluster ?? pipeline.clusterName,
    serviceName: values['service-name'] ?? names.serviceName,
    family: values.family ?? names.taskFamily,
    appContainerName: values.container ?? names.appContainerName,
    stackRevisionTag: { key: MANAGED_BY_TAG, value: MANAGED_BY_STACK },
    revisionTags: deployRevisionTags(pipeline.namePrefix),
  };
  if (values['print-names']) {
    const { cluster, serviceName, family, appContainerName } = target;
    io.stdout(
      JSON.stringify({ env: target.env, cluster, serviceName, family, appContainerName, repositoryName: names.repositoryName }, null, 2),
    );
    return 0;
  }
  if (values.image === undefined) return usageError('--image is required');
  const timeoutSeconds = Number(values.timeout);
  const pollIntervalSeconds = Number(values['poll-interval']);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
    return usageError(`--timeout must be a whole number of seconds, got '${values.timeout}'`);
  if (!Number.isInteger(pollIntervalSeconds) || pollIntervalSeconds < 1) {
    return usageError(`--poll-interval must be a whole number of seconds, got '${values['poll-interval']}'`);
  }

  io.stderr(
    `deploy: ${values.service} (${values.env}) -> service ${target.serviceName} in cluster ${target.cluster}, ` +
      `family ${target.family}, container ${target.appContainerName}${values['dry-run'] ? ' (dry run)' : ''}`,
  );
  const summary = await deployService(
    target,
    {
      image: values.image,
      dryRun: values['dry-run'],
      rollbackOnTimeout: values['rollback-on-timeout'],
      timeoutSeconds,
      pollIntervalSeconds,
    },
    {
      ecs: io.ecs ?? new ECSClient({}),
      ecrClientFor: io.ecrClientFor ?? ((region) => new ECRClient({ region })),
      clock: io.clock ?? SYSTEM_CLOCK,
      log: io.stderr,
    },
  );
  io.stdout(JSON.stringify(summary, null, 2));
  return SUCCESSFUL_OUTCOMES.has(summary.outcome) ? 0 : 1;
}

/** The data plane named by `--data-plane`, else the environment's only one, else Service Connect (what deploys today). */
function chooseDataPlane(available: readonly DataPlane[], requested: string | undefined): DataPlane {
  if (requested === undefined) return available.length === 1 && available[0] !== undefined ? available[0] : DataPlane.SERVICE_CONNECT;
  const plane = available.find((candidate) => candidate === requested);
  if (plane === undefined) throw new Error(`--data-plane '${requested}': this environment runs ${available.join(', ')}`);
  return plane;
}
