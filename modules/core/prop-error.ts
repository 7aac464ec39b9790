import type { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for a prop that cannot
 * work: it names the construct (its type and path) and the prop as the user
 * wrote it, so the message points at the line to fix.
 */
export class InvalidPropError extends Error {
  constructor(construct: IConstruct | string, prop: string, problem: string) {
    const where = typeof construct === 'string' ? construct : `${construct.constructor.name} '${construct.node.path}'`;
    super(`${where}: invalid prop '${prop}': ${problem}`);
    this.name = 'InvalidPropError';
  }
}

/** `value` as a message shows it: numbers plainly, anything else with its type (`'3' (string)`, `undefined`). */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value}' (string)`;
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${String(value)} (${typeof value})`;
}

/** Throws unless `value` is an integer within [min, max]. */
export function requireIntegerInRange(construct: IConstruct | string, prop: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidPropError(construct, prop, `must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is a valid TCP/UDP port (1-65535). */
export function requirePort(construct: IConstruct | string, prop: string, value: unknown): void {
  requireIntegerInRange(construct, prop, value, 1, 65_535);
}

/** Throws unless `value` is a non-empty string. */
export function requireNonEmptyString(construct: IConstruct | string, prop: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidPropError(construct, prop, `must be a non-empty string, got ${describeValue(value)}`);
  }
}
