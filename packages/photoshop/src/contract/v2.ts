import { z } from 'zod';
import { storageKinds } from '../storage-kind';
import { MAX_DIMENSION_PX, MAX_OUTPUTS } from './v1-common';

/** `{url}`: a presigned URL (the only v2 resource form Darkroom produces). */
export const v2UrlResourceSchema = z.looseObject({ url: z.string().min(1) });

/**
 * v2 `FileResourceInput`: a URL, a Creative Cloud path or file id, or a Lightroom path.
 * Darkroom only ever sends `{url}`; the other forms are accepted so replies and bodies written by
 * others still parse.
 */
export const v2FileResourceSchema = z.union([
  v2UrlResourceSchema,
  z.looseObject({ creativeCloudPath: z.string(), creativeCloudProjectId: z.string().optional() }),
  z.looseObject({ creativeCloudFileId: z.string().regex(/^urn:aaid:/i) }),
  z.looseObject({ lightroomPath: z.string() }),
]);

/** Resources that can also be inline text (actions, UXP scripts). */
export const v2ActionSourceSchema = z.union([
  v2FileResourceSchema,
  z.looseObject({ content: z.string().max(51_200), contentType: z.string().optional() }),
]);

/** `UrlDestination`: where Adobe PUTs an output; `storageType` only for Azure and Dropbox links. */
export const v2UrlDestinationSchema = z.looseObject({
  url: z.string().min(1),
  storageType: z.enum(storageKinds).exclude(['external']).optional(),
});

export const v2DestinationSchema = z.union([
  v2UrlDestinationSchema,
  z.looseObject({ validityPeriod: z.number().int().min(60).max(86_400) }),
  z.looseObject({ embedded: z.enum(['string', 'base64', 'json']) }),
  z.looseObject({ creativeCloudPath: z.string(), creativeCloudProjectId: z.string().optional() }),
]);

export const v2JpegQualitySchema = z.enum([
  'very_poor',
  'poor',
  'low',
  'medium',
  'high',
  'maximum',
  'photoshop_max',
]);

export const v2PngCompressionSchema = z.enum([
  'none',
  'very_low',
  'low',
  'medium_low',
  'medium',
  'medium_high',
  'default',
  'high',
  'very_high',
  'maximum',
]);

const referenceLayerSchema = z.looseObject({
  id: z.number().int().optional(),
  name: z.string().optional(),
});

export const v2IccProfileSchema = z.union([
  z.looseObject({
    type: z.literal('custom'),
    name: z.string().max(255),
    imageMode: z.enum(['rgb', 'grayscale', 'cmyk']).optional(),
    source: v2FileResourceSchema,
  }),
  z.looseObject({
    type: z.literal('standard'),
    name: z.string(),
    imageMode: z.enum(['rgb', 'grayscale']).optional(),
  }),
]);

/** Photoshop-side v2 output (create-composite, execute-actions, create-artboard). */
export const v2OutputSchema = z.looseObject({
  destination: v2DestinationSchema,
  mediaType: z.enum([
    'image/jpeg',
    'image/png',
    'image/tiff',
    'image/vnd.adobe.photoshop',
    'document/vnd.adobe.cpsd+dcxucf',
    'document/vnd.adobe.cpsd+dcx',
    'application/json',
  ]),
  width: z.number().int().min(0).optional(),
  height: z.number().int().min(0).optional(),
  maxWidth: z.number().int().min(0).optional(),
  quality: v2JpegQualitySchema.optional(),
  compression: v2PngCompressionSchema.optional(),
  cropMode: z.enum(['trim_to_transparency', 'document_bounds', 'layer_bounds']).optional(),
  resample: z
    .enum(['nearest_neighbor', 'bilinear', 'bicubic', 'bicubic_smoother', 'bicubic_sharper'])
    .optional(),
  layers: z.array(referenceLayerSchema).max(100).optional(),
  iccProfile: v2IccProfileSchema.optional(),
  shouldOverwrite: z.boolean().optional(),
  scriptOutputPattern: z.string().max(255).optional(),
});
export type V2Output = z.infer<typeof v2OutputSchema>;

/** Lightroom-side v2 output (/v2/edit). */
export const v2LrOutputSchema = z.looseObject({
  destination: v2DestinationSchema,
  mediaType: z.enum(['image/jpeg', 'image/png', 'image/x-adobe-dng', 'application/rdf+xml']),
  quality: v2JpegQualitySchema.optional(),
});

