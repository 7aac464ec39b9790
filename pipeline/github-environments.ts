/**
 * The GitHub environments of the two delivery pipelines. Each pipeline has
 * environments of its own, so the OIDC subject of an application job
 * (`repo:<repository>:environment:application-prd`) never matches the apply
 * role's trust, nor an infrastructure job's the deploy role's. Plain
 * strings, no cdktf: the workflow tests import this module.
 */

/** The two pipelines (docs/delivery.md): provisioning and deployment stay apart. */
export enum DeliveryPipeline {
  /** `.github/workflows/infrastructure.yml`: `cdktf deploy` with the apply role. */
  INFRASTRUCTURE = 'infrastructure',
  /** `.github/workflows/application.yml`: `npm run deploy` with the stack's deploy role. */
  APPLICATION = 'application',
}

/** The GitHub environment in which `pipeline`'s jobs change environment `env`, e.g. `application-prd`. */
export function githubEnvironmentName(pipeline: DeliveryPipeline, env: string): string {
  return `${pipeline}-${env}`;
}
