import { z } from 'zod';

// Replies are parsed leniently: Adobe's examples and schemas disagree on spellings (jobId vs
// jobID, errors as object vs array, details vs errorDetails), so every documented variant is
// accepted and unknown keys are kept.

/** `{_links:{self:{href}}}`: the 202 reply to every v1 POST. */
export const v1SubmitReplySchema = z.looseObject({
  _links: z.looseObject({ self: z.looseObject({ href: z.string().min(1) }) }),
});
export type V1SubmitReply = z.infer<typeof v1SubmitReplySchema>;

/** The status strings Adobe documents across v1 families and v2. */
export const jobStatusStringSchema = z.enum([
  'pending',
  'starting',
  'not_started',
  'running',
  'uploading',
  'succeeded',
  'failed',
]);
export type JobStatusString = z.infer<typeof jobStatusStringSchema>;

const errorDetailSchema = z.union([
  z.string(),
  z.looseObject({ name: z.string().optional(), reason: z.unknown().optional() }),
  z.array(z.unknown()),
]);

/** An error as it appears inside a status document. */
export const statusErrorSchema = z.looseObject({
  type: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
  title: z.string().optional(),
  details: errorDetailSchema.optional(),
});

const errorsField = z.union([statusErrorSchema, z.array(statusErrorSchema)]);

export const renditionLinkSchema = z.looseObject({
  href: z.string().optional(),
  storage: z.string().optional(),
  width: z.number().optional(),
  type: z.string().optional(),
});

const selfLinks = z.looseObject({ self: z.looseObject({ href: z.string() }).optional() });

/** Manifest `document` block. */
export const manifestDocumentSchema = z.looseObject({
  name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  photoshopBuild: z.string().optional(),
  imageMode: z.string().optional(),
  bitDepth: z.union([z.number(), z.string()]).optional(),
  iccProfileName: z.string().optional(),
});
export type ManifestDocument = z.infer<typeof manifestDocumentSchema>;

/** One layer in a manifest; layer sections nest their layers under `children`. */
export interface ManifestLayer {
  id?: number;
  index?: number;
  type?: string;
  name?: string;
  locked?: boolean;
  visible?: boolean;
  bounds?: { top?: number; left?: number; width?: number; height?: number };
  thumbnail?: string;
  children?: ManifestLayer[];
  [key: string]: unknown;
}

export const manifestLayerSchema: z.ZodType<ManifestLayer> = z.lazy(() =>
  z.looseObject({
    id: z.number().optional(),
    index: z.number().optional(),
    type: z.string().optional(),
    name: z.string().optional(),
    locked: z.boolean().optional(),
    visible: z.boolean().optional(),
    bounds: z
      .looseObject({
        top: z.number().optional(),
        left: z.number().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
      })
      .optional(),
    thumbnail: z.string().optional(),
    children: z.array(manifestLayerSchema).optional(),
  }),
);

/** The manifest: document plus layer tree. */
export const manifestSchema = z.looseObject({
  document: manifestDocumentSchema,
  layers: z.array(manifestLayerSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

const timestamp = z.string();

/** One `outputs[]` entry of a Photoshop-family status (one per input, so one). */
export const psOutputStatusSchema = z.looseObject({
  input: z.string().optional(),
  status: jobStatusStringSchema,
  created: timestamp.optional(),
  modified: timestamp.optional(),
  _links: z
    .looseObject({
      renditions: z.array(renditionLinkSchema).optional(),
      self: z.union([renditionLinkSchema, z.array(renditionLinkSchema)]).optional(),
    })
    .optional(),
  errors: errorsField.optional(),
  error: errorsField.optional(),
  errorDetails: z.unknown().optional(),
  details: z.unknown().optional(),
  document: manifestDocumentSchema.optional(),
  layers: z.array(manifestLayerSchema).optional(),
});

/** GET /pie/psdService/status/{jobId} (renditions or, for documentManifest, document + layers). */
export const psStatusSchema = z.looseObject({
  jobId: z.string().optional(),
  jobID: z.string().optional(),
  outputs: z.array(psOutputStatusSchema).optional(),
  _links: selfLinks.optional(),
});
export type PsStatus = z.infer<typeof psStatusSchema>;

/** The documentManifest variant: a succeeded output carries the document and its layer tree. */
export const psManifestStatusSchema = psStatusSchema.extend({
  outputs: z
    .array(
      psOutputStatusSchema.refine(
        (o) => o.status !== 'succeeded' || (o.document !== undefined && o.layers !== undefined),
        { message: 'a succeeded manifest output carries document and layers', path: ['document'] },
      ),
    )
    .optional(),
});

/** GET /sensei/status/{jobId}: one flat job. */
export const senseiStatusSchema = z.looseObject({
  jobId: z.string().optional(),
  jobID: z.string().optional(),
  status: jobStatusStringSchema,
  created: timestamp.optional(),
  modified: timestamp.optional(),
  input: z.string().optional(),
  output: renditionLinkSchema.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  errors: errorsField.optional(),
  error: errorsField.optional(),
  _links: selfLinks.optional(),
});
export type SenseiStatus = z.infer<typeof senseiStatusSchema>;

/** One `outputs[]` entry of a Lightroom status: `_links.self` is the written file. */
export const lrOutputStatusSchema = z.looseObject({
  input: z.string().optional(),
  status: jobStatusStringSchema,
  details: z.unknown().optional(),
  errorDetails: z.unknown().optional(),
  errors: errorsField.optional(),
  _links: z
    .looseObject({ self: z.union([renditionLinkSchema, z.array(renditionLinkSchema)]).optional() })
    .optional(),
});

/** GET /lrService/status/{jobId} */
export const lrStatusSchema = z.looseObject({
  jobId: z.string().optional(),
  jobID: z.string().optional(),
  created: timestamp.optional(),
  modified: timestamp.optional(),
  outputs: z.array(lrOutputStatusSchema).optional(),
  _links: selfLinks.optional(),
});
export type LrStatus = z.infer<typeof lrStatusSchema>;
