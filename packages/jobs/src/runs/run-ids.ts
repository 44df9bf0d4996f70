import { createHash, randomUUID } from 'node:crypto';
import { jobIdForKey } from '../edit-queue';

/** A run id Darkroom gives out: `run-` and 32 hex digits, or 40 for one named by a key. */
export const RUN_ID_PATTERN = /^run-[0-9a-f]{32}(?:[0-9a-f]{8})?$/;

export const isRunId = (id: string): boolean => RUN_ID_PATTERN.test(id);

/** A fresh run id. */
export const newRunId = (): string => `run-${randomUUID().replaceAll('-', '')}`;

/** The run id an idempotency key maps to: the same key always names the same run. */
export const runIdForKey = (key: string): string =>
  `run-${createHash('sha256').update(`recipe-run:${key}`).digest('hex').slice(0, 40)}`;

/**
 * The idempotency key of one step's edit in one round of a run: the step's edit is enqueued with
 * it, so enqueueing the step again (another worker, a retry of the orchestration) finds the edit
 * already there. A round is a fresh start of every step (a retry after the scratch expired).
 */
export const stepIdempotencyKey = (runId: string, round: number, step: string): string =>
  `darkroom-run:${runId}:${round}:${step}`;

/** The edit id of one step in one round of a run. */
export const stepEditId = (runId: string, round: number, step: string): string =>
  jobIdForKey(stepIdempotencyKey(runId, round, step));
