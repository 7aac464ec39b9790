/** The two units the App Mesh API accepts in a `Duration` object. */
export enum DurationUnit {
  SECONDS = 's',
  MILLISECONDS = 'ms',
}

/** A Duration of the App Mesh API: a value with its unit. */
export interface AppMeshDuration {
  readonly unit: string;
  readonly value: number;
}

/**
 * A length of time, stored in milliseconds and rendered to the App Mesh
 * `Duration` shape (`{ unit: 's' | 'ms', value }`), in whole seconds when it
 * divides evenly (`{ unit = "s", value = 5 }`).
 */
export class Duration {
  /** A duration of `amount` seconds. */
  public static seconds(amount: number): Duration {
    return new Duration(amount * 1_000);
  }

  /** A duration of `amount` milliseconds. */
  public static millis(amount: number): Duration {
    return new Duration(amount);
  }

  private constructor(private readonly ms: number) {}

  /** The duration in milliseconds. */
  public toMilliseconds(): number {
    return this.ms;
  }

  /** The duration as an App Mesh `Duration` object. */
  public toAppMesh(): AppMeshDuration {
    return this.ms % 1_000 === 0
      ? { unit: DurationUnit.SECONDS, value: this.ms / 1_000 }
      : { unit: DurationUnit.MILLISECONDS, value: this.ms };
  }

  /** Whether this is a whole, positive number of milliseconds. */
  public isPositiveWholeMillis(): boolean {
    return Number.isInteger(this.ms) && this.ms > 0;
  }

  /** Human-readable form for messages, e.g. `70 s` or `250 ms`. */
  public toString(): string {
    return this.ms % 1_000 === 0 ? `${this.ms / 1_000} s` : `${this.ms} ms`;
  }
}
