/**
 * Whether a service honours the fault switches of the article's experiment
 * (`x-503`, `FAULT_503_RATE`): only with `FAULT_INJECTION=enabled`, which dev
 * environments and local runs set and production never does. Off, any caller
 * could make processing fail on purpose and, through ingestion's retries,
 * open the circuit breaker the whole fleet shares.
 */
import { EnvVar } from '../../contract/environment-variables';
import { FAULT_INJECTION_ENABLED } from '../../contract/ev-payload';
import { readChoice, type Env } from './env';

/** The values `FAULT_INJECTION` accepts. */
export const FAULT_INJECTION_VALUES = ['disabled', FAULT_INJECTION_ENABLED] as const;

/** `FAULT_INJECTION`: true when `enabled`; false when unset or `disabled`; throws `EnvError` on any other value. */
export function readFaultInjection(env: Env): boolean {
  return readChoice(env, EnvVar.FAULT_INJECTION, 'disabled', FAULT_INJECTION_VALUES) === FAULT_INJECTION_ENABLED;
}
