import { SPAN_ATTRIBUTES } from '@darkroom/tracing';

/** The spans of the edit path that this package starts (the README's Tracing section lists them). */
export const EDIT_SPAN_NAMES = Object.freeze({
  /** `EditQueue.enqueue`/`enqueueMany`: validation done, the adds to Redis. */
  enqueue: 'edit.enqueue',
  /** One pick-up of a job by the step machine: submit, reconcile or poll. */
  step: 'edit.step',
});

/** Attribute keys of those spans. Values are ids, names and counts: never a URL or a secret. */
export const EDIT_SPAN_ATTRIBUTES = Object.freeze({
  operation: SPAN_ATTRIBUTES.operation,
  account: 'darkroom.account',
  jobId: 'darkroom.job.id',
  editCount: 'darkroom.edit.count',
  step: 'darkroom.step',
  attempt: 'darkroom.job.attempt',
  outcome: 'darkroom.step.outcome',
});

/** How one pick-up ended: the job completed, went back to wait as a delayed job, or failed. */
export type StepOutcome = 'completed' | 'delayed' | 'failed';
