/**
 * With `VEHICLE_AUTH=none` any caller may post any vehicle's events. That is
 * right on loopback (local runs, tests) and wrong anywhere else, so when the
 * service listens on a non-loopback address it says so once, at start.
 */
import { isIPv4 } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { EnvVar } from '../../contract/environment-variables';
import { VehicleAuth } from '../../contract/vehicle-auth';

/** Whether `address` (as `server.address()` reports it) is a loopback address. */
export function isLoopbackAddress(address: string): boolean {
  if (isIPv4(address)) return address.startsWith('127.');
  return address === '::1' || /^::ffff:127\./i.test(address);
}

/** Logs one warning when `app` starts listening on an address other than loopback. */
export function warnWhenVehiclesUnauthenticated(app: FastifyInstance): void {
  app.addHook('onListen', async function warnIfExposed() {
    // Strings are pipes and Unix sockets: local by nature.
    const exposed = app
      .addresses()
      .flatMap((address) => (typeof address === 'string' ? [] : [address.address]))
      .filter((address) => !isLoopbackAddress(address));
    if (exposed.length === 0) return;
    app.log.warn(
      { [EnvVar.VEHICLE_AUTH]: VehicleAuth.NONE, addresses: exposed },
      `${EnvVar.VEHICLE_AUTH}=${VehicleAuth.NONE} on a non-loopback address: any caller may post any vehicle's events; ` +
        `behind a load balancer in mutual-TLS verify mode set ${EnvVar.VEHICLE_AUTH}=${VehicleAuth.ALB_MTLS}`,
    );
  });
}
