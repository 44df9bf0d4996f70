import type { Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { NormalizedStatus, StorageKind } from '@darkroom/photoshop';
import type { DurationEstimator } from '../duration-estimator';
import type { FailureReason } from '../errors/job-failure';
import type { EditJobData, EditJobResult } from '../job-data';
import type { DurationEstimate, PollSchedule } from '../poll-schedule';

/** The storage operations the step machine needs (satisfied by `StorageRegistry`). */
export interface StoragePort {
  presignRead(ref: string, ttlSeconds: number): Promise<{ href: string; storage: StorageKind }>;
  presignWrite(
    ref: string,
    ttlSeconds: number,
    opts?: { contentType?: string },
  ): Promise<{ href: string; storage: StorageKind }>;
  stat(ref: string): Promise<{ exists: boolean; size?: number }>;
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
  observer?: StepObserver;
}
