import { startProducer } from '@darkroom/producer';
import { runDarkroomBatch } from '../harness/darkroom-batch';
import { startBenchStack, type BenchStack } from '../harness/bench-stack';
import type { Measurement } from '../report';
import { buildResult, rounded, type Scenario, type ScenarioContext } from './scenario';

/** Adobe's time at a tenth: 5–15 s runs take 0.5–1.5 s, limits per 0.3 s instead of 3 s. */
const TIME_FACTOR = 0.1;
const WORKERS = 2;
const ORG_ID = 'BENCHORG@AdobeOrg';

interface Variant {
  name: string;
  events: boolean;
  /** Share of events I/O Events never delivers to the webhook. */
  dropRate: number;
}

const VARIANTS: Variant[] = [
  { name: 'polling (events off)', events: false, dropRate: 0 },
  { name: 'events, none lost', events: true, dropRate: 0 },
  { name: 'events, 5% lost', events: true, dropRate: 0.05 },
];

/** A producer on the batch's queue taking the emulator's webhook deliveries. */
async function eventsProducer(stack: BenchStack, queueName: string) {
  const producer = await startProducer({
    ...stack.env,
    DARKROOM_QUEUE: queueName,
    PRODUCER_TOKENS: 'bench-token',
    PRODUCER_HOST: '127.0.0.1',
    PRODUCER_PORT: '0',
    PRODUCER_METRICS_PORT: '0',
    ADOBE_EVENTS_WEBHOOK: 'on',
    ADOBE_EVENTS_KEY_ORIGIN: stack.emulator.eventKeyOrigin,
    LOG_LEVEL: 'warn',
  });
  stack.emulator.setEventWebhooks(`http://127.0.0.1:${producer.port}/v1/adobe-events`);
  return {
    close: async () => {
      stack.emulator.setEventWebhooks(undefined);
      await producer.close();
    },
  };
}

async function measure(ctx: ScenarioContext, jobs: number): Promise<Measurement[]> {
  const stack = await startBenchStack(
    { timeFactor: TIME_FACTOR, scaleRateLimits: true },
    { orgId: ORG_ID },
  );
  const measurements: Measurement[] = [];
  try {
    for (let run = 1; run <= ctx.runs; run += 1) {
      for (const variant of VARIANTS) {
        stack.emulator.setFaults({ seed: run, events: { dropRate: variant.dropRate } });
        const dr = await runDarkroomBatch(stack, {
          workers: WORKERS,
          jobs,
          timeoutMs: 900_000,
          settings: {
            concurrency: 50,
            budgetTimeScale: TIME_FACTOR,
            expectedDurationScale: TIME_FACTOR,
            env: {
              ADOBE_ORG_ID: ORG_ID,
              DARKROOM_EVENTS: variant.events ? 'on' : 'off',
            },
          },
          ...(variant.events ? { beside: (queue) => eventsProducer(stack, queue) } : {}),
        });
        stack.emulator.setFaults({});
        const calls = dr.submits + dr.statusGets;
        measurements.push({
          variant: variant.name,
          run,
          metrics: rounded({
            jobs,
            completed: dr.completed,
            failed: dr.failed,
            callsPerEdit: calls / jobs,
            submitsPerEdit: dr.submits / jobs,
            statusGetsPerEdit: dr.statusGets / jobs,
            // Counted since the batch began (it resets the emulator's stats).
            eventsDelivered: stack.emulator.stats().events?.deliveriesSucceeded ?? 0,
            throttled: dr.throttled,
            makespanS: dr.makespanS,
            detectionLagMsMedian: dr.detectionLagMsMedian,
            detectionLagMsP95: dr.detectionLagMsP95,
          }),
        });
        ctx.log(
          `push-events (${variant.name}) run ${run}: ${(calls / jobs).toFixed(3)} Adobe calls/edit, ${dr.failed} failed, lag p95 ${dr.detectionLagMsP95.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    await stack.close();
  }
  return measurements;
}

/**
 * Adobe API calls per edit when completion is pushed (Adobe I/O Events into the producer's
 * webhook) against polling, with and without lost events, under Adobe's limits at a tenth.
 */
export const pushEvents: Scenario = async (ctx) => {
  const jobs = ctx.quick ? 500 : 2_000;
  const measurements = await measure(ctx, jobs);
  return buildResult({
    id: 'push-events',
    title: '7. Push completion: Adobe I/O Events vs polling',
    parameters: {
      jobs,
      workers: WORKERS,
      timeFactor: TIME_FACTOR,
      emulator:
        "Adobe's limits and durations × 0.1, placeholder processing, events delivered to the producer's webhook (signed, verified)",
    },
    columns: [
      { key: 'completed', label: 'completed', digits: 0 },
      { key: 'failed', label: 'failed', digits: 0 },
      { key: 'callsPerEdit', label: 'Adobe calls/edit', digits: 3 },
      { key: 'statusGetsPerEdit', label: 'status GETs/edit', digits: 3 },
      { key: 'eventsDelivered', label: 'events delivered', digits: 0 },
      { key: 'throttled', label: '429s', digits: 0 },
      { key: 'makespanS', label: 'makespan s', digits: 1 },
      { key: 'detectionLagMsMedian', label: 'lag p50 ms', digits: 0 },
      { key: 'detectionLagMsP95', label: 'lag p95 ms', digits: 0 },
    ],
    measurements,
    figures: (m) => [
      {
        label: 'Adobe calls per edit with events, none lost (the submit alone is 1.00)',
        value: m['events, none lost']?.callsPerEdit ?? Number.NaN,
        digits: 3,
        target: '<= 1.05',
      },
      {
        label: 'Adobe calls per edit with 5% of events lost',
        value: m['events, 5% lost']?.callsPerEdit ?? Number.NaN,
        digits: 3,
        target: '<= 1.3',
      },
      {
        label: 'Adobe calls per edit polling',
        value: m['polling (events off)']?.callsPerEdit ?? Number.NaN,
        digits: 3,
      },
    ],
    notes: [
      'Calls are what the emulator received: every POST and every status GET, 429s included. One submit per edit is the floor.',
      'An edit whose event is lost is found by its poll, which waits `DARKROOM_EVENTS_POLL_STRETCH` (4) times longer while events arrive: those edits finish later, not never.',
      'Detection lag is from the moment Adobe reports the run finished to the moment Darkroom completes the edit.',
    ],
  });
};
