import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createWorker, parseWorkerConfig, type DarkroomWorker } from '@darkroom/worker';
import { guardAgainstLeaks, testJpeg, uniqueName } from '@darkroom/testing';
import { startStack } from '@darkroom/testing/stack';
import type { StackFixture } from '@darkroom/testing/stack';
import { buildKustomization } from './support/kustomize';
import { infraDir, k8sDir } from './support/paths';
import { promtoolEvaluates } from './support/promtool-rules';
import { find } from './support/workloads';

guardAgainstLeaks();

const CONCURRENCY = 4;
const JOBS = 40;

const kedaQuery = (
  find(buildKustomization(path.join(k8sDir, 'base')), 'ScaledObject', 'darkroom-worker').spec as {
    triggers: { metadata: { query: string } }[];
  }
).triggers[0]!.metadata.query;

/** The "Worker slots" panel's queries, by legend. */
function slotsPanel(): Record<string, string> {
  const dashboard = JSON.parse(
    readFileSync(path.join(infraDir, 'grafana/darkroom.json'), 'utf8'),
  ) as { panels: { title: string; targets?: { expr: string; legendFormat: string }[] }[] };
  const panel = dashboard.panels.find((p) => p.title === 'Worker slots');
  return Object.fromEntries((panel?.targets ?? []).map((t) => [t.legendFormat, t.expr]));
}

/** The one sample of `name` (no labels, or the labels given) in a `/metrics` text. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  if (!line) throw new Error(`${name}${labels} is not in the scrape`);
  return Number(line.split(' ').pop());
}

/**
 * One scrape as promtool input series held for ten minutes, as from a pod `a`: the metrics the
 * trigger and the panel read, with the test's queue named `edits` as in production.
 */
function asSeries(text: string, queueName: string): Record<string, string> {
  const series: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match =
      /^(darkroom_(?:worker|queue_jobs|budget_granted|api_request_duration)[^ ]*) (\S+)$/.exec(
        line,
      );
    if (!match) continue;
    const name = match[1]!.replace(`queue="${queueName}"`, 'queue="edits"');
    const withPod = name.includes('{') ? name.replace('{', '{pod="a",') : `${name}{pod="a"}`;
    series[withPod] = `${match[2]}x10`;
  }
  return series;
}

describe('worker slots under load: the gauge, BullMQ, and the KEDA and Grafana queries', () => {
  let stack: StackFixture<DarkroomWorker>;
  let worker: DarkroomWorker;
  const scrape = async (): Promise<string> =>
    (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();

  beforeAll(async () => {
    stack = await startStack<DarkroomWorker>({
      // Remote jobs of 0.5–0.8 s, first polled at 250 ms: several polls, each a delayed hand-back.
      emulator: { limits: false, durations: { simple: { minMs: 500_000, maxMs: 800_000 } } },
      timeFactor: 0.001,
      queue: { queueName: uniqueName('slots'), backoffMs: 50 },
      startWorker: (env) =>
        createWorker(parseWorkerConfig(env), {
          logDestination: new Writable({ write: (_chunk, _enc, done) => done() }),
        }),
      env: { WORKER_CONCURRENCY: String(CONCURRENCY), API_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn' },
    });
    worker = await stack.startWorker();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('never counts more than the concurrency, matches BullMQ, and reads 0 once all is done', async () => {
    const edits = stack.edits!;
    const [inBucket, outBucket] = stack.buckets as [string, string];
    const input = `s3://${inBucket}/${uniqueName('in')}.jpg`;
    await stack.storage.upload(input, await testJpeg(), 'image/jpeg');
    const ids = await Promise.all(
      Array.from({ length: JOBS }, async () => {
        const output = `s3://${outBucket}/${uniqueName('out')}.png`;
        const job = {
          operation: 'renditionCreate',
          input,
          outputs: [{ ref: output, type: 'image/png', width: 16 }],
        };
        return (await edits.enqueue(job)).id;
      }),
    );

    const samples: { text: string; gauge: number; bullmq: number }[] = [];
    let running = true;
    const sampling = (async () => {
      while (running) {
        const [text, bullmq] = await Promise.all([scrape(), edits.queue.getActiveCount()]);
        samples.push({ text, gauge: sample(text, 'darkroom_worker_active_jobs'), bullmq });
      }
    })();
    const finished = await Promise.all(ids.map((id) => edits.waitFor(id, { timeout: 60_000 })));
    running = false;
    await sampling;

    expect(finished.map((f) => f.state)).toEqual(ids.map(() => 'completed'));
    const polls = finished.map((f) => f.result?.polls ?? 0);
    expect(polls.filter((p) => p >= 2).length).toBeGreaterThan(JOBS / 2);
    expect(samples.length).toBeGreaterThan(20);
    expect(Math.max(...samples.map((s) => s.gauge))).toBeLessThanOrEqual(CONCURRENCY);
    expect(Math.max(...samples.map((s) => s.bullmq))).toBeLessThanOrEqual(CONCURRENCY);
    expect(Math.max(...samples.map((s) => s.gauge))).toBeGreaterThan(0);

    const final = await scrape();
    expect(sample(final, 'darkroom_worker_active_jobs')).toBe(0);
    expect(await edits.queue.getActiveCount()).toBe(0);

    // What Prometheus would make of the scrapes: the busiest one while running, and the last.
    const busiest = samples.reduce((a, b) => (b.gauge > a.gauge ? b : a));
    const queueState = (text: string, state: string): number =>
      sample(text, 'darkroom_queue_jobs', `{queue="${edits.queueName}",state="${state}"}`);
    const waiting = queueState(busiest.text, 'waiting') + queueState(busiest.text, 'prioritized');
    const due = queueState(busiest.text, 'delayed_due');
    const panel = slotsPanel();
    const checks: [string, string, number][] = [
      ['KEDA, all done', kedaQuery, 0],
      ['Grafana active, all done', panel.active!, 0],
      ['Grafana active in BullMQ, all done', panel['active in BullMQ']!, 0],
      ['Grafana concurrency', panel.concurrency!, CONCURRENCY],
      ['Grafana active, busiest', panel.active!, busiest.gauge],
      // The trigger's formula with no latency history yet (1 s per call) and one account.
      [
        'KEDA, busiest',
        kedaQuery,
        busiest.gauge + Math.min(waiting / 30, 4.6) + Math.min(due / 30, 96),
      ],
    ];
    for (const [name, expr, expected] of checks) {
      const text = name.endsWith('busiest') ? busiest.text : final;
      const result = promtoolEvaluates(expr, [
        { name, series: asSeries(text, edits.queueName), expected },
      ]);
      expect({ name, output: result.output, status: result.status }).toEqual({
        name,
        output: expect.stringContaining('SUCCESS') as string,
        status: 0,
      });
    }
  });
});
