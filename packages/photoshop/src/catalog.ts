import type { z } from 'zod';
import * as v1 from './contract/v1-requests';
import * as v2 from './contract/v2';
import * as masking from './contract/masking';
import { MAX_OUTPUTS } from './contract/v1-common';
import { PhotoshopError } from './errors/photoshop-error';
import type { RateLimitClass } from './rate-limits';

export type Generation = 'v1' | 'v2';

/**
 * Which status document an operation's status URL returns. `masking` is `/v1/status/{jobId}` of
 * the masking endpoints (specs/v1/ffs-photoshop_api.json), whose results sit at the top level.
 */
export type StatusFamily = 'photoshop' | 'sensei' | 'lightroom' | 'v2' | 'masking';

/**
 * How the main input sits in Adobe's body: `inputs[]` (Photoshop family, array of at most one),
 * `input` (Sensei), `inputs` object (Lightroom: `{href,storage}` or `{source,...}`),
 * `image.source` (v2), `none` (the operation takes no main input).
 */
export type BodyShape =
  'inputs[]' | 'input' | 'lightroom-inputs' | 'lightroom-inputs.source' | 'image.source' | 'none';

/**
 * How long a job usually takes on Adobe's side: `simple` 5–15 s, `complex` 15–60 s, `large` 60 s
 * and more. The worker schedules first polls from it and the emulator draws its job durations
 * from it.
 */
export const durationClassIds = ['simple', 'complex', 'large'] as const;
export type DurationClass = (typeof durationClassIds)[number];

/** A duration Darkroom expects before it has measured any job: a mean and a spread around it. */
export interface ExpectedDuration {
  readonly meanMs: number;
  /** Mean absolute deviation, the spread `DurationEstimator` learns and `PollSchedule` uses. */
  readonly deviationMs: number;
}

export interface DurationClassSpec {
  /** The shortest job of the class, as Adobe gives it. */
  readonly minMs: number;
  /** The longest job of the class, as Adobe gives it; `null` where Adobe gives no upper end. */
  readonly maxMs: number | null;
  /**
   * The longest job Darkroom plans for: `maxMs`, or for the open-ended `large` class twice its
   * minimum, so that a simulated job always ends.
   */
  readonly plannedMaxMs: number;
  /**
   * What the worker expects until enough jobs of an operation have finished: the middle of the
   * planned range, with about a quarter of its width as spread. `large` gets a wider spread
   * because real jobs run past the planned range.
   */
  readonly expected: ExpectedDuration;
}

/**
 * Adobe's duration classes (from its Photoshop API v2 guide, on polling job status), with what
 * Darkroom plans and expects for each.
 * @see https://developer.adobe.com/firefly-services/docs/photoshop/guides/photoshop-v2/v1-to-v2/status-migration
 */
export const durationClasses: Readonly<Record<DurationClass, DurationClassSpec>> = Object.freeze({
  simple: Object.freeze({
    minMs: 5_000,
    maxMs: 15_000,
    plannedMaxMs: 15_000,
    expected: Object.freeze({ meanMs: 10_000, deviationMs: 2_500 }),
  }),
  complex: Object.freeze({
    minMs: 15_000,
    maxMs: 60_000,
    plannedMaxMs: 60_000,
    expected: Object.freeze({ meanMs: 37_500, deviationMs: 11_000 }),
  }),
  large: Object.freeze({
    minMs: 60_000,
    maxMs: null,
    plannedMaxMs: 120_000,
    expected: Object.freeze({ meanMs: 90_000, deviationMs: 30_000 }),
  }),
});

/** Whether `value` names a duration class (operations carry one; callers may pass any string). */
export function isDurationClass(value: string): value is DurationClass {
  return (durationClassIds as readonly string[]).includes(value);
}

/**
 * A place in a Darkroom job that holds a file reference, written against the job's shape
 * (`{ input, outputs, options }`): `[]` stands for any array index. Inside `options` a position
 * holds `{ "ref": "<reference>", ...other keys }`; the builder turns it into `{href, storage}`
 * (v1) or `{url}` (v2).
 */
