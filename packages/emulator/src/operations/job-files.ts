import { type OperationSpec } from '@darkroom/photoshop';

type Body = Record<string, unknown>;

/** One file a job writes, as the request named it. */
export interface OutputTarget {
  /** Where to PUT (absent for v2 embedded destinations). */
  href?: string;
  storage?: string;
  /** Media type of the file. */
  type: string;
  /** Requested width, echoed in renditions. */
  width?: number;
  /** Field path of this output in the request. */
  path: string;
  /** v2 embedded destination (`string`, `base64`, `json`): the content goes into the status. */
  embedded?: string;
  /** v2 hosted destination: the emulator serves the file for this many seconds. */
  hostedSeconds?: number;
  /** The `validityPeriod` the request asked for (hosted outputs), echoed in the status. */
  validityPeriod?: number;
  /** The output object as sent, for encoders that read more options from it. */
  raw: Body;
}

function obj(value: unknown): Body | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Body)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** How long a hosted output without a `validityPeriod` is served (Adobe keeps such files an hour). */
const DEFAULT_HOSTED_SECONDS = 60 * 60;

/**
 * One v2 output (`{ destination: { url, storageType } | { embedded } | { validityPeriod }, mediaType }`).
 * With `hostedByDefault` (one `output` object, as remove-background writes), an output with
 * neither a url nor an embedded kind is served by the emulator, as Adobe serves it.
 */
function v2Target(raw: Body, path: string, defaultType: string, hostedByDefault: boolean) {
  const destination = obj(raw.destination) ?? {};
  const embedded = str(destination.embedded);
  const url = str(destination.url);
  const validity = url === undefined ? num(destination.validityPeriod) : undefined;
  const hosted =
    validity ??
    (hostedByDefault && url === undefined && embedded === undefined
      ? DEFAULT_HOSTED_SECONDS
      : undefined);
  const target: OutputTarget = {
    href: url,
    storage: str(destination.storageType),
    type: str(raw.mediaType) ?? defaultType,
    width: num(raw.width),
    path,
    ...(embedded !== undefined ? { embedded } : {}),
    ...(hosted !== undefined ? { hostedSeconds: hosted } : {}),
    ...(validity !== undefined ? { validityPeriod: validity } : {}),
    raw,
  };
  return target;
}

export function outputTargets(op: OperationSpec, body: Body): OutputTarget[] {
  if (op.statusFamily === 'sensei') {
    const output = obj(body.output) ?? {};
    return [
      {
        href: str(output.href),
        storage: str(output.storage),
        type: 'image/png',
        path: 'output',
        raw: output,
      },
    ];
  }
  if (op.outputShape === 'output') {
    // v2 remove-background: one `output`, PNG unless it names a type, hosted when it names no url.
    return [v2Target(obj(body.output) ?? {}, 'output', 'image/png', true)];
  }
  const list = Array.isArray(body.outputs) ? (body.outputs as unknown[]) : [];
  return list.map((item, i) => {
    const raw = obj(item) ?? {};
    if (op.generation === 'v2') return v2Target(raw, `outputs[${i}]`, 'image/jpeg', false);
    return {
      href: str(raw.href),
      storage: str(raw.storage),
      type: str(raw.type) ?? 'image/png',
      width: num(raw.width),
      path: `outputs[${i}]`,
      raw,
    };
  });
}

/** The main input href, or undefined for operations that start from options. */
export function mainInputHref(op: OperationSpec, body: Body): string | undefined {
  switch (op.bodyShape) {
    case 'inputs[]': {
      const first = Array.isArray(body.inputs) ? obj(body.inputs[0]) : undefined;
      return str(first?.href);
    }
    case 'input':
      return str(obj(body.input)?.href);
    case 'lightroom-inputs':
      return str(obj(body.inputs)?.href);
    case 'lightroom-inputs.source':
      return str(obj(obj(body.inputs)?.source)?.href);
    case 'image.source':
      return str(obj(obj(obj(body.image)?.source))?.url);
    case 'none':
      return undefined;
  }
}

/** Every href / url string in the body with its field path, for the href rules. */
export function fileReferences(
  op: OperationSpec,
  body: unknown,
): { path: string; href: string; storage?: string }[] {
  const found: { path: string; href: string; storage?: string }[] = [];
  const key = op.generation === 'v2' ? 'url' : 'href';
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`));
      return;
    }
    const o = obj(value);
    if (!o) return;
    const href = o[key];
    if (typeof href === 'string') {
      found.push({
        path: path ? `${path}.${key}` : key,
        href,
        ...(typeof o.storage === 'string' ? { storage: o.storage } : {}),
      });
    }
    for (const [k, v] of Object.entries(o)) {
      // actionJSON descriptors are opaque Photoshop data, not file references.
      if (k === 'actionJSON') continue;
      if (typeof v === 'object' && v !== null) visit(v, path ? `${path}.${k}` : k);
    }
  };
  visit(body, '');
  return found;
}
