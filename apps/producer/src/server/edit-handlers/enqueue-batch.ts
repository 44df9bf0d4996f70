import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { CallbackDispatcher } from '@darkroom/callbacks';
import {
  EditJobValidationError,
  IdempotencyConflictError,
  type EditQueue,
  type JobIssue,
  type ValidatedEditJob,
} from '@darkroom/jobs';
import { prefixPath, validateJobs } from '../../validate-jobs';
import { ApiError } from '../api-error';
import { batchLocation } from '../locations';
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
    // Checked by `EditQueue.enqueueBatch` with the rules of an edit's callback.
    callback: z.unknown().optional(),
  });
}

/**
 * Every job validated, in input order; refuses the whole batch when any job is invalid, naming
 * each issue as `jobs[<index>]…`.
 */
async function validBatch(jobs: unknown[], edits: EditQueue): Promise<ValidatedEditJob[]> {
  const checked = await validateJobs(jobs, { legacyApi: edits.legacyApi });
  if (checked.rejected.length === 0) return checked.valid.map((v) => v.job);
  const issues = checked.rejected.flatMap(({ index, issues: list }) =>
    list.map((i) => ({ ...i, path: prefixPath(`jobs[${index}]`, i.path) })),
  );
  throw new ApiError(400, 'invalid_request', 'nothing was enqueued: some jobs are invalid', issues);
}

/** The 409 of a batch `enqueueMany` refused whole: every job whose key could not be used. */
function batchConflict(err: IdempotencyConflictError): ApiError {
  const [first] = err.conflicts;
  const index = first?.index ?? 0;
  return new ApiError(
    409,
    'idempotency_conflict',
    err.inFlight
      ? `nothing was enqueued: jobs[${index}]'s idempotency key is being enqueued by another request; retry shortly`
      : `nothing was enqueued: jobs[${index}] reuses the idempotency key of job ${err.jobId} with a different body`,
    err.conflicts.map((c) => ({
      path: `jobs[${c.index}].idempotencyKey`,
      rule: err.inFlight ? 'idempotency_in_flight' : 'idempotency_conflict',
      message: err.inFlight
        ? 'another request is enqueueing this key right now'
        : 'this key was already used with a different body',
    })),
  );
}

/**
 * `POST /v1/edits:batch`: every job enqueued (or found as the same earlier job), or none and the
 * reasons. `enqueueBatch` claims every idempotency key atomically before adding anything, so the
 * answer stays true when batches sharing keys arrive at once. The answer names the batch
 * (`batchId`, and `Location: /v1/batches/{id}`); its `callback.url` gets `batch.completed` once
 * every edit it created has ended (`callbacks` queues it at once for a batch that created none).
 */
export function enqueueBatch(
  edits: EditQueue,
  maxBatch: number,
  callbacks?: Pick<CallbackDispatcher, 'enqueue'>,
): RequestHandler {
  const schema = batchSchema(maxBatch);
  return async (req, res) => {
    const parsed = schema.safeParse(jsonBody(req));
    if (!parsed.success) {
      throw new ApiError(400, 'invalid_request', 'the batch is invalid', issuesOf(parsed.error));
    }
    const { jobs, callback } = parsed.data;
    await validBatch(jobs, edits);
    try {
      // One chunk: one claim of every key, then one addBulk.
      const batch = await edits.enqueueBatch(jobs, {
        chunkSize: maxBatch,
        ...(callback !== undefined ? { callback } : {}),
        ...(callbacks ? { announce: callbacks } : {}),
      });
      res.status(201).location(batchLocation(batch.batchId)).json(batch);
    } catch (err) {
      if (err instanceof IdempotencyConflictError) throw batchConflict(err);
      // The jobs were checked above: what is left to refuse is the batch's own callback.
      if (err instanceof EditJobValidationError) {
        throw new ApiError(
          400,
          'invalid_request',
          'nothing was enqueued: the batch callback is invalid',
          err.issues,
        );
      }
      throw err;
    }
  };
}
