import { z } from 'zod';
import { storageKinds } from '../storage-kind';

/**
 * Where Adobe's v1 generation reads or writes a file. `external`, `azure` and `dropbox` take a
 * presigned https URL; `adobe` and `cclib` are Creative Cloud paths that server-to-server
 * integrations cannot use, but replies may still carry them.
 */
export const v1StorageSchema = z.enum([...storageKinds, 'adobe', 'cclib']);
export type V1Storage = z.infer<typeof v1StorageSchema>;

/** Lightroom (`/lrService`) adds `lightroom` and drops `cclib`. */
export const lrStorageSchema = z.enum([...storageKinds, 'lightroom', 'adobe']);

/** Sensei (`/sensei`) drops `cclib`. */
export const senseiStorageSchema = z.enum([...storageKinds, 'adobe']);

// The JSON Schema files require https for external storage. The zod contract accepts any
// non-empty href so the same schemas serve a loopback emulator whose storage is plain http;
// the builder output is checked against the official https rule in tests.
export const hrefSchema = z.string().min(1);

/** `{href, storage}` as the Photoshop (`/pie/psdService`) family takes it. */
export const v1FileRefSchema = z.looseObject({
  href: hrefSchema,
  storage: v1StorageSchema,
});
export type V1FileRef = z.infer<typeof v1FileRefSchema>;

export const lrFileRefSchema = z.looseObject({ href: hrefSchema, storage: lrStorageSchema });
export const senseiFileRefSchema = z.looseObject({
  href: hrefSchema,
  storage: senseiStorageSchema,
});

/** Both PSD spellings are valid (`image/vnd.adobe.photoshop` and `vnd.adobe.photoshop`). */
export const v1OutputTypeSchema = z.enum([
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/vnd.adobe.photoshop',
  'vnd.adobe.photoshop',
]);

/** Action-family outputs (photoshopActions, actionJSON, productCrop, depthBlur) add GIF. */
export const v1ActionOutputTypeSchema = z.enum([
  'image/gif',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/vnd.adobe.photoshop',
  'vnd.adobe.photoshop',
]);

export const layerLocatorSchema = z.looseObject({
  id: z.number().int().optional(),
  name: z.string().optional(),
});

export const iccProfileSchema = z.looseObject({
  imageMode: z.string().optional(),
  profileName: z.string().optional(),
  input: z.looseObject({ href: hrefSchema, storage: v1StorageSchema.optional() }).optional(),
});

/**
 * Largest width or height, in pixels, an output may ask for. Adobe's v2 contract bounds every
 * dimension to 0–32000 (`Dimension` and `ImageParameters` in specs/v2/photoshopv2-api.json), and
 * v1 layer bounds likewise (specs/v1/PITS/bounds.schema.json); 0 means full size in v1 renditions
 * (specs/v1/PITS/file_output.schema.json).
 */
export const MAX_DIMENSION_PX = 32_000;

/** Adobe's limit on outputs per request (`outputs.maxItems`). */
export const MAX_OUTPUTS = 25;

/** One Photoshop-family output (`file_output.schema.json#/definitions/output_object`). */
export const v1OutputSchema = z
  .looseObject({
    href: hrefSchema,
    storage: v1StorageSchema,
    type: v1OutputTypeSchema,
    width: z.number().optional(),
    maxWidth: z.number().optional(),
    quality: z.number().min(1).max(7).optional(),
    compression: z.enum(['small', 'medium', 'large']).optional(),
    overwrite: z.boolean().optional(),
    trimToCanvas: z.boolean().optional(),
    layers: z.array(layerLocatorSchema).optional(),
    iccProfile: iccProfileSchema.optional(),
  })
  .superRefine(formatOptionsRule);
export type V1Output = z.infer<typeof v1OutputSchema>;

/** Outputs of the action family (`file_output_pegasus.schema.json`): GIF allowed, JPEG quality 1–12. */
export const v1ActionOutputSchema = z
  .looseObject({
    href: hrefSchema,
    storage: v1StorageSchema,
    type: v1ActionOutputTypeSchema,
    overwrite: z.boolean().optional(),
    compression: z.enum(['small', 'medium', 'large']).optional(),
    quality: z.number().min(1).max(12).optional(),
  })
  .superRefine(formatOptionsRule);

/** actionJsonCreate writes the converted action as JSON. */
export const v1ActionJsonCreateOutputSchema = z.looseObject({
  href: hrefSchema,
  storage: v1StorageSchema,
  type: z.literal('application/json'),
  overwrite: z.boolean().optional(),
});

/** Lightroom output (`acr/outputs.schema.json`): quality 0–12. */
export const lrOutputSchema = z.looseObject({
  href: hrefSchema,
  storage: lrStorageSchema,
  type: z.enum(['image/jpeg', 'image/x-adobe-dng', 'image/png', 'application/rdf+xml']),
  overwrite: z.boolean().optional(),
  quality: z.number().min(0).max(12).optional(),
});

/** Sensei output: always PNG, so no `type`. */
export const senseiOutputSchema = z.looseObject({
  href: hrefSchema,
  storage: senseiStorageSchema,
  overwrite: z.boolean().optional(),
  color: z.looseObject({ space: z.enum(['rgba', 'rgb']) }).optional(),
  mask: z.looseObject({ format: z.enum(['soft', 'binary']) }).optional(),
});

/**
 * The files' if/then rules: JPEG outputs take `quality` and no `compression`, PNG outputs take
 * `compression` and no `quality`.
 */
function formatOptionsRule(
  o: { type: string; quality?: number; compression?: string },
  ctx: z.RefinementCtx,
): void {
  if (o.type === 'image/png' && o.quality !== undefined) {
    ctx.addIssue({
      code: 'custom',
      params: { rule: 'format-option' },
      path: ['quality'],
      message: 'quality applies to JPEG outputs, not PNG',
    });
  }
  if (o.type === 'image/jpeg' && o.compression !== undefined) {
    ctx.addIssue({
      code: 'custom',
      params: { rule: 'format-option' },
      path: ['compression'],
      message: 'compression applies to PNG outputs, not JPEG',
    });
  }
}

export function outputsOf<T extends z.ZodType>(item: T) {
  return z.array(item).min(1).max(MAX_OUTPUTS);
}

/** `inputs` of the Photoshop family: an array holding at most one file. */
export const v1InputsSchema = z.array(v1FileRefSchema).max(1);
