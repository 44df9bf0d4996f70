import { BATCH_PATHS } from './openapi/batch-paths';
import { CALLBACK_PATHS } from './openapi/callback-paths';
import { components } from './openapi/component-schemas';
import { enqueuePaths } from './openapi/enqueue-paths';
import { jobPaths } from './openapi/job-paths';
import type { Schema } from './openapi/openapi-parts';
import { recipePaths } from './openapi/recipe-paths';
import { SERVICE_PATHS } from './openapi/service-paths';
import { USAGE_PATHS } from './openapi/usage-paths';

/**
 * The OpenAPI 3.1 description of the producer's HTTP API. The edit-job schema is generated from
 * the same zod schema `EditQueue` validates with, so the two cannot drift.
 */
export function openApiDocument(options: { maxBatch: number; maxWaitSeconds: number }): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Darkroom producer',
      version: '1',
      description:
        'Enqueue Photoshop API edits as durable jobs and follow them. Inputs and outputs are storage references (s3://bucket/key, azure://account/container/blob, dropbox:/path), never URLs.',
    },
    // Relative: the producer that serves the document is the one it describes.
    servers: [{ url: '/', description: 'the producer that served this document' }],
    security: [{ bearer: [] }],
    paths: {
      ...enqueuePaths(options.maxBatch),
      ...jobPaths(options.maxWaitSeconds),
      ...BATCH_PATHS,
      ...CALLBACK_PATHS,
      ...USAGE_PATHS,
      ...recipePaths(options.maxWaitSeconds),
      ...SERVICE_PATHS,
    },
    components: components(),
  };
}
