import type { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for a prop that cannot
 * work: it names the construct (its type and path) and the prop as the user
 * wrote it, so the message points at the line to fix.
 */
export class InvalidPropError extends Error {
  /** Every bad prop this error reports, by the name the user wrote. */
  public readonly problems: readonly PropProblem[];

  constructor(construct: IConstruct | string, prop: string, problem: string);
  constructor(construct: IConstruct | string, problems: readonly PropProblem[]);
  constructor(construct: IConstruct | string, propOrProblems: string | readonly PropProblem[], problem?: string) {
    const where = typeof construct === 'string' ? construct : `${construct.constructor.name} '${construct.node.path}'`;
    const problems = typeof propOrProblems === 'string' ? [{ prop: propOrProblems, problem: problem ?? '' }] : propOrProblems;
    const lines = problems.map((p) => `invalid prop '${p.prop}': ${p.problem}`);
    super(
      lines.length === 1 ? `${where}: ${lines[0]}` : `${where}: ${lines.length} invalid props:\n${lines.map((l) => `  - ${l}`).join('\n')}`,
    );
    this.name = 'InvalidPropError';
    this.problems = problems;
  }
}

/** One bad prop: its name as the user wrote it, and what is wrong with it. */
export interface PropProblem {
  /** The prop, e.g. `spec.timeouts.route`. */
  readonly prop: string;
  /** What is wrong and what is allowed. */
  readonly problem: string;
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
