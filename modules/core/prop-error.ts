import type { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for a prop that cannot
 * work: it names the construct (its type and path) and the prop, so the
 * message points at the line to fix.
 */
export class InvalidPropError extends Error {
  constructor(construct: IConstruct | string, prop: string, problem: string) {
    const where =
      typeof construct === 'string' ? construct : `${construct.constructor.name} '${construct.node.path}'`;
    super(`${where}: invalid prop '${prop}': ${problem}`);
    this.name = 'InvalidPropError';
  }
}

/** Throws unless `value` is an integer within [min, max]. */
export function requireIntegerInRange(
  construct: IConstruct | string,
  prop: string,
  value: number,
  min: number,
  max: number,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidPropError(construct, prop, `must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Throws unless `value` is a valid TCP/UDP port (1-65535). */
export function requirePort(construct: IConstruct | string, prop: string, value: number): void {
  requireIntegerInRange(construct, prop, value, 1, 65_535);
}
