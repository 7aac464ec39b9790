import { describeValue, InvalidPropError } from '../core/prop-error';

/** Task CPU units Fargate offers (Linux), with the memory (MiB) each allows: from, to, step. */
const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, { from: number; to: number; step: number } | readonly number[]>> = {
  256: [512, 1024, 2048],
  512: { from: 1024, to: 4096, step: 1024 },
  1024: { from: 2048, to: 8192, step: 1024 },
  2048: { from: 4096, to: 16384, step: 1024 },
  4096: { from: 8192, to: 30720, step: 1024 },
  8192: { from: 16384, to: 61440, step: 4096 },
  16384: { from: 32768, to: 122880, step: 8192 },
};

/** The memory sizes (MiB) Fargate offers with `cpu` units, or none when Fargate does not offer that CPU. */
export function fargateMemoryOptions(cpu: number): readonly number[] {
  const option = FARGATE_MEMORY_BY_CPU[cpu];
  if (option === undefined) return [];
  if (!('from' in option)) return option;
  const { from, to, step } = option;
  const sizes: number[] = [];
  for (let size = from; size <= to; size += step) sizes.push(size);
  return sizes;
}

/**
 * Throws unless Fargate offers a task of `cpu` units and `memory` MiB;
 * `prop` is the size prop as the caller wrote it (`size`, `spec.size`).
 * Table: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export function requireFargateSize(owner: string, prop: string, cpu: unknown, memory: unknown): void {
  if (typeof cpu !== 'number' || !(cpu in FARGATE_MEMORY_BY_CPU)) {
    throw new InvalidPropError(
      owner,
      `${prop}.cpu`,
      `Fargate offers ${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')} CPU units, got ${describeValue(cpu)}`,
    );
  }
  const options = fargateMemoryOptions(cpu);
  if (typeof memory !== 'number' || !options.includes(memory)) {
    throw new InvalidPropError(
      owner,
      `${prop}.memory`,
      `Fargate offers ${options[0]}-${options[options.length - 1]} MiB (${options.length} sizes) with ${cpu} CPU units, got ${describeValue(memory)}`,
    );
  }
}
