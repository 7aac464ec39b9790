/**
 * Listening and graceful shutdown for a server entry: on SIGTERM or SIGINT
 * the server stops accepting connections, lets in-flight requests finish,
 * runs the app's `onClose` hooks and the process exits 0; if that takes longer
 * than the grace period (or fails) it exits 1. ECS sends SIGTERM, then SIGKILL
 * after its stop timeout, so the grace period must be shorter than that.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';

/** Where and how long to serve. */
export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  /** Longest wait for in-flight requests after a signal, in milliseconds. */
  readonly shutdownGraceMs: number;
}

/** Starts listening and installs the signal handlers; resolves with the bound address. */
export async function serve(app: FastifyInstance, options: ServeOptions): Promise<string> {
  closeWithGrace({ delay: options.shutdownGraceMs, logger: false }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  return app.listen({ port: options.port, host: options.host });
}
