import type { EditJobStatus, EditQueue } from '@darkroom/jobs';
import type { FinishWatcher } from '../finish-watcher';

/** True once a job can change no more. */
export function isFinished(status: EditJobStatus): boolean {
  return status.state === 'completed' || status.state === 'failed';
}

/**
 * Waits until job `id` finishes (an events-stream notification, not polling), `ms` pass, or
 * `signal` aborts; then returns its current status (`null` when it was removed meanwhile).
 */
export async function waitForFinish(
  edits: EditQueue,
  watcher: FinishWatcher,
  id: string,
  ms: number,
  signal: AbortSignal,
): Promise<EditJobStatus | null> {
  await watcher.wait(id, ms, signal, async () => {
    const status = await edits.get(id);
    return !status || isFinished(status);
  });
  return edits.get(id);
}
