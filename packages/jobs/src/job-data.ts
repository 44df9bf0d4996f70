import type { TraceCarrier } from '@darkroom/tracing';
import type { BatchMember } from './batches/batch-member';
import type { EditRequest } from './edit-job';

/**
 * Where a job is in the step machine. `reconcile`: a POST was sent and its reply did not say
 * whether Adobe took the job; nothing is sent again until the outputs have been looked for.
 */
export const editSteps = ['submit', 'poll', 'reconcile'] as const;
export type EditStep = (typeof editSteps)[number];

/** A submit POST as recorded in Redis before it leaves. */
export interface SubmitIntent {
  /** Epoch ms just before the POST was sent. */
  at: number;
  /** Random, so one POST can be told from another in logs and events. */
  nonce: string;
}

/**
 * What Redis holds for one edit job. Storage references only: no presigned URL, token or secret
 * ever goes in here (the worker presigns in memory at submit time).
 */
export interface EditJobData {
  v: 1;
  request: EditRequest;
  account: string;
  tenant?: string;
  /**
   * Where the application wants the edit's signed result POSTed when it ends. The URL is the
   * application's own endpoint (so it is stored as given, query string included, and sent to),
   * but every view, log line, metric and error shows it as origin and path only.
   */
  callback?: { url: string };
  /** The batch that created the edit (`EditQueue.enqueueBatch`), and its place in it. */
  batch?: BatchMember;
  /** The recipe run this edit is a step of (`EditQueue.enqueueRecipe`), and the step's name. */
  run?: { id: string; step: string };
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
  /**
   * Submit POSTs Adobe received for this edit over its whole life, whatever the answer (a 429
   * too). Written before each POST leaves, so a crash after sending still counts it; taken back
   * when the POST provably never left (no token, connection refused).
   */
  submits?: number;
  polls?: number;
  /** 429s met so far; a job that never got submitted because of them ends `rate_limited_too_long`. */
  rateLimited?: number;
  /** The POST sent and not yet answered, or answered ambiguously (see `EditStep`). */
  submitIntent?: SubmitIntent;
  /**
   * POSTs of the current round (since enqueue, or since the failed edit was last retried) whose
   * answer could hide a job or was a job: 429s and 401s are not among them.
   */
  roundSubmits?: number;
  /** A submit was answered 401 and sent again with a fresh token (once per edit). */
  authRefreshed?: boolean;
  /** Looks for the outputs of an ambiguous POST so far. */
  reconcileChecks?: number;
  /** Status reads in a row that failed (5xx, timeout, reset): a budget of their own. */
  statusErrors?: number;
  /** Transient failures in a row before a POST was sent (presigning, IMS, refused connection). */
  setupErrors?: number;
  /** Status replies in a row with a status word Darkroom does not know. */
  unknownStatuses?: number;
  /** Set when the edit ended failed: a later pick-up is a retry and starts a new round. */
  endedAt?: number;
  /** Times the failed edit was retried (`darkroom retry`, the API, Bull Board's Retry). */
  retries?: number;
  /** Adobe job ids of earlier rounds and of failed runs resubmitted within a round. */
  earlierRemoteJobIds?: string[];
  /**
   * The W3C trace context of the enqueue (`traceparent`, `tracestate`): every pick-up of the job
   * continues that trace. Absent when tracing was off at enqueue. Ids only, never a secret.
   */
  trace?: TraceCarrier;
}

/**
 * How Darkroom learns an edit is done: Adobe's status reply, Adobe's job event (I/O Events), or,
 * when the answer to its submit was lost, the outputs found written after that submit.
 */
export const editConfirmations = ['status', 'event', 'outputs'] as const;

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
  /** How Darkroom learned the edit was done: see {@link editConfirmations}. */
  confirmedBy: (typeof editConfirmations)[number];
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
