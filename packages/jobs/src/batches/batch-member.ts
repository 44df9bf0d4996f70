import { randomBytes } from 'node:crypto';

/** An edit's place in the batch that created it. */
export interface BatchMember {
  /** The batch's id (`batch-` and 32 hex digits). */
  id: string;
  /** The edit's place among the batch's new edits, from 0: its bit in the batch's ended map. */
  index: number;
}

/** The shape of every batch id: never the shape of an edit job id. */
export const BATCH_ID_PATTERN = /^batch-[0-9a-f]{32}$/;

/** Whether `id` has the shape of a batch id (then Redis is worth asking). */
export const isBatchId = (id: string): boolean => BATCH_ID_PATTERN.test(id);

/** A new random batch id. */
export function newBatchId(): string {
  return `batch-${randomBytes(16).toString('hex')}`;
}
