import { COMMON_ERRORS, error, json, ref, type Schema } from './openapi-parts';

const count = { type: 'integer', minimum: 0 };

/** A batch now, as `GET /v1/batches/{id}` answers it. */
export const BATCH_STATUS: Schema = {
  type: 'object',
  required: ['id', 'total', 'counts', 'done', 'createdAt', 'ended'],
  properties: {
    id: { type: 'string', pattern: '^batch-[0-9a-f]{32}$' },
    total: {
      ...count,
      description:
        'edits the batch created; idempotent replays in it belong to the batch that created them',
    },
    counts: {
      type: 'object',
      description: 'members per state now; `removed`: no longer in Redis (removed by hand)',
      properties: {
        waiting: count,
        prioritized: count,
        delayed: count,
        active: count,
        completed: count,
        failed: count,
        removed: count,
      },
    },
    done: { type: 'boolean', description: 'every member has completed, failed or been removed' },
    createdAt: { type: 'integer', description: 'epoch milliseconds' },
    completedAt: {
      type: 'integer',
      description: 'epoch milliseconds: when the last member first ended',
    },
    ended: {
      type: 'object',
      description:
        'how members ended the first time they did (a retried edit is not counted again): what `batch.completed` reports',
      properties: { completed: count, failed: count, cancelled: count },
    },
    callback: {
      allOf: [
        ref('CallbackStatus'),
        {
          type: 'object',
          properties: {
            state: { enum: ['awaiting_batch', 'pending', 'retrying', 'delivered', 'dead'] },
          },
        },
      ],
      description:
        "the batch's `batch.completed` callback: `awaiting_batch` until its last edit ends, then the delivery's state",
    },
  },
};

/** The `{id}` of a batch route. */
const batchIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'the `batchId` returned by POST /v1/edits:batch',
};

/** `GET /v1/batches/{id}`. */
export const BATCH_PATHS: Schema = {
  '/v1/batches/{id}': {
    get: {
      operationId: 'getBatch',
      summary: "A batch's edits by state, and whether all have ended",
      parameters: [batchIdParam],
      responses: {
        '200': json(ref('BatchStatus'), 'the batch'),
        '404': error('no such batch, or one past the retention of its edits'),
        ...COMMON_ERRORS,
      },
    },
  },
};