/** Manifest output (/v2/generate-manifest). */
export const v2ManifestOutputSchema = z.looseObject({
  destination: v2DestinationSchema,
  mediaType: z.literal('application/json'),
});

function v2Outputs<T extends z.ZodType>(item: T) {
  return z.array(item).min(1).max(MAX_OUTPUTS);
}

/** `{source}`: an existing image. */
export const v2ImageSourceSchema = z.looseObject({ source: v2FileResourceSchema });

/** `ImageParameters`: a new blank document instead of a source image. */
export const v2ImageParametersSchema = z.looseObject({
  width: z.number().int().min(1).max(MAX_DIMENSION_PX),
  height: z.number().int().min(1).max(MAX_DIMENSION_PX),
  depth: z.enum(['1', '8', '16', '32']).optional(),
  fill: z.enum(['white', 'background_color', 'transparent']).optional(),
  mode: z
    .enum([
      'rgb',
      'bitmap',
      'grayscale',
      'indexed',
      'hsb',
      'cmyk',
      'lab',
      'duotone',
      'multichannel',
    ])
    .optional(),
  name: z.string().max(255).optional(),
});

export const v2FontOptionsSchema = z.looseObject({
  additionalFonts: z.array(z.looseObject({ source: v2FileResourceSchema.optional() })).optional(),
  defaultFontPostScriptName: z.string().optional(),
  missingFontStrategy: z.enum(['fail', 'use_default']).optional(),
});

const v2PixelMaskSchema = z.looseObject({
  source: v2FileResourceSchema.optional(),
  delete: z.boolean().optional(),
  isEnabled: z.boolean().optional(),
  isLinked: z.boolean().optional(),
});

/** One `edits.layers[]` entry; the layer kinds share these file positions. */
export const v2LayerEditSchema = z.looseObject({
  id: z.number().int().optional(),
  name: z.string().optional(),
  operation: z.looseObject({ type: z.enum(['add', 'edit', 'delete', 'move']) }),
  image: v2ImageSourceSchema.optional(),
  pixelMask: v2PixelMaskSchema.optional(),
  smartObject: z
    .looseObject({
      isLinked: z.boolean().optional(),
      smartObjectFile: z.looseObject({ source: v2FileResourceSchema.optional() }).optional(),
    })
    .optional(),
});

/** POST /v2/create-composite */
export const v2CreateCompositeBodySchema = z.looseObject({
  image: z.union([v2ImageSourceSchema, v2ImageParametersSchema]),
  edits: z
    .looseObject({
      document: z.record(z.string(), z.unknown()).optional(),
      layers: z.array(v2LayerEditSchema).optional(),
    })
    .optional(),
  fontOptions: v2FontOptionsSchema.optional(),
  outputs: v2Outputs(v2OutputSchema),
});

