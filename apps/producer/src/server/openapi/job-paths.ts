import { COMMON_ERRORS, error, jobIdParam, json, ref, type Schema } from './openapi-parts';

/** Read (with `?wait=` up to `maxWaitSeconds`), cancel and follow one job. */
export function jobPaths(maxWaitSeconds: number): Schema {
  return {
    '/v1/edits/{id}': {
      get: {
        summary: 'Read a job; with ?wait=, wait for it to finish',
        parameters: [
          jobIdParam,
          {
            name: 'wait',
            in: 'query',
            required: false,
            schema: { type: 'number', minimum: 0, maximum: maxWaitSeconds },
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
  };
}
