/**
 * Graceful shutdown with keep-alive clients: once the app is closing, every
 * answer still being sent carries `Connection: close`, so that the client
 * stops reusing the connection and the server can finish closing when the
 * last in-flight request is answered. (Fastify closes the connections that are
 * idle when closing starts; busy ones would otherwise stay open until the
 * keep-alive timeout and hold the process past its grace period.)
 */
import type { FastifyInstance } from 'fastify';

/** Adds the `preClose` and `onSend` hooks on the root instance. */
export function installCloseConnectionsOnShutdown(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
