import { InvalidPropError, describeValue, type PropProblem } from './prop-error';

/**
 * Collects what is wrong with a construct's props, so that one synthesis
 * reports every bad prop at once instead of the first one only. Checks that
 * throw {@link InvalidPropError} run inside {@link check}; {@link throwIfAny}
 * throws one error listing them all.
 */
export class PropProblems {
  private readonly problems: PropProblem[] = [];

  /** `owner` names the construct in the error, e.g. `MeshedService 'stack/Orders'`. */
  constructor(public readonly owner: string) {}

  /** Records a problem with `prop`. */
  public add(prop: string, problem: string): void {
    this.problems.push({ prop, problem });
  }

  /** Runs `check`; an {@link InvalidPropError} it throws is recorded instead. Returns what `check` returned, or undefined. */
  public check<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof InvalidPropError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }

  /** Whether a problem with `prop` (or one of its parts, `prop.x`, `prop[0]`) has been recorded. */
  public has(prop: string): boolean {
    return this.problems.some((p) => p.prop === prop || p.prop.startsWith(`${prop}.`) || p.prop.startsWith(`${prop}[`));
  }

  /**
   * Records every key of `value` that is not in `known` as an unknown prop,
   * with the closest known name: JavaScript consumers have no compiler to
   * catch a misspelt prop, and an ignored prop silently keeps its default.
   * `path` is the prefix of the keys as the user wrote them (`''`, `'spec.'`).
   */
  public rejectUnknown(path: string, value: unknown, known: readonly string[]): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const closest = closestName(key, known);
      this.add(
        `${path}${key}`,
        `is not a prop of this construct (got ${describeValue((value as Record<string, unknown>)[key])})` +
          (closest ? `; did you mean '${path}${closest}'?` : `; known: ${known.join(', ')}`),
      );
    }
  }

  /** Throws one {@link InvalidPropError} naming every recorded problem, if any. */
  public throwIfAny(): void {
    if (this.problems.length > 0) throw new InvalidPropError(this.owner, this.problems);
  }
}

/**
 * The names of `T`'s props, complete and nothing else: a missing or extra
 * key fails type-checking, so the run-time list cannot drift from the type.
 */
export function propNames<T>(names: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(names);
}

/** The known name closest to `name` (edit distance at most a third of its length, at least 2), if one is close. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance between `a` and `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