export interface FilePosition {
  readonly path: string;
  readonly access: 'read' | 'write';
  readonly what: string;
}

export interface OperationSpec {
  readonly id: OperationId;
  readonly generation: Generation;
  /**
   * Whose base URL serves the path: usually the generation's own; remove-background and the
   * masking endpoints speak v2 (bodies with `{url}`, replies with `jobId`) on the v1 host,
   * image.adobe.io.
   */
  readonly host: Generation;
  readonly method: 'POST';
  /** Path on the generation's base URL. */
  readonly path: string;
  readonly statusFamily: StatusFamily;
  readonly statusPathTemplate: string;
  readonly bodyShape: BodyShape;
  /** `required`, `optional` (v2 create-composite can start from a blank document) or `none`. */
  readonly mainInput: 'required' | 'optional' | 'none';
  /** At most this many outputs (0: results come back in the status document instead). */
  readonly maxOutputs: number;
  /**
   * How outputs sit in Adobe's body: an `outputs` array, or one `output` object (Sensei and
   * v2 remove-background).
   */
  readonly outputShape: 'outputs[]' | 'output';
  /** Whether at least one output is required. */
  readonly outputsRequired: boolean;
  /**
   * Where the job's `options` go in Adobe's body: under `options` (v1 and v2 execute-actions)
   * or merged into the body's top level (other v2 operations).
   */
  readonly optionsTarget: 'options' | 'root';
  /** Every position that holds a file reference, main input and outputs included. */
  readonly filePositions: readonly FilePosition[];
  readonly durationClass: DurationClass;
  /**
   * The rate-limit classes of the operation's calls: its submit and its status reads. Darkroom's
   * budget takes a token of these classes; the emulator enforces their hard limits.
   */
  readonly limitClasses: { readonly submit: RateLimitClass; readonly status: RateLimitClass };
  /**
   * Adobe's published schema for the body: a file under specs/v1 (`PITS/post_text.schema.json`),
   * a component of specs/v2/photoshopv2-api.json (`#/components/schemas/ActionsRequest`), a
   * component of specs/v1/ffs-photoshop_api.json
   * (`ffs-photoshop_api.json#/components/schemas/MaskObjectsRequest`), or, for an endpoint whose
   * schema Adobe publishes only on its reference site, that page's operation
   * (`reference:photoshop-v2#operation/removeBackground`).
   */
  readonly officialSchema: string;
  /** zod schema of the exact body Adobe accepts. */
  readonly bodySchema: z.ZodType;
}

export const operationIds = [
  'renditionCreate',
  'documentManifest',
  'documentOperations',
  'documentCreate',
  'smartObject',
  'text',
  'photoshopActions',
  'actionJSON',
  'actionJsonCreate',
  'productCrop',
  'depthBlur',
  'artboardCreate',
  'cutout',
  'mask',
  'autoTone',
  'autoStraighten',
  'presets',
  'xmp',
  'edit',
  'v2.createComposite',
  'v2.edit',
  'v2.executeActions',
  'v2.generateManifest',
  'v2.createArtboard',
  'v2.autoCrop',
  'v2.removeBackground',
  'maskObjects',
  'maskBodyParts',
  'refineMask',
  'fillMaskedAreas',
] as const;
export type OperationId = (typeof operationIds)[number];

export const statusPathTemplates: Readonly<Record<StatusFamily, string>> = {
  photoshop: '/pie/psdService/status/{jobId}',
  sensei: '/sensei/status/{jobId}',
  lightroom: '/lrService/status/{jobId}',
  v2: '/v2/status/{jobId}',
  masking: '/v1/status/{jobId}',
};

