import { ObjectNotFoundError } from './errors/object-not-found-error';
import { StorageBackendError } from './errors/storage-backend-error';
import { isTransientFailure } from './errors/transient';
import type { PresignedUrl } from './presigner';
import { errorName } from './dropbox-token-source';
import { formatRef, type StorageRef } from './storage-ref';
import { uploadRequestInit } from './upload-request';

/** What `StorageRegistry.upload` accepts as the bytes of an object. */
export type UploadBody = Uint8Array | string;

/** Bytes of a body as the provider counts them, to refuse what one single write cannot carry. */
export function bodySize(body: UploadBody): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

/**
 * Sends `body` to a presigned write URL with the method and headers its provider's upload takes
 * (a POST for Dropbox's upload links, a PUT elsewhere).
 * @throws {StorageBackendError} when the storage answers anything but 2xx
 */
export async function sendUpload(
  http: typeof fetch,
  ref: StorageRef,
  url: PresignedUrl,
  body: UploadBody,
  contentType: string | undefined,
): Promise<void> {
  const init = uploadRequestInit(url.storage, contentType);
  const operation = `upload to ${formatRef(ref)}`;
  const { response, text } = await exchange(ref, operation, async () => {
    // A redirect would carry the bytes to a host nobody presigned; refuse it instead.
    const reply = await http(url.href, {
      method: init.method,
      headers: init.headers,
      body,
      redirect: 'error',
    });
    // Read to the end either way, so the connection goes back to the pool.
    return { response: reply, text: await reply.text() };
  });
  if (!response.ok) throw backendError(ref, operation, response, text);
}

/**
 * Reads the whole object behind a presigned read URL.
 * @throws {ObjectNotFoundError} on 404
 * @throws {StorageBackendError} on any other answer but 2xx
 */
export async function receiveDownload(
  http: typeof fetch,
  ref: StorageRef,
  url: PresignedUrl,
): Promise<Buffer> {
  const operation = `download of ${formatRef(ref)}`;
  const { response, bytes } = await exchange(ref, operation, async () => {
    const reply = await http(url.href);
    return { response: reply, bytes: Buffer.from(await reply.arrayBuffer()) };
  });
  if (response.ok) return bytes;
  if (response.status === 404) throw new ObjectNotFoundError(formatRef(ref));
  throw backendError(ref, operation, response, bytes.toString('utf8'));
}

/**
 * Runs one request and reads its reply. A request that got no reply (connection refused or
 * reset, a timeout, a refused redirect) becomes a `StorageBackendError` naming the reference and
 * the error's name and system code, never the URL; it is transient when the network failed.
 */
async function exchange<T>(ref: StorageRef, operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    // Not kept as the cause: what fetch throws can quote the URL it was given.
    const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : errorName(err);
    throw new StorageBackendError(ref.scheme, operation, {
      code,
      transient: isTransientFailure(err),
    });
  }
}

/**
 * The error a failed transfer reports: the provider, the reference (safe to log), the status and
 * the service's own error code. The body is searched for the code only and never quoted, since S3
 * and Azure echo resource paths and request details in it.
 */
function backendError(
  ref: StorageRef,
  operation: string,
  response: Response,
  text: string,
): StorageBackendError {
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const code = serviceCode(response, text);
  return new StorageBackendError(ref.scheme, operation, {
    status: response.status,
    ...(code ? { code } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
  });
}

/** Azure names the error in a header, S3 in `<Code>`, Dropbox in a JSON `error_summary`. */
function serviceCode(response: Response, text: string): string | undefined {
  const header = response.headers.get('x-ms-error-code');
  if (header) return header;
  const xml = /<Code>([A-Za-z0-9._-]{1,64})<\/Code>/.exec(text);
  if (xml?.[1]) return xml[1];
  try {
    const summary = (JSON.parse(text) as { error_summary?: unknown }).error_summary;
    if (typeof summary === 'string' && summary.length <= 120) return summary;
  } catch {
    // Not JSON: no code to report.
  }
  return undefined;
}
