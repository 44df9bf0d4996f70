import { z } from 'zod';
import {
  editJobInputSchema,
  editConfirmations,
  editJobStates,
  editSteps,
  FAILURE_REASONS,
} from '@darkroom/jobs';
import { CALLBACK_STATUS } from './callback-paths';
import { ref, type Schema } from './openapi-parts';

/**
 * The edit job as JSON Schema, generated from the same zod schema `EditQueue` validates with, so
 * the two cannot drift.
 */
function editJobSchema(): Schema {
  const { $schema: _ignored, ...editJob } = z.toJSONSchema(editJobInputSchema, {
    io: 'input',
    // `deadline` also accepts a JavaScript Date in-process; over HTTP only its other forms exist.
    unrepresentable: 'any',
  }) as Schema;
  return editJob;
}

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
      properties: { confirmedBy: { enum: [...editConfirmations] } },
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
  },
};

const ERROR_BODY = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
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
          items: {
            type: 'object',
            required: ['path', 'rule', 'message'],
            properties: {
              path: { type: 'string', description: 'dotted field path; empty for the body itself' },
              rule: { type: 'string' },
              message: { type: 'string' },
            },
          },
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
      EditJob: editJobSchema(),
      EnqueueResult: ENQUEUE_RESULT,
      EditJobStatus: EDIT_JOB_STATUS,
      CallbackStatus: CALLBACK_STATUS,
      Error: ERROR_BODY,
    },
  };
}