/**
 * The rate-limit class of status reads per status document: Adobe limits `/sensei/status` (remove
 * background and masking) apart from the other status URLs. An operation may name its own
 * (v2 remove-background polls `/v2/status` under the remove-background GET limit).
 *
 * `/v1/status` (masking) reads count as general GETs: the technical usage notes give the masking
 * service one figure per window (60 a minute, 9000 a day) where the general and remove-background
 * services list POST and GET apart, so that figure is the quota of masking jobs, the `submit-mask`
 * class; polls of those jobs fall under the general service's GET limit.
 */
export const statusLimitClasses: Readonly<Record<StatusFamily, RateLimitClass>> = Object.freeze({
  photoshop: 'status',
  sensei: 'status-cutout',
  lightroom: 'status',
  v2: 'status',
  masking: 'status',
});

const read = (path: string, what: string): FilePosition => ({ path, access: 'read', what });
const write = (path: string, what: string): FilePosition => ({ path, access: 'write', what });

const MAIN = read('input', 'main input');
const OUTPUTS = write('outputs[]', 'outputs');
const ICC = read('outputs[].iccProfile.input', 'ICC profile of an output');
const V2_ICC = read('outputs[].iccProfile.source', 'custom ICC profile of an output');
const FONTS = read('options.fonts[]', 'fonts');
const LAYER_INPUTS = [
  read('options.layers[].input', 'layer image'),
  read('options.layers[].mask.input', 'layer mask'),
];
const PATTERNS_BRUSHES = [
  read('options.patterns[]', 'patterns'),
  read('options.brushes[]', 'brushes'),
];

type Row = Omit<
  OperationSpec,
  | 'id'
  | 'statusPathTemplate'
  | 'method'
  | 'maxOutputs'
  | 'outputsRequired'
  | 'officialSchema'
  | 'limitClasses'
  | 'host'
  | 'outputShape'
> &
  Partial<Pick<OperationSpec, 'maxOutputs' | 'outputsRequired' | 'host' | 'outputShape'>> & {
    /** Rate-limit class of the submit, when Adobe limits the endpoint apart from the rest. */
    submitLimitClass?: RateLimitClass;
    /** Rate-limit class of the status reads, when not the one of the status family. */
    statusLimitClass?: RateLimitClass;
  };

function ps(path: string, bodySchema: z.ZodType, extra: Partial<Row> = {}): Row {
  return {
    generation: 'v1',
    path: `/pie/psdService/${path}`,
    statusFamily: 'photoshop',
    bodyShape: 'inputs[]',
    mainInput: 'required',
    optionsTarget: 'options',
    filePositions: [MAIN, OUTPUTS, ICC],
    durationClass: 'complex',
    bodySchema,
    ...extra,
  };
}

function lr(path: string, bodySchema: z.ZodType, extra: Partial<Row> = {}): Row {
  return {
    generation: 'v1',
    path: `/lrService/${path}`,
    statusFamily: 'lightroom',
    bodyShape: 'lightroom-inputs.source',
    mainInput: 'required',
    optionsTarget: 'options',
    filePositions: [MAIN, OUTPUTS],
    durationClass: 'simple',
    bodySchema,
    ...extra,
  };
}

function v2op(path: string, bodySchema: z.ZodType, extra: Partial<Row> = {}): Row {
  return {
    generation: 'v2',
    path,
    statusFamily: 'v2',
    bodyShape: 'image.source',
    mainInput: 'required',
    optionsTarget: 'root',
    filePositions: [MAIN, OUTPUTS, V2_ICC],
    durationClass: 'simple',
    bodySchema,
    ...extra,
  };
}

/**
 * A masking endpoint: v2-style body on the v1 host, results kept by Adobe and listed in the
 * `/v1/status` reply (Darkroom writes that reply to the job's JSON output, as for manifests, and
 * copies the result files beside it).
 */
function maskingOp(path: string, bodySchema: z.ZodType, extra: Partial<Row> = {}): Row {
  return {
    generation: 'v2',
    host: 'v1',
    path: `/v1/${path}`,
    statusFamily: 'masking',
    bodyShape: 'image.source',
    mainInput: 'required',
    optionsTarget: 'root',
    filePositions: [MAIN],
    maxOutputs: 0,
    outputsRequired: false,
    durationClass: 'simple',
    submitLimitClass: 'submit-mask',
    bodySchema,
    ...extra,
  };
}

