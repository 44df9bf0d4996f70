import { PROBLEM_MEDIA_TYPE } from '../api-error';

/** A JSON Schema or OpenAPI object, kept loose: the document is data served as JSON. */
export type Schema = Record<string, unknown>;

/** A reference to one of the document's component schemas. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A JSON response with this schema. */
export const json = (schema: Schema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A response carrying the API's error body: RFC 9457 problem details. */
export const error = (description: string) => ({
  description,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: ref('Problem') } },
});

/** Answers every authenticated route can give. */
export const COMMON_ERRORS = {
  '401': {
    ...error('missing or unknown bearer token'),
    headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
  },
  '503': error('Redis is unreachable (code `redis_unavailable`), answered within about a second'),
};

/** The `{id}` path parameter of every route about one job. */
export const jobIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'the job id returned by POST /v1/edits',
};
