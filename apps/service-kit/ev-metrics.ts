/**
 * Counting `POST /ev` answers into the EMF metrics that the failure-rate
 * alarm reads: every answer is a request, a 5xx answer also an error (client
 * mistakes are 4xx and not counted). A route-level `onResponse` hook, so
 * other routes (health checks) cost nothing.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PipelineMetric } from '../../contract/metrics';
import type { EmbeddedMetrics } from '../resilience/embedded-metrics';

/** A route-level `onResponse` hook. */
export type OnResponseHook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;

/** The `onResponse` hook that counts the route's answers into `metrics`. */
export function countEvAnswers(metrics: EmbeddedMetrics): OnResponseHook {
  return function countEvAnswer(_request, reply, done) {
    metrics.count(PipelineMetric.REQUESTS);
    if (reply.statusCode >= 500) metrics.count(PipelineMetric.ERRORS);
    done();
  };
}
