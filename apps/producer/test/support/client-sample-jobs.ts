import { sampleJobs as photoshopSamples } from '@darkroom/photoshop/sample-jobs';
import type { OperationId } from '@darkroom/client';

/** Where an operation that answers in JSON (manifests, masks, crops) writes that answer. */
const JSON_OUTPUT = [{ ref: 's3://darkroom-out/result.json', type: 'application/json' }];

/**
 * One edit job per operation of the catalog, as an application sends it to the producer: the
 * photoshop package's samples (every file position the catalog lists for the operation), each
 * with an output, which intake requires. The OpenAPI document's schema for the operation must
 * accept each, as intake does.
 */
export const sampleJobs = Object.fromEntries(
  Object.entries(photoshopSamples).map(([operation, sample]) => {
    const job = sample as Record<string, unknown>;
    return [operation, { ...job, outputs: job.outputs ?? JSON_OUTPUT }];
  }),
) as unknown as Record<OperationId, Record<string, unknown>>;
