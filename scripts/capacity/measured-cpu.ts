/**
 * Reads the CPU time per request the capacity model sizes tasks from: the
 * Fastify pipeline's medians in the record `npm run bench` writes
 * (scripts/bench/cpu-per-request.ts), at one load and connection count.
 */
import { CPU_RECORD_VERSION, type CpuPerRequestRecord } from '../bench/cpu-per-request';
import { FASTIFY } from '../bench/bench-rows';
import type { MeasuredCpu } from './capacity-model';

/** The Fastify pipeline's CPU per request at `load` and `conns` in the record's text; throws naming the file and what is missing. */
export function measuredCpu(text: string, file: string, load: string, conns: number): MeasuredCpu {
  let record: CpuPerRequestRecord;
  try {
    record = JSON.parse(text) as CpuPerRequestRecord;
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}); write it with npm run bench -- --update-docs`);
  }
  if (record.version !== CPU_RECORD_VERSION) {
    throw new Error(`${file} has version ${String(record.version)}; this model reads version ${CPU_RECORD_VERSION}: rerun npm run bench`);
  }
  const row = record.measurements.find((m) => m.impl === FASTIFY && m.load === load && m.conns === conns);
  const measured = (record.measurements ?? []).filter((m) => m.impl === FASTIFY).map((m) => `${m.load} at ${m.conns}`);
  if (row === undefined) {
    throw new Error(
      `${file} has no Fastify measurement of load ${load} at ${conns} connections (it has: ${measured.join(', ') || 'none'})`,
    );
  }
  const { median: ingestionUs } = row.ingestionUs;
  const { median: processingUs } = row.processingUs;
  if (ingestionUs === null || processingUs === null || !(ingestionUs > 0) || !(processingUs > 0)) {
    throw new Error(`${file} recorded no CPU time per request for load ${load} at ${conns} connections (no /proc where the bench ran?)`);
  }
  return { ingestionUs, processingUs, host: `${record.host} (${record.cores} cores)`, date: record.date, load, conns };
}
