import { CALLBACK_TYPES } from '@darkroom/callbacks';
import { COMMON_ERRORS, error, jobIdParam, json, ref, type Schema } from './openapi-parts';

/** Where an edit's callback stands; the URL as origin and path only. */
export const CALLBACK_STATUS: Schema = {
  type: 'object',
  required: ['state', 'attempts', 'target'],
  description:
    "the edit's signed callback: `awaiting_edit` until the edit ends, then `pending`, `retrying`, `delivered` or `dead`",
  properties: {
    state: { enum: ['awaiting_edit', 'pending', 'retrying', 'delivered', 'dead'] },
    attempts: { type: 'integer', description: 'attempts since it was queued or last redelivered' },
    target: { type: 'string', description: 'the callback URL as origin and path' },
    type: { enum: [...CALLBACK_TYPES] },
    lastStatus: { type: 'integer', description: 'HTTP status of the last attempt' },
    lastError: { type: 'string', description: 'why the last attempt failed, redacted' },
    nextAttemptAt: { type: 'string', format: 'date-time' },
    deliveredAt: { type: 'string', format: 'date-time' },
    deadAt: { type: 'string', format: 'date-time' },
  },
};

/** The dead list and redelivery. */
export const CALLBACK_PATHS: Schema = {
  '/v1/callbacks/dead': {
    get: {
      operationId: 'listDeadCallbacks',
      summary: 'Callbacks given up, oldest first, a page at a time',
      parameters: [
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
        },
        {
          name: 'cursor',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'the `cursor` of the previous page',
        },
      ],
      responses: {
        '200': json(
          {
            type: 'object',
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: {
                  allOf: [
                    ref('CallbackStatus'),
                    { type: 'object', properties: { editId: { type: 'string' } } },
                  ],
                },
              },
              cursor: { type: 'string', description: 'present when more follow' },
            },
          },
          'dead callbacks',
        ),
        '400': error('bad limit'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/v1/edits/{id}/callback:redeliver': {
    post: {
      operationId: 'redeliverCallback',
      summary: "Send an edit's dead callback again (attempts from 0, a fresh time window)",
      parameters: [jobIdParam],
      responses: {
        '202': json(
          {
            type: 'object',
            properties: { id: { type: 'string' }, callback: ref('CallbackStatus') },
          },
          'queued again',
        ),
        '404': error('the edit has no callback delivery'),
        '409': error('the callback is not dead (`callback_not_dead`)'),
        ...COMMON_ERRORS,
      },
    },
  },
};
