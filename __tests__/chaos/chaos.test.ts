/**
 * Chaos test, once per retry-queue backend (the embedded queue; SQS as
 * `local-aws-sqs` emulates it): a real redis-server (TLS, the services' ACL
 * user), both built services as processes on loopback sharing the retry
 * queue, `REDIS_URL` and the credentials on both,
 * processing answering random transient 503s (`FAULT_503_RATE` 0.2) and killed
 * with SIGKILL twice at random moments and restarted (down 0.1–1 s, which
 * ingestion's retries ride out, then 3–4 s, which parks events). Eight clients send 480
 * distinct events over 40 vehicles, each retrying an event on a 503 or a
 * connection error with the same `Idempotency-Key` until acknowledged, and
 * sending about 5 % of acknowledged events once more (a client whose
 * acknowledgement was lost).
 * Afterwards, once the retry queue has drained: every vehicle's `events` at
 * processing equals its acknowledged events (none lost, none counted twice),
 * and nothing was dead-lettered.
 *
 * The scenario lives in `scripts/drill/` and is shared with `npm run drill`.
 */
import { runChaos, chaosSummaryLine, type ChaosReport } from '../../scripts/drill/chaos';
import { probe503Rate } from '../../scripts/drill/client';
import { startPipelineCluster, type PipelineCluster, type QueueBackend } from '../../scripts/drill/cluster';
import { localLauncher } from '../../scripts/launch/pipeline-launcher';

jest.setTimeout(90_000);

const FAULT_RATE = 0.2;
const EVENTS = 480;

describe.each<QueueBackend>(['embedded', 'sqs'])(
  'chaos: transient 503s and SIGKILLs of processing, with a shared Redis and the %s retry queue',
  (queueBackend) => {
    let cluster: PipelineCluster | undefined;
    let report: ChaosReport;
    let direct503Share: number;

    beforeAll(async () => {
      cluster = await startPipelineCluster(localLauncher, {
        faultRate: FAULT_RATE,
        redis: true,
        queueBackend,
        retryMode: 'app',
        env: { FAULT_INJECTION: 'enabled' },
        queue: { visibilityTimeoutSeconds: 2, backoffBaseSeconds: 1, backoffMaxSeconds: 2 },
      });
      try {
        direct503Share = await probe503Rate(cluster.processingUrl, 'PROBE', 200);
        report = await runChaos(cluster, {
          events: EVENTS,
          clients: 8,
          vehicles: 40,
          kills: 2,
          // The first outage is short: ingestion's retries ride it out. The second outlasts them and opens the breaker: events are parked.
          downtimesMs: [
            [100, 1_000],
            [3_000, 4_000],
          ],
          thinkTimeMs: 10,
          clientMaxAttempts: 20,
          sendDeadlineMs: 45_000,
          drainTimeoutMs: 20_000,
        });
      } catch (error) {
        throw new Error(`${String(error)}\n${cluster.outputs()}`);
      }
      console.log(
        `[${queueBackend} queue] ${chaosSummaryLine(report, FAULT_RATE)}; direct calls to processing answered 503: ${Math.round(direct503Share * 100)} %`,
      );
    });

    afterAll(async () => {
      await cluster?.stop();
    });

    /** The processes' last output, to explain a failure. */
    const diagnosis = () => `${chaosSummaryLine(report, FAULT_RATE)}\n${cluster?.outputs(2_000) ?? ''}`;

    test('processing answers transient 503s at about FAULT_503_RATE (200 direct calls)', () => {
      expect(direct503Share).toBeGreaterThanOrEqual(0.08);
      expect(direct503Share).toBeLessThanOrEqual(0.35);
    });

    test('processing was killed twice during the run, and events were sent and answered', () => {
      expect({ kills: report.kills.length, sent: report.sent }).toEqual({ kills: 2, sent: EVENTS });
      for (const kill of report.kills) expect(kill.progress).toBeLessThan(1);
    });

    test('the long outage parked events (202), so the retry queue and its drain were part of the run', () => {
      expect(report.parked).toBeGreaterThan(0);
    });

    test('events sent again after their acknowledgement were answered as replays', () => {
      expect(report.resent).toBeGreaterThan(0);
      expect(report.replays).toBeGreaterThan(0);
    });

    test('every event was acknowledged (200 or 202) with a body that keeps the contract', () => {
      expect({
        unacknowledged: report.unacknowledged,
        resendsUnacknowledged: report.resendsUnacknowledged,
        unexpected: report.unexpectedAnswers,
        violations: report.contractViolations,
      }).toEqual({
        unacknowledged: 0,
        resendsUnacknowledged: 0,
        unexpected: [],
        violations: [],
      });
      expect(report.accepted + report.parked).toBe(EVENTS);
    });

    test('the retry queue drained, nothing was dead-lettered', () => {
      if (!report.drained || report.queue.deadLetters !== 0) console.log(diagnosis());
      expect({ drained: report.drained, ...report.queue }).toEqual({ drained: true, visible: 0, inFlight: 0, deadLetters: 0 });
    });

    test('every acknowledged event was applied exactly once: none lost, none counted twice', () => {
      if (report.mismatches.length > 0) console.log(diagnosis());
      expect({ lost: report.lost, duplicated: report.duplicated, mismatchedVehicles: report.mismatches.slice(0, 5) }).toEqual({
        lost: 0,
        duplicated: 0,
        mismatchedVehicles: [],
      });
      expect(report.processed).toBe(report.accepted + report.parked);
    });
  },
);
