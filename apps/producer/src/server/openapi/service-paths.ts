import { json } from './openapi-parts';

/** Probes and this document: the same on every deployment. */
export const SERVICE_PATHS = {
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
};
