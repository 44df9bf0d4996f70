import { withoutQuery } from '../http/redact';
import { JobFailedError, failures } from './job-failure';

export interface TransferOptions {
  timeoutMs: number;
  maxInputBytes: number;
  signal: AbortSignal;
}

function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

/**
 * One GET of an input href, as Adobe does it: redirects are not followed (a 3xx fails the job),
 * 403/404/410 become Adobe's matching failure types.
 */
export async function downloadInput(href: string, options: TransferOptions): Promise<Buffer> {
  const name = withoutQuery(href);
  let response: Response;
  try {
    response = await fetch(href, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
  } catch (err) {
    throw new JobFailedError(
      failures.inputNotFound(name, `Unable to download the input href: ${reasonOf(err)}`),
    );
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 403) throw new JobFailedError(failures.inputForbidden(name));
    if (response.status === 404) throw new JobFailedError(failures.inputNotFound(name));
    if (response.status === 410) throw new JobFailedError(failures.inputLinkInvalid(name));
    const what =
      response.status >= 300 && response.status < 400
        ? `answered a redirect (HTTP ${response.status}), which the service does not follow`
        : `answered HTTP ${response.status}`;
    throw new JobFailedError(failures.inputNotFound(name, `the input href ${what}`));
  }
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > options.maxInputBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new JobFailedError(
      failures.inputUnreadable(name, `input is larger than ${options.maxInputBytes} bytes`),
    );
  }
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (err) {
    throw new JobFailedError(failures.inputNotFound(name, `download broke off: ${reasonOf(err)}`));
  }
}

/** One PUT of an output to its href; body = the bytes, Content-Type = the output type. */
export async function uploadOutput(
  href: string,
  bytes: Buffer,
  contentType: string,
  options: TransferOptions,
): Promise<void> {
  const name = withoutQuery(href);
  let response: Response;
  try {
    response = await fetch(href, {
      method: 'PUT',
      redirect: 'manual',
      headers: { 'content-type': contentType },
      body: bytes,
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
  } catch (err) {
    throw new JobFailedError(failures.uploadFailed(name, `upload failed: ${reasonOf(err)}`));
  }
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) {
    throw new JobFailedError(
      failures.uploadFailed(name, `upload answered HTTP ${response.status}`),
    );
  }
}
