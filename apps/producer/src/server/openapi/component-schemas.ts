import { z } from 'zod';
import { editJobInputSchema, editJobStates } from '@darkroom/jobs';
import type { Schema } from './openapi-parts';

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
    step: { enum: ['submit', 'poll'] },
    polls: { type: 'integer' },
    submits: { type: 'integer' },
    attemptsMade: { type: 'integer' },
    remoteJobId: { type: 'string' },
    enqueuedAt: { type: 'integer', description: 'epoch milliseconds' },
    finishedAt: { type: 'integer', description: 'epoch milliseconds' },
    result: {
      type: 'object',
      description: 'when completed: output references and sizes, timings; never a URL',
    },
    failure: {
      type: 'object',
      description: 'when failed',
      properties: { reason: { type: 'string' }, message: { type: 'string' } },
    },
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
      Error: ERROR_BODY,
    },
  };
}
