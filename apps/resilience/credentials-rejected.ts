/**
 * What a service does by default when the shared-state cache rejects its
 * credentials after start-up (the password was rotated): the error escapes
 * as an uncaught exception, so the server entry shuts down gracefully and
 * exits 1, and ECS starts a replacement task, which reads the current secret.
 */
import type { RedisConfigurationError } from './redis-connection';

/** Rethrows `error` outside any promise chain: an uncaught exception. */
export function exitOnRejectedCredentials(error: RedisConfigurationError): void {
  setImmediate(() => {
    throw error;
  });
}
