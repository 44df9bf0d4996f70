import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { closeAll, closeOnce, coerceError, withoutQuery } from '@darkroom/core';
import { type OperationSpec } from '@darkroom/photoshop';
import { type ResolvedOptions } from '../config/options';
import { type FaultInjector } from '../faults/fault-injector';
import { SeededRandom } from '../faults/random';
import { loadDocument, renderDocument } from '../image/document';
import { placeholderBytes } from '../image/encode';
import { type Raster } from '../image/raster';
import { fileName } from '../operations/shared-steps';
import { mainInputHref, outputTargets, type OutputTarget } from '../operations/job-files';
import { runners } from '../operations/registry';
import { type JobResult, type WorkContext } from '../operations/work-context';
import { type EmulatorMetrics } from '../stats/metrics';
import { type Evidence } from '../stats/evidence';
import { JobFailedError, failures } from './job-failure';
import { type JobRecord, phaseOf } from './job-record';
import { HostedFiles } from './hosted-files';
import { Semaphore } from './semaphore';
import { refusedFields } from '../validation/field-refusals';
import {
  downloadInput,
  TransferAgents,
  uploadContentType,
  uploadOutput,
  uploadRequest,
} from './transfer';

/** v2 embedded output content: text, base64, or parsed JSON (text when it is not JSON). */
function embeddedContent(kind: string, bytes: Buffer): unknown {
  if (kind === 'base64') return bytes.toString('base64');
  const text = bytes.toString('utf8');
  if (kind !== 'json') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Accepts jobs, runs their work once their simulated `pending` time is over, and keeps them
 * for status reads. Time is lazy: the phase is computed from timestamps when read, so a status
 * GET costs no timer; only the start of the work is scheduled.
 */
export class JobManager {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Aborts every transfer at close. Each transfer in flight listens on it, so hundreds may listen
   * at once; that is expected, not a leak (a transfer's listener goes when the transfer ends).
   */
  private readonly abort = unlimitedListeners(new AbortController());
  private readonly durations: SeededRandom;
  private readonly work: Semaphore;
  private readonly placeholders = new Map<string, Promise<Buffer>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly agents = new TransferAgents();
  readonly hostedFiles = new HostedFiles();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly faults: FaultInjector,
    private readonly evidence: Evidence,
    private readonly metrics: EmulatorMetrics,
    /** Told of each job once its status reads answer succeeded or failed (never before). */
    private readonly onFinal: (job: JobRecord) => void = () => undefined,
  ) {
    // Durations have their own stream so turning faults on does not change job timings.
    this.durations = new SeededRandom(options.seed ^ 0x5bd1e995);
    this.work = new Semaphore(options.imageWorkConcurrency);
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  submit(
    op: OperationSpec,
    body: Record<string, unknown>,
    clientId: string,
    origin: string,
    imsOrgId?: string,
  ): JobRecord {
    const now = Date.now();
    const range = this.options.durations[op.durationClass];
    const duration = this.durations.between(range.minMs, range.maxMs) * this.options.timeFactor;
    const outputs = outputTargets(op, body);
    const job: JobRecord = {
      id: randomUUID(),
      op,
      clientId,
      ...(imsOrgId !== undefined ? { imsOrgId } : {}),
      body,
      outputs,
      mainInput: mainInputHref(op, body),
      createdAt: now,
      startAt: now + duration * this.options.durations.pendingShare,
      finishAt: now + duration,
      embedded: new Map(),
      hosted: new Map(),
      origin,
      injectedFailure: this.faults.jobFails(),
      storageFaults: { uploadContentType: 'output-type' },
      replyFaults: [],
      statusGets: 0,
    };
    const uploadFault = outputs.findIndex((o) => o.href !== undefined && this.faults.uploadFails());
    if (uploadFault >= 0) job.failUploadIndex = uploadFault;
    job.storageFaults = this.faults.forJobStorage(now);
    this.jobs.set(job.id, job);
    this.schedule(job);
    return job;
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  list(): JobRecord[] {
    return [...this.jobs.values()];
  }

  private schedule(job: JobRecord): void {
    const delay = Math.max(0, job.startAt - Date.now());
    const start = (): void => {
      const run = this.run(job).finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    };
    if (delay === 0) {
      start();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      start();
    }, delay);
    this.timers.add(timer);
  }

  private async run(job: JobRecord): Promise<void> {
    const started = Date.now();
    try {
      if (job.injectedFailure) {
        this.evidence.fault(job.clientId, 'jobFailure');
        this.metrics.faults.inc({ kind: 'jobFailure' });
        throw new JobFailedError(failures.internal('the remote job failed (injected fault)'));
      }
      // A field the emulator would not honour fails the job rather than being ignored.
      const refused = refusedFields(job.op.id, job.body);
      if (refused.length > 0) throw new JobFailedError(failures.notImplementedFields(refused));
      if (this.options.processing === 'placeholder') {
        job.result = await this.placeholderWork(job);
      } else {
        const release = await this.work.acquire();
        try {
          job.result = await runners[job.op.id](this.context(job));
        } finally {
          release();
        }
      }
    } catch (err) {
      if (this.abort.signal.aborted) return;
      job.failure =
        err instanceof JobFailedError ? err.failure : failures.internal(coerceError(err).message);
    }
    if (this.abort.signal.aborted) return;
    job.settledAt = Date.now();
    this.metrics.jobs.inc({ operation: job.op.id, outcome: job.failure ? 'failed' : 'succeeded' });
    this.metrics.jobSeconds.observe({ operation: job.op.id }, (job.settledAt - started) / 1000);
    this.announce(job);
  }

  /**
   * Tells `onFinal` once status reads answer the outcome: a job whose work ended before its
   * simulated duration is over is announced when that duration ends.
   */
  private announce(job: JobRecord): void {
    const phase = phaseOf(job, Date.now());
    if (phase === 'succeeded' || phase === 'failed') {
      try {
        this.onFinal(job);
      } catch (err) {
        console.error(`emulator: publishing job ${job.id} failed: ${coerceError(err).message}`);
      }
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.announce(job);
      },
      Math.max(1, Math.ceil(job.finishAt - Date.now())),
    );
    this.timers.add(timer);
  }

  private transferOptions() {
    return {
      timeoutMs: this.options.transferTimeoutMs,
      maxInputBytes: this.options.maxInputBytes,
      signal: this.abort.signal,
      agents: this.agents,
    };
  }

  private async writeOutput(
    job: JobRecord,
    output: OutputTarget,
    bytes: Buffer,
    contentType: string,
  ): Promise<void> {
    const index = job.outputs.indexOf(output);
    if (output.embedded !== undefined) {
      job.embedded.set(index, embeddedContent(output.embedded, bytes));
      return;
    }
    if (output.hostedSeconds !== undefined) {
      const path = this.hostedFiles.put(bytes, contentType, output.hostedSeconds * 1000);
      job.hosted.set(index, `${job.origin}${path}`);
      return;
    }
    if (!output.href) {
      throw new JobFailedError(failures.invalidRequest(output.path, 'the output has no href'));
    }
    if (index === job.failUploadIndex) {
      this.evidence.fault(job.clientId, 'uploadFailure');
      this.metrics.faults.inc({ kind: 'uploadFailure' });
      throw new JobFailedError(
        failures.uploadFailed(withoutQuery(output.href), 'upload failed (injected fault)'),
      );
    }
    await this.failIfExpired(job, output.href, 'output');
    const headerType = uploadContentType(job.storageFaults.uploadContentType, contentType);
    await uploadOutput(
      output.href,
      bytes,
      uploadRequest(output.storage, headerType),
      this.transferOptions(),
    );
  }

  /**
   * A transfer the job's expiry fault reaches fails as storage's 403 for an expired presigned
   * URL would make it fail, with the same failure; no request is sent.
   */
  private failIfExpired(job: JobRecord, href: string, side: 'input' | 'output'): Promise<void> {
    const expireAt = job.storageFaults.urlsExpireAt;
    if (expireAt === undefined || Date.now() < expireAt) return Promise.resolve();
    this.evidence.fault(job.clientId, 'urlExpired');
    this.metrics.faults.inc({ kind: 'urlExpired' });
    const name = withoutQuery(href);
    const why = 'the presigned URL expired (injected fault)';
    return Promise.reject(
      new JobFailedError(
        side === 'input'
          ? failures.inputForbidden(name, `${why}: storage answered HTTP 403`)
          : failures.uploadFailed(name, `upload answered HTTP 403: ${why}`),
      ),
    );
  }

  private context(job: JobRecord): WorkContext {
    const downloads = new Map<string, Promise<Buffer>>();
    const images = new Map<string, Promise<Raster>>();
    const download = (href: string): Promise<Buffer> => {
      let bytes = downloads.get(href);
      if (!bytes) {
        bytes = this.failIfExpired(job, href, 'input').then(() =>
          downloadInput(href, this.transferOptions()),
        );
        downloads.set(href, bytes);
      }
      return bytes;
    };
    const loadDocumentFrom = async (href: string) => {
      const bytes = await download(href);
      try {
        return await loadDocument(bytes, fileName(href, 'input'));
      } catch (err) {
        throw new JobFailedError(
          failures.inputUnreadable(
            withoutQuery(href),
            `not a readable PSD, JPEG, PNG or TIFF file: ${coerceError(err).message}`,
          ),
        );
      }
    };
    return {
      op: job.op,
      body: job.body,
      outputs: job.outputs,
      mainInput: job.mainInput,
      download,
      loadDocument: loadDocumentFrom,
      loadImage: (href) => {
        let image = images.get(href);
        if (!image) {
          image = loadDocumentFrom(href).then((doc) => renderDocument(doc));
          images.set(href, image);
        }
        return image;
      },
      write: (output, bytes, contentType) => this.writeOutput(job, output, bytes, contentType),
      host: (bytes, contentType, ttlMs) =>
        `${job.origin}${this.hostedFiles.put(bytes, contentType, ttlMs)}`,
    };
  }

  /** Benchmark mode: no download, no image work; a tiny generated file per output. */
  private async placeholderWork(job: JobRecord): Promise<JobResult> {
    for (const output of job.outputs) {
      let bytes = this.placeholders.get(output.type);
      if (!bytes) {
        bytes = placeholderBytes(output.type);
        this.placeholders.set(output.type, bytes);
      }
      await this.writeOutput(job, output, await bytes, output.type);
    }
    if (job.op.id === 'documentManifest' || job.op.id === 'v2.generateManifest') {
      return {
        manifest: {
          document: { name: 'placeholder.psd', width: 4, height: 4, imageMode: 'rgb', bitDepth: 8 },
          layers: [],
        },
      };
    }
    if (job.op.id === 'v2.autoCrop') return { autoCrop: { subject: [], objects: [], crops: [] } };
    return {};
  }

  /** Forgets finished jobs older than the retention period. */
  private sweep(): void {
    const cutoff = Date.now() - this.options.jobRetentionMs;
    for (const [id, job] of this.jobs) {
      if (job.settledAt !== undefined && job.settledAt < cutoff) this.jobs.delete(id);
    }
    this.hostedFiles.sweep(60 * 60 * 1000);
  }

  phase(job: JobRecord, now = Date.now()) {
    return phaseOf(job, now);
  }

  /**
   * Stops scheduling, aborts transfers in flight, waits for running work to end, then drops the
   * storage connection pools; every step runs even when one fails, and every failure is
   * reported. A second call returns the same promise.
   */
  readonly close = closeOnce(() =>
    closeAll([
      () => {
        clearInterval(this.sweeper);
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
        this.abort.abort();
      },
      // Read after the abort, so work that started up to then is waited for too.
      () =>
        closeAll(
          [...this.inFlight].map((run) => () => run),
          { concurrent: true },
        ),
      () => this.agents.destroy(),
    ]),
  );
}

function unlimitedListeners(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}
