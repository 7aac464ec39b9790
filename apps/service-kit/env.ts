/**
 * Reading settings from the environment, with errors that name the variable,
 * the value and what is expected: every reader of an environment variable
 * the services use lives here. Used by the settings modules of the server
 * entries only; `buildApp` takes typed options.
 */

/** A setting in the environment is missing its expected shape. */
export class EnvError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`${variable}=${JSON.stringify(value)} is invalid: expected ${expected}`);
    this.name = 'EnvError';
  }
}

/** Environment variables as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The value of `name`, or undefined when unset or empty. */
function valueOf(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** An integer in `[min, max]`, or `fallback` when unset. */
export function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = valueOf(env, name);
  if (value === undefined) return fallback;
  const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new EnvError(name, value, `an integer from ${min} to ${max}`);
  }
  return parsed;
}

/** A finite number (in `[min, max]` when given), or `fallback` when unset. */
export function readNumber(env: Env, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  const value = valueOf(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new EnvError(name, value, 'a finite number');
  if (parsed < min || parsed > max) throw new EnvError(name, value, `a number from ${min} to ${max}`);
  return parsed;
}

/** One of `allowed`, or `fallback` when unset. */
export function readChoice<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const value = valueOf(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new EnvError(name, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

/** `value` as an absolute URL with one of `protocols` (`'http:'`, ...); `example` shows the expected form. */
function parseUrl(name: string, value: string, protocols: readonly string[], example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EnvError(name, value, `an absolute URL such as ${example}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new EnvError(name, value, `a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}, such as ${example}`);
  }
  return url;
}

/** An absolute http(s) URL, or `fallback` when unset. */
export function readHttpUrl(env: Env, name: string, fallback: string): URL {
  return parseUrl(name, valueOf(env, name) ?? fallback, ['http:', 'https:'], 'http://127.0.0.1:3001/ev');
}

/** An absolute URL with one of `protocols` (as written), or undefined when unset. */
export function readOptionalUrl(env: Env, name: string, protocols: readonly string[], example: string): string | undefined {
  const value = valueOf(env, name);
  if (value === undefined) return undefined;
  parseUrl(name, value, protocols, example);
  return value;
}

/** A string, or `fallback` when unset. */
export function readString(env: Env, name: string, fallback: string): string {
  return valueOf(env, name) ?? fallback;
}

/** A string, or undefined when unset. */
export function readOptionalString(env: Env, name: string): string | undefined {
  return valueOf(env, name);
}

/** The value of `name` exactly as set (a password may have meaningful spaces), or undefined when unset or empty. */
export function readVerbatim(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
