import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { coerceError, redactSecrets } from '@darkroom/core';
import type { CheckedCallbackUrl, ResolvedAddress } from '../target/check-callback-url';

/** How much of a response body is read (and thrown away) before the socket is closed. */
export const MAX_RESPONSE_BYTES = 4 * 1024;

/** What one POST came to. */
export interface AttemptOutcome {
  /** A 2xx answer. */
  ok: boolean;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** Why the attempt failed, redacted: a status line, a timeout or a network error. */
  error?: string;
}

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  /** The whole exchange: connect, send, status and the drained body. */
  timeoutMs: number;
}

/** A lookup that answers every name with the one checked address. */
function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return (_host, options, callback) => {
    if (options.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
}

/** Reads up to {@link MAX_RESPONSE_BYTES} of the body, then lets the socket go. */
function drain(res: IncomingMessage, done: () => void): void {
  let seen = 0;
  res.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > MAX_RESPONSE_BYTES) {
      res.destroy();
      done();
    }
  });
  res.once('end', done);
  res.once('error', done);
  res.once('close', done);
}

function describeFailure(err: unknown, timeoutMs: number): string {
  // Read by shape: an abort can come from another realm, where `instanceof Error` fails.
  const { name, code } = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    code?: unknown;
  };
  if (name === 'AbortError' || name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const { message } = coerceError(err);
  const text =
    typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  return redactSecrets(text);
}

/**
 * POSTs one signed callback to the checked address. Redirects are not followed (a 3xx is a
 * failed attempt, so a callback cannot be bounced to an address that was never checked), the
 * answer's body is drained up to a few KiB and ignored, and the whole exchange has a deadline.
 * Never throws: every failure is an outcome.
 */
export function postCallback(
  target: CheckedCallbackUrl,
  options: PostOptions,
): Promise<AttemptOutcome> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const req = send(target.url, {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
      lookup: pinnedLookup(target.address),
      // A fresh connection per attempt: a pooled socket might lead to an address checked earlier.
      agent: false,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      drain(res, () =>
        finish(
          ok
            ? { ok, status }
            : {
                ok,
                status,
                error: `answered ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`,
              },
        ),
      );
    });
    req.once('error', (err) =>
      finish({ ok: false, error: describeFailure(err, options.timeoutMs) }),
    );
    req.end(options.body);
  });
}
