import { LIST_EDITS } from './list-paths';
import { COMMON_ERRORS, error, json, ref, type Schema } from './openapi-parts';

/** The `Location` header of a `201`: where the created resource is read. */
const location = (where: string): Schema => ({
  Location: { schema: { type: 'string' }, description: where },
});

/** A tenant's `maxPerDay` (DARKROOM_TENANTS) is spent: nothing was enqueued. */
const QUOTA_EXCEEDED = {
  ...error(
    "the tenant's daily quota is spent (`quota_exceeded`, with `quota`, `tenant`, `limit`, `resetAt`); nothing was enqueued",
  ),
  headers: {
    'Retry-After': {
      schema: { type: 'integer' },
      description: 'seconds until the quota resets (the next UTC midnight)',
    },
  },
};

/** `POST /v1/edits`. */
const ENQUEUE_ONE: Schema = {
  operationId: 'enqueueEdit',
  summary: 'Enqueue one edit job',
  requestBody: {
    required: true,
    content: { 'application/json': { schema: ref('EditJob') } },
  },
  responses: {
    '201': {
      ...json(ref('EnqueueResult'), 'enqueued'),
      headers: location('`/v1/edits/{id}`, the new job'),
    },
    '200': json(ref('EnqueueResult'), 'a replay of an idempotency key: the earlier job'),
    '400': error('invalid job (`invalid_request`, with issues) or malformed JSON (`invalid_json`)'),
    '409': error('the idempotency key was used with a different body'),
    '429': QUOTA_EXCEEDED,
    '413': error('the body is larger than the configured limit'),
    '415': error('the body is not JSON'),
    ...COMMON_ERRORS,
  },
};

/**
 * `POST /v1/edits` and `POST /v1/edits:batch`, the batch bounded by `maxBatch`; `GET /v1/edits`
 * shares the first path.
 */
export function enqueuePaths(maxBatch: number): Schema {
  return {
    '/v1/edits': { get: LIST_EDITS, post: ENQUEUE_ONE },
    '/v1/edits:batch': {
      post: {
        operationId: 'enqueueBatch',
        summary: `Enqueue up to ${maxBatch} jobs; an invalid or conflicting job refuses the whole batch`,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['jobs'],
                additionalProperties: false,
                properties: {
                  jobs: { type: 'array', minItems: 1, maxItems: maxBatch, items: ref('EditJob') },
                  callback: {
                    type: 'object',
                    required: ['url'],
                    additionalProperties: false,
                    properties: { url: { type: 'string', maxLength: 2048 } },
                    description:
                      "where `batch.completed` is POSTed (signed) once every edit the batch created has ended: the rules of an edit's `callback.url`",
                  },
                },
              },
            },
          },
        },
        responses: {
          '201': {
            ...json(
              {
                type: 'object',
                required: ['batchId', 'members', 'results'],
                properties: {
                  batchId: { type: 'string', description: 'read it at GET /v1/batches/{id}' },
                  members: {
                    type: 'integer',
                    description: 'edits the batch created (its members); replays are not',
                  },
                  results: { type: 'array', items: ref('EnqueueResult') },
                },
              },
              'every job enqueued (or found as an idempotent replay), in input order',
            ),
            headers: location('`/v1/batches/{id}`, the new batch'),
          },
          '400': error(
            'some jobs are invalid (issues name `jobs[<index>].<field>`), or the batch callback is (`callback.url`); nothing was enqueued',
          ),
          '409': error(
            'a job reuses an idempotency key with a different body; nothing was enqueued',
          ),
          '429': QUOTA_EXCEEDED,
          '413': error('the body is larger than the configured limit'),
          ...COMMON_ERRORS,
        },
      },
    },
  };
}
