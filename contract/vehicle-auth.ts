/**
 * How ingestion learns which vehicle sends a request: the values of
 * `VEHICLE_AUTH` (the stacks set it, ingestion reads it), the header the
 * load balancer puts the vehicle's certificate in, and where in that
 * certificate the vehicle ID stands.
 */

/** The values of `VEHICLE_AUTH`. */
export const VehicleAuth = Object.freeze({
  /** No vehicle identity: any caller may post any vehicle's events (local runs, tests). */
  NONE: 'none',
  /**
   * An Application Load Balancer in mutual-TLS `verify` mode is the only way
   * in: it verified the vehicle's certificate and passes it in
   * {@link VEHICLE_CERTIFICATE_HEADER}; ingestion takes the vehicle ID from it.
   */
  ALB_MTLS: 'alb-mtls',
} as const);

/** One of the `VEHICLE_AUTH` values. */
export type VehicleAuth = (typeof VehicleAuth)[keyof typeof VehicleAuth];

/**
 * The request header (lower case, as Node presents it) in which an Application
 * Load Balancer in mutual-TLS `verify` mode passes the client's leaf
 * certificate: PEM, URL-encoded with `+`, `=` and `/` left as they are.
 */
export const VEHICLE_CERTIFICATE_HEADER = 'x-amzn-mtls-clientcert-leaf';

/**
 * A vehicle certificate names its vehicle in a URI subject alternative name:
 * this prefix, then the vehicle ID exactly as events carry it in `vehicle_id`
 * (`urn:ev:vehicle:EV-001`).
 */
export const VEHICLE_URI_PREFIX = 'urn:ev:vehicle:';
