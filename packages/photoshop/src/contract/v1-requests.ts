import { z } from 'zod';
import {
  layerLocatorSchema,
  lrFileRefSchema,
  lrOutputSchema,
  outputsOf,
  senseiFileRefSchema,
  senseiOutputSchema,
  v1ActionJsonCreateOutputSchema,
  v1ActionOutputSchema,
  v1FileRefSchema,
  v1InputsSchema,
  v1OutputSchema,
} from './v1-common';

export const boundsSchema = z.looseObject({
  top: z.number().optional(),
  left: z.number().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});

const insertSchema = z.looseObject({
  insertAbove: layerLocatorSchema.optional(),
  insertBelow: layerLocatorSchema.optional(),
  insertInto: layerLocatorSchema.optional(),
  insertTop: z.boolean().optional(),
  insertBottom: z.boolean().optional(),
});

export const layerTypeSchema = z.enum([
  'layer',
  'textLayer',
  'adjustmentLayer',
  'layerSection',
  'smartObject',
  'fillLayer',
  'backgroundLayer',
]);

export const layerMaskSchema = z.looseObject({
  input: v1FileRefSchema.optional(),
  linked: z.boolean().optional(),
  enabled: z.boolean().optional(),
  offset: z.looseObject({ x: z.number().optional(), y: z.number().optional() }).optional(),
  clip: z.boolean().optional(),
});

/** One entry of `options.layers[]` (documentOperations, documentCreate, text, smartObject). */
export interface V1LayerEdit {
  id?: number;
  name?: string;
  index?: number;
  type?: string;
  input?: z.infer<typeof v1FileRefSchema>;
  mask?: z.infer<typeof layerMaskSchema>;
  children?: V1LayerEdit[];
  [key: string]: unknown;
}

export const v1LayerEditSchema: z.ZodType<V1LayerEdit> = z.lazy(() =>
  z.looseObject({
    id: z.number().int().optional(),
    name: z.string().optional(),
    index: z.number().int().optional(),
    type: layerTypeSchema.optional(),
    locked: z.boolean().optional(),
    visible: z.boolean().optional(),
    bounds: boundsSchema.optional(),
    input: v1FileRefSchema.optional(),
    mask: layerMaskSchema.optional(),
    add: insertSchema.optional(),
    move: insertSchema.optional(),
    edit: z.looseObject({}).optional(),
    delete: z.looseObject({ includeChildren: z.boolean().optional() }).optional(),
    adjustments: z.record(z.string(), z.unknown()).optional(),
    smartObject: z.record(z.string(), z.unknown()).optional(),
    text: z.record(z.string(), z.unknown()).optional(),
    fill: z.record(z.string(), z.unknown()).optional(),
    blendOptions: z.record(z.string(), z.unknown()).optional(),
    children: z.array(v1LayerEditSchema).optional(),
  }),
);

const fontOptions = {
  globalFont: z.string().optional(),
  fonts: z.array(v1FileRefSchema).optional(),
  manageMissingFonts: z.enum(['fail', 'useDefault']).optional(),
};

/** POST /pie/psdService/renditionCreate */
export const renditionCreateBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  outputs: outputsOf(v1OutputSchema),
});

/** POST /pie/psdService/documentManifest */
export const documentManifestBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  options: z
    .looseObject({
      thumbnails: z
        .looseObject({ type: z.enum(['image/jpeg', 'image/png', 'image/tiff']) })
        .optional(),
    })
    .optional(),
});

export const documentEditSchema = z.looseObject({
  imageSize: z.looseObject({ width: z.number(), height: z.number() }).optional(),
  canvasSize: z.looseObject({ bounds: boundsSchema }).optional(),
  trim: z.looseObject({ basedOn: z.literal('transparentPixels') }).optional(),
});

/** POST /pie/psdService/documentOperations */
export const documentOperationsBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  options: z.looseObject({
    layers: z.array(v1LayerEditSchema).optional(),
    document: documentEditSchema.optional(),
    ...fontOptions,
  }),
  outputs: outputsOf(v1OutputSchema),
});