const SUBJECT_MASK = read('options.mask.source', 'mask');

const FFS = 'ffs-photoshop_api.json#/components/schemas/';

const V2_LAYER_POSITIONS = [
  read('options.edits.layers[].image.source', 'layer image'),
  read('options.edits.layers[].pixelMask.source', 'layer pixel mask'),
  read('options.edits.layers[].smartObject.smartObjectFile.source', 'smart-object file'),
  read('options.fontOptions.additionalFonts[].source', 'fonts'),
];

const officialSchemas: Record<OperationId, string> = {
  renditionCreate: 'PITS/post_rendition_create.schema.json',
  documentManifest: 'PITS/post_document_manifest.schema.json',
  documentOperations: 'PITS/post_document_operations.schema.json',
  documentCreate: 'PITS/post_document_create.schema.json',
  smartObject: 'PITS/post_smart_object.schema.json',
  text: 'PITS/post_text.schema.json',
  photoshopActions: 'PITS/post_photoshop_actions.schema.json',
  actionJSON: 'PITS/post_action_json.schema.json',
  actionJsonCreate: 'PITS/post_action_json_create.schema.json',
  productCrop: 'PITS/post_product_crop_action_json.schema.json',
  depthBlur: 'PITS/post_depth_blur.schema.json',
  artboardCreate: 'PITS/post_artboard_create.schema.json',
  cutout: 'ic/post_cutout.schema.json',
  mask: 'ic/post_cutout.schema.json',
  autoTone: 'acr/post_auto_tone.schema.json',
  autoStraighten: 'acr/post_auto_straighten.schema.json',
  presets: 'acr/post_presets.schema.json',
  xmp: 'acr/post_xmp.schema.json',
  edit: 'acr/post_image_edit.schema.json',
  'v2.createComposite': '#/components/schemas/CreateCompositeRequest',
  'v2.edit': '#/components/schemas/EditRequest',
  'v2.executeActions': '#/components/schemas/ActionsRequest',
  'v2.generateManifest': '#/components/schemas/GenerateManifestRequest',
  'v2.createArtboard': '#/components/schemas/CreateArtboardRequest',
  'v2.autoCrop': '#/components/schemas/AutoCropRequest',
  'v2.removeBackground': 'reference:photoshop-v2#operation/removeBackground',
  maskObjects: `${FFS}MaskObjectsRequest`,
  maskBodyParts: `${FFS}MaskBodyPartsRequest`,
  refineMask: `${FFS}RefineMaskRequest`,
  fillMaskedAreas: `${FFS}FillMaskedAreasRequest`,
};

