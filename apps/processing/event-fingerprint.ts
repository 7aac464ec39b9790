/**
 * The fingerprint of an event: a SHA-256 (base64url, 43 characters) of its
 * values in one canonical form — every field of the schema in a fixed order,
 * the timestamp as its instant in one spelling ({@link canonicalTimestamp}).
 * Two bodies that say the same thing (properties reordered, the instant
 * written with an offset or milliseconds) have one fingerprint; any changed
 * value gives another. Stored with each applied idempotency key, so that a
 * key sent again with a different event is refused (409) instead of being
 * answered as a replay.
 *
 * The fields are listed rather than walked: the schema refuses unknown
 * properties, so the list is the whole event, and a fixed list costs a few
 * microseconds less per event than sorting keys (a test checks that every
 * field of the schema changes the fingerprint).
 */
import { hash } from 'node:crypto';
import { canonicalTimestamp, type EvPayload } from '../../contract/ev-payload';

/**
 * The fingerprint of `event` (see the file comment). `instant`:
 * `canonicalTimestamp(event.timestamp)`, when the caller has it already.
 */
export function eventFingerprint(event: EvPayload, instant: string = canonicalTimestamp(event.timestamp)): string {
  const { location, battery } = event;
  const canonical = JSON.stringify([
    event.vehicle_id,
    instant,
    location.latitude,
    location.longitude,
    battery.percentage,
    battery.voltage,
    battery.temperature,
    event.speed,
    event.odometer,
  ]);
  return hash('sha256', canonical, 'base64url');
}
