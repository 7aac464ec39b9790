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
 *
 * Reading a certificate (`new X509Certificate`) costs about 1.4 ms of CPU on
 * the development machine, far more than the rest of a request (a remembered
 * one: about 20 µs, mostly the hash), and a vehicle
 * presents the same certificate on every request: the identity read from a
 * header is remembered, keyed by the header's SHA-256, for the
 * {@link VEHICLE_IDENTITY_CACHE_SIZE} headers used most recently.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { EvPayload } from '../../contract/ev-payload';
import { VEHICLE_CERTIFICATE_HEADER } from '../../contract/vehicle-auth';
import { errorBody } from '../service-kit/error-reply';
import { vehicleOfCertificateHeader, type VehicleIdentity } from './vehicle-certificate';

/** Certificate headers whose identity is remembered: about 200 B each (key and entry, measured on Node 20), so about 2 MB in all. */
export const VEHICLE_IDENTITY_CACHE_SIZE = 10_000;

/** Adds the vehicle-identity hooks to `scope` (the scope of `POST /ev`). */
export function requireVehicleCertificate(scope: FastifyInstance): void {
  const identities = new LRUCache<string, VehicleIdentity>({ max: VEHICLE_IDENTITY_CACHE_SIZE });
  const identityOf = (header: string | string[] | undefined): VehicleIdentity => {
    if (typeof header !== 'string' || header === '') return vehicleOfCertificateHeader(header);
    const key = createHash('sha256').update(header).digest('base64');
    let identity = identities.get(key);
    if (identity === undefined) {
      identity = vehicleOfCertificateHeader(header);
      identities.set(key, identity);
    }
    return identity;
  };
  scope.decorateRequest('vehicleId', undefined);
  scope.addHook('onRequest', async function identifyVehicle(request: FastifyRequest, reply: FastifyReply) {
    const identity = identityOf(request.headers[VEHICLE_CERTIFICATE_HEADER]);
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
