import { z } from 'zod';

// The manifest `/v2/generate-manifest` writes, as Adobe's v1-to-v2 manifest response migration
// guide describes it (the OpenAPI file types the job result only as an object). It differs from
// the v1 manifest (`Manifest` in v1-status.ts) in shape, not only in names, so it has a type of
// its own. Parsed leniently: unknown keys are kept.

/** `{left, top, right, bottom}`: v2 bounds (v1 has `{top, left, width, height}`). */
export const v2BoundsSchema = z.looseObject({
  left: z.number(),
  top: z.number(),
  right: z.number(),
  bottom: z.number(),
});
export type V2Bounds = z.infer<typeof v2BoundsSchema>;

/** Layer types in v2's snake_case (v1 `layerSection` is `group_layer`, and so on). */
export const v2ManifestLayerTypeSchema = z.enum([
  'layer',
  'text_layer',
  'adjustment_layer',
  'group_layer',
  'smart_object_layer',
  'solid_color_layer',
  'background_layer',
  'artboard',
]);
export type V2ManifestLayerType = z.infer<typeof v2ManifestLayerTypeSchema>;

/** One layer of a v2 manifest; groups nest theirs under `children`, artboards under `layers`. */
export interface V2ManifestLayer {
  id: number;
  name: string;
  type: V2ManifestLayerType;
  visible?: boolean;
  bounds?: V2Bounds;
  /** Replaces v1's `locked`: `['none']`, `['all']` or the locks that are on. */
  protection?: string[];
  blendOptions?: { blendMode?: string; opacity?: number; [key: string]: unknown };
  thumbnail?: { mediaType: string; url: string };
  children?: V2ManifestLayer[];
  layers?: V2ManifestLayer[];
  [key: string]: unknown;
}

export const v2ManifestLayerSchema: z.ZodType<V2ManifestLayer> = z.lazy(() =>
  z.looseObject({
    id: z.number(),
    name: z.string(),
    type: v2ManifestLayerTypeSchema,
    visible: z.boolean().optional(),
    bounds: v2BoundsSchema.optional(),
    protection: z.array(z.string()).optional(),
    blendOptions: z
      .looseObject({ blendMode: z.string().optional(), opacity: z.number().optional() })
      .optional(),
    thumbnail: z.looseObject({ mediaType: z.string(), url: z.string() }).optional(),
    children: z.array(v2ManifestLayerSchema).optional(),
    layers: z.array(v2ManifestLayerSchema).optional(),
  }),
);

/** The v2 manifest's document: `title` (v1 `name`), `depth` (v1 `bitDepth`), canvas `bounds`. */
export const v2ManifestDocumentSchema = z.looseObject({
  title: z.string().optional(),
  bounds: v2BoundsSchema.optional(),
  imageMode: z.string().optional(),
  depth: z.number().optional(),
  iccProfile: z.string().optional(),
});
export type V2ManifestDocument = z.infer<typeof v2ManifestDocumentSchema>;

export const v2ManifestSchema = z.looseObject({
  document: v2ManifestDocumentSchema,
  layers: z.array(v2ManifestLayerSchema),
});
export type V2Manifest = z.infer<typeof v2ManifestSchema>;
