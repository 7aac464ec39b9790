/**
 * Applying one validated event to its vehicle, once per idempotency key:
 * the one path both `POST /ev` and the retry-queue drain take, so an event
 * replayed from the queue meets the same checks, the same transition and
 * the same store as one posted directly (and a key applied by either is not
 * applied again by the other).
 */
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, idempotencyKeyProblem, type EvPayload } from '../../contract/ev-payload';
import { IdempotencyKeyConflictError, type ApplyOutcome, type IdempotentStore } from '../resilience/idempotent-store';
import { eventFingerprint } from './event-fingerprint';
import type { AnomalyThresholds } from './anomaly-thresholds';
import { applyEvent, type EvResult, type VehicleState } from './vehicle-state';

/** A schema-valid event that still cannot be applied (a client mistake: 400 on `POST /ev`, a dead letter in the queue). */
export class UnappliableEventError extends Error {
  constructor(
    message: string,
    /** The field or header to blame. */
    readonly field: string,
  ) {
    super(message);
    this.name = 'UnappliableEventError';
  }
}

/**
 * The event's idempotency key was already applied to its vehicle with a
 * different event (409 on `POST /ev`; a dead letter in the queue): the
 * client reused a key, or another sender wrote an event of this vehicle at
 * this instant first.
 */
export class ConflictingEventError extends UnappliableEventError {
  constructor(event: EvPayload, key: string | undefined) {
    super(
      key !== undefined && key !== ''
        ? `idempotency key ${key} of vehicle ${event.vehicle_id} was already used for a different event; send the same event again, or a new key`
        : `an event of vehicle ${event.vehicle_id} at ${event.timestamp} was already received with different content; send the same event again, or give it an Idempotency-Key`,
      key !== undefined && key !== '' ? IDEMPOTENCY_KEY_HEADER : 'timestamp',
    );
    this.name = 'ConflictingEventError';
  }
}

/** Applies events through one store with one set of thresholds. */
export class EventApplier {
  constructor(
    private readonly store: IdempotentStore<VehicleState, EvResult>,
    private readonly thresholds: AnomalyThresholds,
  ) {}

  /**
   * Applies `event` under its idempotency key (`key` when given and not
   * empty, else `vehicle_id@timestamp`). Throws {@link UnappliableEventError}
   * for a timestamp V8 cannot represent or a key the contract refuses ({@link idempotencyKeyProblem}),
   * {@link ConflictingEventError} when the key was applied to this vehicle with another event
   * (keys are scoped by `vehicle_id`; the body's fingerprint is {@link eventFingerprint}).
   */
  async apply(event: EvPayload, key: string | undefined): Promise<ApplyOutcome<EvResult>> {
    const timestampMs = Date.parse(event.timestamp);
    if (Number.isNaN(timestampMs)) {
      throw new UnappliableEventError(`body.timestamp ${event.timestamp} is not a representable instant`, 'timestamp');
    }
    const keyProblem = idempotencyKeyProblem(key);
    if (keyProblem !== undefined) throw new UnappliableEventError(keyProblem, IDEMPOTENCY_KEY_HEADER);
    const { thresholds } = this;
    const instant = new Date(timestampMs).toISOString(); // the canonical timestamp, parsed once for the key and the fingerprint
    try {
      return await this.store.applyOnce(
        idempotencyKeyOf(event, key, instant),
        event.vehicle_id,
        eventFingerprint(event, instant),
        (state) => applyEvent(state, event, timestampMs, thresholds),
      );
    } catch (error) {
      if (error instanceof IdempotencyKeyConflictError) throw new ConflictingEventError(event, key);
      throw error;
    }
  }
}
