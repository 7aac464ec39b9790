import { RetryMode } from '../contract/services';

/** The data planes the pipeline is synthesized for; an environment chooses one or both (`EnvironmentConfig.dataPlanes`). */
export enum DataPlane {
  /** AWS App Mesh with Envoy sidecars: the article's design, faithful; App Mesh reached end of support on 2026-09-30. */
  APP_MESH = 'app-mesh',
  /** Amazon ECS Service Connect: what deploys today. */
  SERVICE_CONNECT = 'service-connect',
}

/**
 * The ID (and Terraform directory) of an environment's stack on `dataPlane`.
 * The App Mesh stack keeps the ID it had before there were two
 * (`ev-pipeline-<env>`), so existing state and commands stay valid.
 */
export function stackIdOf(env: string, dataPlane: DataPlane): string {
  return dataPlane === DataPlane.APP_MESH ? `ev-pipeline-${env}` : `ev-pipeline-${env}-${dataPlane}`;
}

/**
 * Who applies the processing route's retry policy on `dataPlane`: Envoy
 * under App Mesh (the route carries the policy, the app does not retry);
 * ingestion in-process under Service Connect, which has no configurable
 * retry policy.
 */
export function retryModeOf(dataPlane: DataPlane): RetryMode {
  return dataPlane === DataPlane.APP_MESH ? RetryMode.MESH : RetryMode.APP;
}

/**
 * What a stack on `dataPlane` appends to `<env>-<project>` in its resource
 * names, so that an environment's two stacks can share one account: none
 * for App Mesh (the names it always had), `sc` for Service Connect.
 */
export function nameSuffixOf(dataPlane: DataPlane): string | undefined {
  return dataPlane === DataPlane.APP_MESH ? undefined : 'sc';
}
