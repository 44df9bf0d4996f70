import type { EditJobStatus } from '@darkroom/jobs';

/** True once a job can change no more. */
export function isFinished(status: EditJobStatus): boolean {
  return status.state === 'completed' || status.state === 'failed';
}
