/**
 * Turns an Ajv validation error into a message and a field path a client can
 * act on: `battery.voltage must be > 0`, `speed is required`,
 * `location.altitude is not an allowed property`.
 */
import type { ErrorObject } from 'ajv';

/** The parts of an Ajv error (as Fastify's `error.validation` and a compiled validator's `errors` hold it) that name the fault. */
export type SchemaValidationError = Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message'>;

/** What a failed validation blames. */
export interface ValidationFailure {
  /** Dotted path of the field, e.g. `battery.voltage`; the request part (`body`) for the whole document. */
  readonly field: string;
  /** One sentence naming the field. */
  readonly message: string;
}

/** The field and message for the first error Ajv reported on `part` (`body`, `params`, ...). */
export function describeValidationError(part: string, error: SchemaValidationError): ValidationFailure {
  const path = error.instancePath
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    const field = [...path, params.missingProperty].join('.');
    return { field, message: `${part}.${field} is required` };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    const field = [...path, params.additionalProperty].join('.');
    return { field, message: `${part}.${field} is not an allowed property` };
  }
  const field = path.length > 0 ? path.join('.') : part;
  const subject = path.length > 0 ? `${part}.${field}` : part;
  return { field, message: `${subject} ${error.message ?? 'is invalid'}` };
}
