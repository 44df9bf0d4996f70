import { z } from 'zod';
import { MAX_OUTPUTS } from './contract/v1-common';

/**
 * A storage reference: `s3://bucket/key`, `azure://account/container/blob` or `dropbox:/path`.
 * Jobs carry these, never URLs; the worker presigns them just before submitting.
 */
export const storageRefSchema = z
  .string()
  .regex(/^(s3:\/\/[^/\s]+\/\S.*|azure:\/\/[^/\s]+\/[^/\s]+\/\S.*|dropbox:\/\S.*)$/, {
    message:
      'expected a storage reference (s3://bucket/key, azure://account/container/blob, dropbox:/path)',
  });

/** A file position inside options: `{ "ref": "<reference>", ...other keys Adobe allows there }`. */
export const fileRefObjectSchema = z.looseObject({ ref: storageRefSchema });

/**
 * One output of a job: where to write it plus Adobe's output options for that generation, without
 * `href`/`storage` (v1) or `destination` (v2): the builder fills those in.
 */
export const jobOutputSchema = z.looseObject({ ref: storageRefSchema });
export type JobOutput = z.infer<typeof jobOutputSchema>;

/**
 * The job-side description of one Photoshop API call: one main input reference, up to 25 outputs,
 * and Adobe's options with `{ref}` wherever Adobe expects a file.
 */
export const editRequestSchema = z.strictObject({
  input: storageRefSchema.optional(),
  outputs: z.array(jobOutputSchema).max(MAX_OUTPUTS).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});
export type EditRequest = z.infer<typeof editRequestSchema>;

/** What a presigner returns for one reference. */
export interface ResolvedLocation {
  href: string;
  storage: 'external' | 'azure' | 'dropbox';
}

export interface ResolveContext {
  access: 'read' | 'write';
  /** Media type Adobe will write, for outputs (some stores sign it into the URL). */
  contentType?: string;
}

/** Turns a storage reference into a URL Adobe can read or write. */
export type ResolveRef = (ref: string, context: ResolveContext) => Promise<ResolvedLocation>;
