import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { urlOriginAndPath } from '@darkroom/core';
import { HttpError } from '../errors';

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** Whole call, connection to last byte. */
  timeoutMs: number;
  /** A body longer than this fails the call and the connection is dropped. */
  maxBytes: number;
  signal?: AbortSignal;
}

export interface HttpGetResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One GET over node's http/https: no redirects followed (the caller decides where requests go),
 * a deadline, a body size limit and an abort signal. Errors carry the URL without its query
 * string and never the request headers.
 */
export function httpGet(url: URL, options: HttpGetOptions): Promise<HttpGetResult> {
  const shown = urlOriginAndPath(url.href);
  const fail = (reason: string, status?: number, cause?: unknown): HttpError =>
    new HttpError('GET', shown, status, reason, cause === undefined ? undefined : { cause });
  return new Promise<HttpGetResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(fail('aborted'));
      return;
    }
    let settled = false;
    const finish = (outcome: HttpGetResult | HttpError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (outcome instanceof HttpError) {
        req.destroy();
        reject(outcome);
      } else resolve(outcome);
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.get(url, { headers: options.headers ?? {} });
    const timer = setTimeout(
      () => finish(fail(`no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const onAbort = (): void => finish(fail('aborted'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(fail(err.message, undefined, err)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes)
          finish(fail(`body over ${options.maxBytes} bytes`, res.statusCode));
        else chunks.push(chunk);
      });
      res.on('error', (err) => finish(fail(err.message, res.statusCode, err)));
      res.on('close', () => {
        if (!res.complete) finish(fail('connection closed before the body ended', res.statusCode));
      });
      res.on('end', () =>
        finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
  });
}