/** POST /pie/psdService/documentCreate (no inputs: the document is made from options). */
export const documentCreateBodySchema = z.looseObject({
  options: z.looseObject({
    document: z.looseObject({
      width: z.number().int(),
      height: z.number().int(),
      resolution: z.number().int().min(72).max(300),
      fill: z.enum(['white', 'backgroundColor', 'transparent']),
      mode: z.enum([
        'bitmap',
        'greyscale',
        'indexed',
        'rgb',
        'cmyk',
        'hsl',
        'hsb',
        'multichannel',
        'duotone',
        'lab',
        'xyz',
      ]),
      depth: z.union([z.literal(8), z.literal(16), z.literal(32)]).optional(),
    }),
    layers: z.array(v1LayerEditSchema).optional(),
    ...fontOptions,
  }),
  outputs: outputsOf(v1OutputSchema),
});

/** POST /pie/psdService/smartObject */
export const smartObjectBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  options: z.looseObject({
    layers: z
      .array(
        z
          .looseObject({
            id: z.number().int().optional(),
            name: z.string().optional(),
            locked: z.boolean().optional(),
            visible: z.boolean().optional(),
            add: insertSchema.optional(),
            input: v1FileRefSchema,
            bounds: boundsSchema.optional(),
          })
          .refine((l) => l.id !== undefined || l.name !== undefined, {
            message: 'each smart-object layer needs an id or a name',
            params: { rule: 'layer-locator' },
          }),
      )
      .min(1),
  }),
  outputs: outputsOf(v1OutputSchema),
});

/** POST /pie/psdService/text */
export const textBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  options: z.looseObject({
    layers: z.array(v1LayerEditSchema).min(1),
    ...fontOptions,
  }),
  outputs: outputsOf(v1OutputSchema),
});

const actionFileSchema = v1FileRefSchema.extend({ actionName: z.string().optional() });

/** POST /pie/psdService/photoshopActions */
export const photoshopActionsBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  // The schema file requires `actions` or `uxp` (anyOf) but declares only `actions`; both pass.
  options: z
    .looseObject({
      actions: z.array(actionFileSchema).min(1).optional(),
      uxp: z.unknown().optional(),
      fonts: z.array(v1FileRefSchema).optional(),
      patterns: z.array(v1FileRefSchema).optional(),
      brushes: z.array(v1FileRefSchema).optional(),
    })
    .refine((o) => o.actions !== undefined || o.uxp !== undefined, {
      message: 'options needs actions (or uxp)',
      params: { rule: 'actions-or-uxp' },
    }),
  outputs: outputsOf(v1ActionOutputSchema),
});

/** POST /pie/psdService/actionJSON */
export const actionJsonBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  options: z.looseObject({
    actionJSON: z.array(z.unknown()).min(1),
    fonts: z.array(v1FileRefSchema).optional(),
    patterns: z.array(v1FileRefSchema).min(1).optional(),
    brushes: z.array(v1FileRefSchema).min(1).optional(),
    additionalImages: z.array(v1FileRefSchema).min(1).optional(),
  }),
  outputs: outputsOf(v1ActionOutputSchema),
});

/** POST /pie/psdService/actionJsonCreate (.atn in, actionJSON out). */
export const actionJsonCreateBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  options: z
    .looseObject({
      actions: z
        .array(z.looseObject({ actionName: z.string().optional() }))
        .min(1)
        .max(1),
    })
    .optional(),
  outputs: outputsOf(v1ActionJsonCreateOutputSchema).optional(),
});

/** POST /pie/psdService/productCrop */
export const productCropBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  options: z.looseObject({
    unit: z.enum(['Pixels', 'Percent']),
    width: z.number(),
    height: z.number(),
  }),
  outputs: outputsOf(v1ActionOutputSchema),
});

const signed50 = z.number().int().min(-50).max(50);
const pct = z.number().int().min(0).max(100);

