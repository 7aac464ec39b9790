/**
 * How the trace context travels between the services: W3C Trace Context
 * (`traceparent`, `tracestate`) and AWS X-Ray (`x-amzn-trace-id`), both
 * injected on every call and both read on every request.
 *
 * When a request carries both and they disagree, X-Ray's wins: it is listed
 * last and a composite propagator lets a later extractor override an earlier
 * one. Under App Mesh the `x-amzn-trace-id` a service receives is Envoy's
 * (Envoy's X-Ray tracer reads and writes only that header), so spans continue
 * Envoy's segments and Envoy continues theirs; the trace ids come from the
 * X-Ray id generator, so they are valid X-Ray trace ids either way.
 */
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import type { IncomingHttpHeaders } from 'node:http';

/** Headers as Node's HTTP server parses them, or as a client sends them. */
export type HeaderCarrier = IncomingHttpHeaders | Record<string, string>;

/** The W3C Trace Context and X-Ray propagator. */
export function createTracePropagator(): TextMapPropagator<HeaderCarrier> {
  return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new AWSXRayPropagator()] });
}

/** Reads trace headers from either kind of carrier (names are lower case in both). */
export const headerGetter: TextMapGetter<HeaderCarrier> = defaultTextMapGetter;

/** Writes trace headers into either kind of carrier. */
export const headerSetter: TextMapSetter<HeaderCarrier> = defaultTextMapSetter;
