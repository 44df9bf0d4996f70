import type { Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { LegacyPolicy, NormalizedStatus, StorageKind } from '@darkroom/photoshop';
import type { DurationEstimator } from '../duration-estimator';
import type { FailureReason } from '../errors/job-failure';
import type { EditJobData, EditJobResult } from '../job-data';
import type { DurationEstimate, PollSchedule } from '../poll-schedule';
import type { FairGate } from '../fair/fair-queue';
import type { JournalErrorHandler } from './job-journal';
import type { RemoteEventsPort } from '../remote-events/remote-event-store';

/**
 * A presigned link. `expiresAt` is when it stops working, which can be sooner than asked: Dropbox
 * links live at most 4 h, and S3 links die with the session of temporary credentials.
 */
export interface PresignedLocation {
  href: string;
  storage: StorageKind;
  expiresAt?: Date;
}

/** The storage operations the step machine needs (satisfied by `StorageRegistry`). */
export interface StoragePort {
  // An error with `transient: true` (and maybe `retryAfterMs`) from presigning is tried again
  // later; any other fails the edit as `invalid_job`.
  presignRead(ref: string, ttlSeconds: number): Promise<PresignedLocation>;
  presignWrite(
    ref: string,
    ttlSeconds: number,
    opts?: { contentType?: string },
  ): Promise<PresignedLocation>;
  /** `modifiedAt`: when the object was last written (epoch ms), where the store says. */
  stat(ref: string): Promise<{ exists: boolean; size?: number; modifiedAt?: number }>;
  /** Writes bytes to a reference (Darkroom's own outputs, such as a manifest). */
  upload(ref: string, body: Buffer, contentType: string): Promise<void>;
}

/** The API calls the step machine needs (satisfied by `PhotoshopClient`). */
export interface ApiPort {
  submit(
    operationId: string,
    body: unknown,
    opts: { signal?: AbortSignal },
  ): Promise<{ statusUrl: string; jobId?: string }>;
  getStatus(
    statusUrl: string,
    opts: { signal?: AbortSignal; operationId?: string },
  ): Promise<NormalizedStatus>;
}

/** The shared rate budget (satisfied by `RateBudget`). */
export interface BudgetPort {
  tryTake(
    account: string,
    cls: string,
  ): Promise<{ granted: true } | { granted: false; retryInMs: number; reason?: string }>;
  penalize(account: string, cls: string, retryAfterMs: number): Promise<unknown>;
}

/** Optional observers: metrics and logs hang off these without the step machine knowing them. */
export interface StepObserver {
  submitted?(job: Job<EditJobData>, info: { remoteJobId?: string }): void;
  /**
   * An ambiguous submit was settled: `outputs` found written after it (no new POST), `resubmit`
   * none found (the next POST follows), `gone` none found and the edit fails.
   */
  reconciled?(job: Job<EditJobData>, outcome: 'outputs' | 'event' | 'resubmit' | 'gone'): void;
  polled?(job: Job<EditJobData>, info: { state: string }): void;
  budgetWait?(account: string, cls: string, waitMs: number): void;
  budgetGranted?(account: string, cls: string): void;
  rateLimited?(account: string, cls: string, retryAfterMs: number): void;
  retrying?(job: Job<EditJobData>, reason: string, err: unknown): void;
  completed?(job: Job<EditJobData>, result: EditJobResult): void;
  failed?(job: Job<EditJobData>, reason: FailureReason, message: string): void;
}

/** What a step machine is wired to: Redis for cancel requests, the ports, and its timing knobs. */
export interface StepMachineOptions {
  redis: Redis | Cluster;
  prefix: string;
  queueName: string;
  storage: StoragePort;
  /** The API client of an account; throws for an account that is not configured. */
  api: (account: string) => ApiPort;
  budget: BudgetPort;
  /**
   * The budget an account draws on. Adobe's limits hold per organization, so accounts of one org
   * must share one key (the worker passes the account's org id).
   * @defaultValue the account name
   */
  budgetKey?: (account: string) => string;
  estimator: DurationEstimator;
  schedule: PollSchedule;
  /** Expected remote duration of an operation's class before any job of it has finished. */
  defaultEstimate: (durationClass: string) => DurationEstimate;
  /**
   * Extra life given to presigned URLs past the job's deadline, for clock skew between Darkroom,
   * storage and Adobe.
   * @defaultValue 300000
   */
  presignMarginMs?: number;
  /**
   * Waits for a budget token shorter than this happen in-process; longer ones free the slot and
   * come back as a delayed job.
   * @defaultValue 250
   */
  inlineBudgetWaitMs?: number;
  /**
   * POSTs per round, counting the first: Adobe's rule of three retries after a 5xx or a lost
   * reply, each after its own reconciliation.
   * @defaultValue 4
   */
  maxSubmitsPerRound?: number;
  /**
   * Status reads in a row that may fail (5xx, timeout, reset) before the edit fails; they back
   * off exponentially up to `maxIntervalMs` of the poll schedule and spend no submit attempt.
   * @defaultValue 12
   */
  maxStatusErrors?: number;
  /**
   * Transient failures in a row before a POST (presigning, IMS) before the edit fails.
   * @defaultValue 8
   */
  maxSetupErrors?: number;
  /**
   * First wait of the exponential back-off of retries that are not rate limits, in ms.
   * @defaultValue 1000
   */
  retryBaseMs?: number;
  /**
   * How long after its submit an Adobe job is still polled. Adobe publishes no retention for job
   * status; once submitted, an edit is polled to a terminal state or until this passes, never cut
   * short by its deadline (Adobe would write the outputs anyway).
   * @defaultValue 86_400_000 (24 h)
   */
  remoteRetentionMs?: number;
  /**
   * Jobs of APIs Adobe has retired (v1, `/sensei`) are failed as `invalid_job` before any POST
   * unless `allow` (a grace period); jobs already submitted run to the end either way.
   * @defaultValue 'allow'
   */
  legacyApi?: LegacyPolicy;
  /**
   * Adobe's job events (I/O Events, by webhook or journal). With them an edit ends when its event
   * comes, without reading the status, and polls wait `pollStretch` times longer while events are
   * arriving: polling stays as the fallback for an event that never comes.
   */
  events?: RemoteEventsPort;
  /**
   * Fair dispatch between tenants: the first POST of a round waits until the edit is admitted
   * (parked meanwhile, taking no slot), and the admission is released once the POST is recorded.
   * Absent, edits submit in queue order.
   */
  fair?: FairGate;
  /**
   * How many times longer polls wait while events are arriving.
   * @defaultValue 4
   */
  pollStretch?: number;
  observer?: StepObserver;
  /**
   * Told when an edit's log line or progress could not be written to Redis. Both are sent
   * without waiting, so a failure never delays or fails the edit; this is where it is reported,
   * once per run of failures, with the count so far.
   * @defaultValue one process warning for the whole process (code `DARKROOM_JOB_JOURNAL`)
   */
  onJournalError?: JournalErrorHandler;
}
