import type { ContainerDefinition, Deployment, TaskDefinition } from '@aws-sdk/client-ecs';
import { DeployError, DeployStep } from './deploy-error';

/** The service mesh data plane a service's tasks run in. */
export enum DataPlane {
  /** AWS App Mesh: an Envoy sidecar and the task definition's APPMESH proxy configuration. */
  APP_MESH = 'app-mesh',
  /** ECS Service Connect: a proxy ECS injects, configured on the service; named port mappings in the task definition. */
  SERVICE_CONNECT = 'service-connect',
}

/**
 * The data plane of a service: Service Connect when its current deployment
 * has Service Connect enabled (DescribeServices reports the configuration per
 * deployment), App Mesh when the task definition has an APPMESH proxy
 * configuration. Both, or neither, is refused.
 */
export function detectDataPlane(primary: Deployment, taskDefinition: TaskDefinition, label: string): DataPlane {
  const serviceConnect = primary.serviceConnectConfiguration?.enabled === true;
  const appMesh = taskDefinition.proxyConfiguration?.type === 'APPMESH';
  if (serviceConnect && appMesh) {
    throw new DeployError(
      DeployStep.BASE_REVISION,
      `${label} has an APPMESH proxy configuration, but the service has Service Connect enabled: a task cannot be in both`,
    );
  }
  if (serviceConnect) return DataPlane.SERVICE_CONNECT;
  if (appMesh) return DataPlane.APP_MESH;
  throw new DeployError(
    DeployStep.BASE_REVISION,
    `${label} is in no data plane: the service has no Service Connect configuration and the task definition no APPMESH proxy configuration`,
  );
}

/**
 * Checks that `taskDefinition` (the base revision, `label` in messages) has
 * what its data plane needs and that `appContainerName` is in it; throws one
 * {@link DeployError} listing every problem. Returns a one-line description
 * of what was checked.
 */
export function checkDataPlane(
  plane: DataPlane,
  taskDefinition: TaskDefinition,
  primary: Deployment,
  appContainerName: string,
  label: string,
): string {
  const containers = taskDefinition.containerDefinitions ?? [];
  const app = containers.find((container) => container.name === appContainerName);
  if (app === undefined) {
    throw new DeployError(
      DeployStep.BASE_REVISION,
      `${label} has no container '${appContainerName}' (it has ${containers.map((c) => `'${c.name}'`).join(', ') || 'none'}); pass --container`,
    );
  }
  const { problems, description } =
    plane === DataPlane.APP_MESH ? appMeshProblems(taskDefinition, app) : serviceConnectProblems(taskDefinition, app, primary);
  if (problems.length > 0) {
    throw new DeployError(DeployStep.BASE_REVISION, `${label} does not fit ${plane}: ${problems.join('; ')}`);
  }
  return description;
}

/** App Mesh: an essential Envoy container that knows its virtual node, the app port behind the proxy, the app waiting for a healthy Envoy. */
function appMeshProblems(taskDefinition: TaskDefinition, app: ContainerDefinition): { problems: string[]; description: string } {
  const problems: string[] = [];
  const proxy = taskDefinition.proxyConfiguration;
  const envoyName = proxy?.containerName ?? '';
  const envoy = taskDefinition.containerDefinitions?.find((container) => container.name === envoyName);
  if (envoy === undefined) {
    problems.push(`the APPMESH proxy configuration names container '${envoyName}', which the task definition does not have`);
  } else {
    if (envoy.essential === false) problems.push(`the Envoy container '${envoyName}' is not essential`);
    const environment = new Set((envoy.environment ?? []).map((variable) => variable.name));
    if (!environment.has('APPMESH_RESOURCE_ARN') && !environment.has('APPMESH_VIRTUAL_NODE_NAME')) {
      problems.push(`the Envoy container '${envoyName}' has neither APPMESH_RESOURCE_ARN nor APPMESH_VIRTUAL_NODE_NAME`);
    }
  }
  const appPorts = (proxy?.properties?.find((property) => property.name === 'AppPorts')?.value ?? '').split(',').filter(Boolean);
  for (const mapping of app.portMappings ?? []) {
    if (mapping.containerPort !== undefined && !appPorts.includes(String(mapping.containerPort))) {
      problems.push(`the app's port ${mapping.containerPort} is not in the proxy's AppPorts (${appPorts.join(',') || 'none'})`);
    }
  }
  const waitsForEnvoy = (app.dependsOn ?? []).some(
    (dependency) => dependency.containerName === envoyName && dependency.condition === 'HEALTHY',
  );
  if (!waitsForEnvoy) problems.push(`the app container '${app.name}' does not depend on '${envoyName}' being HEALTHY`);
  return {
    problems,
    description: `App Mesh: Envoy container '${envoyName}', APPMESH proxy configuration (AppPorts ${appPorts.join(',')})`,
  };
}

/** Service Connect: no APPMESH proxy, the app's port mappings named with an application protocol, every port the service publishes present. */
function serviceConnectProblems(
  taskDefinition: TaskDefinition,
  app: ContainerDefinition,
  primary: Deployment,
): { problems: string[]; description: string } {
  const problems: string[] = [];
  const appMappings = app.portMappings ?? [];
  if (appMappings.length === 0) problems.push(`the app container '${app.name}' has no port mappings`);
  for (const mapping of appMappings) {
    if (!mapping.name || !mapping.appProtocol) {
      problems.push(
        `the app's port mapping ${mapping.containerPort} needs a name and an appProtocol ` +
          `(has ${mapping.name ? `name '${mapping.name}'` : 'no name'}, ${mapping.appProtocol ? `appProtocol ${mapping.appProtocol}` : 'no appProtocol'})`,
      );
    }
  }
  const named = new Map(
    (taskDefinition.containerDefinitions ?? []).flatMap((container) =>
      (container.portMappings ?? []).map((mapping) => [mapping.name, mapping] as const),
    ),
  );
  const published = (primary.serviceConnectConfiguration?.services ?? []).map((service) => service.portName ?? '');
  for (const portName of published) {
    const mapping = named.get(portName);
    if (mapping === undefined) problems.push(`the service publishes port '${portName}', which no port mapping is named`);
    else if (!mapping.appProtocol) problems.push(`port mapping '${portName}' has no appProtocol`);
  }
  const ports = appMappings.map((mapping) => `${mapping.name}/${mapping.appProtocol}`).join(', ');
  return {
    problems,
    description: `Service Connect: port mappings ${ports}${published.length > 0 ? `, publishes ${published.join(', ')}` : ', client only'}`,
  };
}
