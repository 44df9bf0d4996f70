import { COMMON_ERRORS, error, json, ref, type Schema } from './openapi-parts';

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

/** `POST /v1/edits` and `POST /v1/edits:batch`, the batch bounded by `maxBatch`. */
export function enqueuePaths(maxBatch: number): Schema {
  return {
    '/v1/edits': {
      post: {
        summary: 'Enqueue one edit job',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('EditJob') } },
        },
        responses: {
          '201': json(ref('EnqueueResult'), 'enqueued'),
          '200': json(ref('EnqueueResult'), 'a replay of an idempotency key: the earlier job'),
          '400': error(
            'invalid job (`invalid_request`, with issues) or malformed JSON (`invalid_json`)',
          ),
          '409': error('the idempotency key was used with a different body'),
          '429': QUOTA_EXCEEDED,
          '413': error('the body is larger than the configured limit'),
          '415': error('the body is not JSON'),
          ...COMMON_ERRORS,
        },
      },
    },
    '/v1/edits:batch': {
      post: {
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
                },
              },
            },
          },
        },
        responses: {
          '201': json(
            {
              type: 'object',
              properties: { results: { type: 'array', items: ref('EnqueueResult') } },
            },
            'every job enqueued (or found as an idempotent replay), in input order',
          ),
          '400': error(
            'some jobs are invalid: issues name `jobs.<index>.<field>`; nothing was enqueued',
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
