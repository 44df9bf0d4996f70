import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT, editSearchStates } from '@darkroom/jobs';
import { operationIds } from '@darkroom/photoshop';
import { COMMON_ERRORS, error, json, ref, type Schema } from './openapi-parts';

const query = (name: string, schema: Schema, description: string): Schema => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});

/** `GET /v1/edits`: the operation, merged with `POST /v1/edits` under one path. */
export const LIST_EDITS: Schema = {
  operationId: 'listEdits',
  summary:
    'List and search edits, a page at a time: not yet ended first (active, waiting, prioritized, delayed, each newest first), then ended ones by end time, newest first',
  parameters: [
    query(
      'state',
      { type: 'string', example: 'failed,completed' },
      `one or more of ${editSearchStates.join(', ')}, separated by commas; \`waiting\` includes edits parked for fair dispatch`,
    ),
    query(
      'tenant',
      { type: 'string', maxLength: 64 },
      '`default` also matches edits that named no tenant',
    ),
    query('operation', { enum: [...operationIds] }, 'an operation of the catalog'),
    query('account', { type: 'string', maxLength: 64 }, 'the Adobe account that pays'),
    query(
      'adobeJobId',
      { type: 'string', maxLength: 200 },
      'the edit whose submit created this Adobe job (now or in an earlier round)',
    ),
    query(
      'since',
      { type: 'string', example: '24h' },
      "only edits enqueued since: a duration back from now (`30m`, `24h`, `7d`) or an ISO time; later pages keep the first page's time",
    ),
    query(
      'limit',
      { type: 'integer', minimum: 1, maximum: MAX_SEARCH_LIMIT, default: DEFAULT_SEARCH_LIMIT },
      'most edits in the page',
    ),
    query(
      'cursor',
      { type: 'string' },
      'the `cursor` of the previous page; send the same filters with it',
    ),
  ],
  responses: {
    '200': json(
      {
        type: 'object',
        required: ['items'],
        properties: {
          items: { type: 'array', items: ref('EditJobStatus') },
          cursor: {
            type: 'string',
            description:
              'present when more edits may match; a page can hold fewer than `limit` items and a cursor when the scan budget of one request ran out',
          },
        },
      },
      'the matching edits',
    ),
    '400': error(
      'a bad or unknown parameter, or a cursor of other filters (`invalid_request`, the issue names the parameter and the rule)',
    ),
    ...COMMON_ERRORS,
  },
};
