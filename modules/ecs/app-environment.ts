import { describeValue, InvalidPropError } from '../core/prop-error';

/** Environment variable names that suggest a secret (FSBP ECS.8: pass secrets through `secrets`, not `environment`). */
const SECRET_LIKE_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)/i;

/**
 * Throws unless every value of `environment` is a string and no name looks
 * like a secret's; `prop` names the environment prop as the caller wrote it
 * (`spec.environment`), `secretsProp` where secrets belong instead.
 * @internal
 */
export function requirePlainEnvironment(
  owner: string,
  prop: string,
  environment: Readonly<Record<string, unknown>>,
  secretsProp: string,
): void {
  for (const [name, value] of Object.entries(environment)) {
    if (typeof value !== 'string') throw new InvalidPropError(owner, `${prop}.${name}`, `must be a string, got ${describeValue(value)}`);
    if (SECRET_LIKE_NAME.test(name))
      throw new InvalidPropError(owner, `${prop}.${name}`, `looks like a secret; pass it in ${secretsProp} instead`);
  }
}
