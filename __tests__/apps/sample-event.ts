/** EV events for tests: the article's sample (`samples/ev-event.json`, which the README's examples post), and variations of it. */
import type { EvPayload } from '../../contract/ev-payload';
import sample from '../../samples/ev-event.json';

/** The article's sample request. */
export const SAMPLE_EVENT: EvPayload = Object.freeze(sample);

/** Overrides applied to a copy of the sample (nested objects replaced whole). */
export type EventOverrides = Partial<EvPayload>;

/** A copy of the sample with `overrides`. */
export function eventWith(overrides: EventOverrides = {}): EvPayload {
  return { ...SAMPLE_EVENT, ...overrides };
}
