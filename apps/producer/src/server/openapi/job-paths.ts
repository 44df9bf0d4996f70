import { editJobStates } from '@darkroom/jobs';
import { COMMON_ERRORS, error, jobIdParam, json, ref, type Schema } from './openapi-parts';

/** `POST /v1/edits/{id}:retry`. */
const RETRY_EDIT: Schema = {
  operationId: 'retryEdit',
  summary: "Run a failed job again (what the dashboard's Retry does): a fresh submission",
  parameters: [jobIdParam],
  responses: {
    '202': json(
      {
        type: 'object',
        required: ['id', 'state'],
        properties: { id: { type: 'string' }, state: { enum: [...editJobStates] } },
      },
      'queued again; `state` is where it is now',
    ),
    '404': error('no such job'),
    '409': error('the job is not failed (`not_failed`); nothing changed'),
    ...COMMON_ERRORS,
  },
};

/** `GET /v1/edits/{id}/events`, resumable with `Last-Event-ID`. */
const STREAM_EDIT_EVENTS: Schema = {
  operationId: 'streamEditEvents',
  summary:
    'Server-sent events: `status` now and on every change, then `end` (or `gone`); resumable with Last-Event-ID',
  parameters: [
    jobIdParam,
    {
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      schema: { type: 'string' },
      description:
        "the `id:` of the last event received (EventSource sends it when it reconnects): the stream resumes after it, sending the job's status only if it changed since; an unknown id replays the current status",
    },
  ],
  responses: {
    '200': {
      description:
        'an event stream: `status` (id: a digest of the status; data: an EditJobStatus), `end` (id: `end-…`; data: {id, state}), `gone` (data: {id, message}), `error` (data: problem details)',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    '204': {
      description:
        'Last-Event-ID is the `end` of this finished job: nothing more will come (EventSource stops reconnecting)',
    },
    '404': error('no such job'),
    ...COMMON_ERRORS,
  },
};

/** `?wait=`: how long a read may wait for `what`, up to `maxWaitSeconds`. */
export function waitParam(maxWaitSeconds: number, what: string): Schema {
  return {
    name: 'wait',
    in: 'query',
    required: false,
    schema: { type: 'number', minimum: 0, maximum: maxWaitSeconds },
    description: `seconds to wait for ${what}; the answer is the state at that time`,
  };
}

/** Read (with `?wait=` up to `maxWaitSeconds`), cancel and follow one job. */
export function jobPaths(maxWaitSeconds: number): Schema {
  return {
    '/v1/edits/{id}': {
      get: {
        operationId: 'getEdit',
        summary: 'Read a job; with ?wait=, wait for it to finish',
        parameters: [jobIdParam, waitParam(maxWaitSeconds, 'the job to finish')],
        responses: {
          '200': json(ref('EditJobStatus'), 'the job'),
          '400': error('bad wait value'),
          '404': error('no such job'),
          ...COMMON_ERRORS,
        },
      },
      delete: {
        operationId: 'cancelEdit',
        summary: 'Cancel a job',
        parameters: [jobIdParam],
        responses: {
          '202': json(
            {
              type: 'object',
              properties: { id: { type: 'string' }, outcome: { enum: ['cancelled', 'requested'] } },
            },
            '`cancelled` (never sent to Adobe; it ends failed with reason `cancelled` as soon as a worker takes it) or `requested` (Adobe accepted it: it stops at its next step and fails with reason `cancelled`, but Adobe has no cancel endpoint and may still write its outputs)',
          ),
          '404': error('no such job'),
          '409': error('the job already finished (`already_finished`)'),
          ...COMMON_ERRORS,
        },
      },
    },
    '/v1/edits/{id}:retry': { post: RETRY_EDIT },
    '/v1/edits/{id}/events': { get: STREAM_EDIT_EVENTS },
  };
}
