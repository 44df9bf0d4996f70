import type { Job } from 'bullmq';
import type { EmulatorStats, JobSummary } from '@darkroom/emulator';
import {
  parseFailedReason,
  type EditJobData,
  type EditJobResult,
  type EditQueue,
} from '@darkroom/jobs';
import { ObjectNotFoundError, StorageBackendError, type StorageRegistry } from '@darkroom/storage';
import type { WorkerLogLine } from '../support/worker-process';
import type { ExpectedOutput } from './chaos-load';

type EditJob = Job<EditJobData, EditJobResult>;

/** The ledger's sources, each kept apart from the workers' own view of their jobs. */
export interface LedgerSources {
  jobs: number;
  ids: readonly string[];
  outputs: ReadonlyMap<string, ExpectedOutput>;
  edits: EditQueue;
  storage: StorageRegistry;
  /** The emulator's evidence: accepted submits per output location, and its remote jobs. */
  stats: EmulatorStats;
  remote: readonly JobSummary[];
  /** s3rver's origin, as output locations appear in the emulator's evidence. */
  s3Endpoint: string;
  /** Every worker's parsed log lines. */
  lines: readonly WorkerLogLine[];
  /** Jobs active at a kill or Redis stop, with how often. */
  exposure: ReadonlyMap<string, number>;
  /** The queue's completion events per job. */
  completedEvents: ReadonlyMap<string, number>;
  breaches: string[];
}

/** What the ledger counted. */
export interface LedgerTally {
  completed: number;
  failedByReason: Record<string, number>;
  /** Adobe jobs beyond one per edit that no failed remote run accounts for. */
  extraSubmits: number;
  /** Edits with such jobs, each explained by a kill, a Redis restart or a lost reply. */
  jobsWithExtraSubmits: number;
  /** Those edits by what explains them: a lost submit reply, or a kill or Redis restart. */
  extraSubmitCauses: { lostReply: number; killOrRestart: number };
  /** Adobe jobs run again because Adobe reported the earlier one failed on its side. */
  remoteFailuresResubmitted: number;
  /** Submit POSTs the edits counted, and the POSTs the emulator received for them. */
  postsCounted: number;
  postsReceived: number;
  /** Edits whose count differs from the emulator's. */
  countMismatches: number;
  /** Of those, edits one ahead whose worker was killed or whose Redis stopped while they ran. */
  countMismatchesAtKill: number;
  /** Most POSTs one edit sent that were not answered 429. */
  mostPostsForOneEdit: number;
  /** Completed edits whose submit reply was lost and whose outputs proved the run. */
  confirmedByOutputs: number;
}

/** Most POSTs one edit may send in a round: the first and Adobe's three retries. */
const MAX_POSTS_PER_EDIT = 4;

/** Lookups built once from the sources. */
interface Ledger extends LedgerSources {
  /** Jobs whose submit reply was lost (the worker logged `submit_outcome_unknown`). */
  lostReplies: Set<string>;
  remoteById: Map<string, JobSummary>;
  remoteByLocation: Map<string, JobSummary[]>;
  tally: LedgerTally;
}

function buildLedger(sources: LedgerSources): Ledger {
  const lostReplies = new Set(
    sources.lines
      .filter(
        (l) =>
          (l.msg ?? '').endsWith('attempt failed; will retry') &&
          l.reason === 'submit_outcome_unknown',
      )
      .map((l) => String(l.jobId)),
  );
  const remoteByLocation = new Map<string, JobSummary[]>();
  for (const r of sources.remote) {
    for (const out of r.outputs) {
      const list = remoteByLocation.get(out) ?? [];
      list.push(r);
      remoteByLocation.set(out, list);
    }
  }
  return {
    ...sources,
    lostReplies,
    remoteById: new Map(sources.remote.map((r) => [r.jobId, r])),
    remoteByLocation,
    tally: {
      completed: 0,
      failedByReason: {},
      extraSubmits: 0,
      jobsWithExtraSubmits: 0,
      extraSubmitCauses: { lostReply: 0, killOrRestart: 0 },
      remoteFailuresResubmitted: 0,
      postsCounted: 0,
      postsReceived: 0,
      countMismatches: 0,
      countMismatchesAtKill: 0,
      mostPostsForOneEdit: 0,
      confirmedByOutputs: 0,
    },
  };
}

/**
 * Every POST is counted where it is made: the edit's count equals what the emulator received,
 * and no edit sends more than four. A failed remote run Adobe blamed on itself is submitted
 * again by design; any other Adobe job beyond one must be explained by a kill, a Redis stop or
 * a lost reply.
 */