/** POST /v2/edit (the Lightroom operations in one endpoint). */
export const v2EditBodySchema = z.looseObject({
  image: v2ImageSourceSchema,
  edits: z
    .looseObject({
      autoTone: z.boolean().optional(),
      autoStraighten: z.record(z.string(), z.unknown()).optional(),
      presets: z.array(v2FileResourceSchema).max(10).optional(),
      xmp: z
        .looseObject({
          source: v2FileResourceSchema,
          masks: z
            .array(z.looseObject({ digest: z.string(), source: v2FileResourceSchema }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
  outputs: v2Outputs(v2LrOutputSchema),
});

const sourced = <T extends z.ZodType>(source: T) => z.looseObject({ source });

/** POST /v2/execute-actions */
export const v2ExecuteActionsBodySchema = z.looseObject({
  image: z.union([v2ImageSourceSchema, v2ImageParametersSchema]),
  options: z
    .looseObject({
      actions: z
        .array(z.looseObject({ source: v2ActionSourceSchema, actionName: z.string().optional() }))
        .max(10)
        .optional(),
      additionalContents: z.array(sourced(v2FileResourceSchema)).max(25).optional(),
      brushes: z.array(sourced(v2FileResourceSchema)).max(10).optional(),
      patterns: z.array(sourced(v2FileResourceSchema)).max(10).optional(),
      fontOptions: v2FontOptionsSchema.optional(),
      uxp: sourced(v2ActionSourceSchema).optional(),
    })
    .refine((o) => o.actions !== undefined || o.uxp !== undefined, {
      message: 'options needs actions or uxp',
      params: { rule: 'actions-or-uxp' },
    }),
  outputs: v2Outputs(v2OutputSchema),
});

/** POST /v2/generate-manifest */
export const v2GenerateManifestBodySchema = z.looseObject({
  image: v2ImageSourceSchema,
  outputs: v2Outputs(v2ManifestOutputSchema),
  includeLayerThumbnails: z.boolean().optional(),
  includeXmp: z.boolean().optional(),
  extractSmartObjectData: z.boolean().optional(),
  trimToTransparency: z.boolean().optional(),
  maximumThumbnailDepth: z.number().int().min(0).optional(),
});

/** POST /v2/create-artboard */
export const v2CreateArtboardBodySchema = z.looseObject({
  images: z.array(v2ImageSourceSchema).min(1).max(25),
  artboardSpacing: z.number().int().optional(),
  outputs: v2Outputs(v2OutputSchema),
});

export const autoCropAspectRatioSchema = z.enum([
  '1:1',
  '16:9',
  '9:16',
  '4:3',
  '3:4',
  '4:5',
  '5:4',
  '3:2',
  '2:3',
  '21:9',
]);

/** POST /v1/auto-crop on the v2 host: results come back in the status, not as uploaded files. */
export const v2AutoCropBodySchema = z.looseObject({
  image: z.looseObject({
    source: v2UrlResourceSchema,
    mediaType: z.enum(['image/jpeg', 'image/png', 'image/webp']).optional(),
  }),
  mode: z.enum(['smartCrop', 'subjectCrop', 'fullSceneDetection', 'objectDetection']),
  aspectRatio: z
    .union([autoCropAspectRatioSchema, z.array(autoCropAspectRatioSchema).max(20)])
    .optional(),
  focus: z.array(z.string()).optional(),
  zoom: z.union([z.number(), z.array(z.number()).max(20)]).optional(),
  outputType: z.enum(['images', 'boundingBoxes']).optional(),
});

/** 202 reply to every v2 POST. */
export const v2SubmitReplySchema = z.looseObject({
  jobId: z.string().min(1),
  statusUrl: z.string().min(1),
});
export type V2SubmitReply = z.infer<typeof v2SubmitReplySchema>;

/** GET /v2/status/{jobId} */
export const v2StatusSchema = z.looseObject({
  jobId: z.string().optional(),
  status: z.string(),
  createdTime: z.string().optional(),
  modifiedTime: z.string().optional(),
  // The OpenAPI file types result.outputs as an object; the migration guide shows an array.
  result: z
    .looseObject({
      outputs: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
      additionalFields: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  errorDetails: z
    .array(z.looseObject({ errorCode: z.string().optional(), message: z.string().optional() }))
    .optional(),
  error_code: z.string().optional(),
  message: z.string().optional(),
});
export type V2Status = z.infer<typeof v2StatusSchema>;

/**
 * `backgroundColor` of /v2/remove-background: the fill behind the subject, RGB 0–255 with an
 * alpha 0–1 (guides__remove-background.md, "Optional parameters", describes it as an RGBA
 * object).
 */
export const v2RemoveBackgroundColorSchema = z.looseObject({
  red: z.number().int().min(0).max(255).optional(),
  green: z.number().int().min(0).max(255).optional(),
  blue: z.number().int().min(0).max(255).optional(),
  alpha: z.number().min(0).max(1).optional(),
});

/**
 * The one `output` of /v2/remove-background. The guide's request gives only `mediaType`, and
 * Adobe then keeps the result; Darkroom also names a `destination`, as every v2 output does
 * (output-types migration guide, "Common output fields"), so the result lands in the job's store.
 */
export const v2RemoveBackgroundOutputSchema = z.looseObject({
  mediaType: z.enum(['image/png', 'image/jpeg']),
  destination: v2DestinationSchema.optional(),
});

/**
 * POST /v2/remove-background (on the v1 host, image.adobe.io), the replacement of /sensei/cutout
 * and /sensei/mask: `mode` `cutout` (subject on transparency) or `mask` (greyscale mask).
 * Adobe's reference schema for it is not among the published files; the fields are those of
 * guides__remove-background.md.
 */
export const v2RemoveBackgroundBodySchema = z.looseObject({
  image: z.looseObject({ source: v2UrlResourceSchema }),
  mode: z.enum(['cutout', 'mask']).optional(),
  output: v2RemoveBackgroundOutputSchema.optional(),
  trim: z.boolean().optional(),
  backgroundColor: v2RemoveBackgroundColorSchema.optional(),
  colorDecontamination: z.number().min(0).max(1).optional(),
});