const rows: Record<OperationId, Row> = {
  renditionCreate: ps('renditionCreate', v1.renditionCreateBodySchema, {
    durationClass: 'simple',
  }),
  documentManifest: ps('documentManifest', v1.documentManifestBodySchema, {
    filePositions: [MAIN],
    maxOutputs: 0,
    outputsRequired: false,
    durationClass: 'simple',
  }),
  documentOperations: ps('documentOperations', v1.documentOperationsBodySchema, {
    filePositions: [MAIN, OUTPUTS, ICC, ...LAYER_INPUTS, FONTS],
  }),
  documentCreate: ps('documentCreate', v1.documentCreateBodySchema, {
    bodyShape: 'none',
    mainInput: 'none',
    filePositions: [OUTPUTS, ICC, ...LAYER_INPUTS, FONTS],
  }),
  smartObject: ps('smartObject', v1.smartObjectBodySchema, {
    filePositions: [MAIN, OUTPUTS, read('options.layers[].input', 'smart-object input')],
  }),
  text: ps('text', v1.textBodySchema, { filePositions: [MAIN, OUTPUTS, ICC, FONTS] }),
  photoshopActions: ps('photoshopActions', v1.photoshopActionsBodySchema, {
    filePositions: [
      MAIN,
      OUTPUTS,
      read('options.actions[]', 'actions (.atn)'),
      FONTS,
      ...PATTERNS_BRUSHES,
    ],
  }),
  actionJSON: ps('actionJSON', v1.actionJsonBodySchema, {
    filePositions: [
      MAIN,
      OUTPUTS,
      FONTS,
      ...PATTERNS_BRUSHES,
      read('options.additionalImages[]', 'additional images'),
    ],
  }),
  actionJsonCreate: ps('actionJsonCreate', v1.actionJsonCreateBodySchema, {
    filePositions: [MAIN, OUTPUTS],
    outputsRequired: false,
    durationClass: 'simple',
  }),
  productCrop: ps('productCrop', v1.productCropBodySchema, { filePositions: [MAIN, OUTPUTS] }),
  depthBlur: ps('depthBlur', v1.depthBlurBodySchema, { filePositions: [MAIN, OUTPUTS] }),
  artboardCreate: ps('artboardCreate', v1.artboardCreateBodySchema, {
    bodyShape: 'none',
    mainInput: 'none',
    filePositions: [OUTPUTS, ICC, read('options.artboard[]', 'artboard documents')],
    durationClass: 'large',
  }),
  cutout: {
    generation: 'v1',
    path: '/sensei/cutout',
    statusFamily: 'sensei',
    bodyShape: 'input',
    mainInput: 'required',
    optionsTarget: 'options',
    filePositions: [MAIN, OUTPUTS],
    maxOutputs: 1,
    durationClass: 'simple',
    submitLimitClass: 'submit-cutout',
    bodySchema: v1.cutoutBodySchema,
  },
  mask: {
    generation: 'v1',
    path: '/sensei/mask',
    statusFamily: 'sensei',
    bodyShape: 'input',
    mainInput: 'required',
    optionsTarget: 'options',
    filePositions: [MAIN, OUTPUTS],
    maxOutputs: 1,
    durationClass: 'simple',
    submitLimitClass: 'submit-mask',
    bodySchema: v1.maskBodySchema,
  },
  autoTone: lr('autoTone', v1.autoToneBodySchema, { bodyShape: 'lightroom-inputs' }),
  autoStraighten: lr('autoStraighten', v1.autoStraightenBodySchema, {
    bodyShape: 'lightroom-inputs',
  }),
  presets: lr('presets', v1.presetsBodySchema, {
    filePositions: [MAIN, OUTPUTS, read('options.presets[]', 'presets (.xmp)')],
  }),
  xmp: lr('xmp', v1.xmpBodySchema),
  edit: lr('edit', v1.editBodySchema),
  'v2.createComposite': v2op('/v2/create-composite', v2.v2CreateCompositeBodySchema, {
    mainInput: 'optional',
    filePositions: [MAIN, OUTPUTS, V2_ICC, ...V2_LAYER_POSITIONS],
    durationClass: 'complex',
  }),
  'v2.edit': v2op('/v2/edit', v2.v2EditBodySchema, {
    filePositions: [
      MAIN,
      OUTPUTS,
      read('options.edits.presets[]', 'presets'),
      read('options.edits.xmp.source', 'XMP'),
      read('options.edits.xmp.masks[].source', 'XMP masks'),
    ],
  }),
  'v2.executeActions': v2op('/v2/execute-actions', v2.v2ExecuteActionsBodySchema, {
    optionsTarget: 'options',
    filePositions: [
      MAIN,
      OUTPUTS,
      V2_ICC,
      read('options.actions[].source', 'actions'),
      read('options.additionalContents[].source', 'additional contents'),
      read('options.brushes[].source', 'brushes'),
      read('options.patterns[].source', 'patterns'),
      read('options.fontOptions.additionalFonts[].source', 'fonts'),
      read('options.uxp.source', 'UXP script'),
    ],
    durationClass: 'complex',
  }),
  'v2.generateManifest': v2op('/v2/generate-manifest', v2.v2GenerateManifestBodySchema, {
    filePositions: [MAIN, OUTPUTS],
  }),
  'v2.createArtboard': v2op('/v2/create-artboard', v2.v2CreateArtboardBodySchema, {
    bodyShape: 'none',
    mainInput: 'none',
    filePositions: [OUTPUTS, V2_ICC, read('options.images[].source', 'artboard images')],
    durationClass: 'large',
  }),
  'v2.autoCrop': v2op('/v1/auto-crop', v2.v2AutoCropBodySchema, {
    filePositions: [MAIN],
    maxOutputs: 0,
    outputsRequired: false,
  }),
  'v2.removeBackground': v2op('/v2/remove-background', v2.v2RemoveBackgroundBodySchema, {
    host: 'v1',
    filePositions: [MAIN, OUTPUTS],
    maxOutputs: 1,
    outputShape: 'output',
    submitLimitClass: 'submit-cutout',
    statusLimitClass: 'status-cutout',
  }),
  maskObjects: maskingOp('mask-objects', masking.maskObjectsBodySchema),
  maskBodyParts: maskingOp('mask-body-parts', masking.maskBodyPartsBodySchema, {
    filePositions: [MAIN, SUBJECT_MASK],
  }),
  refineMask: maskingOp('refine-mask', masking.refineMaskBodySchema, {
    filePositions: [MAIN, SUBJECT_MASK],
  }),
  // Inpainting generates pixels: Darkroom plans for a complex-class run.
  fillMaskedAreas: maskingOp('fill-masked-areas', masking.fillMaskedAreasBodySchema, {
    filePositions: [MAIN, read('options.masks[].source', 'masks to fill')],
    durationClass: 'complex',
  }),
};

