import type { RequestHandler } from 'express';
import { z } from 'zod';
import type {
  EditQueue,
  IdempotencyConflictError,
  JobIssue,
  ValidatedEditJob,
} from '@darkroom/jobs';
import { prefixPath, validateJobs } from '../../validate-jobs';
import { ApiError } from '../api-error';
import { jsonBody } from './request-input';

function issuesOf(error: z.ZodError): JobIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    rule: i.code,
    message: i.message,
  }));
}

/** The batch envelope: the jobs themselves are validated one by one afterwards. */
function batchSchema(maxBatch: number) {
  return z.strictObject({
    jobs: z
      .array(z.unknown(), { error: 'jobs must be an array of edit jobs' })
      .min(1, 'jobs must hold at least one edit job')
      .max(maxBatch, `at most ${maxBatch} jobs per batch; split larger sets`),
  });
}

/**
 * Every job validated, in input order; refuses the whole batch when any job is invalid, naming
 * each issue as `jobs[<index>]…`.
 */
async function validBatch(jobs: unknown[]): Promise<ValidatedEditJob[]> {
  const checked = await validateJobs(jobs);
  if (checked.rejected.length === 0) return checked.valid.map((v) => v.job);
  const issues = checked.rejected.flatMap(({ index, issues: list }) =>
    list.map((i) => ({ ...i, path: prefixPath(`jobs[${index}]`, i.path) })),
  );
  throw new ApiError(400, 'invalid_request', 'nothing was enqueued: some jobs are invalid', issues);
}

/** Refuses the whole batch when a job reuses an idempotency key with a different body. */
async function checkIdempotencyKeys(
  edits: EditQueue,
  validated: ValidatedEditJob[],
): Promise<void> {
  const conflicts = await edits.findIdempotencyConflicts(validated);
  if (conflicts.size === 0) return;
  const [index, conflict] = [...conflicts][0] as [number, IdempotencyConflictError];
  throw new ApiError(
    409,
    'idempotency_conflict',
    `nothing was enqueued: jobs[${index}] reuses the idempotency key of job ${conflict.jobId} with a different body`,
    [...conflicts].map(([i]) => ({
      path: `jobs[${i}].idempotencyKey`,
      rule: 'idempotency_conflict',
      message: 'this key was already used with a different body',
    })),
  );
}

/** `POST /v1/edits:batch`: every job enqueued in one round trip, or none and the reasons. */
export function enqueueBatch(edits: EditQueue, maxBatch: number): RequestHandler {
  const schema = batchSchema(maxBatch);
  return async (req, res) => {
    const parsed = schema.safeParse(jsonBody(req));
    if (!parsed.success) {
      throw new ApiError(400, 'invalid_request', 'the batch is invalid', issuesOf(parsed.error));
    }
    const { jobs } = parsed.data;
    await checkIdempotencyKeys(edits, await validBatch(jobs));
    // One chunk, so one pipelined round trip. Every rule that can refuse a job was checked above;
    // only Redis failing during that round trip could leave part of the batch stored.
    const results = await edits.enqueueMany(jobs, { chunkSize: maxBatch });
    res.status(201).json({ results });
  };
}
