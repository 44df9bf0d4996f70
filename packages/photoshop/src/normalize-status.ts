import { withoutUrlQueries } from '@darkroom/core';
import { getOperation, statusPathTemplates, type StatusFamily } from './catalog';
import type { Manifest } from './contract/v1-status';
import type { RemoteJobError } from './errors/remote-job-failed-error';

/**
 * `unknown`: a status word Darkroom does not know (a future `cancelled`, say). It is neither
 * taken for running, which would poll a finished job until its deadline, nor for a result.
 */
export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'unknown';

export interface NormalizedOutput {
  href?: string;
  type?: string;
  storage?: string;
  width?: number;
}

/** One shape for every status document Adobe returns (three v1 families, v2 and masking). */
export interface NormalizedStatus {
  state: JobState;
  jobId?: string;
  outputs: NormalizedOutput[];
  error?: RemoteJobError;
  /** The status word as Adobe wrote it, when the state is `unknown`. */
  statusWord?: string;
  /**
   * For a v1 status with several entries, the positions (0-based) of those that failed while
   * others succeeded: the files of the others were written.
   */
  failedEntries?: number[];
  entryCount?: number;
  created?: Date;
  modified?: Date;
  manifest?: Manifest;
  /** The reply as received. It may hold presigned URLs: never persist or log it. */
  raw: unknown;
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * Adobe's status words across generations. `starting`/`not_started` have not begun; `uploading`
 * means the files exist and are being written. A word outside Adobe's published ones is
 * `unknown` (Adobe's SDK takes it for running, which would poll a finished job until its
 * deadline); the caller decides.
 */
export function toJobState(status: unknown): JobState {
  switch (typeof status === 'string' ? status.toLowerCase() : '') {
    case 'pending':
    case 'starting':
    case 'not_started':
      return 'pending';
    case 'running':
    case 'uploading':
      return 'running';
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

function toDate(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  // Some documented examples end in ":Z"; drop the stray colon before parsing.
  const d = new Date(v.replace(/:Z$/, 'Z'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function toOutput(link: unknown): NormalizedOutput | undefined {
  if (!isObj(link)) return undefined;
  const destination = isObj(link.destination) ? link.destination : undefined;
  const out: NormalizedOutput = {};
  const href = str(link.href) ?? str(link.url) ?? str(destination?.url);
  const type = str(link.type) ?? str(link.mediaType);
  const storage = str(link.storage) ?? str(destination?.storageType);
  const width = num(link.width);
  if (href !== undefined) out.href = href;
  if (type !== undefined) out.type = type;
  if (storage !== undefined) out.storage = storage;
  if (width !== undefined) out.width = width;
  return Object.keys(out).length > 0 ? out : undefined;
}

function toError(...candidates: unknown[]): RemoteJobError | undefined {
  for (const c of candidates) {
    // Error bodies can echo the presigned href Adobe failed to read: cut query strings.
    const e: unknown = withoutUrlQueries(Array.isArray(c) ? (c as unknown[])[0] : c);
    if (e === undefined || e === null) continue;
    if (typeof e === 'string') return { details: e };
    if (!isObj(e)) continue;
    const err: RemoteJobError = {};
    const type = str(e.type) ?? str(e.error_code);
    const code =
      typeof e.code === 'number' || typeof e.code === 'string' ? e.code : str(e.errorCode);
    const title = str(e.title) ?? str(e.message);
    const details = e.details ?? e.errorDetails ?? e.invalidParams;
    if (type !== undefined) err.type = type;
    if (code !== undefined) err.code = code;
    if (title !== undefined) err.title = title;
    if (details !== undefined) err.details = details;
    return err;
  }
  return undefined;
}

/**
 * One state for several entries: unfinished while any entry is, so a failed entry does not end
 * the job while others are still being written; then unknown > failed > succeeded.
 */
function combine(states: JobState[]): JobState {
  if (states.length === 0) return 'pending';
  if (states.every((s) => s === 'pending')) return 'pending';
  if (states.includes('running') || states.includes('pending')) return 'running';
  if (states.includes('unknown')) return 'unknown';
  if (states.includes('failed')) return 'failed';
  return 'succeeded';
}

function linksOf(entry: Json, key: 'renditions' | 'self'): unknown[] {
  const links = isObj(entry._links) ? entry._links[key] : undefined;
  if (Array.isArray(links)) return links;
  return links === undefined ? [] : [links];
}

function familyOf(operationOrFamily: string): StatusFamily {
  if (operationOrFamily in statusPathTemplates) return operationOrFamily as StatusFamily;
  return getOperation(operationOrFamily).statusFamily;
}

function finish(s: NormalizedStatus, created: unknown, modified: unknown): NormalizedStatus {
  const c = toDate(created);
  const m = toDate(modified);
  if (c) s.created = c;
  if (m) s.modified = m;
  if (s.state !== 'failed') delete s.error;
  else if (!s.error) s.error = {};
  return s;
}

/** Notes the word of an `unknown` state, cut to a bounded length (it may reach a log line). */
function withWord(s: NormalizedStatus, word: unknown): NormalizedStatus {
  if (s.state === 'unknown') s.statusWord = typeof word === 'string' ? word.slice(0, 40) : '(none)';
  return s;
}

/**
 * The cropped images of an auto-crop result (`AutoCropOutput` in the v2 OpenAPI file: `subject`,
 * `objects` and `crops`, each with `boundingBoxes` that carry a `url` when `outputType` is
 * `images`). Boxes without a URL are coordinates only and are not outputs.
 */
function autoCropImages(result: Json): Json[] {
  const images: Json[] = [];
  for (const key of ['subject', 'objects', 'crops']) {
    const groups = Array.isArray(result[key]) ? (result[key] as unknown[]) : [];
    for (const group of groups) {
      const boxes = isObj(group) && Array.isArray(group.boundingBoxes) ? group.boundingBoxes : [];
      for (const box of boxes as unknown[]) if (isObj(box) && str(box.url)) images.push(box);
    }
  }
  return images;
}

/** Where a masking status lists its result files (specs/v1/ffs-photoshop_api.json). */
const MASKING_RESULT_KEYS = ['semanticMasks', 'backgroundMasks', 'masks', 'mask', 'image'];

/**
 * `/v1/status` of the masking endpoints: the state word (`not_started`, `pending`, `running`,
 * `succeeded`, `failed`), result files at the top level under the operation's own keys, and a
 * failure as `error_code` with `message`. The document has no times.
 */
function maskingStatus(s: NormalizedStatus, root: Json): NormalizedStatus {
  for (const key of MASKING_RESULT_KEYS) {
    const value = root[key];
    for (const item of Array.isArray(value) ? value : [value]) {
      const out = toOutput(item);
      if (out) s.outputs.push(out);
    }
  }
  const e = toError(root.error_code ? root : undefined, root.errors, root.error);
  if (e) s.error = e;
  withWord(s, root.status);
  return finish(s, undefined, undefined);
}

/**
 * Reads a status reply of any family into a `NormalizedStatus`. `operationOrFamily` is an
 * operation id or one of `photoshop | sensei | lightroom | v2 | masking`. Accepts every documented variant:
 * `jobId`/`jobID`, `errors` as object or array, `error`, `details`/`errorDetails`.
 */
export function normalizeStatus(operationOrFamily: string, body: unknown): NormalizedStatus {
  const family = familyOf(operationOrFamily);
  const root: Json = isObj(body) ? body : {};
  const jobId = str(root.jobId) ?? str(root.jobID);
  const base = (state: JobState): NormalizedStatus => ({
    state,
    outputs: [],
    raw: body,
    ...(jobId !== undefined ? { jobId } : {}),
  });

  if (family === 'v2') {
    const s = base(toJobState(root.status));
    const result = isObj(root.result) ? root.result : {};
    const outs: unknown[] = Array.isArray(result.outputs)
      ? (result.outputs as unknown[])
      : isObj(result.outputs)
        ? [result.outputs]
        : [];
    s.outputs = [...outs, ...autoCropImages(result)]
      .map(toOutput)
      .filter((o): o is NormalizedOutput => o !== undefined);
    const e = toError(
      root.errorDetails,
      root.errors,
      root.error,
      root.error_code ? root : undefined,
    );
    if (e) s.error = e;
    withWord(s, root.status);
    return finish(s, root.createdTime ?? root.created, root.modifiedTime ?? root.modified);
  }

  if (family === 'masking') return maskingStatus(base(toJobState(root.status)), root);

  if (family === 'sensei') {
    const s = base(toJobState(root.status));
    const out = toOutput(root.output);
    if (out) s.outputs = [out];
    const e = toError(root.errors, root.error, root.errorDetails, root.details);
    if (e) s.error = e;
    withWord(s, root.status);
    return finish(s, root.created, root.modified);
  }

  const entries = Array.isArray(root.outputs) ? root.outputs.filter(isObj) : [];
  if (entries.length === 0 && root.status !== undefined) entries.push(root);
  const states = entries.map((e) => toJobState(e.status));
  const s = base(combine(states));
  withWord(s, entries[states.indexOf('unknown')]?.status);
  if (s.state === 'failed' && entries.length > 1) {
    s.failedEntries = states.flatMap((state, i) => (state === 'failed' ? [i] : []));
    s.entryCount = entries.length;
  }
  for (const entry of entries) {
    const links =
      family === 'lightroom' ? linksOf(entry, 'self') : [...linksOf(entry, 'renditions')];
    for (const link of links) {
      const out = toOutput(link);
      if (out) s.outputs.push(out);
    }
    if (!s.error && toJobState(entry.status) === 'failed') {
      const e = toError(entry.errors, entry.error, entry.errorDetails, entry.details);
      if (e) s.error = e;
    }
    if (family === 'photoshop' && isObj(entry.document) && Array.isArray(entry.layers)) {
      s.manifest = { document: entry.document, layers: entry.layers as Manifest['layers'] };
    }
  }
  const first = entries[0];
  return finish(s, root.created ?? first?.created, root.modified ?? first?.modified);
}