function freeze(
  id: OperationId,
  { submitLimitClass, statusLimitClass, ...row }: Row,
): OperationSpec {
  return Object.freeze({
    id,
    host: row.generation,
    outputShape: row.bodyShape === 'input' ? ('output' as const) : ('outputs[]' as const),
    method: 'POST' as const,
    statusPathTemplate: statusPathTemplates[row.statusFamily],
    officialSchema: officialSchemas[id],
    maxOutputs: MAX_OUTPUTS,
    outputsRequired: true,
    ...row,
    filePositions: Object.freeze([...row.filePositions]),
    limitClasses: Object.freeze({
      submit: submitLimitClass ?? 'submit',
      status: statusLimitClass ?? statusLimitClasses[row.statusFamily],
    }),
  });
}

/** Every operation Darkroom can run, keyed by id. */
export const operations: Readonly<Record<OperationId, OperationSpec>> = Object.freeze(
  Object.fromEntries(operationIds.map((id) => [id, freeze(id, rows[id])])) as Record<
    OperationId,
    OperationSpec
  >,
);

export class UnknownOperationError extends PhotoshopError {
  constructor(readonly operationId: string) {
    super(`Unknown Photoshop operation "${operationId}"; valid ids: ${operationIds.join(', ')}`);
  }
}

export function isOperationId(id: string): id is OperationId {
  return (operationIds as readonly string[]).includes(id);
}

/** The catalog entry for `id`; throws `UnknownOperationError` listing the valid ids. */
export function getOperation(id: string): OperationSpec {
  if (!isOperationId(id)) throw new UnknownOperationError(id);
  return operations[id];
}

/** The status path for a job, e.g. `/sensei/status/<jobId>`. */
export function statusPathFor(operationOrFamily: string, jobId: string): string {
  const family = (Object.keys(statusPathTemplates) as StatusFamily[]).includes(
    operationOrFamily as StatusFamily,
  )
    ? (operationOrFamily as StatusFamily)
    : getOperation(operationOrFamily).statusFamily;
  return statusPathTemplates[family].replace('{jobId}', encodeURIComponent(jobId));
}
