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
  const list = Array.isArray(body.outputs) ? (body.outputs as unknown[]) : [];
  return list.map((item, i) => {
    const raw = obj(item) ?? {};
    if (op.generation === 'v2') {
      const destination = obj(raw.destination) ?? {};
      const embedded = str(destination.embedded);
      const validity = destination.url === undefined ? num(destination.validityPeriod) : undefined;
      return {
        href: str(destination.url),
        storage: str(destination.storageType),
        type: str(raw.mediaType) ?? 'image/jpeg',
        width: num(raw.width),
        path: `outputs[${i}]`,
        ...(embedded !== undefined ? { embedded } : {}),
        ...(validity !== undefined ? { hostedSeconds: validity } : {}),
        raw,
      };
    }
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
