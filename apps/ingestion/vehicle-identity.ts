/**
 * `VEHICLE_AUTH=alb-mtls` on `POST /ev`: the load balancer verified the
 * vehicle's certificate in the TLS handshake and passes it in
 * `X-Amzn-Mtls-Clientcert-Leaf`; this takes the vehicle ID from it
 * (`vehicle-certificate.ts`) and lets a vehicle post only its own events.
 *
 * - no readable certificate naming a vehicle → 401, before the body is read;
 * - an event whose `vehicle_id` is not the certificate's vehicle → 403, after
 *   the body is validated and before anything is forwarded or parked.
 *
 * The header is trusted because, in this mode, the load balancer is the only
 * way to the service (its security group admits only the load balancer's) and
 * refuses every connection without a verified certificate.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EvPayload } from '../../contract/ev-payload';
import { VEHICLE_CERTIFICATE_HEADER } from '../../contract/vehicle-auth';
import { errorBody } from '../service-kit/error-reply';
import { vehicleOfCertificateHeader } from './vehicle-certificate';

/** Adds the vehicle-identity hooks to `scope` (the scope of `POST /ev`). */
export function requireVehicleCertificate(scope: FastifyInstance): void {
  scope.decorateRequest('vehicleId', undefined);
  scope.addHook('onRequest', async function identifyVehicle(request: FastifyRequest, reply: FastifyReply) {
    const identity = vehicleOfCertificateHeader(request.headers[VEHICLE_CERTIFICATE_HEADER]);
    if ('problem' in identity) return reply.code(401).send(errorBody(401, identity.problem, VEHICLE_CERTIFICATE_HEADER));
    request.vehicleId = identity.vehicleId;
  });
  scope.addHook('preHandler', async function onlyOwnEvents(request: FastifyRequest, reply: FastifyReply) {
    const eventVehicleId = (request.body as EvPayload).vehicle_id;
    if (eventVehicleId === request.vehicleId) return;
    const message = `the client certificate of vehicle ${JSON.stringify(request.vehicleId)} may not post events of vehicle ${JSON.stringify(eventVehicleId)}`;
    return reply.code(403).send(errorBody(403, message, 'vehicle_id'));
  });
}
