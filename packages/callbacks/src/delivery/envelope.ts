import { createHash } from 'node:crypto';

/**
 * The events an application is told about: an edit reached a terminal state, every edit of a
 * batch did (`batch.completed`), or a recipe run ended (`run.completed`, `run.failed`); a batch's
 * and a run's deliveries are keyed by the batch or run id in place of an edit's.
 */
export const CALLBACK_TYPES = [
  'edit.completed',
  'edit.failed',
  'edit.cancelled',
  'batch.completed',
  'run.completed',
  'run.failed',
] as const;
export type CallbackType = (typeof CALLBACK_TYPES)[number];

/** The JSON body of every callback. */
export interface CallbackEnvelope<T = unknown> {
  type: CallbackType;
  /**
   * When the edit (for `batch.completed`, the batch's last edit) reached its terminal state
   * (ISO 8601), not when this attempt was sent.
   */
  timestamp: string;
  /** The edit's URL-free result or failure (a batch's counts), as given to `enqueue`. */
  data: T;
}

/**
 * The message id of an edit's callback of one type: the same for every enqueue of that pair, so
 * a repeated enqueue is recognised, and the same for every attempt, so receivers can drop
 * repeats. Standard Webhooks ids are opaque; `msg_` and 32 hex digits of a sha256.
 */
export function deliveryIdFor(editId: string, type: CallbackType): string {
  return `msg_${createHash('sha256').update(`${editId}\n${type}`).digest('hex').slice(0, 32)}`;
}

/** The exact body sent, serialized once so every attempt signs the same bytes. */
export function envelopeBody(type: CallbackType, data: unknown, at: Date): string {
  const envelope: CallbackEnvelope = { type, timestamp: at.toISOString(), data };
  return JSON.stringify(envelope);
}
