/**
 * Applying one validated event to its vehicle, once per idempotency key:
 * the one path both `POST /ev` and the retry-queue drain take, so an event
 * replayed from the queue meets the same checks, the same transition and
 * the same store as one posted directly (and a key applied by either is not
 * applied again by the other).
 */
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, idempotencyKeyProblem, type EvPayload } from '../../contract/ev-payload';
import type { ApplyOutcome, IdempotentStore } from '../resilience/idempotent-store';
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

/** Applies events through one store with one set of thresholds. */
export class EventApplier {
  constructor(
    private readonly store: IdempotentStore<VehicleState, EvResult>,
    private readonly thresholds: AnomalyThresholds,
  ) {}

  /**
   * Applies `event` under its idempotency key (`key` when given and not
   * empty, else `vehicle_id@timestamp`). Throws {@link UnappliableEventError}
   * for a timestamp V8 cannot represent or a key the contract refuses ({@link idempotencyKeyProblem}).
   */
  async apply(event: EvPayload, key: string | undefined): Promise<ApplyOutcome<EvResult>> {
    const timestampMs = Date.parse(event.timestamp);
    if (Number.isNaN(timestampMs)) {
      throw new UnappliableEventError(`body.timestamp ${event.timestamp} is not a representable instant`, 'timestamp');
    }
    const keyProblem = idempotencyKeyProblem(key);
    if (keyProblem !== undefined) throw new UnappliableEventError(keyProblem, IDEMPOTENCY_KEY_HEADER);
    const { thresholds } = this;
    return this.store.applyOnce(idempotencyKeyOf(event, key), event.vehicle_id, (state) =>
      applyEvent(state, event, timestampMs, thresholds),
    );
  }
}