function checkSubmits(ledger: Ledger, id: string, job: EditJob, location: string): void {
  const { tally, lostReplies, exposure } = ledger;
  const counted = job.data.submits ?? 0;
  const received = ledger.stats.submitsReceivedByLocation[location] ?? 0;
  // 429s were refused before any work and are waited out, not retried: the bound is on the rest.
  const answered = received - (ledger.stats.submitsThrottledByLocation[location] ?? 0);
  tally.postsCounted += counted;
  tally.postsReceived += received;
  tally.mostPostsForOneEdit = Math.max(tally.mostPostsForOneEdit, answered);
  if (counted !== received) {
    tally.countMismatches += 1;
    // A worker killed (or a Redis stopped) after the record was written and before the bytes
    // left counts one POST Adobe never got: the one way the record may run ahead.
    if (counted === received + 1 && exposure.has(id)) tally.countMismatchesAtKill += 1;
    else {
      const seen = ledger.lines.filter((l) => l.jobId === id).map((l) => l.msg ?? '');
      ledger.breaches.push(
        `job ${id}: counted ${counted} submits, the emulator received ${received}; its log: ${seen.join(' | ')}`,
      );
    }
  }
  if (answered > MAX_POSTS_PER_EDIT) {
    ledger.breaches.push(
      `job ${id}: ${answered} submit POSTs beyond 429s, more than ${MAX_POSTS_PER_EDIT}`,
    );
  }
  // Runs that failed on Adobe's side wrote nothing: the edit rightly sent another POST after each,
  // whether it knew the run (its status said so) or not (the submit's answer was lost).
  const remoteFailed = (ledger.remoteByLocation.get(location) ?? []).filter(
    (r) => r.status === 'failed',
  ).length;
  tally.remoteFailuresResubmitted += remoteFailed;
  const accepted = (ledger.stats.submitsByLocation[location] ?? 0) - remoteFailed;
  if (accepted <= 1) return;
  tally.extraSubmits += accepted - 1;
  tally.jobsWithExtraSubmits += 1;
  if (lostReplies.has(id)) tally.extraSubmitCauses.lostReply += 1;
  else if (exposure.has(id)) tally.extraSubmitCauses.killOrRestart += 1;
  if (exposure.has(id) || lostReplies.has(id)) return;
  const seen = ledger.lines
    .filter((l) => l.jobId === id)
    .map((l) => `${l.msg ?? ''}${l.reason ? ` (${String(l.reason)})` : ''}`);
  ledger.breaches.push(
    `job ${id}: ${accepted} accepted submits, no kill or lost reply explains it; its log: ${seen.join(' | ')}`,
  );
}

/** A job that saved its status URL never submits again: no Adobe job came after the saved one. */
function checkCheckpoint(ledger: Ledger, id: string, job: EditJob, location: string): void {
  const saved = job.data.remoteJobId ? ledger.remoteById.get(job.data.remoteJobId) : undefined;
  if (saved === undefined) return;
  const later = (ledger.remoteByLocation.get(location) ?? []).filter(
    (r) => Date.parse(r.createdAt) > Date.parse(saved.createdAt),
  );
  if (later.length > 0) ledger.breaches.push(`job ${id}: submitted again after its checkpoint`);
}

/** A completed job completed once, and its output is in storage, of its type and size. */
async function checkCompleted(
  ledger: Ledger,
  id: string,
  job: EditJob,
  out: ExpectedOutput,
): Promise<void> {
  const { breaches } = ledger;
  ledger.tally.completed += 1;
  if (job.returnvalue?.confirmedBy === 'outputs') ledger.tally.confirmedByOutputs += 1;
  if ((ledger.completedEvents.get(id) ?? 0) > 1) {
    breaches.push(`job ${id}: ${ledger.completedEvents.get(id)} completed events`);
  }
  const result = job.returnvalue;
  // A storage that answers "no such object" (or any refusal) is a breach; an unreachable one
  // still ends the run, as it cannot say anything about the job.
  const body = await ledger.storage.download(out.ref).catch((err: unknown) => {
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
}

/** A failed job failed for a reason an injected fault or a kill explains. */
function checkFailed(ledger: Ledger, id: string, job: EditJob): void {
  const { reason } = parseFailedReason(job.failedReason);
  const { failedByReason } = ledger.tally;
  failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
  const remoteJob = job.data.remoteJobId ? ledger.remoteById.get(job.data.remoteJobId) : undefined;
  const explained =
    (reason === 'remote_failed' && remoteJob?.status === 'failed') ||
    reason === 'retries_exhausted' ||
    (reason === 'stalled' && (ledger.exposure.get(id) ?? 0) >= 2);
  if (!explained)
    ledger.breaches.push(`job ${id}: failed ${reason}, which no injected fault explains`);
}

/** Where an unfinished job was: its step, its Adobe job and its attempts. */
function unfinishedDetail(job: Job<EditJobData>): string {
  const { step, polls, submits, remoteJobId } = job.data;
  return [
    `step ${step}`,
    `${submits ?? 0} submits, ${polls ?? 0} polls`,
    remoteJobId ? `Adobe job ${remoteJobId}` : 'not submitted',
    `picked up ${job.attemptsStarted} times`,
  ].join(', ');
}

/**
 * Checks every job's outcome against the ledger, adding a breach for each broken guarantee:
 * every job ended completed or failed, extra submits are explained, no submit after a
 * checkpoint, outputs exist with the right format and size, failures have a cause, and
 * nothing is left in the queue.
 */
export async function checkLedger(sources: LedgerSources): Promise<LedgerTally> {
  const ledger = buildLedger(sources);
  const { ids, jobs, breaches } = ledger;
  if (new Set(ids).size !== jobs)
    breaches.push(`${new Set(ids).size} distinct ids for ${jobs} jobs`);
  for (const id of ids) {
    const job = await ledger.edits.queue.getJob(id);
    if (!job) {
      breaches.push(`job ${id} is gone`);
      continue;
    }
    const state = await job.getState();
    const out = ledger.outputs.get(id)!;
    const location = out.ref.replace('s3://', `${ledger.s3Endpoint}/`);
    checkSubmits(ledger, id, job, location);
    checkCheckpoint(ledger, id, job, location);
    if (state === 'completed') await checkCompleted(ledger, id, job, out);
    else if (state === 'failed') checkFailed(ledger, id, job);
    else breaches.push(`job ${id} ended ${state} (${unfinishedDetail(job)})`);
  }
  const finalCounts = await ledger.edits.counts();
  for (const state of ['active', 'delayed', 'waiting', 'prioritized'] as const) {
    if ((finalCounts[state] ?? 0) > 0) breaches.push(`${finalCounts[state]} jobs left ${state}`);
  }
  return ledger.tally;
}
