import type { EditRequest } from './edit-job';

/** Where a job is in the step machine. */
export type EditStep = 'submit' | 'poll';

/**
 * What Redis holds for one edit job. Storage references only: no presigned URL, token or secret
 * ever goes in here (the worker presigns in memory at submit time).
 */
export interface EditJobData {
  v: 1;
  request: EditRequest;
  account: string;
  tenant?: string;
  /** Epoch ms after which the job ends `deadline_exceeded`. */
  deadlineAt: number;
  enqueuedAt: number;
  fingerprint: string;
  /** Random per add: tells the caller whether its add created the job or found an earlier one. */
  nonce: string;
  step: EditStep;
  /** Adobe's status link, saved before anything else can fail after the submit (the checkpoint). */
  statusUrl?: string;
  remoteJobId?: string;
  submittedAt?: number;
  /** When the worker first took the job (queue wait ends here). */
  startedAt?: number;
  /** POSTs made for this job; more than one only when a worker died between a POST and its checkpoint. */
  submits?: number;
  polls?: number;
  /** 429s met so far; a job that never got submitted because of them ends `rate_limited_too_long`. */
  rateLimited?: number;
}

/** One output of a completed job: where it is and how big. No URL. */
export interface EditOutputResult {
  ref: string;
  size: number;
}

/** What a completed job returns (stored by BullMQ as the return value). No URL. */
export interface EditJobResult {
  outputs: EditOutputResult[];
  remoteJobId?: string;
  polls: number;
  submits: number;
  timings: {
    enqueuedAt: number;
    startedAt: number;
    submittedAt: number;
    /** When Adobe says the job finished (its `modified` time), or when the worker saw it finished. */
    remoteFinishedAt: number;
    completedAt: number;
    queuedMs: number;
    remoteMs: number;
    /** From Adobe's finish to Darkroom's completion: the cost of polling. */
    detectionLagMs: number;
  };
}
