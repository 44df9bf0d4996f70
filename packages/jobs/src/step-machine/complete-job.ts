import type { Job } from 'bullmq';
import { withoutUrls } from '@darkroom/core';
import { getOperation, type NormalizedStatus } from '@darkroom/photoshop';
import type { EditJobData, EditJobResult, EditOutputResult, SubmitIntent } from '../job-data';
import { failJob } from './fail-job';
import { copyHostedResults } from './hosted-results';
import type { StepContext } from './step-context';

/** What the poll step learned about a remote run that Adobe reported as finished. */
export interface FinishedRemoteRun {
  polls: number;
  remoteJobId: string | undefined;
  submittedAt: number;
  /** Adobe's start of the run, or the submit time when Adobe gave none. */
  remoteStart: number;
  remoteFinishedAt: number;
  /** When Darkroom saw the run finished; the job completes at this time. */
  detectedAt: number;
}

/**
 * Completes a job whose remote run succeeded: records the run's duration for future poll
 * timing, writes Adobe's answer for operations that answer in their status (copying the files
 * Adobe hosts for it), checks that every output exists and is not empty, and builds the
 * URL-free result. A hosted file that cannot be copied throws `HostedCopyError`.
 */
export async function completeJob(
  ctx: StepContext,
  job: Job<EditJobData>,
  status: NormalizedStatus,
  run: FinishedRemoteRun,
  signal?: AbortSignal,
  confirmedBy: 'status' | 'event' = 'status',
): Promise<EditJobResult> {
  const data = job.data;
  const operation = getOperation(data.request.operation);
  await ctx.options.estimator.record(
    operation.id,
    Math.max(0, run.remoteFinishedAt - run.remoteStart),
  );
  const copies = operation.maxOutputs === 0 ? await writeAnswer(ctx, job, status, signal) : [];
  ctx.journal.hostedCopies(
    job,
    copies.map((c) => c.ref),
  );
  const outputs = [...(await statOutputs(ctx, job)), ...copies];
  const startedAt = data.startedAt ?? run.submittedAt;
  const result: EditJobResult = {
    outputs,
    ...(run.remoteJobId ? { remoteJobId: run.remoteJobId } : {}),
    polls: run.polls,
    submits: data.submits ?? 1,
    confirmedBy,
    timings: {
      enqueuedAt: data.enqueuedAt,
      startedAt,
      submittedAt: run.submittedAt,
      remoteFinishedAt: run.remoteFinishedAt,
      completedAt: run.detectedAt,
      queuedMs: Math.max(0, startedAt - data.enqueuedAt),
      remoteMs: Math.max(0, run.remoteFinishedAt - run.remoteStart),
      detectionLagMs: Math.max(0, run.detectedAt - run.remoteFinishedAt),
    },
  };
  ctx.observer.completed?.(job, result);
  ctx.journal.completed(job, result);
  return result;
}

/**
 * Completes a job whose submit reply was lost but whose outputs were all found written after that
 * submit: Adobe ran it. No status was read, so Adobe's own timings are unknown; the last output's
 * write time stands for the run's end.
 */
export async function completeByOutputs(
  ctx: StepContext,
  job: Job<EditJobData>,
  intent: SubmitIntent,
  lastWrittenAt: number,
): Promise<EditJobResult> {
  const data = job.data;
  const outputs = await statOutputs(ctx, job);
  const now = Date.now();
  const startedAt = data.startedAt ?? intent.at;
  const result: EditJobResult = {
    outputs,
    polls: data.polls ?? 0,
    submits: data.submits ?? 1,
    confirmedBy: 'outputs',
    timings: {
      enqueuedAt: data.enqueuedAt,
      startedAt,
      submittedAt: intent.at,
      remoteFinishedAt: lastWrittenAt,
      completedAt: now,
      queuedMs: Math.max(0, startedAt - data.enqueuedAt),
      remoteMs: Math.max(0, lastWrittenAt - intent.at),
      detectionLagMs: Math.max(0, now - lastWrittenAt),
    },
  };
  ctx.observer.completed?.(job, result);
  ctx.journal.completed(job, result);
  return result;
}

/**
 * Operations without image outputs answer in the status reply itself; Darkroom writes that reply
 * to the job's one JSON output so Redis never holds it. The files the reply links to (masks,
 * crops Adobe hosts for a while) are copied beside it first and named there by `ref`; every
 * other URL is stripped. Without a JSON output nothing is written or copied.
 */
async function writeAnswer(
  ctx: StepContext,
  job: Job<EditJobData>,
  status: NormalizedStatus,
  signal?: AbortSignal,
): Promise<EditOutputResult[]> {
  const target = job.data.request.outputs[0];
  if (!target) return [];
  const document: unknown = structuredClone(status.manifest ?? status.raw);
  const storage = ctx.options.storage;
  const copies = await copyHostedResults(storage, target.ref, document, status, signal);
  await storage.upload(
    target.ref,
    Buffer.from(JSON.stringify(withoutUrls(document), null, 2)),
    'application/json',
  );
  return copies;
}

/** Sizes of the job's outputs; a missing or empty one fails the job as `output_missing`. */
async function statOutputs(ctx: StepContext, job: Job<EditJobData>): Promise<EditOutputResult[]> {
  const requested = job.data.request.outputs;
  const outputs: EditOutputResult[] = [];
  // Checked together (up to 25 outputs): the slot is held for the slowest check, not their sum.
  const stats = await Promise.all(requested.map((o) => ctx.options.storage.stat(o.ref)));
  for (const [i, output] of requested.entries()) {
    const stat = stats[i]!;
    if (!stat.exists || !stat.size) {
      return failJob(
        ctx,
        job,
        'output_missing',
        `${output.ref} is ${stat.exists ? 'empty' : 'missing'} after Adobe reported success`,
      );
    }
    outputs.push({ ref: output.ref, size: stat.size });
  }
  return outputs;
}
