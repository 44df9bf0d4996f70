import type { CallbackDispatcher } from '@darkroom/callbacks';
import type { BatchRecord, BatchStore } from './batch-store';

/** What the application is told when a batch has ended: its counts, no URL, no edit data. */
export function batchCompletedData(record: BatchRecord): Record<string, unknown> {
  return {
    batchId: record.id,
    total: record.total,
    ...record.ended,
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.completedAt ? { completedAt: new Date(record.completedAt).toISOString() } : {}),
  };
}

/**
 * Announces a batch that has ended: queues its `batch.completed` callback when it carried a URL,
 * then notes the announcement. The callback's delivery id comes from the batch id and the type,
 * so a second announcement (a worker that died before noting the first) queues nothing new.
 * Returns false, changing nothing, when the batch is gone or has not ended, or when it has a URL
 * and no dispatcher was given to queue the callback with.
 */
export async function announceBatch(
  store: BatchStore,
  callbacks: Pick<CallbackDispatcher, 'enqueue'> | undefined,
  batchId: string,
): Promise<boolean> {
  const record = await store.read(batchId);
  if (!record || record.completedAt === undefined) return false;
  if (record.callbackUrl) {
    if (!callbacks) return false;
    await callbacks.enqueue({
      editId: batchId,
      url: record.callbackUrl,
      type: 'batch.completed',
      data: batchCompletedData(record),
    });
  }
  await store.markNotified(batchId);
  return true;
}
