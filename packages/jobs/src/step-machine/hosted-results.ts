import { urlOriginAndPath } from '@darkroom/core';
import type { NormalizedStatus } from '@darkroom/photoshop';
import type { EditOutputResult } from '../job-data';
import { extensionOf } from '../media-types';
import type { StoragePort } from './ports';

/** The largest file Darkroom copies out of Adobe's hosting (a full-resolution mask or image). */
export const MAX_HOSTED_FILE_BYTES = 512 * 1024 * 1024;

/** How long one hosted download may take before it counts as a transient failure. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

/** Segments of a link's JSON path that say nothing about which result it is. */
const PLUMBING = new Set(['destination', 'url', 'href', 'result']);

/**
 * A hosted result could not be copied. `transient` failures (a 5xx, a reset, a timeout) are worth
 * another try while Adobe still keeps the file; the others (an expired or refused link, a file
 * over {@link MAX_HOSTED_FILE_BYTES}) are not.
 */
export class HostedCopyError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'HostedCopyError';
  }
}

/** One link to a file Adobe keeps, where it sits in the reply, and the file's media type. */
interface HostedLink {
  holder: Record<string, unknown>;
  key: string;
  url: string;
  name: string;
  type?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The links in a status reply that point at result files (those the status normaliser lists as
 * outputs), each with a name built from its JSON path: `semanticMasks[0].destination.url` is
 * `semanticMasks-0`. `_links` (the status URL itself) is never a result.
 */
export function hostedLinks(document: unknown, status: NormalizedStatus): HostedLink[] {
  const results = new Map<string, string | undefined>();
  for (const o of status.outputs) if (o.href) results.set(o.href, o.type);
  const found: HostedLink[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, String(i)]));
      return;
    }
    if (!isRecord(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === '_links') continue;
      if (typeof v === 'string' && (key === 'url' || key === 'href') && results.has(v)) {
        const name = [...path, key].filter((s) => !PLUMBING.has(s)).join('-') || 'result';
        const type = results.get(v) ?? (typeof value.mediaType === 'string' ? value.mediaType : '');
        found.push({ holder: value, key, url: v, name, ...(type ? { type } : {}) });
      } else visit(v, [...path, key]);
    }
  };
  visit(document, []);
  return found;
}

/**
 * Where a hosted result is copied: beside the JSON output, its name the output's stem, the
 * result's name and the media type's extension (`out/shoe.json` → `out/shoe.semanticMasks-0.png`).
 * Only the last segment changes, so the reference stays in the same bucket, container or folder
 * whatever the storage kind.
 */
export function siblingRef(jsonRef: string, name: string, type: string | undefined): string {
  const slash = jsonRef.lastIndexOf('/');
  const dir = jsonRef.slice(0, slash + 1);
  const file = jsonRef.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  const stem = dot > 0 ? file.slice(0, dot) : file;
  const ext = extensionOf(type);
  return `${dir}${stem}.${name}.${ext}`;
}

/** Reads a hosted file into memory, bounded in size and time; redirects are not followed. */
async function download(
  url: string,
  signal?: AbortSignal,
): Promise<{ body: Buffer; type: string }> {
  const where = urlOriginAndPath(url);
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, {
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new HostedCopyError(`downloading ${where} failed: ${(err as Error).message}`, true);
  }
  if (!res.ok) {
    await res.body?.cancel();
    const transient = res.status >= 500 || res.status === 429 || res.status === 408;
    throw new HostedCopyError(`${where} answered ${res.status}`, transient);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_HOSTED_FILE_BYTES) {
    await res.body?.cancel();
    throw new HostedCopyError(
      `${where} is ${declared} bytes, over ${MAX_HOSTED_FILE_BYTES}`,
      false,
    );
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_HOSTED_FILE_BYTES) {
    throw new HostedCopyError(`${where} is over ${MAX_HOSTED_FILE_BYTES} bytes`, false);
  }
  return { body, type: res.headers.get('content-type')?.split(';')[0]?.trim() ?? '' };
}

/**
 * Copies every result file Adobe hosts for this reply into the user's storage beside the JSON
 * output, and rewrites the reply in place so each copied link becomes `{ ref }`: the document
 * Darkroom writes names files the user owns, never a presigned URL. Returns the copies.
 */
export async function copyHostedResults(
  storage: StoragePort,
  jsonRef: string,
  document: unknown,
  status: NormalizedStatus,
  signal?: AbortSignal,
): Promise<EditOutputResult[]> {
  const copies: EditOutputResult[] = [];
  // A reply may name one file twice (`destination.url` and `url`): it is copied once.
  const copied = new Map<string, string>();
  for (const link of hostedLinks(document, status)) {
    let ref = copied.get(link.url);
    if (ref === undefined) {
      const { body, type } = await download(link.url, signal);
      const contentType = link.type || type || 'application/octet-stream';
      ref = siblingRef(jsonRef, link.name, contentType);
      await storage.upload(ref, body, contentType);
      copied.set(link.url, ref);
      copies.push({ ref, size: body.length });
    }
    delete link.holder[link.key];
    link.holder.ref = ref;
  }
  return copies;
}
