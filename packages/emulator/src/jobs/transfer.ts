import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { closeAll, coerceError, withoutQuery } from '@darkroom/core';
import { EmulatorError } from '../emulator-error';
import { type UploadContentType } from '../faults/fault-config';
import { JobFailedError, failures } from './job-failure';

/**
 * Keep-alive connection pools for storage, one pair per emulator (closed with it): storage on
 * loopback sees thousands of small transfers a second in benchmarks, and node:http with pooled
 * sockets costs far less per request than fetch.
 */
export class TransferAgents {
  readonly http = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

  /** Ends every pooled socket of both pools, the second even when the first fails. */
  destroy(): Promise<void> {
    return closeAll([() => this.http.destroy(), () => this.https.destroy()]);
  }
}

export interface TransferOptions {
  timeoutMs: number;
  maxInputBytes: number;
  signal: AbortSignal;
  agents: TransferAgents;
}

class TransferError extends EmulatorError {}

interface Exchange {
  status: number;
  response: IncomingMessage;
}

/**
 * One HTTP exchange; redirects are never followed (Adobe's service does not follow them). A
 * request sent on a pooled connection the storage had just closed (it reset before answering) is
 * sent once more on a fresh one, as Node's documentation advises for keep-alive pools: the
 * storage never saw it, so nothing is done twice.
 */
async function exchange(
  href: string,
  method: 'GET' | 'PUT' | 'POST',
  options: TransferOptions,
  body?: { bytes: Buffer; headers: Record<string, string> },
): Promise<Exchange> {
  try {
    return await exchangeOnce(href, method, options, body);
  } catch (err) {
    if (!(err instanceof StaleSocketError)) throw err;
    return exchangeOnce(href, method, options, body);
  }
}

/** A reset of a reused pooled connection before any answer (see `exchange`). */
class StaleSocketError extends TransferError {}

function exchangeOnce(
  href: string,
  method: 'GET' | 'PUT' | 'POST',
  options: TransferOptions,
  body?: { bytes: Buffer; headers: Record<string, string> },
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      reject(new TransferError('not a valid URL'));
      return;
    }
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method,
        agent: secure ? options.agents.https : options.agents.http,
        signal: options.signal,
        timeout: options.timeoutMs,
        headers: body
          ? { ...body.headers, 'content-length': String(body.bytes.length) }
          : undefined,
      },
      (response) => resolve({ status: response.statusCode ?? 0, response }),
    );
    req.on('timeout', () =>
      req.destroy(new TransferError(`no answer within ${options.timeoutMs} ms`)),
    );
    req.on('error', (err) => {
      const reset = (err as NodeJS.ErrnoException).code === 'ECONNRESET';
      reject(req.reusedSocket && reset ? new StaleSocketError(err.message) : err);
    });
    req.end(body?.bytes);
  });
}

function drain(response: IncomingMessage): void {
  response.resume();
}

function readAll(response: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        response.destroy(new TransferError(`input is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.on('aborted', () => reject(new TransferError('the connection closed mid-download')));
  });
}

function reasonOf(err: unknown): string {
  return coerceError(err).message;
}

/**
 * One GET of an input href, as Adobe does it: redirects are not followed (a 3xx fails the job),
 * 403/404/410 become Adobe's matching failure types.
 */
export async function downloadInput(href: string, options: TransferOptions): Promise<Buffer> {
  const name = withoutQuery(href);
  let reply: Exchange;
  try {
    reply = await exchange(href, 'GET', options);
  } catch (err) {
    throw new JobFailedError(
      failures.inputNotFound(name, `Unable to download the input href: ${reasonOf(err)}`),
    );
  }
  const { status, response } = reply;
  if (status < 200 || status >= 300) {
    drain(response);
    if (status === 403) throw new JobFailedError(failures.inputForbidden(name));
    if (status === 404) throw new JobFailedError(failures.inputNotFound(name));
    if (status === 410) throw new JobFailedError(failures.inputLinkInvalid(name));
    const what =
      status >= 300 && status < 400
        ? `answered a redirect (HTTP ${status}), which the service does not follow`
        : `answered HTTP ${status}`;
    throw new JobFailedError(failures.inputNotFound(name, `the input href ${what}`));
  }
  try {
    return await readAll(response, options.maxInputBytes);
  } catch (err) {
    throw new JobFailedError(failures.inputUnreadable(name, `download failed: ${reasonOf(err)}`));
  }
}

/**
 * The Content-Type an upload carries under the fault set's `storage.uploadContentType`: the
 * output's type, none (`undefined`), or `application/octet-stream`.
 */
export function uploadContentType(mode: UploadContentType, outputType: string): string | undefined {
  if (mode === 'none') return undefined;
  return mode === 'output-type' ? outputType : mode;
}

/**
 * How the bytes go to each kind of write URL, as Darkroom's storage layer expects an uploader
 * to send them: a PUT with the output's type (by default) for presigned URLs (S3 and the like);
 * Azure's Put Blob also needs `x-ms-blob-type: BlockBlob`; a Dropbox temporary upload link takes
 * the documented POST of `application/octet-stream`, whatever `contentType` is.
 */
export function uploadRequest(
  storage: string | undefined,
  contentType: string | undefined,
): { method: 'PUT' | 'POST'; headers: Record<string, string> } {
  if (storage === 'dropbox') {
    return { method: 'POST', headers: { 'content-type': 'application/octet-stream' } };
  }
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  if (storage === 'azure') headers['x-ms-blob-type'] = 'BlockBlob';
  return { method: 'PUT', headers };
}

/** One upload of an output to its href; body = the bytes. */
export async function uploadOutput(
  href: string,
  bytes: Buffer,
  request: { method: 'PUT' | 'POST'; headers: Record<string, string> },
  options: TransferOptions,
): Promise<void> {
  const name = withoutQuery(href);
  let reply: Exchange;
  try {
    reply = await exchange(href, request.method, options, { bytes, headers: request.headers });
  } catch (err) {
    throw new JobFailedError(failures.uploadFailed(name, `upload failed: ${reasonOf(err)}`));
  }
  drain(reply.response);
  if (reply.status < 200 || reply.status >= 300) {
    throw new JobFailedError(failures.uploadFailed(name, `upload answered HTTP ${reply.status}`));
  }
}
