import { randomUUID } from 'node:crypto';
import { QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { createEmulator, type FaultConfig } from '@darkroom/emulator';
import { EditQueue, parseFailedReason, type EditJobData, type EditJobResult } from '@darkroom/jobs';
import {
  ObjectNotFoundError,
  StorageBackendError,
  StorageRegistry,
  type StorageConfig,
} from '@darkroom/storage';
import { startRedisServer, startS3rver, uniqueName } from '@darkroom/testing';
import { scanLinesForSecrets, scanRedisForSecrets } from '../secrets/secret-scan';
import { startTokenRecorder } from '../secrets/token-recorder';
import {
  parseLogLines,
  spawnWorker,
  stopWorker,
  type WorkerProcess,
} from '../support/worker-process';
import type { ChaosReport } from './chaos-report';

export interface ChaosOptions {
  /** Edit jobs to run. @defaultValue 2000 */
  jobs?: number;
  /** Worker processes kept running. @defaultValue 3 */
  workers?: number;
  /** Slots per worker. @defaultValue 20 */
  concurrency?: number;
  /** Most SIGKILLs over the run. @defaultValue unlimited (one every `killEveryMs`) */
  maxKills?: number;
  /** Time between SIGKILLs. @defaultValue 4000 */
  killEveryMs?: number;
  /** Workers stopped with SIGTERM (and replaced). @defaultValue 1 */
  sigterms?: number;
  /** Redis stop-and-start cycles. @defaultValue 1 */
  redisRestarts?: number;
  /** How long Redis stays down per restart. @defaultValue 2000 */
  redisDownMs?: number;
  /** The emulator's and the workers' time factor. @defaultValue 0.01 */
  timeFactor?: number;
  /** Seed of the chaos schedule and the injected faults. @defaultValue 7 */
  seed?: number;
  /** Longest wait for the queue to drain. @defaultValue 15 minutes */
  timeoutMs?: number;
  /** Progress lines. @defaultValue silent */
  log?: (line: string) => void;
}

const CLIENT = { clientId: 'darkroom-chaos', clientSecret: 'chaos-client-secret-4f9d2c' };
const DRAIN_TIMEOUT_MS = 5_000;
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** A small deterministic generator, so a failing schedule can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs edit jobs through three real worker processes while killing them, draining them and
 * restarting Redis, then checks every outcome against a ledger kept apart from the workers:
 * the emulator's accepted submits per output location, its remote job list, the storage itself,
 * the queue's event stream and the workers' captured logs.
 */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const jobs = options.jobs ?? 2_000;
  const workerCount = options.workers ?? 3;
  const concurrency = options.concurrency ?? 20;
  const maxKills = options.maxKills ?? Number.POSITIVE_INFINITY;
  const killEveryMs = options.killEveryMs ?? 4_000;
  const maxSigterms = options.sigterms ?? 1;
  const maxRestarts = options.redisRestarts ?? 1;
  const redisDownMs = options.redisDownMs ?? 2_000;
  const timeFactor = options.timeFactor ?? 0.01;
  const seed = options.seed ?? 7;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const log = options.log ?? (() => undefined);
  const random = rng(seed);
  const started = Date.now();
  const breaches: string[] = [];

  const closers: Array<() => Promise<unknown>> = [];
  const workers: WorkerProcess[] = [];
  const allWorkers: WorkerProcess[] = [];
  try {
    const redis = await startRedisServer({
      args: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
    });
    closers.push(() => redis.close());
    const s3 = await startS3rver();
    closers.push(() => s3.close());
    const inBucket = await s3.createBucket();
    const outBucket = await s3.createBucket();
    const baseFaults: FaultConfig = {
      seed,
      submit: { errorRate: 0.05, latencyMs: 40, latencyRate: 0.1, dropAfterAcceptRate: 0.005 },
      status: { errorRate: 0.05, latencyMs: 40, latencyRate: 0.1 },
      jobFailureRate: 0.01,
    };
    const emulator = await createEmulator({
      port: 0,
      timeFactor,
      clients: [CLIENT],
      limits: false,
      seed,
      // 2–20 s at 0.01: remote jobs take 20–200 ms.
      durations: { simple: { minMs: 2_000, maxMs: 20_000 } },
      faults: baseFaults,
    });
    closers.push(() => emulator.close());
    const ims = await startTokenRecorder(emulator.url);
    closers.push(() => ims.close());

    const storageConfig: StorageConfig = { s3: { default: s3.config } };
    const storage = new StorageRegistry(storageConfig);
    closers.push(() => storage.close());
    const queueName = uniqueName('chaos');
    const edits = new EditQueue({ connection: redis.url, queueName, backoffMs: 50 });
    closers.push(async () => {
      await edits.queue.obliterate({ force: true }).catch(() => undefined);
      await edits.close();
    });

    // The queue's own completion events, counted per job: a job completes once in BullMQ's eyes.
    const completedEvents = new Map<string, number>();
    const eventsConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
    eventsConnection.on('error', () => undefined);
    const events = new QueueEvents(queueName, {
      connection: eventsConnection,
      prefix: '{darkroom}',
    });
    events.on('error', () => undefined);
    events.on('completed', ({ jobId }) => {
      completedEvents.set(jobId, (completedEvents.get(jobId) ?? 0) + 1);
    });
    closers.push(async () => {
      await events.close();
      eventsConnection.disconnect();
    });
    await events.waitUntilReady();

    const image = await sharp({
      create: { width: 96, height: 64, channels: 3, background: { r: 180, g: 110, b: 40 } },
    })
      .jpeg()
      .toBuffer();
    const input = `s3://${inBucket}/chaos/input.jpg`;
    await storage.upload(input, image, 'image/jpeg');

    const env: Record<string, string> = {
      REDIS_URL: redis.url,
      DARKROOM_QUEUE: queueName,
      WORKER_HOST: '127.0.0.1',
      WORKER_PORT: '0',
      WORKER_CONCURRENCY: String(concurrency),
      WORKER_DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
      ADOBE_CLIENT_ID: CLIENT.clientId,
      ADOBE_CLIENT_SECRET: CLIENT.clientSecret,
      ADOBE_IMS_URL: ims.url,
      ADOBE_API_URL: emulator.url,
      ADOBE_API_V2_URL: emulator.url,
      DARKROOM_STORAGE: JSON.stringify(storageConfig),
      EXPECTED_DURATION_SCALE: String(timeFactor),
      BUDGET_TIME_SCALE: String(timeFactor),
      API_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'info',
    };
    let spawned = 0;
    const startOne = (): WorkerProcess => {
      spawned += 1;
      const worker = spawnWorker(`w${spawned}`, env);
      workers.push(worker);
      allWorkers.push(worker);
      return worker;
    };
    closers.push(async () => {
      await Promise.all(allWorkers.map((w) => stopWorker(w, 2_000)));
    });
    for (let i = 0; i < workerCount; i += 1) startOne();
    await Promise.all(workers.map((w) => w.started));
    log(`${workerCount} workers up; enqueueing ${jobs} jobs`);

    // Jobs, in batches with idempotency keys: a batch cut by the Redis restart is sent again
    // without creating doubles.
    const runId = randomUUID().slice(0, 8);
    const outputs = new Map<string, { ref: string; magic: Buffer }>();
    const ids: string[] = [];
    const enqueueAll = async (): Promise<void> => {
      for (let from = 0; from < jobs; from += 100) {
        const batch: Array<{
          operation: string;
          input: string;
          outputs: Array<{ ref: string; type: string; width: number }>;
          idempotencyKey: string;
        }> = [];
        for (let i = from; i < Math.min(jobs, from + 100); i += 1) {
          const png = i % 2 === 1;
          const ref = `s3://${outBucket}/chaos/${i}.${png ? 'png' : 'jpg'}`;
          batch.push({
            operation: 'renditionCreate',
            input,
            outputs: [{ ref, type: png ? 'image/png' : 'image/jpeg', width: 48 }],
            idempotencyKey: `${runId}-${i}`,
          });
        }
        for (let attempt = 0; ; attempt += 1) {
          try {
            const added = await edits.enqueueMany(batch);
            added.forEach((a, k) => {
              ids.push(a.id);
              const png = (from + k) % 2 === 1;
              outputs.set(a.id, { ref: batch[k]!.outputs[0]!.ref, magic: png ? PNG : JPEG });
            });
            break;
          } catch (err) {
            if (attempt > 100) throw err;
            await pause(200);
          }
        }
      }
    };
    const enqueueing = enqueueAll();

    // Which jobs a kill or a Redis restart could have caught between their POST and checkpoint:
    // jobs active at that moment (any worker's: a superset of the victim's).
    const exposure = new Map<string, number>();
    const snapshotExposure = async (): Promise<void> => {
      try {
        const active = (await edits.queue.getActive()) as Array<Job<EditJobData, EditJobResult>>;
        for (const job of active)
          exposure.set(String(job.id), (exposure.get(String(job.id)) ?? 0) + 1);
      } catch {
        // Redis unreachable: nothing can be active-and-checkpointing without it either.
      }
    };

    let kills = 0;
    let sigterms = 0;
    let redisRestarts = 0;
    let longestDrainMs = 0;
    let throttleBursts = 0;
    let lastKill = started;
    let lastBurst = Date.now();
    let finished = 0;
    let lastCounts: Record<string, number> = {};
    const drainWaits: Promise<void>[] = [];
    const deadline = started + timeoutMs;
    for (;;) {
      await pause(250);
      try {
        lastCounts = await edits.counts();
        finished = (lastCounts.completed ?? 0) + (lastCounts.failed ?? 0);
      } catch {
        // Redis is down for the restart; counts come back with it.
      }
      const pending =
        (lastCounts.waiting ?? 0) +
        (lastCounts.prioritized ?? 0) +
        (lastCounts.delayed ?? 0) +
        (lastCounts.active ?? 0);
      if (ids.length === jobs && finished >= jobs && pending === 0) break;
      if (Date.now() > deadline) {
        breaches.push(`queue did not drain in ${timeoutMs} ms: ${JSON.stringify(lastCounts)}`);
        break;
      }
      const progress = finished / jobs;
      // Chaos stops near the end so the tail drains instead of being killed forever.
      if (progress > 0.9) continue;

      if (Date.now() - lastBurst > 3_000) {
        lastBurst = Date.now();
        throttleBursts += 1;
        emulator.setFaults({
          ...baseFaults,
          seed: seed + throttleBursts,
          throttle: { nextRequests: 10, retryAfterMs: 200, scope: 'all' },
        });
      }
      if (kills < maxKills && Date.now() - lastKill > killEveryMs && workers.length > 0) {
        lastKill = Date.now();
        const victim = workers.splice(Math.floor(random() * workers.length), 1)[0]!;
        await snapshotExposure();
        victim.kill('SIGKILL');
        kills += 1;
        log(`SIGKILL ${victim.name} at ${finished}/${jobs}`);
        startOne();
      }
      // SIGTERM goes to a worker that finished starting: before its handlers are installed, the
      // signal's default action ends the process, which says nothing about draining.
      const ready = workers.filter((w) => w.port() !== undefined);
      if (sigterms < maxSigterms && progress >= 0.25 * (sigterms + 1) && ready.length > 0) {
        const victim = ready[Math.floor(random() * ready.length)]!;
        workers.splice(workers.indexOf(victim), 1);
        const sentAt = Date.now();
        victim.kill('SIGTERM');
        sigterms += 1;
        log(`SIGTERM ${victim.name} at ${finished}/${jobs}`);
        drainWaits.push(
          victim.exited.then(({ code, at }) => {
            longestDrainMs = Math.max(longestDrainMs, at - sentAt);
            if (code !== 0) breaches.push(`${victim.name} exited ${String(code)} after SIGTERM`);
            // tsx and process teardown add a little to the worker's own drain deadline.
            if (at - sentAt > DRAIN_TIMEOUT_MS + 5_000) {
              breaches.push(`${victim.name} took ${at - sentAt} ms to drain`);
            }
          }),
        );
        startOne();
      }
      if (redisRestarts < maxRestarts && progress >= 0.4) {
        redisRestarts += 1;
        await snapshotExposure();
        log(`Redis stop at ${finished}/${jobs}`);
        await redis.stop();
        await pause(redisDownMs);
        await redis.start();
        log('Redis back');
      }
    }
    await enqueueing;
    await Promise.all(drainWaits);
    const wallMs = Date.now() - started;
    log(`drained in ${(wallMs / 1000).toFixed(1)} s; checking the ledger`);
    await Promise.all(workers.map((w) => stopWorker(w)));

    // --- The ledger ---------------------------------------------------------------------------
    const lines = allWorkers.flatMap((w) => parseLogLines(w.lines));
    const lostReplies = new Set(
      lines
        .filter(
          (l) =>
            (l.msg ?? '').endsWith('attempt failed; will retry') &&
            l.reason === 'submit_outcome_unknown',
        )
        .map((l) => String(l.jobId)),
    );
    const stats = emulator.stats();
    const remote = emulator.jobs();
    const remoteById = new Map(remote.map((r) => [r.jobId, r]));
    const remoteByLocation = new Map<string, typeof remote>();
    for (const r of remote) {
      for (const out of r.outputs) {
        const list = remoteByLocation.get(out) ?? [];
        list.push(r);
        remoteByLocation.set(out, list);
      }
    }
    const href = (ref: string): string => ref.replace('s3://', `${s3.endpoint}/`);

    let completed = 0;
    let extraSubmits = 0;
    let jobsWithExtraSubmits = 0;
    const extraSubmitCauses = { lostReply: 0, killOrRestart: 0 };
    const failedByReason: Record<string, number> = {};
    if (new Set(ids).size !== jobs)
      breaches.push(`${new Set(ids).size} distinct ids for ${jobs} jobs`);
    for (const id of ids) {
      const job = await edits.queue.getJob(id);
      if (!job) {
        breaches.push(`job ${id} is gone`);
        continue;
      }
      const state = await job.getState();
      const out = outputs.get(id)!;
      const location = href(out.ref);
      const accepted = stats.submitsByLocation[location] ?? 0;
      if (accepted > 1) {
        extraSubmits += accepted - 1;
        jobsWithExtraSubmits += 1;
        if (lostReplies.has(id)) extraSubmitCauses.lostReply += 1;
        else if (exposure.has(id)) extraSubmitCauses.killOrRestart += 1;
        const explained = exposure.has(id) || lostReplies.has(id);
        if (!explained) {
          const seen = lines
            .filter((l) => l.jobId === id)
            .map((l) => `${l.msg ?? ''}${l.reason ? ` (${String(l.reason)})` : ''}`);
          breaches.push(
            `job ${id}: ${accepted} accepted submits, no kill or lost reply explains it; its log: ${seen.join(' | ')}`,
          );
        }
      }
      const checkpoint = job.data.submittedAt;
      if (checkpoint !== undefined) {
        const later = (remoteByLocation.get(location) ?? []).filter(
          (r) => Date.parse(r.createdAt) > checkpoint,
        );
        if (later.length > 0) breaches.push(`job ${id}: submitted again after its checkpoint`);
      }
      if (state === 'completed') {
        completed += 1;
        if ((completedEvents.get(id) ?? 0) > 1) {
          breaches.push(`job ${id}: ${completedEvents.get(id)} completed events`);
        }
        const result = job.returnvalue;
        // A storage that answers "no such object" (or any refusal) is a breach; an unreachable
        // one still ends the run, as it cannot say anything about the job.
        const body = await storage.download(out.ref).catch((err: unknown) => {
          if (err instanceof ObjectNotFoundError || err instanceof StorageBackendError) {
            return Buffer.alloc(0);
          }
          throw err;
        });
        if (body.length === 0) breaches.push(`job ${id}: output ${out.ref} missing`);
        else if (!body.subarray(0, out.magic.length).equals(out.magic)) {
          breaches.push(`job ${id}: output ${out.ref} has the wrong format`);
        }
        if (result?.outputs[0]?.size !== body.length) {
          breaches.push(
            `job ${id}: result says ${result?.outputs[0]?.size} bytes, storage has ${body.length}`,
          );
        }
      } else if (state === 'failed') {
        const { reason } = parseFailedReason(job.failedReason);
        failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
        const remoteJob = job.data.remoteJobId ? remoteById.get(job.data.remoteJobId) : undefined;
        const explained =
          (reason === 'remote_failed' && remoteJob?.status === 'failed') ||
          reason === 'retries_exhausted' ||
          (reason === 'stalled' && (exposure.get(id) ?? 0) >= 2);
        if (!explained)
          breaches.push(`job ${id}: failed ${reason}, which no injected fault explains`);
      } else {
        breaches.push(`job ${id} ended ${state}`);
      }
    }
    const finalCounts = await edits.counts();
    for (const state of ['active', 'delayed', 'waiting', 'prioritized'] as const) {
      if ((finalCounts[state] ?? 0) > 0) breaches.push(`${finalCounts[state]} jobs left ${state}`);
    }

    // --- Secrets ----------------------------------------------------------------------------
    const literals = [CLIENT.clientSecret, ...ims.tokens()];
    if (ims.tokens().length === 0)
      breaches.push('no access token was recorded; the scan would be blind');
    const scanClient = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const scanned = await scanRedisForSecrets(scanClient, literals).finally(() =>
      scanClient.disconnect(),
    );
    const logFindings = allWorkers.flatMap((w) => scanLinesForSecrets(w.name, w.lines, literals));
    for (const f of [...scanned.findings, ...logFindings])
      breaches.push(`secret: ${f.what} in ${f.where}`);

    const faults: Record<string, number> = {};
    for (const client of Object.values(stats.clients)) {
      for (const [kind, n] of Object.entries(client.faults)) faults[kind] = (faults[kind] ?? 0) + n;
    }
    return {
      jobs,
      completed,
      failedByReason,
      kills,
      sigterms,
      redisRestarts,
      extraSubmits,
      jobsWithExtraSubmits,
      extraSubmitCauses,
      faults,
      longestDrainMs,
      redisKeysScanned: scanned.keys,
      logLinesScanned: allWorkers.reduce((n, w) => n + w.lines.length, 0),
      wallMs,
      breaches,
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}
