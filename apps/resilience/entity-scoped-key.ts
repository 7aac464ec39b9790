/**
 * An idempotency key as the stores and the FIFO queue keep it: scoped by the
 * entity (the vehicle) it was applied to, so one vehicle's key never answers
 * for another vehicle's event. The entity id is length-prefixed, so no pair
 * of (entity, key) spells the same scoped key as another pair
 * (`a:b` + `c` and `a` + `b:c` differ).
 */
export function entityScopedKey(entityId: string, key: string): string {
  return `${entityId.length}:${entityId}:${key}`;
}
