import type { ContainerDefinition, KeyValuePair, Secret, TaskDefinition } from '@aws-sdk/client-ecs';
import { REGISTRABLE_KEYS } from './render-task-definition';

/** Keys compared container by container, or not at all (the family is the same by construction; tags say who registered). */
const NOT_COMPARED_AS_A_WHOLE = new Set(['family', 'containerDefinitions', 'tags']);

/**
 * Every way `base` (the revision a deployment would start from) differs from
 * `stack` (the revision the stack registered) other than the image of the
 * app container `appContainerName`, one line each: task-level keys (roles,
 * network mode, size, volumes, proxy configuration, …), containers added or
 * removed (a planted sidecar), and per container every changed key, with
 * environment variables and secrets named one by one. Empty when the only
 * difference, if any, is the app's image.
 */
export function revisionDrift(stack: TaskDefinition, base: TaskDefinition, appContainerName: string): string[] {
  const drift: string[] = [];
  for (const key of Object.keys(REGISTRABLE_KEYS).filter((key) => !NOT_COMPARED_AS_A_WHOLE.has(key))) {
    const [was, now] = [stack[key as keyof TaskDefinition], base[key as keyof TaskDefinition]];
    if (!same(was, now)) drift.push(`${key}: ${show(was)} -> ${show(now)}`);
  }
  const stackContainers = byName(stack.containerDefinitions);
  const baseContainers = byName(base.containerDefinitions);
  for (const name of baseContainers.keys()) {
    if (!stackContainers.has(name)) drift.push(`container '${name}' added (image ${show(baseContainers.get(name)?.image)})`);
  }
  for (const [name, was] of stackContainers) {
    const now = baseContainers.get(name);
    if (now === undefined) {
      drift.push(`container '${name}' removed`);
      continue;
    }
    drift.push(...containerDrift(name, was, now, name === appContainerName));
  }
  return drift;
}

function containerDrift(name: string, was: ContainerDefinition, now: ContainerDefinition, isApp: boolean): string[] {
  const drift: string[] = [];
  const keys = new Set([...Object.keys(was), ...Object.keys(now)]) as Set<keyof ContainerDefinition>;
  for (const key of [...keys].sort()) {
    if (key === 'name' || (isApp && key === 'image')) continue;
    if (key === 'environment') {
      drift.push(...namedValuesDrift(`container '${name}' environment`, was.environment, now.environment, (v: KeyValuePair) => v.value));
    } else if (key === 'secrets') {
      drift.push(...namedValuesDrift(`container '${name}' secrets`, was.secrets, now.secrets, (s: Secret) => s.valueFrom));
    } else if (!same(was[key], now[key])) {
      drift.push(`container '${name}' ${key}: ${show(was[key])} -> ${show(now[key])}`);
    }
  }
  return drift;
}

/** Environment variables or secrets, by name: added, removed, changed. */
function namedValuesDrift<T extends { name?: string }>(
  what: string,
  was: readonly T[] | undefined,
  now: readonly T[] | undefined,
  valueOf: (entry: T) => string | undefined,
): string[] {
  const before = new Map((was ?? []).map((entry) => [entry.name ?? '', valueOf(entry)]));
  const after = new Map((now ?? []).map((entry) => [entry.name ?? '', valueOf(entry)]));
  const drift: string[] = [];
  for (const [name, value] of after) {
    if (!before.has(name)) drift.push(`${what} ${name} added (${show(value)})`);
    else if (before.get(name) !== value) drift.push(`${what} ${name}: ${show(before.get(name))} -> ${show(value)}`);
  }
  for (const name of before.keys()) if (!after.has(name)) drift.push(`${what} ${name} removed`);
  return drift;
}

function byName(containers: readonly ContainerDefinition[] | undefined): Map<string, ContainerDefinition> {
  return new Map((containers ?? []).map((container) => [container.name ?? '', container]));
}

/** Equal as ECS means them: absent, null, `[]` and `{}` alike; object keys in any order. */
function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(normalized(value)) ?? 'undefined';
}

function normalized(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(normalized);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => [key, normalized(inner)] as const)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}

/** A value for a drift line: at most 200 characters. */
function show(value: unknown): string {
  const text = canonical(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
