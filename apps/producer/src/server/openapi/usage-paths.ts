import { COMMON_ERRORS, error, json, type Schema } from './openapi-parts';

const count = { type: 'integer', minimum: 0 };

const TENANT_USAGE: Schema = {
  type: 'object',
  required: ['tenant', 'edits', 'adobeCalls', 'rateLimited', 'outputBytes', 'adobeSeconds'],
  properties: {
    tenant: { type: 'string', description: '`default` for edits that named no tenant' },
    edits: {
      type: 'object',
      description: 'edits that ended, by outcome',
      properties: { completed: count, failed: count, cancelled: count },
    },
    adobeCalls: {
      type: 'object',
      description: 'accepted submits and answered status reads',
      properties: { submit: count, status: count },
    },
    rateLimited: { ...count, description: 'Adobe 429 replies, counted when each edit ends' },
    outputBytes: { ...count, description: 'bytes of the outputs of completed edits' },
    adobeSeconds: { type: 'number', description: "Adobe's processing time of completed edits" },
  },
};

/** `GET /v1/usage`. */
export const USAGE_PATHS: Schema = {
  '/v1/usage': {
    get: {
      operationId: 'getUsage',
      summary: 'What each tenant used, summed over whole UTC hours',
      parameters: [
        {
          name: 'since',
          in: 'query',
          required: false,
          schema: { type: 'string', default: '24h' },
          description:
            'a duration back from now (`90m`, `24h`, `7d`; at most 7 days) or an ISO time within the last 7 days; rounded down to the hour',
        },
        {
          name: 'tenant',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'one tenant only',
        },
      ],
      responses: {
        '200': json(
          {
            type: 'object',
            required: ['since', 'until', 'tenants'],
            properties: {
              since: { type: 'string', format: 'date-time', description: 'the first hour summed' },
              until: { type: 'string', format: 'date-time' },
              tenants: { type: 'array', items: TENANT_USAGE },
            },
          },
          'usage per tenant, by tenant name',
        ),
        '400': error('bad `since` or `tenant` (`invalid_request`, the issue names the field)'),
        ...COMMON_ERRORS,
      },
    },
  },
};
