import { withoutQuery } from '@darkroom/core';
import { type JobManager } from './job-manager';
import { type AcceptedReplyFaultKind, phaseOf, type JobRecord } from './job-record';

/** A job as the admin listing shows it: no presigned query strings. */
export interface JobSummary {
  jobId: string;
  operation: string;
  generation: string;
  clientId: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  createdAt: string;
  /** The simulated duration drawn for the job (after timeFactor). */
  simulatedDurationMs: number;
  finishedAt?: string;
  input?: string;
  outputs: string[];
  statusGets: number;
  /** Faults on the reply to the submit that created the job (the client saw the 202 late, a 5xx instead, or no reply). */
  replyFaults?: AcceptedReplyFaultKind[];
  error?: { type: string; title: string; reasons: string[] };
}

function summarize(job: JobRecord, now: number): JobSummary {
  const status = phaseOf(job, now);
  const summary: JobSummary = {
    jobId: job.id,
    operation: job.op.id,
    generation: job.op.generation,
    clientId: job.clientId,
    status,
    createdAt: new Date(job.createdAt).toISOString(),
    simulatedDurationMs: job.finishAt - job.createdAt,
    outputs: job.outputs.map((o) => (o.href ? withoutQuery(o.href) : `(embedded ${o.type})`)),
    statusGets: job.statusGets,
  };
  if (job.mainInput) summary.input = withoutQuery(job.mainInput);
  if (job.replyFaults.length > 0) summary.replyFaults = [...job.replyFaults];
  if ((status === 'succeeded' || status === 'failed') && job.settledAt !== undefined) {
    summary.finishedAt = new Date(Math.max(job.finishAt, job.settledAt)).toISOString();
  }
  if (status === 'failed' && job.failure) {
    summary.error = {
      type: job.failure.type,
      title: job.failure.title,
      reasons: job.failure.details.map((d) => `${d.name}: ${d.reason}`),
    };
  }
  return summary;
}

/** Every job the emulator still remembers, as of one instant. */
export function summarizeJobs(jobs: JobManager): JobSummary[] {
  const now = Date.now();
  return jobs.list().map((job) => summarize(job, now));
}
