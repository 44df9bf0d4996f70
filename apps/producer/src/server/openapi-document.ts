import { z } from 'zod';
import { editJobInputSchema } from '@darkroom/jobs';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const error = (description: string) => json(ref('Error'), description);

/** Answers every authenticated route can give. */
const COMMON_ERRORS = {
  '401': {
    ...error('missing or unknown bearer token'),
    headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
  },
  '503': error('Redis is unreachable (code `redis_unavailable`), answered within about a second'),
};

const jobIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'the job id returned by POST /v1/edits',
};

/**
 * The OpenAPI 3.1 description of the producer's HTTP API. The edit-job schema is generated from
 * the same zod schema `EditQueue` validates with, so the two cannot drift.
 */
export function openApiDocument(options: { maxBatch: number; maxWaitSeconds: number }): Schema {
  const { $schema: _ignored, ...editJob } = z.toJSONSchema(editJobInputSchema, {
    io: 'input',
    // `deadline` also accepts a JavaScript Date in-process; over HTTP only its other forms exist.
    unrepresentable: 'any',
  }) as Schema;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Darkroom producer',
      version: '1',
      description:
        'Enqueue Photoshop API edits as durable jobs and follow them. Inputs and outputs are storage references (s3://bucket/key, azure://account/container/blob, dropbox:/path), never URLs.',
    },
    security: [{ bearer: [] }],
    paths: {
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
            '413': error('the body is larger than the configured limit'),
            '415': error('the body is not JSON'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/edits:batch': {
        post: {
          summary: `Enqueue up to ${options.maxBatch} jobs; an invalid or conflicting job refuses the whole batch`,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['jobs'],
                  additionalProperties: false,
                  properties: {
                    jobs: {
                      type: 'array',
                      minItems: 1,
                      maxItems: options.maxBatch,
                      items: ref('EditJob'),
                    },
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
            '413': error('the body is larger than the configured limit'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/edits/{id}': {
        get: {
          summary: 'Read a job; with ?wait=, wait for it to finish',
          parameters: [
            jobIdParam,
            {
              name: 'wait',
              in: 'query',
              required: false,
              schema: { type: 'number', minimum: 0, maximum: options.maxWaitSeconds },
              description:
                'seconds to wait for the job to finish; the answer is the state at that time',
            },
          ],
          responses: {
            '200': json(ref('EditJobStatus'), 'the job'),
            '400': error('bad wait value'),
            '404': error('no such job'),
            ...COMMON_ERRORS,
          },
        },
        delete: {
          summary: 'Cancel a job',
          parameters: [jobIdParam],
          responses: {
            '202': json(
              {
                type: 'object',
                properties: { id: { type: 'string' }, outcome: { enum: ['removed', 'requested'] } },
              },
              '`removed` (it never ran) or `requested` (it stops at its next step and fails with reason `cancelled`)',
            ),
            '404': error('no such job'),
            '409': error('the job already finished (`already_finished`)'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/edits/{id}/events': {
        get: {
          summary: 'Server-sent events: `status` on every change, then `end` (or `gone`)',
          parameters: [jobIdParam],
          responses: {
            '200': {
              description: 'an event stream; each `data` is an EditJobStatus (for `status`)',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            '404': error('no such job'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness (no auth)',
          security: [],
          responses: { '200': json({ type: 'object' }, 'the process answers') },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: Redis reachable (no auth)',
          security: [],
          responses: {
            '200': json({ type: 'object' }, 'ready'),
            '503': json({ type: 'object' }, 'Redis unreachable'),
          },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1') },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        EditJob: editJob,
        EnqueueResult: {
          type: 'object',
          required: ['id', 'duplicate'],
          properties: { id: { type: 'string' }, duplicate: { type: 'boolean' } },
        },
        EditJobStatus: {
          type: 'object',
          required: ['id', 'state', 'operation', 'account', 'step', 'polls', 'enqueuedAt'],
          properties: {
            id: { type: 'string' },
            state: {
              enum: [
                'waiting',
                'prioritized',
                'delayed',
                'active',
                'completed',
                'failed',
                'waiting-children',
                'unknown',
              ],
            },
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
        },
        Error: {
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
                      path: {
                        type: 'string',
                        description: 'dotted field path; empty for the body itself',
                      },
                      rule: { type: 'string' },
                      message: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
