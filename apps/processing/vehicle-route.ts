/** `GET /vehicles/:vehicleId`: the vehicle's summary, or 404 when no event of it was applied. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IdempotentStore } from '../resilience/idempotent-store';
import { ErrorBody, errorBody } from '../service-kit/error-reply';
import type { EvResult, VehicleState } from './vehicle-state';
import { VehicleSummary, summarize } from './vehicle-summary';

/** Options of {@link vehicleRoute}. */
export interface VehicleRouteOptions {
  readonly store: IdempotentStore<VehicleState, EvResult>;
}

const VehicleParams = Type.Object({ vehicleId: Type.String({ minLength: 1, maxLength: 64 }) });

/** Registers `GET /vehicles/:vehicleId`. */
export const vehicleRoute: FastifyPluginAsyncTypebox<VehicleRouteOptions> = async (app, { store }) => {
  app.get(
    '/vehicles/:vehicleId',
    { schema: { params: VehicleParams, response: { 200: VehicleSummary, 404: ErrorBody } } },
    async (request, reply) => {
      const state = await store.get(request.params.vehicleId);
      if (state === undefined) {
        return reply.code(404).send(errorBody(404, `No events applied for vehicle ${request.params.vehicleId}`));
      }
      return summarize(state);
    },
  );
};
