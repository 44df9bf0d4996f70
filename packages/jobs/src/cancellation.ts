/**
 * A cancellation request lives in its own key beside the queue (same hash tag), not in job data:
 * the worker rewrites job data at every step and would overwrite a flag set there.
 */
export function cancelKey(prefix: string, queueName: string, jobId: string): string {
  return `${prefix}:${queueName}:cancel:${jobId}`;
}
