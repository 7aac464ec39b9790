/**
 * `npm run capacity -- --vehicles N --interval S [options]`: the capacity and
 * cost of the pipeline for a fleet (scripts/capacity/capacity-model.ts),
 * sized from the CPU time per request `npm run bench` measured
 * (docs/bench/cpu-per-request.json) and priced from scripts/capacity/prices.ts.
 * With --chart FILE it also draws tasks and monthly cost from 1,000 to
 * 10,000,000 vehicles. See docs/capacity.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from '../apps/processing/app';
import { DATA_INGESTION, DATA_PROCESSING } from '../contract/services';
import { ENVIRONMENTS, serviceSettings } from '../pipeline/environments';
import { capacityChart } from './capacity/capacity-chart';
import { capacity } from './capacity/capacity-model';
import { CapacityOptionError, parseCapacityCommand, USAGE, type EnvironmentDefaults } from './capacity/capacity-options';
import { capacityReport } from './capacity/capacity-report';
import { knees, logSpaced, sweep } from './capacity/capacity-sweep';
import { measuredCpu } from './capacity/measured-cpu';
import { PRICES_CHECKED_ON, REGION_PRICES } from './capacity/prices';

const ROOT = join(__dirname, '..');

/**
 * Bytes of one request log line: measured from the built services, one
 * `POST /ev` of the bench's sample event with an X-Ray trace header (247
 * bytes and a newline on each service).
 */
const LOG_LINE_BYTES = 248;

/** The environments of the stacks as the model needs them: task sizes, fewest tasks (two in production, one per zone), log retention. */
const environments: Record<string, EnvironmentDefaults> = Object.fromEntries(
  Object.values(ENVIRONMENTS).map((env) => {
    const task = (name: string) => {
      const size = serviceSettings(env, name).taskDefinition;
      return { cpu: size.cpu, memoryMiB: size.memory, sidecarCpu: size.envoyCpu + size.xrayCpu };
    };
    const defaults: EnvironmentDefaults = {
      ingestionTask: task(DATA_INGESTION.name),
      processingTask: task(DATA_PROCESSING.name),
      minTasks: env.env === 'prd' ? 2 : 1,
      logRetentionDays: env.logRetentionDays,
    };
    return [env.env, defaults];
  }),
);

function main(): void {
  const command = parseCapacityCommand(process.argv.slice(2), {
    environments,
    environment: 'prd',
    eventBytes: Buffer.byteLength(JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'scripts', 'bench', 'payload.json'), 'utf8')))),
    keyTtlSeconds: DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS,
    logBytesPerLine: LOG_LINE_BYTES,
    cpuFile: join(ROOT, 'docs', 'bench', 'cpu-per-request.json'),
  });
  if (command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const prices = REGION_PRICES[command.region];
  const cpu = measuredCpu(readFileSync(command.cpuFile, 'utf8'), command.cpuFile, command.load, command.conns);
  const result = capacity(command.input, cpu, prices);
  process.stdout.write(
    command.json
      ? `${JSON.stringify({ pricesCheckedOn: PRICES_CHECKED_ON, environment: command.environment, ...result }, null, 2)}\n`
      : `${capacityReport(result, prices, command.environment).join('\n')}\n`,
  );
  if (command.chart !== undefined) {
    const results = sweep(command.input, cpu, prices, logSpaced(1_000, 10_000_000, 161));
    const interval = command.input.intervalSeconds;
    writeFileSync(
      command.chart,
      capacityChart(results, knees(results), {
        title: `npm run capacity: tasks and monthly cost from 1,000 to 10,000,000 vehicles, one event every ${interval} s`,
        subtitle:
          `${command.environment} task sizes, ${command.input.targetUtilisation * 100}% target utilisation; CPU per request ` +
          `${Math.round(cpu.ingestionUs)} µs (ingestion) and ${Math.round(cpu.processingUs)} µs (processing), load ${cpu.load} at ` +
          `${cpu.conns} connections on ${cpu.host}, ${cpu.date.slice(0, 10)}; ${command.region} on-demand prices checked ${PRICES_CHECKED_ON}; ` +
          `idempotency key TTL ${command.input.keyTtlSeconds} s.`,
      }),
    );
    if (!command.json) process.stdout.write(`\nChart: ${command.chart}\n`);
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`capacity: ${(error as Error).message}\n`);
  process.exit(error instanceof CapacityOptionError ? 2 : 1);
}
