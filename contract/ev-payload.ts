/**
 * The EV telemetry event, as a JSON Schema (TypeBox) that both services
 * validate with, and its static type. No cdktf or fastify imports here.
 *
 * Unknown properties are rejected (400 naming the property): a misspelt
 * field (`odometr`) would otherwise be dropped without a word.
 */
import { Type, type Static } from '@sinclair/typebox';

export const EvLocation = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);

export const EvBattery = Type.Object(
  {
    /** State of charge, percent. */
    percentage: Type.Number({ minimum: 0, maximum: 100 }),
    /** Pack voltage, volts. */
    voltage: Type.Number({ exclusiveMinimum: 0 }),
    /** Pack temperature, degrees Celsius. */
    temperature: Type.Number(),
  },
  { additionalProperties: false },
);

export const EvPayload = Type.Object(
  {
    vehicle_id: Type.String({ minLength: 1, maxLength: 64 }),
    /** RFC 3339 date-time. */
    timestamp: Type.String({ format: 'date-time' }),
    location: EvLocation,
    battery: EvBattery,
    /** km/h. */
    speed: Type.Number({ minimum: 0 }),
    /** km. */
    odometer: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false, $id: 'EvPayload' },
);

export type EvPayload = Static<typeof EvPayload>;

/** Request header carrying a client-chosen idempotency key. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Longest accepted `Idempotency-Key` (both services answer 400 beyond it, before anything is forwarded or parked). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

/**
 * Why an `Idempotency-Key` header value is refused, or undefined when it is
 * acceptable (absent, or at most {@link MAX_IDEMPOTENCY_KEY_LENGTH} characters).
 * Both services check it: ingestion before forwarding or parking (a key
 * parked while the breaker is open never meets processing), processing before
 * applying (a caller may reach it directly).
 */
export function idempotencyKeyProblem(header: string | undefined): string | undefined {
  if (header === undefined || header.length <= MAX_IDEMPOTENCY_KEY_LENGTH) return undefined;
  return `${IDEMPOTENCY_KEY_HEADER} header is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`;
}

/** Response header set to `true` when processing answers from a key it already applied. */
export const IDEMPOTENT_REPLAY_HEADER = 'idempotent-replayed';

/** Request header that makes data-processing answer 503 (the article's fault switch), where fault injection is enabled. */
export const FAULT_503_HEADER = 'x-503';

/** The value of `FAULT_INJECTION` that turns the fault switches on; any other value (or none) leaves them off. */
export const FAULT_INJECTION_ENABLED = 'enabled';

/**
 * The instant of an RFC 3339 `timestamp` in one spelling: UTC with
 * milliseconds (`2024-02-15T11:30:00+01:00` and `2024-02-15t10:30:00z` are both
 * `2024-02-15T10:30:00.000Z`). Instants are told apart to the millisecond.
 * A timestamp V8 cannot represent (a leap second) is returned as written;
 * processing refuses such an event.
 */
export function canonicalTimestamp(timestamp: string): string {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString();
}

/**
 * The idempotency key of an event: the header when given, else `vehicle_id`
 * and the instant of `timestamp` in its canonical spelling, so one instant
 * written four ways is one key. The stores scope every key by `vehicle_id`.
 * `instant`: `canonicalTimestamp(payload.timestamp)`, when the caller has it already.
 */
export function idempotencyKeyOf(payload: Pick<EvPayload, 'vehicle_id' | 'timestamp'>, header?: string, instant?: string): string {
  if (header !== undefined && header !== '') return header;
  return `${payload.vehicle_id}@${instant ?? canonicalTimestamp(payload.timestamp)}`;
}
