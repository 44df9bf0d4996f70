export { BATCH_ID_PATTERN, isBatchId, newBatchId, type BatchMember } from './batch-member';
export {
  BatchStore,
  type BatchOutcome,
  type BatchOutcomes,
  type BatchRecord,
  type NewBatch,
} from './batch-store';
export { announceBatch, batchCompletedData } from './batch-completed';
