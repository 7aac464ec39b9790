/** `GET /health-check` (path from the contract): 200 `{"status":"ok","service":...}` while the process serves. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceIdentity } from '../../contract/services';

/** Options of {@link healthCheck}. */
export interface HealthCheckOptions {
  /** The service answering. */
  readonly service: ServiceIdentity;
}

const HealthBody = Type.Object({ status: Type.Literal('ok'), service: Type.String() });

/** Registers the health-check route of `service`. */
export const healthCheck: FastifyPluginAsyncTypebox<HealthCheckOptions> = async (app, { service }) => {
  const body = { status: 'ok' as const, service: service.name };
  app.get(service.healthCheckPath, { schema: { response: { 200: HealthBody } } }, async () => body);
};
