import type { IncomingMessage, ServerResponse } from 'node:http';
import { coerceError } from '@darkroom/core';

/** The whole request body. Every route reads it, so a client never sees a reset mid-send. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers with plain text, as Dropbox does for malformed calls and server errors. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A union error in Dropbox's shape, e.g. `path/not_found/..` with `{ .tag: path, path: { .tag: not_found } }`. */
export function sendRpcError(res: ServerResponse, status: number, tags: string[]): void {
  const [outer, inner] = tags;
  const error: Record<string, unknown> = { '.tag': outer };
  if (outer !== undefined && inner !== undefined) error[outer] = { '.tag': inner };
  sendJson(res, status, { error_summary: `${tags.join('/')}/..`, error });
}

/**
 * Runs a request handler and turns a throw into a 500 (or a dropped connection once headers are
 * out), so a bug in the double shows up as a failed call rather than a hung test.
 */
export function serveSafely(res: ServerResponse, handle: () => Promise<void>): void {
  handle().catch((err: unknown) => {
    if (!res.headersSent) sendText(res, 500, `double failed: ${coerceError(err).message}`);
    else res.destroy();
  });
}
