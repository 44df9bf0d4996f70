import { z } from 'zod';
import { MAX_OUTPUTS } from './contract/v1-common';
import type { StorageKind } from './storage-kind';
import { storageRefSchema } from './storage-ref';

/** A file position inside options: `{ "ref": "<reference>", ...other keys Adobe allows there }`. */
export const fileRefObjectSchema = z.looseObject({ ref: storageRefSchema });

/**
 * One output of a job: where to write it plus Adobe's output options for that generation, without
 * `href`/`storage` (v1) or `destination` (v2): the builder fills those in.
 */
export const jobOutputSchema = z.looseObject({ ref: storageRefSchema });
export type JobOutput = z.infer<typeof jobOutputSchema>;

/**
 * Adobe's request body as a job writes it, before presigning: one main input reference, up to 25
 * outputs, and Adobe's options with `{ref}` wherever Adobe expects a file. The operation is not
 * part of it (it picks the endpoint); `buildRequestBody` turns it into the body Adobe receives.
 */
export const referencedBodySchema = z.strictObject({
  input: storageRefSchema.optional(),
  outputs: z.array(jobOutputSchema).max(MAX_OUTPUTS).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});
export type ReferencedBody = z.infer<typeof referencedBodySchema>;

/** What a presigner returns for one reference. */
export interface ResolvedLocation {
  href: string;
  storage: StorageKind;
}

export interface ResolveContext {
  access: 'read' | 'write';
  /** Media type Adobe will write, for outputs (some stores sign it into the URL). */
  contentType?: string;
}

/** Turns a storage reference into a URL Adobe can read or write. */
export type ResolveRef = (ref: string, context: ResolveContext) => Promise<ResolvedLocation>;
