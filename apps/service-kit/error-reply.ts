/**
 * The JSON shape of every error answer: `{"error": <HTTP reason>, "message": <what went wrong>}`,
 * plus `field` when one field of the request is to blame.
 */
import { STATUS_CODES } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';

/** Schema of an error body, for route response schemas and documentation. */
export const ErrorBody = Type.Object({
  error: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
});

/** An error body. */
export type ErrorBody = Static<typeof ErrorBody>;

/** The error body for `statusCode`, with `message` and optionally the blamed `field`. */
export function errorBody(statusCode: number, message: string, field?: string): ErrorBody {
  const body: ErrorBody = { error: STATUS_CODES[statusCode] ?? 'Error', message };
  return field === undefined ? body : { ...body, field };
}
