import { error, json } from './openapi-parts';

/** Probes and this document: the same on every deployment. */
export const SERVICE_PATHS = {
  '/healthz': {
    get: {
      operationId: 'getHealth',
      summary: 'Liveness (no auth)',
      security: [],
      responses: { '200': json({ type: 'object' }, 'the process answers') },
    },
  },
  '/readyz': {
    get: {
      operationId: 'getReadiness',
      summary: 'Readiness: Redis reachable (no auth)',
      security: [],
      responses: {
        '200': json({ type: 'object' }, 'ready'),
        '503': error('Redis is unreachable (`redis_unavailable`)'),
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document (no auth: it describes, it does not act)',
      security: [],
      responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1') },
    },
  },
};