/** POST /pie/psdService/depthBlur */
export const depthBlurBodySchema = z.looseObject({
  inputs: v1InputsSchema.min(1),
  options: z
    .strictObject({
      focalDistance: pct.optional(),
      focalRange: pct.optional(),
      focalSelector: z.strictObject({ x: z.number(), y: z.number() }).optional(),
      focusSubject: z.boolean().optional(),
      blurStrength: pct.optional(),
      haze: pct.optional(),
      temp: signed50.optional(),
      tint: signed50.optional(),
      saturation: signed50.optional(),
      brightness: signed50.optional(),
      grain: pct.optional(),
    })
    .refine((o) => !(o.focusSubject !== undefined && o.focalSelector !== undefined), {
      message: 'focusSubject and focalSelector cannot be used together',
      params: { rule: 'exclusive-options' },
    })
    .optional(),
  outputs: outputsOf(v1ActionOutputSchema),
});

/** POST /pie/psdService/artboardCreate: the input PSDs sit in `options.artboard`. */
export const artboardCreateBodySchema = z.looseObject({
  options: z.looseObject({ artboard: z.array(v1FileRefSchema).min(1) }),
  outputs: outputsOf(v1OutputSchema),
});

/** POST /sensei/cutout and /sensei/mask (same schema). */
export const senseiBodySchema = z.looseObject({
  input: senseiFileRefSchema,
  output: senseiOutputSchema,
  options: z
    .looseObject({
      optimize: z.enum(['performance', 'batch']).optional(),
      service: z.looseObject({ version: z.string().optional() }).optional(),
    })
    .optional(),
});
export const cutoutBodySchema = senseiBodySchema;
export const maskBodySchema = senseiBodySchema;

const lrOutputs = outputsOf(lrOutputSchema);

/** POST /lrService/autoTone */
export const autoToneBodySchema = z.looseObject({ inputs: lrFileRefSchema, outputs: lrOutputs });

/** POST /lrService/autoStraighten */
export const autoStraightenBodySchema = z.looseObject({
  inputs: lrFileRefSchema,
  outputs: lrOutputs,
  options: z
    .looseObject({
      uprightMode: z.enum(['auto', 'full', 'level', 'vertical']),
      constrainCrop: z.boolean().optional(),
    })
    .optional(),
});

/** POST /lrService/presets */
export const presetsBodySchema = z.looseObject({
  inputs: z.looseObject({ source: lrFileRefSchema, presets: z.array(lrFileRefSchema).min(1) }),
  outputs: lrOutputs,
});

/** POST /lrService/xmp */
export const xmpBodySchema = z.looseObject({
  inputs: z.looseObject({ source: lrFileRefSchema }),
  outputs: lrOutputs,
  options: z.looseObject({ xmp: z.string(), orientation: z.number().min(1).max(8).optional() }),
});

const range = (min: number, max: number) => z.number().min(min).max(max).optional();

/** POST /lrService/edit: every key is optional and no others are allowed. */
export const editBodySchema = z.looseObject({
  inputs: z.looseObject({ source: lrFileRefSchema }),
  outputs: lrOutputs,
  options: z
    .strictObject({
      Exposure: range(-5, 5),
      Contrast: range(-100, 100),
      Sharpness: range(0, 150),
      WhiteBalance: z
        .enum([
          'As Shot',
          'Auto',
          'Cloudy',
          'Custom',
          'Daylight',
          'Flash',
          'Fluorescent',
          'Shade',
          'Tungsten',
        ])
        .optional(),
      Saturation: range(-100, 100),
      Vibrance: range(-100, 100),
      Highlights: range(-100, 100),
      Shadows: range(-100, 100),
      Whites: range(-100, 100),
      Blacks: range(-100, 100),
      Clarity: range(-100, 100),
      Dehaze: range(-100, 100),
      Texture: range(-100, 100),
      VignetteAmount: range(-100, 100),
      NoiseReduction: range(0, 100),
      ColorNoiseReduction: range(0, 100),
      SharpenRadius: range(0.5, 3),
      SharpenDetail: range(0, 100),
      SharpenEdgeMasking: range(0, 100),
    })
    .optional(),
});
