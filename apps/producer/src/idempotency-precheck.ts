import {
  IdempotencyConflictError,
  jobIdForKey,
  RedisUnavailableError,
  type EditJobData,
  type ValidatedEditJob,
} from '@darkroom/jobs';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Finds jobs whose idempotency key is already taken by a different body, in Redis or earlier in
 * the same list, before anything is added. `EditQueue.enqueueMany` detects a conflict only after
 * its `addBulk`, when the rest of the batch is already stored; checking first keeps a batch
 * all-or-nothing. Returns the conflicting indexes and the job id each collides with.
 */
export async function findIdempotencyConflicts(
  queue: Queue,
  jobs: readonly ValidatedEditJob[],
  options: { timeoutMs?: number } = {},
): Promise<Map<number, IdempotencyConflictError>> {
  const conflicts = new Map<number, IdempotencyConflictError>();
  const keyed = jobs
    .map((job, index) => ({ job, index }))
    .filter((e): e is { job: ValidatedEditJob & { idempotencyKey: string }; index: number } =>
      Boolean(e.job.idempotencyKey),
    );
  if (keyed.length === 0) return conflicts;

  const ids = keyed.map((e) => jobIdForKey(e.job.idempotencyKey));
  const stored = await withTimeout(readFingerprints(queue, ids), options.timeoutMs ?? 1_000);
  const seen = new Map<string, string>();
  keyed.forEach(({ job, index }, i) => {
    const id = ids[i] as string;
    const earlier = seen.get(id) ?? stored[i];
    if (earlier !== undefined && earlier !== job.fingerprint) {
      conflicts.set(index, new IdempotencyConflictError(id));
      return;
    }
    seen.set(id, job.fingerprint);
  });
  return conflicts;
}

async function readFingerprints(queue: Queue, ids: string[]): Promise<(string | undefined)[]> {
  // EditQueue hands BullMQ an ioredis client; BullMQ's own type for it is a narrower interface.
  const client = (await queue.getBackend().client) as unknown as Redis;
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hget(queue.toKey(id), 'data');
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, raw]: [Error | null, unknown]) => {
    if (err) throw err;
    if (typeof raw !== 'string') return undefined;
    try {
      return (JSON.parse(raw) as Partial<EditJobData>).fingerprint;
    } catch {
      return undefined;
    }
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailableError('the configured Redis')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
