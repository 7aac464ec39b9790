/**
 * The JSON Schema validators of both services: one Ajv instance, configured
 * as Fastify's default compiler is (formats included) but strict — no type
 * coercion (`"60"` stays a string and is refused), unknown properties
 * rejected rather than removed — and one compiled function per schema
 * object. Routes get theirs through Fastify's validator compiler
 * ({@link installSchemaValidators}); code outside a route (processing's
 * drain of the retry queue) asks {@link compiledValidator} for the same
 * function, so a queued event meets exactly the check a posted one does.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, addUsedSchema: false });
addFormats(ajv);

const compiled = new WeakMap<object, ValidateFunction>();

/** The compiled validator of `schema` (compiled on first use, then the same function). */
export function compiledValidator<T = unknown>(schema: object): ValidateFunction<T> {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate as ValidateFunction<T>;
}

/** Makes `app` validate every route schema with {@link compiledValidator}. */
export function installSchemaValidators(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema }) => compiledValidator(schema));
}
