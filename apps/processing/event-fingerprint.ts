/**
 * The fingerprint of an event: a SHA-256 (base64url, 43 characters) of its
 * canonical JSON — properties in sorted order at every level, the timestamp
 * as its instant in one spelling ({@link canonicalTimestamp}). Two bodies
 * that say the same thing (keys reordered, the instant written with an offset
 * or milliseconds) have one fingerprint; any changed value gives another.
 * Stored with each applied idempotency key, so that a key sent again with a
 * different event is refused (409) instead of being answered as a replay.
 */
import { createHash } from 'node:crypto';
import { canonicalTimestamp, type EvPayload } from '../../contract/ev-payload';

/** `value` as JSON with object properties sorted, recursively. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fingerprint of `event` (see the file comment). */
export function eventFingerprint(event: EvPayload): string {
  const canonical = canonicalJson({ ...event, timestamp: canonicalTimestamp(event.timestamp) });
  return createHash('sha256').update(canonical).digest('base64url');
}
