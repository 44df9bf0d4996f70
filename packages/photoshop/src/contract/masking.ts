import { z } from 'zod';
import { v2UrlResourceSchema } from './v2';

/**
 * The masking endpoints (`/v1/mask-objects`, `/v1/mask-body-parts`, `/v1/refine-mask`,
 * `/v1/fill-masked-areas` on image.adobe.io), as specs/v1/ffs-photoshop_api.json defines them.
 * Their request objects do not close `additionalProperties`, so neither do these schemas.
 */

/** `{source: {url}}`: an image or mask by presigned URL (`MaskObjectsInputImage` and kin). */
export const maskingImageSchema = z.looseObject({ source: v2UrlResourceSchema });

/** POST /v1/mask-objects (`MaskObjectsRequest`). */
export const maskObjectsBodySchema = z.looseObject({ image: maskingImageSchema });

/** POST /v1/mask-body-parts (`MaskBodyPartsRequest`): the subject's mask goes along. */
export const maskBodyPartsBodySchema = z.looseObject({
  image: maskingImageSchema,
  mask: maskingImageSchema,
  useGranularLabels: z.boolean().optional(),
});

/** POST /v1/refine-mask (`RefineMaskRequest`). */
export const refineMaskBodySchema = z.looseObject({
  image: maskingImageSchema,
  mask: maskingImageSchema,
  colorDecontamination: z.boolean().optional(),
});

/** POST /v1/fill-masked-areas (`FillMaskedAreasRequest`). */
export const fillMaskedAreasBodySchema = z.looseObject({
  image: maskingImageSchema,
  masks: z.array(maskingImageSchema),
});

/** `ImageBoundingBox`: upper-left corner and size, in pixels. */
export const maskingBoundingBoxSchema = z.looseObject({
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
});

/** One result file Adobe keeps: `destination.url` (a URL of Adobe's storage) and its type. */
export const maskingOutputImageSchema = z.looseObject({
  destination: v2UrlResourceSchema,
  mediaType: z.string(),
  label: z.string().optional(),
  score: z.number().optional(),
  boundingBox: maskingBoundingBoxSchema.optional(),
});

/**
 * GET /v1/status/{jobId}: `status` (`not_started`, `pending`, `running`, `succeeded`, `failed`),
 * then per operation `semanticMasks` and `backgroundMasks` (mask-objects), `masks`
 * (mask-body-parts), `mask` or `image` (refine-mask), `image` (fill-masked-areas); a failed job
 * has `error_code` and `message`.
 */
export const maskingStatusSchema = z.looseObject({
  jobId: z.string().optional(),
  status: z.string(),
  semanticMasks: z.array(maskingOutputImageSchema).optional(),
  backgroundMasks: z.array(maskingOutputImageSchema).optional(),
  masks: z.array(maskingOutputImageSchema).optional(),
  mask: maskingOutputImageSchema.optional(),
  image: maskingOutputImageSchema.optional(),
  error_code: z.string().optional(),
  message: z.string().optional(),
});
export type MaskingStatus = z.infer<typeof maskingStatusSchema>;
