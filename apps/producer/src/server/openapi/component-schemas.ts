import { editConfirmations, editJobStates, editSteps, FAILURE_REASONS } from '@darkroom/jobs';
import { BATCH_STATUS } from './batch-paths';
import { CALLBACK_STATUS } from './callback-paths';
import { API_ERROR_CODES, PROBLEM_TYPE_BASE } from '../api-error';
import { editJobComponents } from './operation-schemas';
import { ref, type Schema } from './openapi-parts';
import { recipeComponents } from './recipe-paths';

const ENQUEUE_RESULT = {
  type: 'object',
  required: ['id', 'duplicate'],
  properties: { id: { type: 'string' }, duplicate: { type: 'boolean' } },
};

const EDIT_JOB_STATUS = {
  type: 'object',
  required: ['id', 'state', 'operation', 'account', 'step', 'polls', 'enqueuedAt'],
  properties: {
    id: { type: 'string' },
    state: { enum: [...editJobStates] },
    operation: { type: 'string' },
    account: { type: 'string' },
    tenant: { type: 'string' },
    step: {
      enum: [...editSteps],
      description:
        'reconcile: a submit got an answer that may hide an Adobe job; its outputs are looked for before any other submit',
    },
    polls: { type: 'integer' },
    submits: {
      type: 'integer',
      description: 'submit POSTs Adobe received for this edit over its whole life',
    },
    attemptsMade: { type: 'integer' },
    remoteJobId: { type: 'string' },
    retries: {
      type: 'integer',
      description: 'times the failed edit was retried; each retry is a fresh, counted submission',
    },
    earlierRemoteJobIds: {
      type: 'array',
      items: { type: 'string' },
      description: 'Adobe job ids of earlier rounds and of failed runs submitted again',
    },
    enqueuedAt: { type: 'integer', description: 'epoch milliseconds' },
    finishedAt: { type: 'integer', description: 'epoch milliseconds' },
    result: {
      type: 'object',
      description:
        'when completed: output references and sizes, timings, and how completion was confirmed (confirmedBy: status, or outputs when the submit reply was lost); never a URL',
      properties: {
        outputs: {
          type: 'array',
          items: {
            type: 'object',
            required: ['ref'],
            properties: {
              ref: { type: 'string', description: 'the storage reference written' },
              size: { type: 'integer', description: 'bytes' },
            },
          },
        },
        confirmedBy: { enum: [...editConfirmations] },
        timings: {
          type: 'object',
          additionalProperties: { type: 'number' },
          description: 'epoch milliseconds and durations of the steps',
        },
      },
      additionalProperties: true,
    },
    failure: {
      type: 'object',
      description: 'when failed',
      properties: {
        reason: { enum: [...FAILURE_REASONS, 'unknown'] },
        message: { type: 'string' },
      },
    },
    callback: ref('CallbackStatus'),
    batchId: { type: 'string', description: 'the batch that created the edit, if one did' },
  },
};

/** RFC 9457 problem details, with Darkroom's `code` and `issues` beside the standard members. */
const PROBLEM = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code'],
  description:
    'Every error answer, as application/problem+json (RFC 9457). Branch on `code` (or `type`); `title` is fixed per code, `detail` says what happened this time.',
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description: `\`${PROBLEM_TYPE_BASE}<code>\`: identifies the problem (not fetched)`,
    },
    title: { type: 'string', description: 'the same for every occurrence of the code' },
    status: { type: 'integer', description: 'the HTTP status' },
    detail: { type: 'string', description: 'what went wrong with this request' },
    instance: { type: 'string', description: 'the request path, without its query string' },
    code: { enum: [...API_ERROR_CODES] },
    quota: { enum: ['maxPerDay'], description: 'with `quota_exceeded`' },
    tenant: { type: 'string', description: 'with `quota_exceeded`' },
    limit: { type: 'integer', description: 'with `quota_exceeded`' },
    resetAt: {
      type: 'string',
      format: 'date-time',
      description: 'with `quota_exceeded`: when the quota resets',
    },
    issues: {
      type: 'array',
      description: 'every field that broke a rule',
      items: {
        type: 'object',
        required: ['path', 'rule', 'message'],
        properties: {
          path: {
            type: 'string',
            description:
              'the field: dotted, with indexes (`jobs[1].outputs[0].ref`); empty for the body itself',
          },
          rule: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
};

/** The document's `components`: the bearer scheme and the schemas its paths refer to. */
export function components(): Schema {
  return {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      ...editJobComponents(),
      EnqueueResult: ENQUEUE_RESULT,
      EditJobStatus: EDIT_JOB_STATUS,
      CallbackStatus: CALLBACK_STATUS,
      BatchStatus: BATCH_STATUS,
      ...recipeComponents(),
      Problem: PROBLEM,
    },
  };
}
